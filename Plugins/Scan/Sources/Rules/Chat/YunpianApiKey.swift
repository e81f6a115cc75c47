import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let yunpianApiKey = SecretRule(
        id: "yunpian-api-key",
        title: LocalizedText(en: "Yunpian SMS API key", zh: "云片短信 API 密钥"),
        category: "chat", severity: .high,
        keywords: ["yunpian"],
        pattern: #"(?i)yunpian[\w.-]{0,20}(?:api[_-]?key|apikey)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{32}\b"#,
        secret: .afterAssignment,
        examples: [
            "yunpian.apikey=" + Fake.hex(32, "yunpian"),
        ],
        counterExamples: [
            "yunpian.sign=【公司】",
        ]
    )
}
