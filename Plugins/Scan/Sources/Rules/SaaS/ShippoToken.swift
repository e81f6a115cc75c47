import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let shippoToken = SecretRule(
        id: "shippo-token",
        title: LocalizedText(en: "Shippo API token", zh: "Shippo API 令牌"),
        category: "saas", severity: .high,
        keywords: ["shippo_"],
        pattern: #"\bshippo_(?:live|test)_[a-f0-9]{40}\b"#,
        examples: [
            "SHIPPO_TOKEN=shippo_" + "live_" + Fake.hex(40, "shippo"),
        ],
        counterExamples: [
            "shippo_live_short",
        ]
    )
}
