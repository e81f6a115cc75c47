import DSToolKit

/// SSL 2.0/3.0, TLS 1.0 and SSH 1.0 (named by the high-risk judgement guide) and TLS 1.1 (deprecated
/// by RFC 8996), enabled in configuration or code, or offered by a live endpoint.
struct WeakProtocolRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.protocol.weak", severity: .high,
        title: LocalizedText(en: "Obsolete secure-channel protocol enabled", zh: "启用了已淘汰的安全通信协议"),
        cwe: ["CWE-327", "CWE-757"],
        remediation: LocalizedText(en: "Allow only TLS 1.2 and 1.3 (or TLCP); SSH protocol 2 only.", zh: "仅允许 TLS 1.2、TLS 1.3（或 TLCP）；SSH 仅允许协议版本 2。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .protocolVersion(let v) = o.kind else { return nil }
        let cls = v.classification
        guard cls == .forbidden || cls == .weak else { return nil }
        return RuleHit(severity: AuditRules.severity(for: cls),
                       message: LocalizedText(en: "\(v.rawValue) is enabled", zh: "启用了 \(v.rawValue)"),
                       classification: cls, highRisk: cls == .forbidden, subject: v.rawValue)
    }
}
