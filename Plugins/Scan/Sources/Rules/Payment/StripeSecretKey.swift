import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let stripeSecretKey = SecretRule(
        id: "stripe-secret-key",
        title: LocalizedText(en: "Stripe secret or restricted key", zh: "Stripe 私钥或受限密钥"),
        category: "payment", severity: .critical,
        keywords: ["sk_", "rk_"],
        pattern: #"\b[sr]k_(?:live|test)_[A-Za-z0-9]{24,99}\b"#,
        examples: [
            "STRIPE_SECRET_KEY=sk_" + "live_" + Fake.alnum(24, "stripe"),
        ],
        counterExamples: [
            "pk_" + "live_" + Fake.alnum(24, "stripepk"),
        ]
    )
}
