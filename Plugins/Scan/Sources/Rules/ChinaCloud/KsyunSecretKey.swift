import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let ksyunSecretKey = SecretRule(
        id: "ksyun-secret-key",
        title: LocalizedText(en: "Kingsoft Cloud secret key", zh: "金山云私有访问密钥"),
        category: "cloud", severity: .critical,
        keywords: ["ksyun", "kingsoft"],
        pattern: #"(?i)(?:ksyun|kingsoft)[\w.-]{0,30}(?:secret|sk)[\w.-]{0,16}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9+/=]{40}"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        extend: "A-Za-z0-9+/=",
        examples: [
            "KSYUN_SECRET_KEY=" + Fake.b64(48, "ksyun"),
        ],
        counterExamples: [
            "ksyun_region = cn-beijing-6",
        ]
    )
}
