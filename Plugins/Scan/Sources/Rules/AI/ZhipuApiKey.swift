import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let zhipuApiKey = SecretRule(
        id: "zhipu-api-key",
        title: LocalizedText(en: "Zhipu AI (BigModel) API key", zh: "智谱 AI（BigModel）API 密钥"),
        category: "ai", severity: .high,
        keywords: ["zhipu", "bigmodel", "glm"],
        pattern: #"(?i)(?:zhipu|bigmodel|glm)[\w.-]{0,20}["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[0-9a-f]{32}\.[A-Za-z0-9]{16}\b"#,
        secret: .afterAssignment,
        examples: [
            "ZHIPUAI_API_KEY=" + Fake.hex(32, "zp1") + "." + Fake.alnum(16, "zp2"),
        ],
        counterExamples: [
            "checksum=" + Fake.hex(32, "zp3") + "." + Fake.alnum(16, "zp4"),
        ]
    )
}
