import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let postmarkServerToken = SecretRule(
        id: "postmark-server-token",
        title: LocalizedText(en: "Postmark server token", zh: "Postmark 服务器令牌"),
        category: "chat", severity: .high,
        keywords: ["postmark"],
        pattern: #"(?i)postmark[\w.-]{0,20}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#,
        secret: .afterAssignment,
        examples: [
            "POSTMARK_SERVER_TOKEN=" + Fake.uuid("postmark"),
        ],
        counterExamples: [
            "postmark_from = noreply",
        ]
    )
}
