import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let circleciToken = SecretRule(
        id: "circleci-token",
        title: LocalizedText(en: "CircleCI API token", zh: "CircleCI API 令牌"),
        category: "source-control", severity: .high,
        keywords: ["circle"],
        pattern: #"(?i)circle[\w.-]{0,20}token["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{40}\b"#,
        secret: .afterAssignment,
        examples: [
            "CIRCLE_TOKEN=" + Fake.hex(40, "circle"),
        ],
        counterExamples: [
            "circle_token = ${CIRCLE_TOKEN}",
        ]
    )
}
