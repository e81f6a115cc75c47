import DSToolKit

/// ECB encrypts equal blocks to equal ciphertext: patterns in the data show through. Java's
/// `Cipher.getInstance("AES")` is ECB by default, which is how most ECB gets into code.
struct ECBModeRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.cipher.ecb", severity: .medium,
        title: LocalizedText(en: "Block cipher in ECB mode", zh: "分组密码使用 ECB 模式"),
        cwe: ["CWE-327"],
        remediation: LocalizedText(en: "Use an authenticated mode (GCM, CCM) or CBC/CTR with a random IV and a MAC.", zh: "改用认证加密模式（GCM、CCM），或使用随机 IV 的 CBC/CTR 并配合 MAC。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .algorithm(let c, let role) = o.kind, role == .encrypt, c.mode == "ECB" else { return nil }
        let name = c.family == "?" ? "block cipher" : c.family
        return RuleHit(severity: .medium,
                       message: LocalizedText(en: "\(name) is used in ECB mode", zh: "\(name == "block cipher" ? "分组密码" : name) 使用 ECB 模式"),
                       classification: .weak, highRisk: false, subject: c.displayName)
    }
}
