import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let jfrogApiKey = SecretRule(
        id: "jfrog-api-key",
        title: LocalizedText(en: "JFrog Artifactory API key", zh: "JFrog Artifactory API 密钥"),
        category: "source-control", severity: .high,
        keywords: ["akcp"],
        pattern: #"\bAKCp[A-Za-z0-9]{69}\b"#,
        examples: [
            "ARTIFACTORY_API_KEY=AKCp" + Fake.alnum(69, "jfrog"),
        ],
        counterExamples: [
            "AKCpshort",
        ]
    )
}
