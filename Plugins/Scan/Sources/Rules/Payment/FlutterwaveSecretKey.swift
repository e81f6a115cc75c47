import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let flutterwaveSecretKey = SecretRule(
        id: "flutterwave-secret-key",
        title: LocalizedText(en: "Flutterwave secret key", zh: "Flutterwave 私钥"),
        category: "payment", severity: .high,
        keywords: ["flwseck"],
        pattern: #"\bFLWSECK(?:_TEST)?-[a-h0-9]{32}-X\b"#,
        examples: [
            "FLW_SECRET_KEY=FLWSECK-" + Fake.chars("abcdefgh0123456789", 32, "flw") + "-X",
        ],
        counterExamples: [
            "FLWSECK-short-X",
        ]
    )
}
