import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let mysqlCliPassword = SecretRule(
        id: "mysql-cli-password",
        title: LocalizedText(en: "Password on a mysql command line", zh: "mysql 命令行中的口令"),
        category: "database", severity: .high,
        keywords: ["mysql"],
        pattern: #"\s-p[^\s\-"\'$]{4}"#,
        secret: .after(" -p"),
        extend: "^ \t\r\n\"'",
        keywordWindow: 100,
        examples: [
            "mysqldump -h db -u root -p" + Fake.alnum(12, "mysqlcli") + " hr > hr.sql",
        ],
        counterExamples: [
            "mysql -u root -p hr",
        ]
    )
}
