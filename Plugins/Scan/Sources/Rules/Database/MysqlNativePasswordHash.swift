import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let mysqlNativePasswordHash = SecretRule(
        id: "mysql-native-password-hash",
        title: LocalizedText(en: "MySQL native password hash", zh: "MySQL 原生口令散列"),
        category: "database", severity: .medium,
        keywords: ["password"],
        pattern: #"\*[0-9A-F]{40}\b"#,
        examples: [
            "CREATE USER app IDENTIFIED BY PASSWORD '*" + Fake.chars("0123456789ABCDEF", 40, "mysqlhash") + "'",
        ],
        counterExamples: [
            "*" + Fake.chars("0123456789ABCDEF", 40, "nopw"),
        ]
    )
}
