import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let linearApiKey = SecretRule(
        id: "linear-api-key",
        title: LocalizedText(en: "Linear API key", zh: "Linear API 密钥"),
        category: "saas", severity: .high,
        keywords: ["lin_api_"],
        pattern: #"\blin_api_[A-Za-z0-9]{40}\b"#,
        examples: [
            "LINEAR_API_KEY=lin_api_" + Fake.alnum(40, "linear"),
        ],
        counterExamples: [
            "lin_api_short",
        ]
    )
}
