import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let jwt = SecretRule(
        id: "jwt",
        title: LocalizedText(en: "JSON Web Token", zh: "JSON Web 令牌（JWT）"),
        category: "token", severity: .medium,
        keywords: ["eyj"],
        pattern: #"\.eyJ[A-Za-z0-9_-]{10}"#,
        locate: .jwt,
        examples: [
            "Authorization: Bearer " + Fake.jwt("jwt1"),
        ],
        counterExamples: [
            "eyJhbGciOiJub25lIn0.e30.",
        ]
    )
}
