import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let atlassianApiToken = SecretRule(
        id: "atlassian-api-token",
        title: LocalizedText(en: "Atlassian API token", zh: "Atlassian API 令牌"),
        category: "source-control", severity: .high,
        keywords: ["atatt3"],
        pattern: #"\bATATT3[A-Za-z0-9_=-]{180}"#,
        extend: "A-Za-z0-9_=-",
        examples: [
            "JIRA_API_TOKEN=ATATT3" + Fake.b64url(186, "atatt"),
        ],
        counterExamples: [
            "ATATT3short",
        ]
    )
}
