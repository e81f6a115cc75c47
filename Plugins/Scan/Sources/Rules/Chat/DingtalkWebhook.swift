import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let dingtalkWebhook = SecretRule(
        id: "dingtalk-webhook",
        title: LocalizedText(en: "DingTalk robot webhook", zh: "钉钉机器人 Webhook"),
        category: "chat", severity: .high,
        keywords: ["oapi.dingtalk.com"],
        pattern: #"https://oapi\.dingtalk\.com/robot/send\?access_token=[0-9a-f]{64}"#,
        secret: .after("access_token="),
        examples: [
            "ding_webhook = https://oapi.dingtalk.com/robot/send?access_token=" + Fake.hex(64, "ding"),
        ],
        counterExamples: [
            "https://oapi.dingtalk.com/robot/send?access_token=${DING_TOKEN}",
        ]
    )
}
