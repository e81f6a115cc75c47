import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let razorpayKey = SecretRule(
        id: "razorpay-key",
        title: LocalizedText(en: "Razorpay API key", zh: "Razorpay API 密钥"),
        category: "payment", severity: .high,
        keywords: ["rzp_"],
        pattern: #"\brzp_(?:live|test)_[A-Za-z0-9]{14}\b"#,
        examples: [
            "RAZORPAY_KEY=rzp_" + "live_" + Fake.alnum(14, "rzp"),
        ],
        counterExamples: [
            "rzp_live_short",
        ]
    )
}
