import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let aliyunOssSignedUrl = SecretRule(
        id: "aliyun-oss-signed-url",
        title: LocalizedText(en: "Alibaba Cloud OSS signed URL", zh: "阿里云 OSS 签名链接"),
        category: "cloud", severity: .medium,
        keywords: ["ossaccesskeyid"],
        pattern: #"(?i)[?&]Signature=[A-Za-z0-9%+/=]{20}"#,
        secret: .after("Signature="),
        extend: "A-Za-z0-9%+/=",
        keywordWindow: 1024,
        examples: [
            "https://b.oss-cn-hangzhou.aliyuncs.com/f.pdf?OSSAccessKeyId=LTAI" + Fake.alnum(20, "osssig") + "&Expires=1900000000&Signature=" + Fake.alnum(27, "osssig2") + "%3D",
        ],
        counterExamples: [
            "OSSAccessKeyId=LTAI1234&Signature=",
        ]
    )
}
