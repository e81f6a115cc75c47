import DSToolKit
import FoundationEssentials

/// Reads one configuration file of a known dialect and reports what it enables: protocol versions,
/// cipher suites, SSH algorithms, policy floors, key sizes and digests.
struct ConfigAuditor {
    let dialect: ConfigDialect
    let base: Location
    private(set) var observations: [Observation] = []

    init(dialect: ConfigDialect, base: Location) {
        self.dialect = dialect
        self.base = base
    }

    mutating func audit(_ text: String) {
        switch dialect {
        case .nginx: auditNginx(text)
        case .apache: auditApache(text)
        case .haproxy: auditHAProxy(text)
        case .sshd: auditSSHD(text)
        case .openssl: auditOpenSSL(text)
        case .javaSecurity: auditJavaSecurity(text)
        case .tomcat: auditTomcat(text)
        }
    }

    // MARK: - Shared helpers

    private func location(_ line: Int) -> Location {
        var l = base
        l.line = line
        return l
    }

    private mutating func add(_ kind: Observation.Kind, line: Int, evidence: String, source: String, layer: SecurityLayer? = nil) {
        observations.append(Observation(kind, layer: layer ?? dialect.layer, location: location(line),
                                        evidence: String(evidence.prefix(300)), source: source))
    }

    /// Every protocol version in `versions`, one observation each (strong ones feed the inventory).
    private mutating func enable(_ versions: [ProtocolVersion], line: Int, evidence: String, source: String) {
        for v in versions { add(.protocolVersion(v), line: line, evidence: evidence, source: source) }
    }

    /// An OpenSSL cipher string: its suites as this OpenSSL expands them, plus suites and aliases it
    /// names that this OpenSSL was built without, plus a lowered security level.
    mutating func auditCipherString(_ value: String, line: Int, evidence: String, source: String) {
        let judgement = CipherStringEvaluator.judge(value)
        add(.cipherSuite(judgement.summary), line: line, evidence: evidence, source: source)
        if let level = judgement.securityLevel, level < 2 {
            add(.permissiveCipherPolicy("the cipher string sets OpenSSL security level \(level) (\(level == 0 ? "everything allowed" : "SHA-1 and 1024-bit keys allowed"))"),
                line: line, evidence: evidence, source: source)
        }
    }

