/// One crypto API a language's table knows, read from a line of the table:
///
///     Cipher.getInstance           cipher(0,ecb)
///     hashlib?.md5                 digest=MD5 nosec(usedforsecurity)
///     *.initialize                 keysize(0) if=keygen
///     set:InsecureSkipVerify       trustall(=true)
///     ref:ssl.PROTOCOL_TLSv1       proto=TLSv1
///
/// Patterns: `A.B.name` needs the receiver chain to end in A.B; `A?.name` also matches a bare call;
/// `*.name` any receiver; `name` only a bare call (or `new name`). Call patterns need `(`; `ref:`
/// patterns match the qualified name anywhere; `set:` patterns match `name = value` / `name: value`.
///
/// A class, not a struct: the analysis hands specs around at every trigger, and a struct of
/// Strings and arrays was copied (a retain per field) each time.
final class APISpec: @unchecked Sendable {
    enum Kind: Sendable { case call, ref, setting }
    enum Qualifier: Sendable, Equatable { case none, any, exact([String]), optional([String]) }

    var kind: Kind
    let name: String
    /// `name`'s UTF-8 bytes, compared with tokens' bytes without a String per comparison.
    let nameBytes: [UInt8]
    var qualifier: Qualifier
    var effects: [Effect]
    /// Only when the receiver is bound to this ("keygen", "rng", "cipher").
    var requiresBinding: String?
    /// Only when the file contains this string literal (Go's "math/rand").
    var requiresImport: String?
    /// A method declaration whose body is empty ("empty") or only returns true ("true").
    var requiresBody: String?
    /// ...and whose parameters mention this type.
    var requiresParam: String?
    /// `@Name`: an annotation.
    var annotation = false
    /// The name is a prefix ("EVP_", "TLS_"): any identifier starting with it.
    var isPrefix = false
    var display: String

    init(kind: Kind, name: String, qualifier: Qualifier, effects: [Effect], requiresBinding: String?,
         requiresImport: String?, display: String) {
        self.kind = kind; self.name = name; self.nameBytes = Array(name.utf8); self.qualifier = qualifier; self.effects = effects
        self.requiresBinding = requiresBinding; self.requiresImport = requiresImport; self.display = display
    }
}

/// Where an effect reads its value: a positional argument, a keyword (`kw=` in Python, `kw:` in
/// object and struct literals), either, or the value assigned in a `set:` pattern.
struct ArgRef: Sendable, Hashable {
    var index: Int?
    var keyword: String?
    var assigned = false

    static func parse(_ s: Substring) -> ArgRef {
        if s == "=" { return ArgRef(index: nil, keyword: nil, assigned: true) }
        let parts = s.split(separator: "|", omittingEmptySubsequences: false)
        let idx = parts.first.flatMap { Int($0) }
        let kw = parts.count > 1 ? String(parts[1]) : nil
        return ArgRef(index: idx, keyword: kw)
    }
}

enum Effect: Sendable {
    case cipher(ArgRef, defaultECB: Bool)
    case cipherNamed(String)
    case digest(ArgRef)
    case digestNamed(String)
    case mac(ArgRef)
    case macNamed(String)
    case signature(ArgRef)
    case signatureNamed(String)
    case keyAlgorithm(ArgRef)
    case keygen(ArgRef)
    case keygenNamed(String)
    case keySize(ArgRef, family: String?)
    case curve(ArgRef)
    case curveNamed(String)
    case protocolArg(ArgRef)
    /// Every string literal inside the argument is a protocol name (setEnabledProtocols).
    case protocols(ArgRef)
    case protocolNamed(String)
    /// Every string literal inside the argument is a cipher-suite name.
    case suites(ArgRef)
    case cipherString(ArgRef)
    case suiteNamed
    case mode(ArgRef)
    case modeNamed(String)
    case kdfNamed(String)
    case kdfHash(ArgRef)
    case key(ArgRef)
    case iv(ArgRef)
    case salt(ArgRef)
    case password(ArgRef)
    case iterations(ArgRef)
    case weakRandom
    case bind(String)
    case randomFill(ArgRef)
    /// The condition: argument (or assigned value) text equals one of the values, case-insensitively.
    case trustAll(ArgRef?, [String])
    case hostnameAll(ArgRef?, [String])
    /// A keyword argument that, when set to False, marks the use as not for security.
    case notSecurity(String)
    /// Name after "EVP_": an algorithm (EVP_des_ede3_cbc, EVP_md5).
    case evpName
    /// `@Value("${key}") Type field;`: the field holds the configuration value.
    case configField
}

