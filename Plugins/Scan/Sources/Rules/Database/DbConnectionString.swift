import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let dbConnectionString = SecretRule(
        id: "db-connection-string",
        title: LocalizedText(en: "Database connection string with a password", zh: "含口令的数据库连接串"),
        category: "database", severity: .critical,
        keywords: ["://"],
        pattern: #"(?i)\b(?:mysql|mariadb|postgres(?:ql)?|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|clickhouse|jdbc:[a-z]{2,12}|dm|kingbase8?|gbase|oceanbase)://"#,
        locate: .urlCredentials(schemes: ["mysql", "mariadb", "postgres", "postgresql", "mongodb", "mongodb+srv", "redis", "rediss", "amqp", "amqps", "mssql", "sqlserver", "oracle", "clickhouse", "jdbc:", "dm", "kingbase", "kingbase8", "gbase", "oceanbase"]),
        examples: [
            "DATABASE_URL=postgres://app:" + Fake.alnum(16, "pgpw") + "@db.internal:5432/app",
            "mongodb+srv://svc:" + Fake.alnum(20, "mongopw") + "@cluster0.mongodb.net/db",
        ],
        counterExamples: [
            "postgres://app:${DB_PASSWORD}@db:5432/app",
            "mysql://root:@localhost/test",
        ]
    )
}
