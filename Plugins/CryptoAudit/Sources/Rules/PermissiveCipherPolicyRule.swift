import DSToolKit

/// `@SECLEVEL=0` (or 1 on OpenSSL 3, which lets SHA-1 and 1024-bit keys through) and similar
/// settings that switch off the library's own floor.
struct PermissiveCipherPolicyRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.tls.policy", severity: .medium,
        title: LocalizedText(en: "Crypto policy lowered", zh: "降低了密码安全策略"),
        cwe: ["CWE-327", "CWE-1188"],
        remediation: LocalizedText(en: "Keep OpenSSL's security level at 2 or higher and list only strong suites.", zh: "将 OpenSSL 安全级别保持在 2 或以上，仅列出强密码套件。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .permissiveCipherPolicy(let what) = o.kind else { return nil }
        return RuleHit(severity: .medium, message: LocalizedText(en: what, zh: what), classification: .weak, highRisk: false, subject: nil)
    }
}
