import DSToolKit
import FoundationEssentials

/// The crypto-audit engine as a library, for other plugins (the compliance check calls it rather
/// than copying it). Everything here is pure: text in, findings out; nothing is read from disk and
/// nothing is emitted. Findings carry rule ids `crypto.*`, the GB/T 39786-2021 clauses, CWE ids and
/// `properties.classification` (national / acceptable / weak / forbidden).
///
/// Stable API (additions only):
/// - `configDialect(name:text:)`, `auditConfig(name:text:dialect:settings:)`
/// - `auditTLSSettings(protocols:cipherString:location:settings:)`
/// - `auditSource(name:text:settings:)`
/// - `classify(_:)`
public enum CryptoAuditEngine {
    /// Which configuration dialect a file is (by name, then by its directives), or nil.
    public static func configDialect(name: String, text: String) -> ConfigDialect? {
        ConfigDialect.detect(name: name, text: Substring(text))
    }

    /// Audits one configuration file: nginx, Apache httpd, HAProxy, sshd_config/ssh_config,
    /// openssl.cnf, java.security or Tomcat server.xml. `name` is the path shown in findings and
    /// helps pick the dialect; pass `dialect` to force one. Returns [] for text of no known dialect.
    public static func auditConfig(name: String, text: String, dialect: ConfigDialect? = nil,
                                   settings: AuditSettings = AuditSettings()) -> [Finding] {
        AuditRules.evaluate(configObservations(name: name, text: text, dialect: dialect, base: Location(input: name)), settings: settings)
    }

    /// Judges TLS settings given as values: protocol names in any common spelling ("TLSv1",
    /// "TLSv1.2", "tls1_1") and an OpenSSL-syntax cipher string. Findings point at `location`.
    public static func auditTLSSettings(protocols: [String], cipherString: String?, location: Location,
                                        settings: AuditSettings = AuditSettings()) -> [Finding] {
        var observations: [Observation] = protocols.compactMap(ProtocolCatalog.parse).map {
            Observation(.protocolVersion($0), layer: .network, location: location, evidence: $0.rawValue, source: "tls-settings")
        }
        if let cipherString {
            var auditor = ConfigAuditor(dialect: .nginx, base: location)
            auditor.auditCipherString(cipherString, line: location.line ?? 0, evidence: cipherString, source: "tls-settings")
            observations += auditor.observations.map { o in var o = o; o.location = location; return o }
        }
        return AuditRules.evaluate(observations, settings: settings)
    }

    /// Audits one source file by itself (Java, Kotlin, Python, Go, C/C++, JavaScript/TypeScript, C#;
    /// the language is taken from the file name's extension). Constants from other files and
    /// configuration values are not resolved here; the plugin's tree-wide run does that.
    public static func auditSource(name: String, text: String, settings: AuditSettings = AuditSettings()) -> [Finding] {
        guard let lang = SourceLanguage.detect(name: name) else { return [] }
        var bytes = Array(text.utf8)
        let facts = bytes.withUnsafeMutableBufferPointer { SourceScanner.scan(UnsafeBufferPointer($0), language: lang) }
        let resolver = TreeResolver(constants: GlobalConstants(), config: ConfigValues())
        return AuditRules.evaluate(resolver.observations(facts, base: Location(input: name)), settings: settings)
    }

    /// The class of an algorithm, protocol or cipher-suite name ("SM4", "AES-128-GCM", "MD5",
    /// "RSA-1024", "TLSv1", "ECDHE-RSA-AES128-GCM-SHA256", "secp192r1").
    public static func classify(_ name: String) -> AlgorithmJudgement {
        if let v = ProtocolCatalog.parse(name) {
            return AlgorithmJudgement(name: v.rawValue, classification: v.classification, components: [v.rawValue])
        }
        if let curve = CurveCatalog.parse(name), AlgorithmCatalog.parse(name).isEmpty || curve.name == "SM2" {
            return AlgorithmJudgement(name: curve.name, classification: curve.classification, components: [curve.name])
        }
        let comps = AlgorithmCatalog.parse(name)
        if comps.count > 1, name.contains("-") || name.contains("_"), name.uppercased().contains("SHA") || name.uppercased().contains("SM3") {
            // Looks like a cipher suite: judge it as one (the hash is then a MAC, not a signature).
            let j = CipherSuiteCatalog.judge(name)
            if name.uppercased().hasPrefix("TLS_") || name.contains("-") && (name.uppercased().contains("ECDHE") || name.uppercased().contains("DHE") || name.uppercased().hasPrefix("ECC")) {
                return AlgorithmJudgement(name: name, classification: j.classification, components: j.components.map(\.displayName))
            }
        }
        let cls = comps.isEmpty ? AlgorithmClass.unknown : (comps.map(AlgorithmCatalog.classify).max() ?? .unknown)
        return AlgorithmJudgement(name: comps.map(\.displayName).joined(separator: "+"), classification: cls, components: comps.map(\.displayName))
    }

    static func configObservations(name: String, text: String, dialect: ConfigDialect?, base: Location) -> [Observation] {
        guard let d = dialect ?? ConfigDialect.detect(name: name, text: Substring(text)) else { return [] }
        var auditor = ConfigAuditor(dialect: d, base: base)
        auditor.audit(text)
        return auditor.observations
    }
}

/// The class of one name, with the algorithms it was read as.
public struct AlgorithmJudgement: Sendable, Codable, Hashable {
    public var name: String
    public var classification: AlgorithmClass
    public var components: [String]
}
