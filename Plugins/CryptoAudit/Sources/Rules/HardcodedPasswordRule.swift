import DSToolKit

/// A password that derives a key or opens a key store, written into the program or its configuration.
struct HardcodedPasswordRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.password.hardcoded", severity: .high,
        title: LocalizedText(en: "Hard-coded password for keys", zh: "硬编码的密钥口令"),
        cwe: ["CWE-259", "CWE-798"],
        remediation: LocalizedText(en: "Read the password at run time from a secret store, environment or prompt.", zh: "在运行时从凭据管理系统、环境变量或交互输入读取口令。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .hardcodedPassword(let what) = o.kind else { return nil }
        return RuleHit(severity: .high, message: LocalizedText(en: "the password is \(what)", zh: "口令为硬编码值（\(what)）"),
                       classification: .forbidden, highRisk: false, subject: nil)
    }
}
