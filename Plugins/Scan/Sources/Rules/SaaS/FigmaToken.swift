import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let figmaToken = SecretRule(
        id: "figma-token",
        title: LocalizedText(en: "Figma personal access token", zh: "Figma 个人访问令牌"),
        category: "saas", severity: .high,
        keywords: ["figd_"],
        pattern: #"\bfigd_[A-Za-z0-9_-]{40}"#,
        examples: [
            "FIGMA_TOKEN=figd_" + Fake.b64url(40, "figma"),
        ],
        counterExamples: [
            "figd_short",
        ]
    )
}
