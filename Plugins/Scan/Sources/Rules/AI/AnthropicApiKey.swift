import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let anthropicApiKey = SecretRule(
        id: "anthropic-api-key",
        title: LocalizedText(en: "Anthropic API key", zh: "Anthropic API 密钥"),
        category: "ai", severity: .high,
        keywords: ["sk-ant-"],
        pattern: #"\bsk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA\b"#,
        examples: [
            "ANTHROPIC_API_KEY=sk-ant-api03-" + Fake.b64url(93, "ant") + "AA",
        ],
        counterExamples: [
            "sk-ant-api03-short",
        ]
    )
}
