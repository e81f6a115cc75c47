import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let stripeWebhookSecret = SecretRule(
        id: "stripe-webhook-secret",
        title: LocalizedText(en: "Stripe webhook signing secret", zh: "Stripe Webhook 签名密钥"),
        category: "payment", severity: .high,
        keywords: ["whsec_"],
        pattern: #"\bwhsec_[A-Za-z0-9]{32,64}\b"#,
        examples: [
            "STRIPE_WEBHOOK_SECRET=whsec_" + Fake.alnum(32, "whsec"),
        ],
        counterExamples: [
            "whsec_short",
        ]
    )
}
