import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let volcengineAccessKey = SecretRule(
        id: "volcengine-access-key",
        title: LocalizedText(en: "Volcengine access key", zh: "火山引擎访问密钥"),
        category: "cloud", severity: .high,
        keywords: ["aklt"],
        pattern: #"\bAKLT[A-Za-z0-9_-]{40,60}"#,
        examples: [
            "VOLC_ACCESSKEY=AKLT" + Fake.alnum(44, "volc"),
        ],
        counterExamples: [
            "AKLT" + Fake.alnum(10, "volcs"),
        ]
    )
}
