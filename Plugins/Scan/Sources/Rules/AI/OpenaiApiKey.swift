import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let openaiApiKey = SecretRule(
        id: "openai-api-key",
        title: LocalizedText(en: "OpenAI API key", zh: "OpenAI API 密钥"),
        category: "ai", severity: .high,
        keywords: ["t3blbkfj"],
        pattern: #"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,74}T3BlbkFJ"#,
        extend: "A-Za-z0-9_-",
        examples: [
            "OPENAI_API_KEY=sk-proj-" + Fake.b64url(40, "oai1") + "T3BlbkFJ" + Fake.b64url(40, "oai2"),
        ],
        counterExamples: [
            "sk-proj-short",
        ]
    )
}
