import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let feishuAppSecret = SecretRule(
        id: "feishu-app-secret",
        title: LocalizedText(en: "Feishu/Lark app secret", zh: "飞书应用 App Secret"),
        category: "chat", severity: .high,
        keywords: ["feishu", "lark"],
        pattern: #"(?i)(?:feishu|lark)[\w.-]{0,20}(?:app[_-]?secret|secret)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9]{32}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "feishu.app-secret=" + Fake.alnum(32, "feishusec"),
        ],
        counterExamples: [
            "feishu.app-id=cli_" + Fake.hex(16, "cli"),
        ]
    )
}
