import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let slackWebhookUrl = SecretRule(
        id: "slack-webhook-url",
        title: LocalizedText(en: "Slack incoming webhook URL", zh: "Slack 传入 Webhook 地址"),
        category: "chat", severity: .high,
        keywords: ["hooks.slack.com"],
        pattern: #"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9+/]{43,46}"#,
        examples: [
            "webhook: https://hooks.slack.com/services/T" + Fake.upperDigits(8, "sw1") + "/B" + Fake.upperDigits(10, "sw2") + "/" + Fake.alnum(24, "sw3"),
        ],
        counterExamples: [
            "https://hooks.slack.com/services/",
        ]
    )
}
