import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let redisRequirepass = SecretRule(
        id: "redis-requirepass",
        title: LocalizedText(en: "Redis password in configuration", zh: "Redis 配置中的口令"),
        category: "database", severity: .high,
        keywords: ["requirepass", "masterauth"],
        pattern: #"(?i)\b(?:requirepass|masterauth)[ \t]{1,5}[^\s#"\']{6,128}"#,
        secret: .lastToken,
        examples: [
            "requirepass " + Fake.alnum(16, "redis"),
        ],
        counterExamples: [
            "requirepass ${REDIS_PASSWORD}",
            "requirepass foobared",
        ]
    )
}
