import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let pulumiToken = SecretRule(
        id: "pulumi-token",
        title: LocalizedText(en: "Pulumi access token", zh: "Pulumi 访问令牌"),
        category: "cloud", severity: .high,
        keywords: ["pul-"],
        pattern: #"\bpul-[a-f0-9]{40}\b"#,
        examples: [
            "PULUMI_ACCESS_TOKEN=pul-" + Fake.hex(40, "pulumi"),
        ],
        counterExamples: [
            "pul-1234",
        ]
    )
}
