import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let contentfulToken = SecretRule(
        id: "contentful-token",
        title: LocalizedText(en: "Contentful delivery or management token", zh: "Contentful 令牌"),
        category: "saas", severity: .high,
        keywords: ["contentful"],
        pattern: #"(?i)contentful[\w.-]{0,20}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9=_-]{43}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "CONTENTFUL_ACCESS_TOKEN=" + Fake.b64url(43, "contentful"),
        ],
        counterExamples: [
            "contentful_space = abc",
        ]
    )
}
