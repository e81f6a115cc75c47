import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let dynatraceToken = SecretRule(
        id: "dynatrace-token",
        title: LocalizedText(en: "Dynatrace API token", zh: "Dynatrace API 令牌"),
        category: "saas", severity: .high,
        keywords: ["dt0c01."],
        pattern: #"\bdt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}\b"#,
        examples: [
            "DT_API_TOKEN=dt0c01." + Fake.upperDigits(24, "dt1") + "." + Fake.upperDigits(64, "dt2"),
        ],
        counterExamples: [
            "dt0c01.SHORT",
        ]
    )
}
