import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let zendeskApiToken = SecretRule(
        id: "zendesk-api-token",
        title: LocalizedText(en: "Zendesk API token", zh: "Zendesk API 令牌"),
        category: "saas", severity: .high,
        keywords: ["zendesk"],
        pattern: #"(?i)zendesk[\w.-]{0,20}(?:token|key)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9]{40}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "ZENDESK_API_TOKEN=" + Fake.alnum(40, "zendesk"),
        ],
        counterExamples: [
            "zendesk_subdomain = corp",
        ]
    )
}
