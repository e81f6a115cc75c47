import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let teamsWebhook = SecretRule(
        id: "teams-webhook",
        title: LocalizedText(en: "Microsoft Teams webhook URL", zh: "Microsoft Teams Webhook 地址"),
        category: "chat", severity: .high,
        keywords: ["webhook.office.com"],
        pattern: #"https://[a-z0-9-]{1,63}\.webhook\.office\.com/webhookb2/[a-f0-9-]{36}@[a-f0-9-]{36}/IncomingWebhook/[a-f0-9]{32}/[a-f0-9-]{36}"#,
        examples: [
            "https://corp.webhook.office.com/webhookb2/" + Fake.uuid("t1") + "@" + Fake.uuid("t2") + "/IncomingWebhook/" + Fake.hex(32, "t3") + "/" + Fake.uuid("t4"),
        ],
        counterExamples: [
            "https://corp.webhook.office.com/webhookb2/",
        ]
    )
}
