import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let mailchimpApiKey = SecretRule(
        id: "mailchimp-api-key",
        title: LocalizedText(en: "Mailchimp API key", zh: "Mailchimp API 密钥"),
        category: "chat", severity: .high,
        keywords: ["-us"],
        pattern: #"\b[0-9a-f]{32}-us\d{1,2}\b"#,
        examples: [
            "MAILCHIMP_KEY=" + Fake.hex(32, "mc") + "-us21",
        ],
        counterExamples: [
            "abcd-us1",
        ]
    )
}
