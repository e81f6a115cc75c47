import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let facebookAccessToken = SecretRule(
        id: "facebook-access-token",
        title: LocalizedText(en: "Facebook/Meta access token", zh: "Facebook/Meta 访问令牌"),
        category: "saas", severity: .high,
        keywords: ["eaac", "eaag", "eaab"],
        pattern: #"\bEAA[BCG][A-Za-z0-9]{80}"#,
        extend: "A-Za-z0-9",
        examples: [
            "FB_TOKEN=EAAG" + Fake.alnum(150, "fb"),
        ],
        counterExamples: [
            "EAAGshort",
        ]
    )
}
