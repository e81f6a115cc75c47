import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let feishuWebhook = SecretRule(
        id: "feishu-webhook",
        title: LocalizedText(en: "Feishu/Lark bot webhook", zh: "飞书机器人 Webhook"),
        category: "chat", severity: .high,
        keywords: ["open.feishu.cn", "open.larksuite.com"],
        pattern: #"https://open\.(?:feishu\.cn|larksuite\.com)/open-apis/bot/v2/hook/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#,
        secret: .after("/hook/"),
        examples: [
            "FEISHU_WEBHOOK=https://open.feishu.cn/open-apis/bot/v2/hook/" + Fake.uuid("feishu"),
        ],
        counterExamples: [
            "https://open.feishu.cn/open-apis/bot/v2/hook/",
        ]
    )
}
