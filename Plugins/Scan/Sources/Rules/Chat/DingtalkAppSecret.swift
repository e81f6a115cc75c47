import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let dingtalkAppSecret = SecretRule(
        id: "dingtalk-app-secret",
        title: LocalizedText(en: "DingTalk app secret", zh: "钉钉应用 AppSecret"),
        category: "chat", severity: .high,
        keywords: ["ding"],
        pattern: #"(?i)ding[\w.-]{0,20}(?:app[_-]?secret|client[_-]?secret)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9_-]{64}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "dingtalk.app-secret=" + Fake.b64url(64, "dingapp"),
        ],
        counterExamples: [
            "dingtalk.app-key=ding" + Fake.lowerDigits(16, "dingkey"),
        ]
    )
}
