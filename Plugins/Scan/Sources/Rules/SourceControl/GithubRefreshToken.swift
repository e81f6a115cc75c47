import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let githubRefreshToken = SecretRule(
        id: "github-refresh-token",
        title: LocalizedText(en: "GitHub refresh token", zh: "GitHub 刷新令牌"),
        category: "source-control", severity: .high,
        keywords: ["ghr_"],
        pattern: #"\bghr_[A-Za-z0-9]{36,76}\b"#,
        examples: [
            "refresh_token=ghr_" + Fake.alnum(76, "ghr"),
        ],
        counterExamples: [
            "ghr_short",
        ]
    )
}
