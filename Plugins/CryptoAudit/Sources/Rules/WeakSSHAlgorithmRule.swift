import DSToolKit

/// sshd_config Ciphers, MACs, KexAlgorithms and HostKeyAlgorithms that allow broken or weak algorithms.
struct WeakSSHAlgorithmRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.ssh.algorithm", severity: .medium,
        title: LocalizedText(en: "Weak SSH algorithm allowed", zh: "SSH 允许弱算法"),
        cwe: ["CWE-327"],
        remediation: LocalizedText(en: "Allow only chacha20-poly1305/aes-gcm/aes-ctr, hmac-sha2-*-etm, curve25519/ecdh-sha2/group16+ key exchange and ed25519/rsa-sha2 host keys.", zh: "仅允许 chacha20-poly1305/aes-gcm/aes-ctr、hmac-sha2-*-etm、curve25519/ecdh-sha2/group16 以上的密钥交换，以及 ed25519/rsa-sha2 主机密钥。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .sshAlgorithm(let name, let kind) = o.kind else { return nil }
        let (cls, why) = SSHAlgorithmCatalog.judge(name, kind: kind)
        guard cls == .forbidden || cls == .weak else { return nil }
        return RuleHit(severity: AuditRules.severity(for: cls),
                       message: LocalizedText(en: "\(kind.rawValue) allows \(name) (\(why ?? ""))", zh: "\(kind.rawValue) 允许 \(name)（\(why ?? "")）"),
                       classification: cls, highRisk: cls == .forbidden, subject: name)
    }
}
