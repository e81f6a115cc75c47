import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let springDatasourcePassword = SecretRule(
        id: "spring-datasource-password",
        title: LocalizedText(en: "Spring datasource password", zh: "Spring 数据源口令"),
        category: "database", severity: .high,
        keywords: ["datasource"],
        pattern: #"(?i)spring\.datasource(?:\.[a-z]{1,20})?\.password\s{0,5}[:=]\s{0,5}[^\s"\'#$]{4}"#,
        secret: .afterAssignment,
        extend: "^ \t\r\n\"'#",
        examples: [
            "spring.datasource.password=" + Fake.alnum(12, "springpw"),
        ],
        counterExamples: [
            "spring.datasource.password=${DB_PASSWORD}",
        ]
    )
}
