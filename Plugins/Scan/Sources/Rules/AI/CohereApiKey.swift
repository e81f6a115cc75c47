import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let cohereApiKey = SecretRule(
        id: "cohere-api-key",
        title: LocalizedText(en: "Cohere API key", zh: "Cohere API 密钥"),
        category: "ai", severity: .high,
        keywords: ["cohere", "co_api"],
        pattern: #"(?i)(?:cohere|co_api)[\w.-]{0,20}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9]{40}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "COHERE_API_KEY=" + Fake.alnum(40, "cohere"),
        ],
        counterExamples: [
            "cohere_model = command-r",
        ]
    )
}
