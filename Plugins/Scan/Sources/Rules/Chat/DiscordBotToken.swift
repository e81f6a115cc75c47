import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let discordBotToken = SecretRule(
        id: "discord-bot-token",
        title: LocalizedText(en: "Discord bot token", zh: "Discord 机器人令牌"),
        category: "chat", severity: .high,
        keywords: ["discord", "bot"],
        pattern: #"\b[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}"#,
        examples: [
            "DISCORD_BOT_TOKEN=M" + Fake.alnum(25, "dc1") + "." + Fake.alnum(6, "dc2") + "." + Fake.b64url(38, "dc3"),
        ],
        counterExamples: [
            "discord_bot = MTE.short.x",
        ]
    )
}
