import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let weiboAppSecret = SecretRule(
        id: "weibo-app-secret",
        title: LocalizedText(en: "Weibo app secret", zh: "微博应用 App Secret"),
        category: "saas", severity: .high,
        keywords: ["weibo"],
        pattern: #"(?i)weibo[\w.-]{0,20}(?:app[_-]?secret|secret)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{32}\b"#,
        secret: .afterAssignment,
        examples: [
            "weibo.app-secret=" + Fake.hex(32, "weibo"),
        ],
        counterExamples: [
            "weibo.app-key=1234567890",
        ]
    )
}
