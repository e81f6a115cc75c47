import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let cryptSha256Hash = SecretRule(
        id: "crypt-sha256-hash",
        title: LocalizedText(en: "SHA-256 crypt password hash ($5$)", zh: "SHA-256 crypt 口令散列（$5$）"),
        category: "database", severity: .medium,
        keywords: ["$5$"],
        pattern: #"\$5\$(?:rounds=\d{4,9}\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{43}"#,
        examples: [
            "user:$5$" + Fake.alnum(16, "sha256s") + "$" + Fake.alnum(43, "sha256h"),
        ],
        counterExamples: [
            "$5$short",
        ]
    )
}
