import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let alibabaAccessKeyId = SecretRule(
        id: "alibaba-access-key-id",
        title: LocalizedText(en: "Alibaba Cloud AccessKey ID", zh: "阿里云 AccessKey ID"),
        category: "cloud", severity: .high,
        keywords: ["ltai"],
        pattern: #"\bLTAI[A-Za-z0-9]{12,20}\b"#,
        examples: [
            "aliyun.access-key-id=LTAI" + Fake.alnum(20, "ltai"),
        ],
        counterExamples: [
            "LTAI1234",
        ]
    )
}
