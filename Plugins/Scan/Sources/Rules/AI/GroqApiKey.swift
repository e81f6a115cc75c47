import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let groqApiKey = SecretRule(
        id: "groq-api-key",
        title: LocalizedText(en: "Groq API key", zh: "Groq API 密钥"),
        category: "ai", severity: .high,
        keywords: ["gsk_"],
        pattern: #"\bgsk_[A-Za-z0-9]{52}\b"#,
        examples: [
            "GROQ_API_KEY=gsk_" + Fake.alnum(52, "groq"),
        ],
        counterExamples: [
            "gsk_short",
        ]
    )
}
