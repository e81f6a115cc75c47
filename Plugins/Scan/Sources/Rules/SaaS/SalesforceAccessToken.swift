import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let salesforceAccessToken = SecretRule(
        id: "salesforce-access-token",
        title: LocalizedText(en: "Salesforce access token", zh: "Salesforce 访问令牌"),
        category: "saas", severity: .high,
        keywords: ["00d"],
        pattern: #"\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{90,110}"#,
        examples: [
            "SF_TOKEN=00D" + Fake.alnum(15, "sf1") + "!" + Fake.alnum(96, "sf2"),
        ],
        counterExamples: [
            "00D123!abc",
        ]
    )
}
