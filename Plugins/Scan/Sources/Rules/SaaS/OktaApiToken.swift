import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let oktaApiToken = SecretRule(
        id: "okta-api-token",
        title: LocalizedText(en: "Okta API token", zh: "Okta API 令牌"),
        category: "saas", severity: .high,
        keywords: ["okta"],
        pattern: #"(?i)okta[\w.-]{0,20}(?:token|key)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?00[A-Za-z0-9_-]{40}\b"#,
        secret: .afterAssignment,
        examples: [
            "OKTA_API_TOKEN=00" + Fake.b64url(40, "okta"),
        ],
        counterExamples: [
            "okta_domain = corp.okta.com",
        ]
    )
}
