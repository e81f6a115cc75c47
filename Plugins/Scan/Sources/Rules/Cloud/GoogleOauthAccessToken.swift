import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let googleOauthAccessToken = SecretRule(
        id: "google-oauth-access-token",
        title: LocalizedText(en: "Google OAuth access token", zh: "谷歌 OAuth 访问令牌"),
        category: "cloud", severity: .high,
        keywords: ["ya29."],
        pattern: #"\bya29\.[0-9A-Za-z_-]{30,300}"#,
        examples: [
            "Authorization: Bearer ya29." + Fake.b64url(120, "ya29"),
        ],
        counterExamples: [
            "ya29.short",
        ]
    )
}
