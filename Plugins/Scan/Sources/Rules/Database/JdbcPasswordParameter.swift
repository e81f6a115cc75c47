import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let jdbcPasswordParameter = SecretRule(
        id: "jdbc-password-parameter",
        title: LocalizedText(en: "JDBC URL with a password parameter", zh: "含口令参数的 JDBC 连接串"),
        category: "database", severity: .critical,
        keywords: ["jdbc:"],
        pattern: #"(?i)[;?&](?:password|pwd)=[^;&\s"\'$]{4}"#,
        secret: .after("password=|pwd="),
        extend: "^;& \t\r\n\"'",
        keywordWindow: 1024,
        examples: [
            "jdbc:sqlserver://db:1433;databaseName=hr;user=sa;password=" + Fake.alnum(14, "jdbcpw"),
        ],
        counterExamples: [
            "jdbc:mysql://db/app?password=${PW}",
        ]
    )
}
