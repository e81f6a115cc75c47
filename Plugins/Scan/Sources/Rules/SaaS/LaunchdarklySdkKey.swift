import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let launchdarklySdkKey = SecretRule(
        id: "launchdarkly-sdk-key",
        title: LocalizedText(en: "LaunchDarkly SDK or API key", zh: "LaunchDarkly SDK/API 密钥"),
        category: "saas", severity: .high,
        keywords: ["sdk-", "api-"],
        pattern: #"\b(?:sdk|api)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"#,
        examples: [
            "LD_SDK_KEY=sdk-" + Fake.uuid("ld"),
        ],
        counterExamples: [
            "sdk-1234",
        ]
    )
}
