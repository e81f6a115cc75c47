import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let readmeApiKey = SecretRule(
        id: "readme-api-key",
        title: LocalizedText(en: "ReadMe API key", zh: "ReadMe API 密钥"),
        category: "saas", severity: .high,
        keywords: ["rdme_"],
        pattern: #"\brdme_[a-z0-9]{70}\b"#,
        examples: [
            "README_API_KEY=rdme_" + Fake.lowerDigits(70, "rdme"),
        ],
        counterExamples: [
            "rdme_short",
        ]
    )
}