    /// Lines without comments, with their 1-based numbers. Continuation lines ending in `\` are joined
    /// when `continuation` is set (java.security, Apache).
    static func logicalLines(_ text: String, comment: Character = "#", continuation: Bool = false) -> [(line: Int, text: String)] {
        var out: [(Int, String)] = []
        var pending = ""
        var pendingLine = 0
        var n = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            n += 1
            var s = Substring(raw)
            if s.hasSuffix("\r") { s = s.dropLast() }
            let trimmed = s.drop { $0 == " " || $0 == "\t" }
            if pending.isEmpty && trimmed.first == comment { continue }
            if continuation && trimmed.hasSuffix("\\") {
                if pending.isEmpty { pendingLine = n }
                pending += trimmed.dropLast() + " "
                continue
            }
            if !pending.isEmpty {
                out.append((pendingLine, pending + trimmed))
                pending = ""
                continue
            }
            if trimmed.isEmpty { continue }
            out.append((n, String(trimmed)))
        }
        if !pending.isEmpty { out.append((pendingLine, pending)) }
        return out
    }

    static func words(_ s: String) -> [String] {
        s.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { String($0) }
    }

    static func unquote(_ s: String) -> String {
        var t = Substring(s)
        if t.count >= 2, let f = t.first, f == "\"" || f == "'", t.last == f { t = t.dropFirst().dropLast() }
        return String(t)
    }

    // MARK: - nginx

    /// Directives end at `;`, may span lines, and `#` starts a comment outside quotes.
    private mutating func auditNginx(_ text: String) {
        for d in NginxDirectiveReader.directives(text) {
            let name = d.words.first ?? ""
            let args = Array(d.words.dropFirst()).map(Self.unquote)
            let evidence = d.words.joined(separator: " ")
            if name == "ssl_protocols" || name.hasSuffix("_ssl_protocols") {
                enable(args.compactMap(ProtocolCatalog.parse), line: d.line, evidence: evidence, source: name)
            } else if name == "ssl_ciphers" || name.hasSuffix("_ssl_ciphers") {
                if let v = args.first { auditCipherString(v, line: d.line, evidence: evidence, source: name) }
            } else if name == "ssl_ecdh_curve" {
                for c in (args.first ?? "").split(separator: ":") where c.lowercased() != "auto" {
                    addCurve(String(c), line: d.line, evidence: evidence, source: name)
                }
            } else if name == "ssl_conf_command", args.count >= 2 {
                if args[0] == "MinProtocol", let v = ProtocolCatalog.parse(args[1]) {
                    enable(ProtocolVersion.tlsFamily.filter { $0 >= v && $0 >= .tls10 }, line: d.line, evidence: evidence, source: name)
                } else if args[0] == "CipherString" {
                    auditCipherString(args[1], line: d.line, evidence: evidence, source: name)
                }
            } else if name == "proxy_ssl_verify" || name == "grpc_ssl_verify" || name == "uwsgi_ssl_verify" {
                // Off is nginx's default; only an explicit "off" is reported, as someone chose it.
                if args.first == "off" { add(.certValidationDisabled("\(name) off"), line: d.line, evidence: evidence, source: name) }
            }
        }
    }

    private mutating func addCurve(_ name: String, line: Int, evidence: String, source: String) {
        guard let curve = CurveCatalog.parse(name) else { return }
        let comp: AlgorithmComponent
        if curve.name == "SM2" { comp = AlgorithmComponent(family: "SM2", curve: "SM2") }
        else if curve.name == "curve25519" { comp = AlgorithmComponent(family: "X25519") }
        else if curve.name == "curve448" { comp = AlgorithmComponent(family: "X448") }
        else { comp = AlgorithmComponent(family: "ECDH", curve: curve.name) }
        add(.algorithm(comp, role: .keyAgree), line: line, evidence: evidence, source: source)
    }

    // MARK: - Apache httpd (mod_ssl)

    private mutating func auditApache(_ text: String) {
        for (line, s) in Self.logicalLines(text, continuation: true) {
            let w = Self.words(s)
            guard let name = w.first?.lowercased() else { continue }
            let args = w.dropFirst().map(Self.unquote)
            switch name {
            case "sslprotocol", "sslproxyprotocol":
                enable(Self.apacheProtocols(Array(args)), line: line, evidence: s, source: w[0])
            case "sslciphersuite", "sslproxyciphersuite":
                // "SSLCipherSuite TLSv1.3 TLS_AES_256_GCM_SHA384" names the protocol first.
                let list = args.count >= 2 && (args[0].uppercased() == "SSL" || args[0].uppercased().hasPrefix("TLS")) ? args[1] : (args.first ?? "")
                auditCipherString(list, line: line, evidence: s, source: w[0])
            case "sslproxyverify":
                if args.first?.lowercased() == "none" || args.first?.lowercased() == "optional_no_ca" {
                    add(.certValidationDisabled("SSLProxyVerify \(args[0])"), line: line, evidence: s, source: w[0])
                }
            case "sslproxycheckpeername", "sslproxycheckpeercn":
                if args.first?.lowercased() == "off" { add(.hostnameVerificationDisabled("\(w[0]) off"), line: line, evidence: s, source: w[0]) }
            case "sslopensslconfcmd":
                if args.count >= 2, args[0] == "MinProtocol", let v = ProtocolCatalog.parse(args[1]) {
                    enable(ProtocolVersion.tlsFamily.filter { $0 >= v && $0 >= .tls10 }, line: line, evidence: s, source: w[0])
                }
            default: break
            }
        }
    }

    /// mod_ssl's protocol arithmetic: "all" is TLSv1 to TLSv1.3 (SSLv3 is no longer part of "all");
    /// `+X` adds, `-X` removes, a bare name replaces what came before.
    static func apacheProtocols(_ args: [String]) -> [ProtocolVersion] {
        let all: [ProtocolVersion] = [.tls10, .tls11, .tls12, .tls13]
        var set: [ProtocolVersion] = []
        for a in args {
            var op: Character? = nil
            var name = Substring(a)
            if let f = name.first, f == "+" || f == "-" { op = f; name = name.dropFirst() }
            let versions: [ProtocolVersion]
            if name.lowercased() == "all" { versions = all }
            else if let v = ProtocolCatalog.parse(String(name)) { versions = [v] }
            else { continue }
            switch op {
            case "+": for v in versions where !set.contains(v) { set.append(v) }
            case "-": set.removeAll { versions.contains($0) }
            default: set = versions
            }
        }
        return set.sorted()
    }

    /// Tomcat's lists: "TLSv1,TLSv1.2" and "TLSv1.2+TLSv1.3" are unions; "+X"/"-X" with "all" work as in mod_ssl.
    static func tomcatProtocols(_ value: String) -> [ProtocolVersion] {
        let names = value.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        if names.contains(where: { $0.hasPrefix("+") || $0.hasPrefix("-") }) { return apacheProtocols(names) }
        var set: [ProtocolVersion] = []
        for n in names.flatMap({ $0.split(separator: "+").map(String.init) }) {
            let vs: [ProtocolVersion] = n.lowercased() == "all" ? [.tls10, .tls11, .tls12, .tls13] : ProtocolCatalog.parse(n).map { [$0] } ?? []
            for v in vs where !set.contains(v) { set.append(v) }
        }
        return set.sorted()
    }

    // MARK: - HAProxy

    private mutating func auditHAProxy(_ text: String) {
        for (line, s) in Self.logicalLines(text) {
            let w = Self.words(s)
            guard let kw = w.first else { continue }
            var i = 0
            while i < w.count {
                let t = w[i].lowercased()
                let next = i + 1 < w.count ? w[i + 1] : nil
                switch t {
                case "ssl-min-ver":
                    if let next, let v = ProtocolCatalog.parse(next) {
                        enable(ProtocolVersion.tlsFamily.filter { $0 >= v }, line: line, evidence: s, source: "ssl-min-ver")
                    }
                    i += 1
                case "force-sslv3", "force-tlsv10", "force-tlsv11", "force-tlsv12", "force-tlsv13":
                    if let v = ProtocolCatalog.parse(String(t.dropFirst(6))) { enable([v], line: line, evidence: s, source: t) }
                case "ssl-default-bind-ciphers", "ssl-default-server-ciphers", "ciphers":
                    if let next { auditCipherString(Self.unquote(next), line: line, evidence: s, source: t) }
                    i += 1
                case "verify":
                    // On a `server` line, "verify none" accepts any backend certificate.
                    if kw == "server" || kw == "default-server", next == "none" {
                        add(.certValidationDisabled("server ... verify none"), line: line, evidence: s, source: "verify")
                    }
                    i += 1
                case "ssl-server-verify":
                    if next == "none" { add(.certValidationDisabled("ssl-server-verify none"), line: line, evidence: s, source: t) }
                    i += 1
                default: break
                }
                i += 1
            }
        }
    }

    // MARK: - OpenSSH

    private mutating func auditSSHD(_ text: String) {
        for (line, s) in Self.logicalLines(text) {
            let w = Self.words(s)
            guard w.count >= 2 else { continue }
            let key = w[0].lowercased()
            var value = w[1]
            if key == "protocol" {
                for p in value.split(separator: ",") {
                    add(.protocolVersion(p == "1" ? .ssh1 : .ssh2), line: line, evidence: s, source: w[0])
                }
                continue
            }
            let kind: SSHAlgorithmCatalog.Kind
            switch key {
            case "ciphers": kind = .cipher
            case "macs": kind = .mac
            case "kexalgorithms": kind = .kex
            case "hostkeyalgorithms", "pubkeyacceptedalgorithms", "pubkeyacceptedkeytypes", "hostbasedacceptedalgorithms", "casignaturealgorithms":
                kind = .hostKey
            default: continue
            }
            // "-list" removes from the defaults: nothing is enabled by it.
            if value.hasPrefix("-") { continue }
            if value.hasPrefix("+") || value.hasPrefix("^") { value.removeFirst() }
            for name in value.split(separator: ",") where !name.isEmpty {
                add(.sshAlgorithm(String(name), kind), line: line, evidence: s, source: w[0])
            }
        }
    }

    // MARK: - openssl.cnf

    private mutating func auditOpenSSL(_ text: String) {
        for (line, s) in Self.logicalLines(text) {
            guard !s.hasPrefix("["), let eq = s.firstIndex(of: "=") else { continue }
            let key = s[..<eq].trimmingWhitespaces()
            var value = s[s.index(after: eq)...].trimmingWhitespaces()
            if let hash = value.firstIndex(of: "#") { value = value[..<hash].trimmingWhitespaces() }
            value = Self.unquote(value)
            switch key {
            case "MinProtocol":
                if let v = ProtocolCatalog.parse(value) {
                    enable(ProtocolVersion.tlsFamily.filter { $0 >= v }, line: line, evidence: s, source: key)
                }
            case "CipherString":
                auditCipherString(value, line: line, evidence: s, source: key)
            case "default_md":
                let comps = AlgorithmCatalog.parse(value)
                for c in comps { add(.algorithm(c, role: .certificateSignature), line: line, evidence: s, source: key) }
            case "default_bits":
                if let bits = Int(value) { add(.algorithm(AlgorithmComponent(family: "RSA", keyBits: bits), role: .keygen), line: line, evidence: s, source: key) }
            default: break
            }
        }
    }

    // MARK: - java.security

    /// What `jdk.tls.disabledAlgorithms` must contain, and what leaving each out enables.
    private static let javaTLSMustDisable: [(token: String, kind: Observation.Kind)] = [
        ("SSLv3", .protocolVersion(.ssl3)), ("TLSv1", .protocolVersion(.tls10)), ("TLSv1.1", .protocolVersion(.tls11)),
        ("RC4", .cipherSuite(CipherSuiteCatalog.judge("RC4"))), ("DES", .cipherSuite(CipherSuiteCatalog.judge("DES"))),
        ("3DES_EDE_CBC", .cipherSuite(CipherSuiteCatalog.judge("3DES_EDE_CBC"))),
        ("NULL", .cipherSuite(CipherSuiteCatalog.judge("NULL"))), ("anon", .cipherSuite(CipherSuiteCatalog.judge("anon"))),
    ]

    private mutating func auditJavaSecurity(_ text: String) {
        for (line, s) in Self.logicalLines(text, continuation: true) {
            guard let eq = s.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = s[..<eq].trimmingWhitespaces()
            let items = s[s.index(after: eq)...].split(separator: ",").map { $0.trimmingWhitespaces() }
            let evidence = "\(key)=…"
            if key == "jdk.tls.disabledAlgorithms" {
                let names = Set(items.map { $0.split(separator: " ").first.map(String.init) ?? "" })
                for (token, kind) in Self.javaTLSMustDisable where !names.contains(token) {
                    add(kind, line: line, evidence: "\(evidence) (\(token) not disabled)", source: key)
                }
                for item in items { checkKeySizeConstraint(item, line: line, key: key) }
            } else if key == "jdk.certpath.disabledAlgorithms" {
                let names = Set(items.map { $0.split(separator: " ").first.map(String.init) ?? "" })
                for token in ["MD2", "MD5"] where !names.contains(token) {
                    add(.permissiveCipherPolicy("\(token) certificate signatures are accepted (not in \(key))"), line: line, evidence: evidence, source: key)
                }
                for item in items { checkKeySizeConstraint(item, line: line, key: key) }
            }
        }
    }

    /// "RSA keySize < 1024" leaves 1024–2047-bit keys allowed.
    private mutating func checkKeySizeConstraint(_ item: String, line: Int, key: String) {
        let w = item.split(separator: " ")
        guard w.count == 4, w[1] == "keySize", w[2] == "<", let n = Int(w[3]) else { return }
        let alg = String(w[0])
        let minimum = alg == "EC" ? 224 : 2048
        if ["RSA", "DSA", "DH", "EC"].contains(alg), n < minimum {
            add(.permissiveCipherPolicy("\(alg) keys of \(n)–\(minimum - 1) bits are accepted (\(key): \(item))"), line: line, evidence: "\(key)=… \(item)", source: key)
        }
    }

    // MARK: - Tomcat server.xml

    private mutating func auditTomcat(_ text: String) {
        for tag in XMLTagReader.tags(text, names: ["Connector", "SSLHostConfig", "Certificate"]) {
            let a = tag.attributes
            let evidence = "<\(tag.name) …>"
            if let p = a["sslEnabledProtocols"] ?? (tag.name == "SSLHostConfig" ? a["protocols"] : nil) {
                let versions = Self.tomcatProtocols(p)
                enable(versions, line: tag.line, evidence: "\(evidence) protocols=\"\(p)\"", source: "\(tag.name)@protocols")
            }
            if let p = a["sslProtocol"], let v = ProtocolCatalog.parse(p), v < .tls12 {
                enable([v], line: tag.line, evidence: "\(evidence) sslProtocol=\"\(p)\"", source: "\(tag.name)@sslProtocol")
            }
            if let c = a["ciphers"] {
                auditCipherString(c.replacing(",", with: ":"), line: tag.line, evidence: "\(evidence) ciphers=\"\(c.prefix(80))\"", source: "\(tag.name)@ciphers")
            }
            for attr in ["keystorePass", "certificateKeystorePassword", "certificateKeyPassword", "truststorePass", "truststorePassword"] {
                if let v = a[attr], !v.isEmpty, !v.hasPrefix("${") {
                    add(.hardcodedPassword("written in server.xml (\(attr))"), line: tag.line,
                        evidence: "\(attr)=\"\(Redaction.redact(v, keepFirst: 1, keepLast: 0))\"", source: "\(tag.name)@\(attr)")
                }
            }
        }
    }
}

