import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let twitterBearerToken = SecretRule(
        id: "twitter-bearer-token",
        title: LocalizedText(en: "Twitter/X bearer token", zh: "Twitter/X Bearer 令牌"),
        category: "saas", severity: .high,
        keywords: ["aaaaaaaaaaaaaaaaaaaaa"],
        pattern: #"\bAAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{30}"#,
        extend: "A-Za-z0-9%",
        examples: [
            "TWITTER_BEARER=AAAAAAAAAAAAAAAAAAAAA" + Fake.alnum(80, "tw"),
        ],
        counterExamples: [
            "AAAAAAAAAAAAAAAAAAAAAshort",
        ]
    )
}
