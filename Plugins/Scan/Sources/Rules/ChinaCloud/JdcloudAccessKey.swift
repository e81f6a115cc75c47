import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let jdcloudAccessKey = SecretRule(
        id: "jdcloud-access-key",
        title: LocalizedText(en: "JD Cloud access key", zh: "京东云访问密钥"),
        category: "cloud", severity: .high,
        keywords: ["jdc_"],
        pattern: #"\bJDC_[0-9A-Z]{28}\b"#,
        examples: [
            "jdcloud.access_key=JDC_" + Fake.upperDigits(28, "jdc"),
        ],
        counterExamples: [
            "JDC_SHORT",
        ]
    )
}
