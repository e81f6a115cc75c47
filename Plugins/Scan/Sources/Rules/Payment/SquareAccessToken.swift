import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let squareAccessToken = SecretRule(
        id: "square-access-token",
        title: LocalizedText(en: "Square access token", zh: "Square 访问令牌"),
        category: "payment", severity: .high,
        keywords: ["eaaa", "sq0atp-"],
        pattern: #"\b(?:EAAA|sq0atp-)[A-Za-z0-9_-]{22,60}"#,
        examples: [
            "SQUARE_ACCESS_TOKEN=EAAA" + Fake.b64url(60, "square"),
        ],
        counterExamples: [
            "EAAAshort",
        ]
    )
}
