import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let planetscaleToken = SecretRule(
        id: "planetscale-token",
        title: LocalizedText(en: "PlanetScale token or password", zh: "PlanetScale 令牌或口令"),
        category: "cloud", severity: .high,
        keywords: ["pscale_"],
        pattern: #"\bpscale_(?:tkn|pw|oauth)_[A-Za-z0-9=._-]{32,64}"#,
        examples: [
            "DATABASE_PASSWORD=pscale_pw_" + Fake.b64url(43, "pscale"),
        ],
        counterExamples: [
            "pscale_pw_short",
        ]
    )
}
