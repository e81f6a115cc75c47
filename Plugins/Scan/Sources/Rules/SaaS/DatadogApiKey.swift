import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let datadogApiKey = SecretRule(
        id: "datadog-api-key",
        title: LocalizedText(en: "Datadog API key", zh: "Datadog API 密钥"),
        category: "saas", severity: .high,
        keywords: ["datadog", "dd_"],
        pattern: #"(?i)(?:datadog|dd)[\w.-]{0,20}(?:api|app)[\w.-]{0,5}key["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{32,40}\b"#,
        secret: .afterAssignment,
        examples: [
            "DD_API_KEY=" + Fake.hex(32, "datadog"),
        ],
        counterExamples: [
            "dd_site = datadoghq.com",
        ]
    )
}
