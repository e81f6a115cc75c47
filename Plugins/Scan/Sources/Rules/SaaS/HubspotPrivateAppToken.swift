import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let hubspotPrivateAppToken = SecretRule(
        id: "hubspot-private-app-token",
        title: LocalizedText(en: "HubSpot private app token", zh: "HubSpot 私有应用令牌"),
        category: "saas", severity: .high,
        keywords: ["pat-na1-", "pat-eu1-"],
        pattern: #"\bpat-(?:na|eu)1-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"#,
        examples: [
            "HUBSPOT_TOKEN=pat-na1-" + Fake.uuid("hubspot"),
        ],
        counterExamples: [
            "pat-na1-1234",
        ]
    )
}
