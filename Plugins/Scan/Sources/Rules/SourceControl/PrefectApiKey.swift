import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let prefectApiKey = SecretRule(
        id: "prefect-api-key",
        title: LocalizedText(en: "Prefect API key", zh: "Prefect API 密钥"),
        category: "source-control", severity: .high,
        keywords: ["pnu_"],
        pattern: #"\bpnu_[A-Za-z0-9]{36}\b"#,
        examples: [
            "PREFECT_API_KEY=pnu_" + Fake.alnum(36, "prefect"),
        ],
        counterExamples: [
            "pnu_short",
        ]
    )
}
