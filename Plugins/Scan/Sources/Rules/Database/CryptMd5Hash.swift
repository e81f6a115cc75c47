import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let cryptMd5Hash = SecretRule(
        id: "crypt-md5-hash",
        title: LocalizedText(en: "MD5 crypt password hash ($1$)", zh: "MD5 crypt 口令散列（$1$）"),
        category: "database", severity: .medium,
        keywords: ["$1$"],
        pattern: #"\$1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}"#,
        examples: [
            "enable secret 5 $1$" + Fake.alnum(4, "md5s") + "$" + Fake.alnum(22, "md5h"),
        ],
        counterExamples: [
            "$1$short",
        ]
    )
}
