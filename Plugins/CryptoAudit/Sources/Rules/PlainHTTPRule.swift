import DSToolKit

/// Logins, tokens, payments and keys sent over http:// travel in clear text.
struct PlainHTTPRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.http.plaintext", severity: .medium,
        title: LocalizedText(en: "Sensitive endpoint over plain HTTP", zh: "敏感接口使用明文 HTTP"),
        cwe: ["CWE-319"],
        remediation: LocalizedText(en: "Use https:// (TLS 1.2+ or TLCP) for every endpoint that carries credentials or personal data.", zh: "传输凭据或个人信息的接口一律使用 https://（TLS 1.2 及以上或 TLCP）。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .plainHTTP(let url) = o.kind else { return nil }
        return RuleHit(severity: .medium, message: LocalizedText(en: "\(url) is plain HTTP", zh: "\(url) 使用明文 HTTP"),
                       classification: .forbidden, highRisk: false, subject: nil)
    }
}