/// nginx directives: words up to `;`, quotes kept together, `#` comments dropped, block braces ignored.
enum NginxDirectiveReader {
    struct Directive { var line: Int; var words: [String] }

    static func directives(_ text: String) -> [Directive] {
        var out: [Directive] = []
        var words: [String] = []
        var word: [UInt8] = []
        var line = 1, startLine = 1
        var quote: UInt8 = 0
        var inComment = false
        func endWord() { if !word.isEmpty { if words.isEmpty { startLine = line }; words.append(String(decoding: word, as: UTF8.self)); word.removeAll() } }
        for b in text.utf8 {
            if b == 0x0A { line += 1; inComment = false; if quote == 0 { endWord() } else { word.append(b) }; continue }
            if inComment { continue }
            if quote != 0 {
                word.append(b)
                if b == quote { quote = 0 }
                continue
            }
            switch b {
            case UInt8(ascii: "#"): endWord(); inComment = true
            case UInt8(ascii: "\""), UInt8(ascii: "'"): word.append(b); quote = b
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): endWord()
            case UInt8(ascii: ";"):
                endWord()
                if !words.isEmpty { out.append(Directive(line: startLine, words: words)) }
                words.removeAll()
            case UInt8(ascii: "{"), UInt8(ascii: "}"):
                endWord()
                words.removeAll()
            default: word.append(b)
            }
        }
        return out
    }
}

