import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let gitlabRunnerToken = SecretRule(
        id: "gitlab-runner-token",
        title: LocalizedText(en: "GitLab runner token", zh: "GitLab Runner 令牌"),
        category: "source-control", severity: .high,
        keywords: ["glrt-", "gr1348941"],
        pattern: #"\b(?:glrt-|GR1348941)[A-Za-z0-9_-]{20}"#,
        examples: [
            "token = \"glrt-" + Fake.alnum(20, "glrt") + "\"",
        ],
        counterExamples: [
            "glrt-short",
        ]
    )
}
