import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let slackUserToken = SecretRule(
        id: "slack-user-token",
        title: LocalizedText(en: "Slack user token", zh: "Slack 用户令牌"),
        category: "chat", severity: .high,
        keywords: ["xoxp-", "xoxe-"],
        pattern: #"\bxox[pe]-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{32}\b"#,
        examples: [
            "token=xoxp-" + Fake.digits(12, "su1") + "-" + Fake.digits(12, "su2") + "-" + Fake.digits(13, "su3") + "-" + Fake.hex(32, "su4"),
        ],
        counterExamples: [
            "xoxp-1-2-3-short",
        ]
    )
}
