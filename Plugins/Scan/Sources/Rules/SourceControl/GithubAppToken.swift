import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let githubAppToken = SecretRule(
        id: "github-app-token",
        title: LocalizedText(en: "GitHub App token", zh: "GitHub App 令牌"),
        category: "source-control", severity: .high,
        keywords: ["ghu_", "ghs_"],
        pattern: #"\bgh[us]_[A-Za-z0-9]{36}\b"#,
        examples: [
            "GH_APP_TOKEN=ghs_" + Fake.alnum(36, "ghs"),
        ],
        counterExamples: [
            "ghs_short",
        ]
    )
}