/// Start tags with their attributes and line, outside comments; enough for server.xml.
enum XMLTagReader {
    struct Tag { var name: String; var line: Int; var attributes: [String: String] }

    static func tags(_ text: String, names: Set<String>) -> [Tag] {
        let b = Array(text.utf8)
        var out: [Tag] = []
        var i = 0, line = 1
        let n = b.count
        func isNameByte(_ c: UInt8) -> Bool { c == 0x2D || c == 0x2E || c == 0x3A || c == 0x5F || (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) }
        while i < n {
            let c = b[i]
            if c == 0x0A { line += 1; i += 1; continue }
            guard c == UInt8(ascii: "<") else { i += 1; continue }
            // Comments are skipped whole: a commented-out connector enables nothing.
            if i + 3 < n, b[i + 1] == 0x21, b[i + 2] == 0x2D, b[i + 3] == 0x2D {
                i += 4
                while i + 2 < n, !(b[i] == 0x2D && b[i + 1] == 0x2D && b[i + 2] == 0x3E) { if b[i] == 0x0A { line += 1 }; i += 1 }
                i += 3
                continue
            }
            var j = i + 1
            while j < n, isNameByte(b[j]) { j += 1 }
            let name = String(decoding: b[(i + 1)..<j], as: UTF8.self)
            let tagLine = line
            var attrs: [String: String] = [:]
            // Attributes up to '>' (quoted values may hold '>').
            while j < n, b[j] != UInt8(ascii: ">") {
                guard isNameByte(b[j]) else {
                    if b[j] == 0x0A { line += 1 }
                    j += 1
                    continue
                }
                let s = j
                while j < n, isNameByte(b[j]) { j += 1 }
                let attr = String(decoding: b[s..<j], as: UTF8.self)
                while j < n, b[j] == 0x20 || b[j] == 0x09 || b[j] == 0x0A || b[j] == 0x0D { if b[j] == 0x0A { line += 1 }; j += 1 }
                guard j < n, b[j] == UInt8(ascii: "=") else { continue }
                j += 1
                while j < n, b[j] == 0x20 || b[j] == 0x09 || b[j] == 0x0A || b[j] == 0x0D { if b[j] == 0x0A { line += 1 }; j += 1 }
                guard j < n, b[j] == 0x22 || b[j] == 0x27 else { continue }
                let q = b[j]
                let vs = j + 1
                j += 1
                while j < n, b[j] != q { if b[j] == 0x0A { line += 1 }; j += 1 }
                attrs[attr] = String(decoding: b[vs..<min(j, n)], as: UTF8.self)
                j += 1
            }
            if names.contains(name) { out.append(Tag(name: name, line: tagLine, attributes: attrs)) }
            i = j + 1
        }
        return out
    }
}
