import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let dopplerToken = SecretRule(
        id: "doppler-token",
        title: LocalizedText(en: "Doppler token", zh: "Doppler 令牌"),
        category: "cloud", severity: .high,
        keywords: ["dp.pt."],
        pattern: #"\bdp\.pt\.[a-z0-9]{43}\b"#,
        examples: [
            "DOPPLER_TOKEN=dp.pt." + Fake.lowerDigits(43, "doppler"),
        ],
        counterExamples: [
            "dp.pt.short",
        ]
    )
}
