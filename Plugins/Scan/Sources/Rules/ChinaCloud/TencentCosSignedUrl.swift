import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let tencentCosSignedUrl = SecretRule(
        id: "tencent-cos-signed-url",
        title: LocalizedText(en: "Tencent COS signed URL", zh: "腾讯云 COS 签名链接"),
        category: "cloud", severity: .medium,
        keywords: ["q-sign-algorithm"],
        pattern: #"(?i)[?&]q-signature=[0-9a-f]{40}"#,
        secret: .after("q-signature="),
        keywordWindow: 1024,
        examples: [
            "https://b-1250000000.cos.ap-guangzhou.myqcloud.com/a.txt?q-sign-algorithm=sha1&q-ak=AKID" + Fake.alnum(32, "cosak") + "&q-sign-time=1700000000;1900000000&q-signature=" + Fake.hex(40, "cossig"),
        ],
        counterExamples: [
            "q-sign-algorithm=sha1&q-signature=abc",
        ]
    )
}
