import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let nugetApiKey = SecretRule(
        id: "nuget-api-key",
        title: LocalizedText(en: "NuGet API key", zh: "NuGet API 密钥"),
        category: "source-control", severity: .high,
        keywords: ["oy2"],
        pattern: #"\boy2[a-z0-9]{43}\b"#,
        examples: [
            "NUGET_API_KEY=oy2" + Fake.lowerDigits(43, "nuget"),
        ],
        counterExamples: [
            "oy2short",
        ]
    )
}
