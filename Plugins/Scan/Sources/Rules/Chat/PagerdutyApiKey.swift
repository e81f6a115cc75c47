import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let pagerdutyApiKey = SecretRule(
        id: "pagerduty-api-key",
        title: LocalizedText(en: "PagerDuty API key", zh: "PagerDuty API 密钥"),
        category: "chat", severity: .high,
        keywords: ["pagerduty"],
        pattern: #"(?i)pagerduty[\w.-]{0,20}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9_+-]{20}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "PAGERDUTY_TOKEN=u+" + Fake.alnum(18, "pd"),
        ],
        counterExamples: [
            "pagerduty_service = checkout-api",
        ]
    )
}
