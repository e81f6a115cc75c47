import DSToolKit

/// DES, 3DES, RC2, RC4, Blowfish, IDEA, CAST5: broken or 64-bit-block ciphers (Sweet32). DES is
/// named by the high-risk judgement guide.
struct BrokenCipherRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.cipher.broken", severity: .high,
        title: LocalizedText(en: "Broken or weak cipher", zh: "使用已被攻破或强度不足的分组/序列密码"),
        cwe: ["CWE-327"],
        remediation: LocalizedText(en: "Use SM4 (GB/T 32907) or AES in an authenticated mode such as GCM.", zh: "改用 SM4（GB/T 32907）或 AES 等认证加密模式（如 GCM）。"))
    static let families: Set<String> = ["DES", "3DES", "RC2", "RC4", "RC5", "Blowfish", "IDEA", "CAST5"]

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        // A key's algorithm (SecretKeySpec) is reported where the cipher is used, not twice.
        guard case .algorithm(let c, let role) = o.kind, role != .implementation, role != .channel, role != .key,
              Self.families.contains(c.family) else { return nil }
        let cls = AlgorithmCatalog.classify(AlgorithmComponent(family: c.family, keyBits: c.keyBits))
        return RuleHit(severity: AuditRules.severity(for: cls),
                       message: LocalizedText(en: "\(c.displayName) is \(cls == .forbidden ? "broken" : "weak (64-bit block or deprecated)")",
                                              zh: "\(c.displayName) \(cls == .forbidden ? "已被攻破，属高风险算法" : "强度不足（64 位分组或已弃用）")"),
                       classification: cls, highRisk: c.family == "DES" || cls == .forbidden, subject: c.displayName)
    }
}
