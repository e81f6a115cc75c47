import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let cryptSha512Hash = SecretRule(
        id: "crypt-sha512-hash",
        title: LocalizedText(en: "SHA-512 crypt password hash ($6$)", zh: "SHA-512 crypt 口令散列（$6$）"),
        category: "database", severity: .medium,
        keywords: ["$6$"],
        pattern: #"\$6\$(?:rounds=\d{4,9}\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}"#,
        examples: [
            "root:$6$" + Fake.alnum(16, "sha512s") + "$" + Fake.alnum(86, "sha512h") + ":19000:0:99999:7:::",
        ],
        counterExamples: [
            "root:*:19000:0:99999:7:::",
        ]
    )
}
