import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let gitlabPipelineTriggerToken = SecretRule(
        id: "gitlab-pipeline-trigger-token",
        title: LocalizedText(en: "GitLab pipeline trigger token", zh: "GitLab 流水线触发令牌"),
        category: "source-control", severity: .high,
        keywords: ["glptt-"],
        pattern: #"\bglptt-[0-9a-f]{40}\b"#,
        examples: [
            "TRIGGER=glptt-" + Fake.hex(40, "glptt"),
        ],
        counterExamples: [
            "glptt-1234",
        ]
    )
}
