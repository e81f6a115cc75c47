import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let npmAccessToken = SecretRule(
        id: "npm-access-token",
        title: LocalizedText(en: "npm access token", zh: "npm 访问令牌"),
        category: "source-control", severity: .high,
        keywords: ["npm_"],
        pattern: #"\bnpm_[A-Za-z0-9]{36}\b"#,
        examples: [
            "//registry.npmjs.org/:_authToken=npm_" + Fake.alnum(36, "npm"),
        ],
        counterExamples: [
            "npm_config_cache=/tmp/npm",
        ]
    )
}
