import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let sonarqubeToken = SecretRule(
        id: "sonarqube-token",
        title: LocalizedText(en: "SonarQube token", zh: "SonarQube 令牌"),
        category: "source-control", severity: .high,
        keywords: ["sqp_", "squ_", "sqa_"],
        pattern: #"\bsq[pua]_[0-9a-f]{40}\b"#,
        examples: [
            "SONAR_TOKEN=sqp_" + Fake.hex(40, "sonar"),
        ],
        counterExamples: [
            "sqp_1234",
        ]
    )
}
