import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let codecovToken = SecretRule(
        id: "codecov-token",
        title: LocalizedText(en: "Codecov upload token", zh: "Codecov 上传令牌"),
        category: "source-control", severity: .medium,
        keywords: ["codecov"],
        pattern: #"(?i)codecov[\w.-]{0,20}token["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#,
        secret: .afterAssignment,
        examples: [
            "CODECOV_TOKEN=" + Fake.uuid("codecov"),
        ],
        counterExamples: [
            "codecov_token = none",
        ]
    )
}
