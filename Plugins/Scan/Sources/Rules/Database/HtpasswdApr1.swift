import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let htpasswdApr1 = SecretRule(
        id: "htpasswd-apr1",
        title: LocalizedText(en: "Password hash in an htpasswd file (APR1-MD5)", zh: "htpasswd 口令散列（APR1-MD5）"),
        category: "database", severity: .medium,
        keywords: ["$apr1$"],
        pattern: #"\b[a-z0-9_.-]{1,32}:\$apr1\$[./0-9A-Za-z]{8}\$[./0-9A-Za-z]{22}"#,
        secret: .after(":"),
        examples: [
            "admin:$apr1$" + Fake.alnum(8, "apr1") + "$" + Fake.alnum(22, "apr2"),
        ],
        counterExamples: [
            "admin:$apr1$short",
        ]
    )
}
