import DSToolKit

/// TLS cipher suites with NULL, export, anonymous, RC4, DES/3DES or MD5 parts.
struct WeakCipherSuiteRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.tls.cipher-suite", severity: .high,
        title: LocalizedText(en: "Weak TLS cipher suite enabled", zh: "启用了弱 TLS 密码套件"),
        cwe: ["CWE-327"],
        remediation: LocalizedText(en: "Enable only ECDHE suites with AES-GCM/ChaCha20-Poly1305, or the national suites (ECC-SM4-SM3, ECDHE-SM4-SM3, TLS_SM4_GCM_SM3).", zh: "仅启用 ECDHE + AES-GCM/ChaCha20-Poly1305 套件，或国密套件（ECC-SM4-SM3、ECDHE-SM4-SM3、TLS_SM4_GCM_SM3）。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .cipherSuite(let j) = o.kind, j.classification == .forbidden || j.classification == .weak else { return nil }
        let why = j.reasons.joined(separator: ", ")
        return RuleHit(severity: AuditRules.severity(for: j.classification),
                       message: LocalizedText(en: "\(j.name): \(why)", zh: "\(j.name)：\(why)"),
                       classification: j.classification, highRisk: j.classification == .forbidden, subject: j.name)
    }
}
