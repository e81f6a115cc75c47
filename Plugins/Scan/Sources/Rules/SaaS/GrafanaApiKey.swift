import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let grafanaApiKey = SecretRule(
        id: "grafana-api-key",
        title: LocalizedText(en: "Grafana API key (legacy) or cloud token", zh: "Grafana API 密钥（旧版）或云令牌"),
        category: "saas", severity: .high,
        keywords: ["eyjrijoi", "glc_"],
        pattern: #"\b(?:eyJrIjoi[A-Za-z0-9+/=]{70}|glc_[A-Za-z0-9+/]{32})"#,
        extend: "A-Za-z0-9+/=",
        examples: [
            "grafana_key: glc_" + Fake.b64(80, "glc"),
        ],
        counterExamples: [
            "glc_short",
        ]
    )
}
