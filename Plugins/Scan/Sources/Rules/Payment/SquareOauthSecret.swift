import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let squareOauthSecret = SecretRule(
        id: "square-oauth-secret",
        title: LocalizedText(en: "Square OAuth secret", zh: "Square OAuth 密钥"),
        category: "payment", severity: .high,
        keywords: ["sq0csp-"],
        pattern: #"\bsq0csp-[A-Za-z0-9_-]{43}"#,
        examples: [
            "SQUARE_OAUTH_SECRET=sq0csp-" + Fake.b64url(43, "sq0csp"),
        ],
        counterExamples: [
            "sq0csp-short",
        ]
    )
}
