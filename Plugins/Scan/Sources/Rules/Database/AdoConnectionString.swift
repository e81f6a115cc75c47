import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let adoConnectionString = SecretRule(
        id: "ado-connection-string",
        title: LocalizedText(en: "ADO.NET/ODBC connection string with a password", zh: "含口令的 ADO.NET/ODBC 连接串"),
        category: "database", severity: .critical,
        keywords: ["server=", "data source="],
        pattern: #"(?i)\b(?:password|pwd)=[^;\n"\'$]{4}"#,
        secret: .after("password=|pwd="),
        extend: "^;\r\n\"'",
        keywordWindow: 512,
        examples: [
            "Server=10.0.0.5;Database=crm;User Id=sa;Password=" + Fake.alnum(12, "adopw") + ";",
        ],
        counterExamples: [
            "Server=db;Database=crm;Integrated Security=true;",
        ]
    )
}
