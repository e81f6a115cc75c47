import DSToolKit

/// A key written into the program is known to everyone who has the program.
struct HardcodedKeyRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.key.hardcoded", severity: .high,
        title: LocalizedText(en: "Hard-coded cryptographic key", zh: "硬编码的密钥"),
        cwe: ["CWE-321"],
        remediation: LocalizedText(en: "Generate keys with a CSPRNG and keep them in a key manager, HSM or protected key store; never in source.", zh: "用安全随机数生成密钥，并保存在密钥管理系统、密码机或受保护的密钥库中，不得写入源码。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .hardcodedKey(let what) = o.kind else { return nil }
        return RuleHit(severity: .high, message: LocalizedText(en: "the key is \(what)", zh: "密钥为硬编码值（\(what)）"),
                       classification: .forbidden, highRisk: false, subject: nil)
    }
}
