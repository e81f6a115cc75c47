import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let brevoApiKey = SecretRule(
        id: "brevo-api-key",
        title: LocalizedText(en: "Brevo (Sendinblue) API key", zh: "Brevo（Sendinblue）API 密钥"),
        category: "chat", severity: .high,
        keywords: ["xkeysib-"],
        pattern: #"\bxkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}\b"#,
        examples: [
            "BREVO_KEY=xkeysib-" + Fake.hex(64, "brevo1") + "-" + Fake.alnum(16, "brevo2"),
        ],
        counterExamples: [
            "xkeysib-short",
        ]
    )
}
