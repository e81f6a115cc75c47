import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let sendgridApiKey = SecretRule(
        id: "sendgrid-api-key",
        title: LocalizedText(en: "SendGrid API key", zh: "SendGrid API 密钥"),
        category: "chat", severity: .high,
        keywords: ["sg."],
        pattern: #"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"#,
        examples: [
            "SENDGRID_API_KEY=SG." + Fake.b64url(22, "sg1") + "." + Fake.b64url(43, "sg2"),
        ],
        counterExamples: [
            "SG.short.key",
        ]
    )
}
