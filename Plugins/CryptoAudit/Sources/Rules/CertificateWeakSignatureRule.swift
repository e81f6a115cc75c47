import DSToolKit

/// Certificates signed with MD2/MD4/MD5 or SHA-1 (collisions make forged certificates practical).
struct CertificateWeakSignatureRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.cert.signature", severity: .high,
        title: LocalizedText(en: "Certificate signed with a broken hash", zh: "证书签名使用已被攻破的杂凑算法"),
        cwe: ["CWE-327", "CWE-328"],
        remediation: LocalizedText(en: "Reissue the certificate with SM2-with-SM3 or SHA-256 (or better).", zh: "使用 SM2-with-SM3 或 SHA-256 及以上算法重新签发证书。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .certificate(let c) = o.kind else { return nil }
        guard let bad = c.signatureComponents.first(where: { WeakHashRule.broken.contains($0.family) }) else { return nil }
        // Self-signed roots are trusted by their presence in a store, not by their signature.
        if c.selfSigned && c.isCA { return nil }
        return RuleHit(severity: .high, message: LocalizedText(en: "signed with \(c.signatureAlgorithm)", zh: "签名算法为 \(c.signatureAlgorithm)"),
                       classification: .forbidden, highRisk: true, subject: bad.family)
    }
}
