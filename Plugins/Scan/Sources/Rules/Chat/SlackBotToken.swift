import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let slackBotToken = SecretRule(
        id: "slack-bot-token",
        title: LocalizedText(en: "Slack bot token", zh: "Slack 机器人令牌"),
        category: "chat", severity: .high,
        keywords: ["xoxb-"],
        pattern: #"\bxoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}\b"#,
        examples: [
            "SLACK_BOT_TOKEN=xoxb-" + Fake.digits(12, "sb1") + "-" + Fake.digits(13, "sb2") + "-" + Fake.alnum(24, "sb3"),
        ],
        counterExamples: [
            "xoxb-123-456-short",
        ]
    )
}
