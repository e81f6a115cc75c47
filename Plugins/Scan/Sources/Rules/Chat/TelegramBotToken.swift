import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let telegramBotToken = SecretRule(
        id: "telegram-bot-token",
        title: LocalizedText(en: "Telegram bot token", zh: "Telegram 机器人令牌"),
        category: "chat", severity: .high,
        keywords: ["aa"],
        pattern: #"\b\d{8,10}:AA[A-Za-z0-9_-]{33}"#,
        examples: [
            "TELEGRAM_BOT_TOKEN=" + Fake.digits(10, "tg1") + ":AA" + Fake.b64url(33, "tg2"),
        ],
        counterExamples: [
            "12345678:AAshort",
        ]
    )
}
