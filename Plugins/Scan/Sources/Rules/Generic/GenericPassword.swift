import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let genericPassword = SecretRule(
        id: "generic-password",
        title: LocalizedText(en: "Password in configuration or code", zh: "配置或代码中的口令"),
        category: "generic", severity: .high,
        keywords: ["pass", "pwd", "密码", "口令"],
        pattern: #"(?i)(?:\b(?:password|passwd|pwd|pass|db_?pass|admin_?pass|root_?pass)|密码|口令)["\']?\s{0,3}(?::|=>|:=|=|：)\s{0,5}["\']?[\x21\x23\x25\x26\x28-\x2B\x2D-\x3A\x3D\x3F-\x7A\x7C\x7E]{6}"#,
        secret: .afterAssignment,
        minEntropy: 2.5,
        extend: "^ \t\r\n\"',;<>",
        examples: [
            "db.password=" + Fake.alnum(12, "genpw"),
            "密码：" + Fake.alnum(10, "genpw2") + "!",
            "  \"password\": \"" + Fake.alnum(14, "genpw3") + "#\"",
        ],
        counterExamples: [
            "password = self.password",
            "password: ${DB_PASSWORD}",
            "password=changeme",
            "密码：请联系管理员",
            "password_min_length = 8",
        ]
    )
}
