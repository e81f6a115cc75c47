import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let grafanaServiceAccountToken = SecretRule(
        id: "grafana-service-account-token",
        title: LocalizedText(en: "Grafana service account token", zh: "Grafana 服务账号令牌"),
        category: "saas", severity: .high,
        keywords: ["glsa_"],
        pattern: #"\bglsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}\b"#,
        examples: [
            "GRAFANA_TOKEN=glsa_" + Fake.alnum(32, "glsa1") + "_" + Fake.hex(8, "glsa2"),
        ],
        counterExamples: [
            "glsa_short",
        ]
    )
}
