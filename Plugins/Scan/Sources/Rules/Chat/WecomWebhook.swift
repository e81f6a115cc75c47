import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let wecomWebhook = SecretRule(
        id: "wecom-webhook",
        title: LocalizedText(en: "WeCom (WeChat Work) group robot webhook", zh: "企业微信群机器人 Webhook"),
        category: "chat", severity: .high,
        keywords: ["qyapi.weixin.qq.com"],
        pattern: #"https://qyapi\.weixin\.qq\.com/cgi-bin/webhook/send\?key=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#,
        secret: .after("key="),
        examples: [
            "WECOM_WEBHOOK=https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + Fake.uuid("wecom"),
        ],
        counterExamples: [
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=",
        ]
    )
}
