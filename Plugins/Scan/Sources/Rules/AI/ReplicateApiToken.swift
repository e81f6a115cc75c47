import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let replicateApiToken = SecretRule(
        id: "replicate-api-token",
        title: LocalizedText(en: "Replicate API token", zh: "Replicate API 令牌"),
        category: "ai", severity: .high,
        keywords: ["r8_"],
        pattern: #"\br8_[A-Za-z0-9]{37}\b"#,
        examples: [
            "REPLICATE_API_TOKEN=r8_" + Fake.alnum(37, "r8"),
        ],
        counterExamples: [
            "r8_short",
        ]
    )
}
