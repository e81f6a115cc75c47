import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let mistralApiKey = SecretRule(
        id: "mistral-api-key",
        title: LocalizedText(en: "Mistral AI API key", zh: "Mistral AI API 密钥"),
        category: "ai", severity: .high,
        keywords: ["mistral"],
        pattern: #"(?i)mistral[\w.-]{0,20}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9]{32}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "MISTRAL_API_KEY=" + Fake.alnum(32, "mistral"),
        ],
        counterExamples: [
            "mistral_model = mistral-large-latest",
        ]
    )
}
