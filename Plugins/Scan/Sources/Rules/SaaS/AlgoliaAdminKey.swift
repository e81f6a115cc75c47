import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let algoliaAdminKey = SecretRule(
        id: "algolia-admin-key",
        title: LocalizedText(en: "Algolia admin API key", zh: "Algolia 管理 API 密钥"),
        category: "saas", severity: .high,
        keywords: ["algolia"],
        pattern: #"(?i)algolia[\w.-]{0,20}(?:admin|api)[\w.-]{0,5}key["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[a-f0-9]{32}\b"#,
        secret: .afterAssignment,
        examples: [
            "ALGOLIA_ADMIN_KEY=" + Fake.hex(32, "algolia"),
        ],
        counterExamples: [
            "algolia_app_id = ABC123",
        ]
    )
}
