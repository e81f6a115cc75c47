import DSToolKit

/// PBKDF2 and PBE iteration counts. NIST SP 800-132 sets 1,000 as the bare minimum; guessing a
/// password costs little below 10,000 on current hardware.
struct LowIterationCountRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.pbe.iterations", severity: .medium,
        title: LocalizedText(en: "Too few key-derivation iterations", zh: "口令派生迭代次数过少"),
        cwe: ["CWE-916"],
        remediation: LocalizedText(en: "Use at least 10,000 iterations (OWASP recommends 600,000 for PBKDF2-HMAC-SHA256), or scrypt/Argon2.", zh: "迭代次数至少 10000 次（OWASP 建议 PBKDF2-HMAC-SHA256 使用 600000 次），或改用 scrypt/Argon2。"))
    static let minimum = 10_000

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .iterations(let n) = o.kind, n < Self.minimum else { return nil }
        return RuleHit(severity: n < 1000 ? .high : .medium,
                       message: LocalizedText(en: "\(n) iterations (minimum \(Self.minimum))", zh: "迭代 \(n) 次（至少 \(Self.minimum) 次）"),
                       classification: .weak, highRisk: false, subject: nil)
    }
}
