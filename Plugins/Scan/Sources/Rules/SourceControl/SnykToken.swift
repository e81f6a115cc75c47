import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let snykToken = SecretRule(
        id: "snyk-token",
        title: LocalizedText(en: "Snyk API token", zh: "Snyk API 令牌"),
        category: "source-control", severity: .high,
        keywords: ["snyk"],
        pattern: #"(?i)snyk[\w.-]{0,20}(?:token|key)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#,
        secret: .afterAssignment,
        examples: [
            "SNYK_TOKEN=" + Fake.uuid("snyk"),
        ],
        counterExamples: [
            "snyk_org = myorg",
        ]
    )
}
