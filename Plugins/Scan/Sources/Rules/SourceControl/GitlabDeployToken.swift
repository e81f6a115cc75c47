import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let gitlabDeployToken = SecretRule(
        id: "gitlab-deploy-token",
        title: LocalizedText(en: "GitLab deploy token", zh: "GitLab 部署令牌"),
        category: "source-control", severity: .high,
        keywords: ["gldt-"],
        pattern: #"\bgldt-[A-Za-z0-9_-]{20}"#,
        examples: [
            "password: gldt-" + Fake.alnum(20, "gldt"),
        ],
        counterExamples: [
            "gldt-short",
        ]
    )
}
