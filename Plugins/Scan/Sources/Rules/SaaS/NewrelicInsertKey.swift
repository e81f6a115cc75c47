import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let newrelicInsertKey = SecretRule(
        id: "newrelic-insert-key",
        title: LocalizedText(en: "New Relic insert key", zh: "New Relic 写入密钥"),
        category: "saas", severity: .high,
        keywords: ["nrii-"],
        pattern: #"\bNRII-[A-Za-z0-9_-]{32}"#,
        examples: [
            "insert_key: NRII-" + Fake.b64url(32, "nrii"),
        ],
        counterExamples: [
            "NRII-short",
        ]
    )
}
