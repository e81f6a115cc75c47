import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let rubygemsApiKey = SecretRule(
        id: "rubygems-api-key",
        title: LocalizedText(en: "RubyGems API key", zh: "RubyGems API 密钥"),
        category: "source-control", severity: .high,
        keywords: ["rubygems_"],
        pattern: #"\brubygems_[0-9a-f]{48}\b"#,
        examples: [
            ":rubygems_api_key: rubygems_" + Fake.hex(48, "gem"),
        ],
        counterExamples: [
            "rubygems_1234",
        ]
    )
}
