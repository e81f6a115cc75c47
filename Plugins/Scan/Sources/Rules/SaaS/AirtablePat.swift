import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let airtablePat = SecretRule(
        id: "airtable-pat",
        title: LocalizedText(en: "Airtable personal access token", zh: "Airtable 个人访问令牌"),
        category: "saas", severity: .high,
        keywords: ["pat"],
        pattern: #"\bpat[A-Za-z0-9]{14}\.[a-f0-9]{64}\b"#,
        examples: [
            "AIRTABLE_TOKEN=pat" + Fake.alnum(14, "at1") + "." + Fake.hex(64, "at2"),
        ],
        counterExamples: [
            "pat123.abc",
        ]
    )
}
