import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let awsSessionToken = SecretRule(
        id: "aws-session-token",
        title: LocalizedText(en: "AWS session token", zh: "AWS 会话令牌"),
        category: "cloud", severity: .high,
        keywords: ["aws"],
        pattern: #"(?i)aws[\w.-]{0,10}session[\w.-]{0,10}token["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9/+=]{64}"#,
        secret: .afterAssignment,
        minEntropy: 4.0,
        extend: "A-Za-z0-9/+=",
        examples: [
            "aws_session_token = IQoJb3JpZ2luX2Vj" + Fake.b64(300, "awsst"),
        ],
        counterExamples: [
            "aws_session_token = short",
        ]
    )
}
