import DSToolKit

/// A certificate past its notAfter date (or not yet valid).
struct CertificateExpiredRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.cert.expired", severity: .high,
        title: LocalizedText(en: "Certificate expired or not yet valid", zh: "证书已过期或尚未生效"),
        cwe: ["CWE-298"],
        remediation: LocalizedText(en: "Renew the certificate and replace it everywhere it is deployed.", zh: "更新证书并替换所有部署位置。"))
    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .certificate(let c) = o.kind else { return nil }
        let now = settings.now
        if c.notAfterEpoch < now {
            return RuleHit(severity: .high, message: LocalizedText(en: "expired on \(c.notAfter)", zh: "已于 \(c.notAfter) 过期"),
                           classification: .forbidden, highRisk: false, subject: nil)
        }
        if c.notBeforeEpoch > now {
            return RuleHit(severity: .medium, message: LocalizedText(en: "not valid before \(c.notBefore)", zh: "\(c.notBefore) 之前无效"),
                           classification: .weak, highRisk: false, subject: nil)
        }
        return nil
    }
}
