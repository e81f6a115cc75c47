import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let postmanApiKey = SecretRule(
        id: "postman-api-key",
        title: LocalizedText(en: "Postman API key", zh: "Postman API 密钥"),
        category: "saas", severity: .high,
        keywords: ["pmak-"],
        pattern: #"\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b"#,
        examples: [
            "POSTMAN_API_KEY=PMAK-" + Fake.hex(24, "pm1") + "-" + Fake.hex(34, "pm2"),
        ],
        counterExamples: [
            "PMAK-short",
        ]
    )
}
