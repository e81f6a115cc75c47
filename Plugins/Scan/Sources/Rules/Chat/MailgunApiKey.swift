import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let mailgunApiKey = SecretRule(
        id: "mailgun-api-key",
        title: LocalizedText(en: "Mailgun API key", zh: "Mailgun API 密钥"),
        category: "chat", severity: .high,
        keywords: ["mailgun"],
        pattern: #"\bkey-[0-9a-f]{32}\b"#,
        examples: [
            "MAILGUN_API_KEY=key-" + Fake.hex(32, "mailgun"),
        ],
        counterExamples: [
            "other_key=key-" + Fake.hex(32, "notmg"),
        ]
    )
}
