import DSToolKit

/// Binaries linked against (or embedding) a crypto library past its end of life: OpenSSL before
/// 3.0 (1.0.2 ended 2019, 1.1.1 in 2023) and OpenSSL/LibreSSL/mbed TLS lines with known breaks.
struct OutdatedCryptoLibraryRule: AuditRule {
    let definition = RuleDefinition(
        id: "crypto.library.outdated", severity: .medium,
        title: LocalizedText(en: "Outdated crypto library", zh: "使用过期的密码库"),
        cwe: ["CWE-1104"],
        remediation: LocalizedText(en: "Rebuild against a supported release (OpenSSL 3.x, a current Tongsuo/GmSSL 3).", zh: "改为链接受支持的版本（OpenSSL 3.x、较新的铜锁/GmSSL 3）。"))

    func evaluate(_ o: Observation, _ settings: AuditSettings) -> RuleHit? {
        guard case .library(let name, let version, _) = o.kind, let version else { return nil }
        let parts = version.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard let major = parts.first else { return nil }
        let minor = parts.count > 1 ? parts[1] : 0
        switch name {
        case "OpenSSL":
            if major == 0 || (major == 1 && minor == 0) {
                return RuleHit(severity: .high, message: LocalizedText(en: "OpenSSL \(version) is end of life (SSLv3/Heartbleed era)", zh: "OpenSSL \(version) 已停止维护"),
                               classification: .forbidden, highRisk: false, subject: "OpenSSL \(version)")
            }
            if major == 1 {
                return RuleHit(severity: .medium, message: LocalizedText(en: "OpenSSL \(version) is end of life", zh: "OpenSSL \(version) 已停止维护"),
                               classification: .weak, highRisk: false, subject: "OpenSSL \(version)")
            }
        case "mbed TLS":
            if major < 2 || (major == 2 && minor < 28) {
                return RuleHit(severity: .medium, message: LocalizedText(en: "mbed TLS \(version) is end of life", zh: "mbed TLS \(version) 已停止维护"),
                               classification: .weak, highRisk: false, subject: "mbed TLS \(version)")
            }
        default: break
        }
        return nil
    }
}
