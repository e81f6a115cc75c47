import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let alibabaStsToken = SecretRule(
        id: "alibaba-sts-token",
        title: LocalizedText(en: "Alibaba Cloud STS temporary AccessKey", zh: "阿里云 STS 临时访问凭证"),
        category: "cloud", severity: .high,
        keywords: ["sts."],
        pattern: #"\bSTS\.[A-Za-z0-9]{20,40}\b"#,
        examples: [
            "accessKeyId: STS." + Fake.alnum(28, "alists"),
        ],
        counterExamples: [
            "STS.short",
        ]
    )
}
