import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let slackAppToken = SecretRule(
        id: "slack-app-token",
        title: LocalizedText(en: "Slack app-level token", zh: "Slack 应用级令牌"),
        category: "chat", severity: .high,
        keywords: ["xapp-"],
        pattern: #"\bxapp-\d-[A-Z0-9]{9,12}-\d{10,13}-[a-f0-9]{64}\b"#,
        examples: [
            "SLACK_APP_TOKEN=xapp-1-A" + Fake.upperDigits(10, "sa1") + "-" + Fake.digits(13, "sa2") + "-" + Fake.hex(64, "sa3"),
        ],
        counterExamples: [
            "xapp-1-short",
        ]
    )
}
