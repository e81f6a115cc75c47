import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let genericApiKey = SecretRule(
        id: "generic-api-key",
        title: LocalizedText(en: "API key or access token in configuration or code", zh: "配置或代码中的 API 密钥或访问令牌"),
        category: "generic", severity: .high,
        keywords: ["key", "token"],
        pattern: #"(?i)\b(?:api_?key|apikey|api-key|access_?key|access_?token|auth_?token|x-api-key|app_?key)["\']?\s{0,3}(?::|=>|:=|=)\s{0,5}["\']?[A-Za-z0-9_.-]{16}"#,
        secret: .afterAssignment,
        minEntropy: 3.5,
        extend: "A-Za-z0-9_.-",
        examples: [
            "apiKey: \"" + Fake.alnum(32, "genkey") + "\"",
        ],
        counterExamples: [
            "api_key = your_api_key_here",
            "access_token = null_placeholder_value",
        ]
    )
}
