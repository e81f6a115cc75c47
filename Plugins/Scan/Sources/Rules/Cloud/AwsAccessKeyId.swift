import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let awsAccessKeyId = SecretRule(
        id: "aws-access-key-id",
        title: LocalizedText(en: "AWS access key ID", zh: "AWS 访问密钥 ID"),
        category: "cloud", severity: .high,
        keywords: ["akia", "asia", "abia", "acca"],
        pattern: #"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b"#,
        examples: [
            "aws_access_key_id = AKIA" + Fake.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, "akid"),
        ],
        counterExamples: [
            "AKIAIOSFODNN7EXAMPLE",
            "AKIA" + Fake.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 12, "akshort"),
        ]
    )
}
