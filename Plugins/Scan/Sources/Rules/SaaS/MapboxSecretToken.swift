import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let mapboxSecretToken = SecretRule(
        id: "mapbox-secret-token",
        title: LocalizedText(en: "Mapbox secret token", zh: "Mapbox 私密令牌"),
        category: "saas", severity: .high,
        keywords: ["sk.eyj1ijoi"],
        pattern: #"\bsk\.eyJ1Ijoi[A-Za-z0-9_-]{50,100}\.[A-Za-z0-9_-]{22}"#,
        examples: [
            "MAPBOX_TOKEN=sk.eyJ1Ijoi" + Fake.b64url(60, "mb1") + "." + Fake.b64url(22, "mb2"),
        ],
        counterExamples: [
            "pk.eyJ1Ijoi" + Fake.b64url(60, "mbpk") + "." + Fake.b64url(22, "mbpk2"),
        ]
    )
}
