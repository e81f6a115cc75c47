import DSToolKit

/// Trust-all TrustManagers, CERT_NONE, InsecureSkipVerify, rejectUnauthorized: false, verify=False,
/// SSL_VERIFY_NONE, validation callbacks that return true: any server can impersonate the peer.
struct CertificateValidationDisabledRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.tls.no-cert-validation", severity: .high,
        title: LocalizedText(en: "Certificate validation disabled", zh: "关闭了证书校验"),
        cwe: ["CWE-295"],
        remediation: LocalizedText(en: "Keep the default validation; trust a private CA by adding it to the trust store, not by disabling checks.", zh: "保留默认证书校验；如需信任私有 CA，应将其加入信任库，而不是关闭校验。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .certValidationDisabled(let how) = o.kind else { return nil }
        return RuleHit(severity: .high, message: LocalizedText(en: "certificate validation is disabled (\(how))", zh: "证书校验被关闭（\(how)）"),
                       classification: .forbidden, highRisk: false, subject: nil)
    }
}
