import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let gitlabPat = SecretRule(
        id: "gitlab-pat",
        title: LocalizedText(en: "GitLab personal access token", zh: "GitLab 个人访问令牌"),
        category: "source-control", severity: .high,
        keywords: ["glpat-"],
        pattern: #"\bglpat-[A-Za-z0-9_-]{20}"#,
        examples: [
            "GITLAB_TOKEN=glpat-" + Fake.alnum(20, "glpat"),
        ],
        counterExamples: [
            "glpat-short",
        ]
    )
}
