import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let bearerTokenHeader = SecretRule(
        id: "bearer-token-header",
        title: LocalizedText(en: "HTTP bearer token", zh: "HTTP Bearer 令牌"),
        category: "generic", severity: .high,
        keywords: ["bearer"],
        pattern: #"(?i)authorization\s{0,3}:\s{0,3}bearer\s{1,3}[A-Za-z0-9_.=+/-]{20,1000}"#,
        secret: .after("bearer "),
        minEntropy: 3.5,
        examples: [
            "-H \"Authorization: Bearer " + Fake.b64url(40, "bearer") + "\"",
        ],
        counterExamples: [
            "Authorization: Bearer ${TOKEN}",
        ]
    )
}
