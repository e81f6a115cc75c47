import DSToolKit
import FoundationEssentials

extension SecretRules {
    static let ldapBindPassword = SecretRule(
        id: "ldap-bind-password",
        title: LocalizedText(en: "LDAP bind password", zh: "LDAP 绑定口令"),
        category: "database", severity: .high,
        keywords: ["bind"],
        pattern: #"(?i)\b(?:bind[_-]?pw|bindpw|bind[_-]?password|ldap[_-]?password|manager[_-]?password)["']?\s{0,3}(?::|=>|:=|=)\s{0,5}["']?[^\s"\'$]{6}"#,
        secret: .afterAssignment,
        extend: "^ \t\r\n\"'",
        examples: [
            "ldap.bind_password = " + Fake.alnum(14, "ldap"),
        ],
        counterExamples: [
            "bindpw = ${LDAP_BIND_PW}",
        ]
    )
}