enum APITable {
    /// Parses a table; a malformed line is a programming error caught by the tests.
    static func parse(_ table: String) -> [APISpec] {
        var out: [APISpec] = []
        // Lines, comments and fields are cut on bytes (the tables are ASCII, where bytes and
        // Characters agree): cutting by Character was most of the start-up's table parsing.
        precondition(table.utf8.allSatisfy { $0 < 0x80 }, "API tables are ASCII")
        for rawBytes in table.utf8.split(separator: 0x0A) {
            let raw = Substring(rawBytes)
            let line = raw.utf8.split(separator: 0x23, maxSplits: 1, omittingEmptySubsequences: false)[0]  // `#`
            let fields = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }).map { Substring($0) }
            guard let pattern = fields.first else { continue }
            var kind = APISpec.Kind.call
            var pat = Substring(pattern)
            if pat.hasPrefix("ref:") { kind = .ref; pat = pat.dropFirst(4) }
            else if pat.hasPrefix("set:") { kind = .setting; pat = pat.dropFirst(4) }
            var annotation = false
            if pat.hasPrefix("@") { annotation = true; pat = pat.dropFirst() }
            var parts = pat.split(separator: ".").map(String.init)
            let name = parts.removeLast()
            var qualifier = APISpec.Qualifier.none
            if parts == ["*"] { qualifier = .any }
            else if let last = parts.last, last.hasSuffix("?") {
                parts[parts.count - 1] = String(last.dropLast())
                qualifier = .optional(parts)
            } else if !parts.isEmpty { qualifier = .exact(parts) }
            let spec = APISpec(kind: kind, name: name, qualifier: qualifier, effects: [], requiresBinding: nil,
                               requiresImport: nil, display: String(pat).replacingQuestionMarks())
            spec.annotation = annotation
            spec.isPrefix = name.hasSuffix("_")
            for f in fields.dropFirst() {
                if f.hasPrefix("if=") { spec.requiresBinding = String(f.dropFirst(3)); continue }
                if f.hasPrefix("import=") { spec.requiresImport = String(f.dropFirst(7)); continue }
                if f.hasPrefix("body=") { spec.requiresBody = String(f.dropFirst(5)); continue }
                if f.hasPrefix("param=") { spec.requiresParam = String(f.dropFirst(6)); continue }
                guard let e = parseEffect(f) else { preconditionFailure("bad API table effect '\(f)' in: \(raw)") }
                spec.effects.append(e)
            }
            out.append(spec)
        }
        return out
    }

    private static func parseEffect(_ f: Substring) -> Effect? {
        var name = f
        var arg: Substring?
        var named: String?
        let open = f.firstIndex(of: "(")
        let eq = f.firstIndex(of: "=")
        if let open, f.hasSuffix(")"), eq == nil || open < eq! {
            name = f[..<open]
            arg = f[f.index(after: open)..<f.index(before: f.endIndex)]
        } else if let eq {
            name = f[..<eq]
            named = String(f[f.index(after: eq)...])
        }
        func a() -> ArgRef? { arg.map { ArgRef.parse($0.split(separator: ",").first ?? "") } }
        func cond() -> (ArgRef?, [String]) {
            // trustall(1=SSL_VERIFY_NONE/0) or trustall(=true) or trustall
            guard let arg else { return (nil, []) }
            let parts = arg.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let ref = parts[0].isEmpty ? ArgRef(index: nil, keyword: nil, assigned: true) : ArgRef.parse(parts[0])
            let values = parts.count > 1 ? parts[1].split(separator: "/").map { String($0).lowercased() } : []
            return (ref, values)
        }
        switch name {
        case "cipher": if let n = named { return .cipherNamed(n) }; return a().map { .cipher($0, defaultECB: arg?.hasSuffix(",ecb") ?? false) }
        case "digest": if let n = named { return .digestNamed(n) }; return a().map { .digest($0) }
        case "mac": if let n = named { return .macNamed(n) }; return a().map { .mac($0) }
        case "sig": if let n = named { return .signatureNamed(n) }; return a().map { .signature($0) }
        case "keyalg": return a().map { .keyAlgorithm($0) }
        case "keygen": if let n = named { return .keygenNamed(n) }; return a().map { .keygen($0) }
        case "keysize":
            // keysize(0) or keysize=RSA(1|key_size)
            if let n = named, let open = n.firstIndex(of: "("), n.hasSuffix(")") {
                return .keySize(ArgRef.parse(Substring(n[n.index(after: open)..<n.index(before: n.endIndex)])), family: String(n[..<open]))
            }
            return a().map { .keySize($0, family: nil) }
        case "curve": if let n = named { return .curveNamed(n) }; return a().map { .curve($0) }
        case "proto": if let n = named { return .protocolNamed(n) }; return a().map { .protocolArg($0) }
        case "protos": return a().map { .protocols($0) }
        case "suites": return a().map { .suites($0) }
        case "cipherstring": return a().map { .cipherString($0) }
        case "suite": return .suiteNamed
        case "mode": if let n = named { return .modeNamed(n) }; return a().map { .mode($0) }
        case "kdf": return named.map { .kdfNamed($0) }
        case "kdfhash": return a().map { .kdfHash($0) }
        case "key": return a().map { .key($0) }
        case "iv": return a().map { .iv($0) }
        case "salt": return a().map { .salt($0) }
        case "pass": return a().map { .password($0) }
        case "iter": return a().map { .iterations($0) }
        case "weakrng": return .weakRandom
        case "bind": return named.map { .bind($0) }
        case "fill": return a().map { .randomFill($0) }
        case "trustall": let (r, v) = cond(); return .trustAll(r, v)
        case "hostall": let (r, v) = cond(); return .hostnameAll(r, v)
        case "nosec": return arg.map { .notSecurity(String($0)) }
        case "evp": return .evpName
        case "configfield": return .configField
        default: return nil
        }
    }
}

private extension String {
    func replacingQuestionMarks() -> String { String(self.filter { $0 != "?" }) }
}
