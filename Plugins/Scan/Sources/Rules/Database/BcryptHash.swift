import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let bcryptHash = SecretRule(
        id: "bcrypt-hash",
        title: LocalizedText(en: "bcrypt password hash", zh: "bcrypt 口令散列"),
        category: "database", severity: .low,
        keywords: ["$2"],
        pattern: #"\$2[abxy]\$\d\d\$[./0-9A-Za-z]{53}"#,
        examples: [
            "password_hash = \"$2b$12$" + Fake.alnum(53, "bcrypt") + "\"",
        ],
        counterExamples: [
            "$2b$12$short",
        ]
    )
}
