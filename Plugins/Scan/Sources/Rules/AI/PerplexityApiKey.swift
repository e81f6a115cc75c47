import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let perplexityApiKey = SecretRule(
        id: "perplexity-api-key",
        title: LocalizedText(en: "Perplexity API key", zh: "Perplexity API 密钥"),
        category: "ai", severity: .high,
        keywords: ["pplx-"],
        pattern: #"\bpplx-[A-Za-z0-9]{48}\b"#,
        examples: [
            "PPLX_API_KEY=pplx-" + Fake.alnum(48, "pplx"),
        ],
        counterExamples: [
            "pplx-short",
        ]
    )
}
