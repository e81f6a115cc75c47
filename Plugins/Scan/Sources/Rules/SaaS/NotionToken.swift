import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let notionToken = SecretRule(
        id: "notion-token",
        title: LocalizedText(en: "Notion integration token", zh: "Notion 集成令牌"),
        category: "saas", severity: .high,
        keywords: ["secret_", "ntn_"],
        pattern: #"\b(?:secret_[A-Za-z0-9]{43}|ntn_[0-9]{11}[A-Za-z0-9]{35})\b"#,
        examples: [
            "NOTION_TOKEN=secret_" + Fake.alnum(43, "notion"),
        ],
        counterExamples: [
            "secret_short",
        ]
    )
}
