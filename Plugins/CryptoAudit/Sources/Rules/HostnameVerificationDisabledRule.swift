import DSToolKit

/// A HostnameVerifier that accepts every name, check_hostname = False, ALLOW_ALL: a valid
/// certificate for any site then passes for this one.
struct HostnameVerificationDisabledRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.tls.no-hostname-verification", severity: .high,
        title: LocalizedText(en: "Host name verification disabled", zh: "关闭了主机名校验"),
        cwe: ["CWE-297"],
        remediation: LocalizedText(en: "Use the platform's default host name verifier.", zh: "使用平台默认的主机名校验。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .hostnameVerificationDisabled(let how) = o.kind else { return nil }
        return RuleHit(severity: .high, message: LocalizedText(en: "host name verification is disabled (\(how))", zh: "主机名校验被关闭（\(how)）"),
                       classification: .forbidden, highRisk: false, subject: nil)
    }
}
