import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let linodeToken = SecretRule(
        id: "linode-token",
        title: LocalizedText(en: "Linode API token", zh: "Linode API 令牌"),
        category: "cloud", severity: .high,
        keywords: ["linode"],
        pattern: #"(?i)linode[\w.-]{0,20}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[a-f0-9]{64}\b"#,
        secret: .afterAssignment,
        examples: [
            "LINODE_TOKEN=" + Fake.hex(64, "linode"),
        ],
        counterExamples: [
            "linode_region = ap-south",
        ]
    )
}
