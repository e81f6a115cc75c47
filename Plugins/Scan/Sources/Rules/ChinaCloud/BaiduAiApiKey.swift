import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let baiduAiApiKey = SecretRule(
        id: "baidu-ai-api-key",
        title: LocalizedText(en: "Baidu AI open platform API key", zh: "百度 AI 开放平台 API Key"),
        category: "cloud", severity: .high,
        keywords: ["baidu"],
        pattern: #"(?i)baidu[\w.-]{0,20}(?:api[_-]?key|apikey|secret[_-]?key)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[A-Za-z0-9]{24,32}\b"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        examples: [
            "BAIDU_API_KEY=" + Fake.alnum(24, "bdapi"),
        ],
        counterExamples: [
            "baidu_api_url = https://aip.baidubce.com",
        ]
    )
}
