import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let bitbucketAppPassword = SecretRule(
        id: "bitbucket-app-password",
        title: LocalizedText(en: "Bitbucket/Atlassian app password", zh: "Bitbucket/Atlassian 应用口令"),
        category: "source-control", severity: .high,
        keywords: ["atbb"],
        pattern: #"\bATBB[A-Za-z0-9_=.-]{32}"#,
        examples: [
            "BITBUCKET_APP_PASSWORD=ATBB" + Fake.alnum(32, "atbb"),
        ],
        counterExamples: [
            "ATBBshort",
        ]
    )
}
