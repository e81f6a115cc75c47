import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let qqConnectAppKey = SecretRule(
        id: "qq-connect-app-key",
        title: LocalizedText(en: "QQ Connect app key", zh: "QQ 互联 App Key"),
        category: "saas", severity: .high,
        keywords: ["qq"],
        pattern: #"(?i)qq[\w.-]{0,20}(?:app[_-]?key|app[_-]?secret)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{32}\b"#,
        secret: .afterAssignment,
        examples: [
            "qq.connect.app-key=" + Fake.hex(32, "qqconnect"),
        ],
        counterExamples: [
            "qq.connect.app-id=101" + Fake.digits(6, "qqid"),
        ]
    )
}
