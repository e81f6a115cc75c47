import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let npmrcAuthToken = SecretRule(
        id: "npmrc-auth-token",
        title: LocalizedText(en: "npm registry auth token (.npmrc)", zh: "npm 仓库认证令牌（.npmrc）"),
        category: "source-control", severity: .high,
        keywords: ["_authtoken"],
        pattern: #"(?i)_authToken\s{0,3}=\s{0,3}[A-Za-z0-9_.-]{20,200}"#,
        secret: .afterAssignment,
        minEntropy: 3.0,
        examples: [
            "//npm.corp.example.cn/:_authToken=" + Fake.uuid("npmrc"),
        ],
        counterExamples: [
            "//registry/:_authToken=${NPM_TOKEN}",
        ]
    )
}
