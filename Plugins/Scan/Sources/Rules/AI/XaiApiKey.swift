import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let xaiApiKey = SecretRule(
        id: "xai-api-key",
        title: LocalizedText(en: "xAI API key", zh: "xAI API 密钥"),
        category: "ai", severity: .high,
        keywords: ["xai-"],
        pattern: #"\bxai-[A-Za-z0-9]{80}\b"#,
        examples: [
            "XAI_API_KEY=xai-" + Fake.alnum(80, "xai"),
        ],
        counterExamples: [
            "xai-short",
        ]
    )
}
