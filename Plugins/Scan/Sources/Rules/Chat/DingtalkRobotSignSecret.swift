import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let dingtalkRobotSignSecret = SecretRule(
        id: "dingtalk-robot-sign-secret",
        title: LocalizedText(en: "DingTalk robot signing secret", zh: "钉钉机器人加签密钥"),
        category: "chat", severity: .high,
        keywords: ["sec"],
        pattern: #"\bSEC[0-9a-f]{64}\b"#,
        examples: [
            "ding.secret=SEC" + Fake.hex(64, "dingsec"),
        ],
        counterExamples: [
            "SEC1234",
        ]
    )
}
