import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let droneCiToken = SecretRule(
        id: "drone-ci-token",
        title: LocalizedText(en: "Drone CI token", zh: "Drone CI 令牌"),
        category: "source-control", severity: .high,
        keywords: ["drone"],
        pattern: #"(?i)drone[\w.-]{0,20}token["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9]{32}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "DRONE_TOKEN=" + Fake.alnum(32, "drone"),
        ],
        counterExamples: [
            "drone_server = https://ci",
        ]
    )
}
