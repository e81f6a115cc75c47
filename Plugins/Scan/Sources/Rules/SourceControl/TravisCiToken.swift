import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let travisCiToken = SecretRule(
        id: "travis-ci-token",
        title: LocalizedText(en: "Travis CI API token", zh: "Travis CI API 令牌"),
        category: "source-control", severity: .high,
        keywords: ["travis"],
        pattern: #"(?i)travis[\w.-]{0,20}token["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9_-]{22}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.0,
        examples: [
            "TRAVIS_API_TOKEN=" + Fake.b64url(22, "travis"),
        ],
        counterExamples: [
            "travis_token = none",
        ]
    )
}
