import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let herokuApiKey = SecretRule(
        id: "heroku-api-key",
        title: LocalizedText(en: "Heroku API key", zh: "Heroku API 密钥"),
        category: "cloud", severity: .high,
        keywords: ["heroku", "hrku-"],
        pattern: #"(?i)(?:heroku[\w.-]{0,20}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\bHRKU-[A-Za-z0-9_-]{60})"#,
        secret: .lastToken,
        examples: [
            "HEROKU_API_KEY=" + Fake.uuid("heroku"),
            "token: HRKU-" + Fake.b64url(60, "hrku"),
        ],
        counterExamples: [
            "heroku_app = my-app",
        ]
    )
}
