import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let llmCompatibleApiKey = SecretRule(
        id: "llm-compatible-api-key",
        title: LocalizedText(en: "OpenAI-compatible API key (DashScope, DeepSeek, Moonshot...)", zh: "兼容 OpenAI 的大模型 API 密钥（通义、DeepSeek、Kimi 等）"),
        category: "ai", severity: .high,
        keywords: ["dashscope", "deepseek", "qwen", "moonshot", "kimi", "api_key", "apikey", "llm"],
        pattern: #"\bsk-[0-9a-f]{32}\b"#,
        examples: [
            "DASHSCOPE_API_KEY=sk-" + Fake.hex(32, "dashscope"),
        ],
        counterExamples: [
            "color: sk-" + Fake.hex(32, "skcolor"),
        ]
    )
}
