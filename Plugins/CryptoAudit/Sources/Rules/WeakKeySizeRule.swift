import DSToolKit

/// RSA, DSA and DH below 2048 bits, elliptic curves below 224 bits: under 112 bits of security.
/// RSA < 2048 is named by the high-risk judgement guide.
struct WeakKeySizeRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.key.size", severity: .high,
        title: LocalizedText(en: "Key too short", zh: "密钥长度不足"),
        cwe: ["CWE-326"],
        remediation: LocalizedText(en: "Use SM2, or RSA/DSA/DH of at least 2048 bits (3072 for use beyond 2030), or a curve of at least 224 bits (P-256).", zh: "改用 SM2，或至少 2048 位的 RSA/DSA/DH（2030 年后应 3072 位），或至少 224 位的椭圆曲线（如 P-256）。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        let c: AlgorithmComponent
        switch o.kind {
        case .algorithm(let comp, let role) where role != .implementation && role != .channel: c = comp
        case .certificate(let cert): c = cert.key.component
        case .privateKey(let key): c = key.component
        default: return nil
        }
        if let min = AlgorithmCatalog.family(c.family)?.minimumBits, let bits = c.keyBits, bits < min {
            return RuleHit(severity: .high,
                           message: LocalizedText(en: "\(c.family) key of \(bits) bits (minimum \(min))", zh: "\(c.family) 密钥仅 \(bits) 位（至少 \(min) 位）"),
                           classification: .forbidden, highRisk: c.family == "RSA", subject: c.displayName)
        }
        if let name = c.curve, let curve = CurveCatalog.parse(name), curve.bits < 224 {
            return RuleHit(severity: .high,
                           message: LocalizedText(en: "elliptic curve \(curve.name) has \(curve.bits) bits (minimum 224)", zh: "椭圆曲线 \(curve.name) 仅 \(curve.bits) 位（至少 224 位）"),
                           classification: .forbidden, highRisk: false, subject: c.displayName)
        }
        return nil
    }
}
