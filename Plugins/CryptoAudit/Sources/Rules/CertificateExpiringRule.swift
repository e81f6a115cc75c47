import DSToolKit

/// A certificate that expires within `--expiry-days` (30 by default).
struct CertificateExpiringRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.cert.expiring", severity: .low,
        title: LocalizedText(en: "Certificate expires soon", zh: "证书即将过期"),
        cwe: ["CWE-298"],
        remediation: LocalizedText(en: "Renew the certificate before it expires.", zh: "在到期前更新证书。"))
    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .certificate(let c) = o.kind else { return nil }
        let now = settings.now
        guard c.notAfterEpoch >= now, c.notAfterEpoch < now + Int64(settings.expiryDays) * 86400 else { return nil }
        let left = (c.notAfterEpoch - now) / 86400
        return RuleHit(severity: .low, message: LocalizedText(en: "expires on \(c.notAfter) (in \(left) days)", zh: "将于 \(c.notAfter) 过期（剩余 \(left) 天）"),
                       classification: .acceptable, highRisk: false, subject: nil)
    }
}
