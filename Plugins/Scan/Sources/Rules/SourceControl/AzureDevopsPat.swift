import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let azureDevopsPat = SecretRule(
        id: "azure-devops-pat",
        title: LocalizedText(en: "Azure DevOps personal access token", zh: "Azure DevOps 个人访问令牌"),
        category: "source-control", severity: .high,
        keywords: ["azure", "devops", "ado", "vsts"],
        pattern: #"(?i)(?:azure|devops|ado|vsts)[\w.-]{0,20}(?:pat|token)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[a-z2-7]{52}\b"#,
        secret: .afterAssignment,
        examples: [
            "AZURE_DEVOPS_PAT=" + Fake.chars("abcdefghijklmnopqrstuvwxyz234567", 52, "adopat"),
        ],
        counterExamples: [
            "ado_token = none",
        ]
    )
}
