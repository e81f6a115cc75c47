import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let octopusDeployApiKey = SecretRule(
        id: "octopus-deploy-api-key",
        title: LocalizedText(en: "Octopus Deploy API key", zh: "Octopus Deploy API 密钥"),
        category: "source-control", severity: .high,
        keywords: ["api-"],
        pattern: #"\bAPI-[A-Z0-9]{26}\b"#,
        examples: [
            "OCTOPUS_API_KEY=API-" + Fake.upperDigits(26, "octo"),
        ],
        counterExamples: [
            "API-SHORT",
        ]
    )
}
