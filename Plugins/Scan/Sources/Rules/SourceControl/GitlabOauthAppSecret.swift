import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let gitlabOauthAppSecret = SecretRule(
        id: "gitlab-oauth-app-secret",
        title: LocalizedText(en: "GitLab OAuth application secret", zh: "GitLab OAuth 应用密钥"),
        category: "source-control", severity: .high,
        keywords: ["gloas-"],
        pattern: #"\bgloas-[A-Za-z0-9_-]{64}"#,
        examples: [
            "secret: gloas-" + Fake.hex(64, "gloas"),
        ],
        counterExamples: [
            "gloas-short",
        ]
    )
}
