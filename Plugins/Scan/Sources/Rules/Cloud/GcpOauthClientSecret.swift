import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let gcpOauthClientSecret = SecretRule(
        id: "gcp-oauth-client-secret",
        title: LocalizedText(en: "Google OAuth client secret", zh: "谷歌 OAuth 客户端密钥"),
        category: "cloud", severity: .high,
        keywords: ["gocspx-"],
        pattern: #"\bGOCSPX-[A-Za-z0-9_-]{28}"#,
        examples: [
            "client_secret: GOCSPX-" + Fake.b64url(28, "gocspx"),
        ],
        counterExamples: [
            "GOCSPX-short",
        ]
    )
}
