import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let gcpApiKey = SecretRule(
        id: "gcp-api-key",
        title: LocalizedText(en: "Google API key", zh: "谷歌 API 密钥"),
        category: "cloud", severity: .high,
        keywords: ["aiza"],
        pattern: #"\bAIza[0-9A-Za-z_-]{35}"#,
        examples: [
            "GOOGLE_API_KEY=AIza" + Fake.b64url(35, "gapi"),
        ],
        counterExamples: [
            "AIza" + Fake.b64url(20, "gshort"),
        ]
    )
}
