import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let discordWebhook = SecretRule(
        id: "discord-webhook",
        title: LocalizedText(en: "Discord webhook URL", zh: "Discord Webhook 地址"),
        category: "chat", severity: .high,
        keywords: ["discord"],
        pattern: #"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{17,20}/[A-Za-z0-9_-]{60,68}"#,
        examples: [
            "https://discord.com/api/webhooks/" + Fake.digits(19, "dw1") + "/" + Fake.b64url(68, "dw2"),
        ],
        counterExamples: [
            "https://discord.com/api/webhooks/123/abc",
        ]
    )
}
