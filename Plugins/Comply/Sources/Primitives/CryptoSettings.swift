import DSToolKit
import Foundation

/// `crypto_settings`: TLS and cryptography settings meet GB/T 39786-2021, as judged by the
/// crypto-audit engine (DSToolCryptoAudit, used as a library): nginx, Apache, HAProxy, sshd and
/// ssh_config, openssl.cnf, java.security and Tomcat server.xml. Algorithms and protocols the
/// engine classes as forbidden (high risk: MD5, DES, SHA-1, RSA < 2048, SSL, TLS 1.0...) or weak
/// (3DES, TLS 1.1...) fail.
///
///     crypto_settings:
///       fail_on: [forbidden, weak]     # the default
struct CryptoSettings: CheckPrimitive {
    static let name = "crypto_settings"
    static let classes = ["forbidden", "weak", "unknown", "acceptable"]
    let failOn: Set<String>

    init(_ args: PrimitiveArgs) throws {
        var a = args
        if let n = try a.node("fail_on") {
            let v = try n.textNodes("crypto_settings.fail_on")
            for (c, node) in v where !Self.classes.contains(c) {
                throw node.error("crypto_settings.fail_on: unknown class '\(c)' (known: \(Self.classes.joined(separator: ", ")))")
            }
            failOn = Set(v.map(\.text))
        } else {
            failOn = ["forbidden", "weak"]
        }
        try a.finish()
    }

    var needs: EvidenceNeeds { var n = EvidenceNeeds(); n.crypto = true; return n }

    func evaluate(_ e: Evidence, _ ctx: EvaluationContext) -> Verdict {
        let bad = e.crypto.observations.filter { failOn.contains($0.classification) }
        if !bad.isEmpty {
            let refs = bad.map { o in
                EvidenceRef(input: o.item, line: o.line, detail: LocalizedText(en: "\(o.classification): \(o.message.en) (\(o.ruleId))",
                                                                               zh: "\(o.classification == "forbidden" ? "禁用" : o.classification == "weak" ? "弱" : o.classification)：\(o.message.zh)（\(o.ruleId)）"))
            }
            return .fail("\(bad.count) cryptographic setting(s) do not meet GB/T 39786-2021", "\(bad.count) 处密码配置不符合 GB/T 39786-2021", refs.capped())
        }
        let broken = e.unreadable(roles: [.crypto])
        if !broken.isEmpty { return .unreadable(broken, "cryptographic configuration could not be read", "密码相关配置无法读取") }
        if e.crypto.examined == 0 {
            return .notApplicable("no TLS or cryptographic configuration among the evidence", "证据中没有 TLS 或密码相关配置")
        }
        return .pass("\(e.crypto.examined) configuration file(s) use no \(failOn.sorted().joined(separator: " or ")) algorithms or protocols",
                     "\(e.crypto.examined) 个配置文件未使用禁用或弱的算法与协议")
    }
}
