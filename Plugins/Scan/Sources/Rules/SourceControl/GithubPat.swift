import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let githubPat = SecretRule(
        id: "github-pat",
        title: LocalizedText(en: "GitHub personal access token", zh: "GitHub 个人访问令牌"),
        category: "source-control", severity: .high,
        keywords: ["ghp_"],
        pattern: #"\bghp_[A-Za-z0-9]{36}\b"#,
        examples: [
            "GITHUB_TOKEN=ghp_" + Fake.alnum(36, "ghp"),
        ],
        counterExamples: [
            "ghp_" + Fake.alnum(20, "ghps"),
        ]
    )
}
