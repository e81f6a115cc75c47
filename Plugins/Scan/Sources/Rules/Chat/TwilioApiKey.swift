import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let twilioApiKey = SecretRule(
        id: "twilio-api-key",
        title: LocalizedText(en: "Twilio API key", zh: "Twilio API 密钥"),
        category: "chat", severity: .high,
        keywords: ["sk"],
        pattern: #"\bSK[0-9a-f]{32}\b"#,
        examples: [
            "TWILIO_API_KEY=SK" + Fake.hex(32, "twk"),
        ],
        counterExamples: [
            "SK1234",
        ]
    )
}
