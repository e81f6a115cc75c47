import CDSToolCrypto
import DSToolKit
import FoundationEssentials

/// Judges an OpenSSL cipher string ("HIGH:!aNULL:!MD5", "ALL:@SECLEVEL=0", an explicit suite list).
/// Aliases are expanded by this machine's OpenSSL itself, so "HIGH" means what it means here;
/// suites and aliases it names that this OpenSSL was built without (RC4-SHA, EXP-…) are judged
/// by name, because the server the file came from may well have them.
enum CipherStringEvaluator {
    struct Result {
        var summary: CipherSuiteCatalog.Judgement
        var suites: [CipherSuiteCatalog.Judgement]
        var securityLevel: Int?
    }

    static func judge(_ cipherString: String) -> Result {
        var weak: [CipherSuiteCatalog.Judgement] = []
        var all: [CipherSuiteCatalog.Judgement] = []
        var seen = Set<String>()
        func consider(_ j: CipherSuiteCatalog.Judgement) {
            guard seen.insert(j.name).inserted else { return }
            all.append(j)
            if j.classification == .forbidden || j.classification == .weak { weak.append(j) }
        }
        for name in expand(cipherString) ?? [] { consider(CipherSuiteCatalog.judge(name)) }
        // Explicitly enabled names (not "!X", "-X"), judged by their words.
        var level: Int?
        for raw in cipherString.split(whereSeparator: { $0 == ":" || $0 == "," || $0 == " " }) {
            var t = Substring(raw)
            if let r = t.firstRange(of: "@SECLEVEL=") {
                level = Int(t[r.upperBound...].prefix { $0.isNumber })
                t = t[..<r.lowerBound]
                if t.isEmpty { continue }
            }
            if t.hasPrefix("!") || t.hasPrefix("-") || t.hasPrefix("@") { continue }
            if t.hasPrefix("+") { t = t.dropFirst() }
            // National (TLCP, RFC 8998) suites are absent from OpenSSL builds: known by name only.
            let j = CipherSuiteCatalog.judge(String(t))
            if j.classification == .forbidden || j.classification == .weak || j.classification == .national { consider(j) }
        }
        let worst = weak.map(\.classification).max() ?? (all.contains { $0.classification == .national } && all.allSatisfy { $0.classification == .national } ? .national : .acceptable)
        var reasons = weak.prefix(6).map { "\($0.name) (\($0.reasons.joined(separator: ", ")))" }
        if weak.count > 6 { reasons.append("and \(weak.count - 6) more") }
        var comps: [AlgorithmComponent] = []
        for j in all { for c in j.components where !comps.contains(c) { comps.append(c) } }
        let summary = CipherSuiteCatalog.Judgement(name: cipherString, classification: all.isEmpty ? .unknown : worst, reasons: reasons,
                                                   components: comps, members: all.map(\.name))
        return Result(summary: summary, suites: all, securityLevel: level)
    }

    /// The TLS 1.2-and-below suites this OpenSSL enables for the string (security level 0, so that
    /// nothing is hidden), or nil if OpenSSL rejects the string.
    static func expand(_ cipherString: String) -> [String]? {
        guard let method = TLS_method(), let ctx = SSL_CTX_new(method) else { return nil }
        defer { SSL_CTX_free(ctx) }
        SSL_CTX_set_security_level(ctx, 0)
        guard SSL_CTX_set_cipher_list(ctx, cipherString) == 1 else { ERR_clear_error(); return nil }
        guard let sk = SSL_CTX_get_ciphers(ctx) else { return [] }
        var out: [String] = []
        for i in 0..<dstool_sk_ssl_cipher_num(sk) {
            guard let c = dstool_sk_ssl_cipher_value(sk, i), let name = SSL_CIPHER_get_name(c) else { continue }
            let s = String(cString: name)
            if s.hasPrefix("TLS_") { continue }  // TLS 1.3 suites are set apart (Ciphersuites)
            out.append(s)
        }
        return out
    }
}
