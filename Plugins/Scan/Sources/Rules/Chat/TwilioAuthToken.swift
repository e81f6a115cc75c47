import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let twilioAuthToken = SecretRule(
        id: "twilio-auth-token",
        title: LocalizedText(en: "Twilio auth token", zh: "Twilio 认证令牌"),
        category: "chat", severity: .high,
        keywords: ["twilio"],
        pattern: #"(?i)twilio[\w.-]{0,20}(?:auth[_-]?)?token["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{32}\b"#,
        secret: .afterAssignment,
        examples: [
            "TWILIO_AUTH_TOKEN=" + Fake.hex(32, "twt"),
        ],
        counterExamples: [
            "twilio_token = none",
        ]
    )
}
