import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let githubOauthToken = SecretRule(
        id: "github-oauth-token",
        title: LocalizedText(en: "GitHub OAuth access token", zh: "GitHub OAuth 访问令牌"),
        category: "source-control", severity: .high,
        keywords: ["gho_"],
        pattern: #"\bgho_[A-Za-z0-9]{36}\b"#,
        examples: [
            "oauth_token: gho_" + Fake.alnum(36, "gho"),
        ],
        counterExamples: [
            "gho_short",
        ]
    )
}
