import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let buildkiteToken = SecretRule(
        id: "buildkite-token",
        title: LocalizedText(en: "Buildkite agent token", zh: "Buildkite 代理令牌"),
        category: "source-control", severity: .high,
        keywords: ["bkua_"],
        pattern: #"\bbkua_[a-f0-9]{40}\b"#,
        examples: [
            "BUILDKITE_API_TOKEN=bkua_" + Fake.hex(40, "bk"),
        ],
        counterExamples: [
            "bkua_1234",
        ]
    )
}
