import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let snmpCommunity = SecretRule(
        id: "snmp-community",
        title: LocalizedText(en: "SNMP community string", zh: "SNMP 团体字"),
        category: "database", severity: .medium,
        keywords: ["community"],
        pattern: #"(?i)\bsnmp-server community [^\s]{6}"#,
        secret: .after("community "),
        extend: "^ \t\r\n",
        examples: [
            "snmp-server community " + Fake.alnum(12, "snmp") + " RW",
        ],
        counterExamples: [
            "snmp-server community <string> RO",
        ]
    )
}
