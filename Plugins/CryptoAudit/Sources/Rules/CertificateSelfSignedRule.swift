import DSToolKit

/// A self-signed end-entity certificate: clients either fail or were told to trust anything.
/// Self-signed CA roots are expected and not flagged.
struct CertificateSelfSignedRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.cert.self-signed", severity: .low,
        title: LocalizedText(en: "Self-signed certificate", zh: "自签名证书"),
        cwe: ["CWE-295"],
        remediation: LocalizedText(en: "Use a certificate issued by a trusted (or your organisation's) CA; for 密评, an SM2 certificate from a licensed CA.", zh: "使用可信 CA（或本单位 CA）签发的证书；密评场景应使用具备资质的 CA 签发的 SM2 证书。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .certificate(let c) = o.kind, c.selfSigned, !c.isCA else { return nil }
        return RuleHit(severity: o.layer == .network ? .medium : .low,
                       message: LocalizedText(en: "\(c.subject) is self-signed", zh: "\(c.subject) 为自签名证书"),
                       classification: .weak, highRisk: false, subject: nil)
    }
}
