import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let newrelicUserKey = SecretRule(
        id: "newrelic-user-key",
        title: LocalizedText(en: "New Relic user API key", zh: "New Relic 用户 API 密钥"),
        category: "saas", severity: .high,
        keywords: ["nrak-"],
        pattern: #"\bNRAK-[A-Z0-9]{27}\b"#,
        examples: [
            "NEW_RELIC_API_KEY=NRAK-" + Fake.upperDigits(27, "nrak"),
        ],
        counterExamples: [
            "NRAK-SHORT",
        ]
    )
}
