import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let ciscoType7Password = SecretRule(
        id: "cisco-type7-password",
        title: LocalizedText(en: "Cisco type 7 password (reversible)", zh: "Cisco type 7 口令（可逆）"),
        category: "database", severity: .high,
        keywords: ["password 7", "secret 7"],
        pattern: #"(?i)\b(?:password|secret|key) 7 [0-9A-F]{8,64}\b"#,
        secret: .lastToken,
        examples: [
            " username admin password 7 " + Fake.chars("0123456789ABCDEF", 22, "cisco7"),
        ],
        counterExamples: [
            " password 7 XYZ",
        ]
    )
}
