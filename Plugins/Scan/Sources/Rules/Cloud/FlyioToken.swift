import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let flyioToken = SecretRule(
        id: "flyio-token",
        title: LocalizedText(en: "Fly.io access token", zh: "Fly.io 访问令牌"),
        category: "cloud", severity: .high,
        keywords: ["fo1_", "fm1", "fm2"],
        pattern: #"\b(?:fo1_[A-Za-z0-9_-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,300}={0,3})"#,
        examples: [
            "FLY_API_TOKEN=fo1_" + Fake.b64url(43, "fly"),
        ],
        counterExamples: [
            "fo1_short",
        ]
    )
}
