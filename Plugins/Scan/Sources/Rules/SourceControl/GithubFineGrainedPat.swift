import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let githubFineGrainedPat = SecretRule(
        id: "github-fine-grained-pat",
        title: LocalizedText(en: "GitHub fine-grained access token", zh: "GitHub 细粒度访问令牌"),
        category: "source-control", severity: .high,
        keywords: ["github_pat_"],
        pattern: #"\bgithub_pat_[A-Za-z0-9_]{82}\b"#,
        examples: [
            "token: github_pat_" + Fake.alnum(22, "ghfg1") + "_" + Fake.alnum(59, "ghfg2"),
        ],
        counterExamples: [
            "github_pat_short",
        ]
    )
}
