import DSToolKit

/// An unencrypted private key in the evidence (a file, or embedded in source or configuration).
struct UnprotectedPrivateKeyRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.key.unprotected", severity: .high,
        title: LocalizedText(en: "Unprotected private key", zh: "未加密保护的私钥"),
        cwe: ["CWE-312", "CWE-522"],
        remediation: LocalizedText(en: "Keep private keys in a cryptographic module (密码模块/HSM) or encrypted (PKCS#8 PBES2 with a strong password), readable only by their owner.", zh: "私钥应保存在密码模块中，或以强口令加密（PKCS#8 PBES2），并仅对属主可读。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .privateKey(let k) = o.kind, k.encrypted == false else { return nil }
        return RuleHit(severity: .high, message: LocalizedText(en: "\(k.displayName) private key stored unencrypted (\(k.format))", zh: "\(k.displayName) 私钥以明文保存（\(k.format)）"),
                       classification: .forbidden, highRisk: false, subject: k.displayName)
    }
}
