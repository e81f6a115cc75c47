import DSToolKit

/// A fixed salt lets one precomputed table attack every password at once.
struct StaticSaltRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.salt.static", severity: .medium,
        title: LocalizedText(en: "Static salt", zh: "使用固定盐值"),
        cwe: ["CWE-760"],
        remediation: LocalizedText(en: "Use a random salt of at least 16 bytes per password, stored with the hash.", zh: "为每个口令生成至少 16 字节的随机盐值，并与杂凑值一同保存。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .staticSalt(let what) = o.kind else { return nil }
        return RuleHit(severity: .medium, message: LocalizedText(en: "the salt is \(what)", zh: "盐值为固定值（\(what)）"),
                       classification: .weak, highRisk: false, subject: nil)
    }
}
