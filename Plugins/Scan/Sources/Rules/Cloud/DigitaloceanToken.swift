import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let digitaloceanToken = SecretRule(
        id: "digitalocean-token",
        title: LocalizedText(en: "DigitalOcean token", zh: "DigitalOcean 令牌"),
        category: "cloud", severity: .high,
        keywords: ["do"],
        pattern: #"\bdo[opr]_v1_[a-f0-9]{64}\b"#,
        examples: [
            "DIGITALOCEAN_TOKEN=dop_v1_" + Fake.hex(64, "dop"),
        ],
        counterExamples: [
            "dop_v1_" + Fake.hex(20, "dops"),
        ]
    )
}
