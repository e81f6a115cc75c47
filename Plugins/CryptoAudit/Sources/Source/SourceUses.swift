import DSToolKit

/// Turning a matched API into pending uses; security context; evidence; plain-HTTP strings.
extension FileAnalyzer {
    mutating func emit(_ spec: APISpec, at t: Int, args: [Range<Int>], assigned: Range<Int>?, end: Int) {
        let api = spec.display
        var mode: SymbolValue?
        var hasCipher = false
        var notSecurity = false
        for e in spec.effects {
            switch e {
            case .mode(let r): if let rg = argument(r, args, assigned) { mode = evaluate(rg) }
            case .modeNamed(let m): mode = .string(m)
            case .cipher, .cipherNamed: hasCipher = true
            case .notSecurity(let kw):
                for a in args where a.count >= 3 && identIs(a.lowerBound, kw) && isOp(a.lowerBound + 1, "=") && identIs(a.lowerBound + 2, "False") {
                    notSecurity = true
                }
            default: break
            }
        }
        let security: Bool? = notSecurity ? false : securityContext(t, end)
        var keygenValue: SymbolValue?

        for e in spec.effects {
            switch e {
            case .cipher(let r, let ecb):
                if let rg = argument(r, args, assigned) { add(.algorithm(.encrypt, evaluate(rg), defaultECB: ecb), t, api, mode: mode) }
            case .cipherNamed(let name):
                add(.algorithmFixed(.encrypt, name), t, api, mode: mode)
            case .digest(let r):
                if let rg = argument(r, args, assigned) { add(.algorithm(.digest, evaluate(rg), defaultECB: false), t, api, security: security) }
            case .digestNamed(let name):
                add(.algorithmFixed(.digest, name), t, api, security: security)
            case .mac(let r):
                if let rg = argument(r, args, assigned) { add(.algorithm(.mac, evaluate(rg), defaultECB: false), t, api) }
            case .macNamed(let name):
                add(.algorithmFixed(.mac, name), t, api)
            case .signature(let r):
                if let rg = argument(r, args, assigned) { add(.algorithm(.sign, evaluate(rg), defaultECB: false), t, api) }
            case .signatureNamed(let name):
                add(.algorithmFixed(.sign, name), t, api)
            case .keyAlgorithm(let r):
                if let rg = argument(r, args, assigned) { add(.algorithm(.key, evaluate(rg), defaultECB: false), t, api) }
            case .keygen(let r):
                if let rg = argument(r, args, assigned) {
                    let v = evaluate(rg)
                    keygenValue = v
                    add(.algorithm(.keygen, v, defaultECB: false), t, api)
                }
            case .keygenNamed(let name):
                keygenValue = .string(name)
                add(.algorithmFixed(.keygen, name), t, api)
            case .keySize(let r, let family):
                guard let rg = argument(r, args, assigned) else { break }
                let bits = evaluate(rg)
                var fam: SymbolValue? = family.map { .string($0) } ?? keygenValue
                if fam == nil, let rcv = receiver(t), let b = bindings[toks[rcv].hash] { fam = b.value }
                if let fam { add(.keySize(family: fam, bits: bits), t, api) }
            case .curve(let r):
                if let rg = argument(r, args, assigned) { add(.curve(evaluate(rg)), t, api) }
            case .curveNamed(let name):
                add(.curve(.string(name)), t, api)
            case .protocolArg(let r):
                if let rg = argument(r, args, assigned) { add(.protocolVersion(evaluate(rg)), t, api) }
            case .protocolNamed(let name):
                add(.protocolVersion(.string(name)), t, api)
            case .protocols(let r):
                if let rg = argument(r, args, assigned) { add(.protocols(literals(in: rg)), t, api) }
            case .suites(let r):
                if let rg = argument(r, args, assigned) { add(.suites(literals(in: rg)), t, api) }
            case .suiteNamed:
                add(.suites([.string(text(t))]), t, api)
            case .cipherString(let r):
                if let rg = argument(r, args, assigned) { add(.cipherString(evaluate(rg)), t, api) }
            case .mode, .modeNamed:
                if !hasCipher, let mode { add(.mode(mode), t, api) }
            case .kdfNamed(let name):
                add(.algorithmFixed(.kdf, name), t, api)
            case .kdfHash(let r):
                if let rg = argument(r, args, assigned) { add(.algorithm(.kdf, evaluate(rg), defaultECB: false), t, api) }
            case .key(let r):
                if let rg = argument(r, args, assigned) { add(.key(evaluate(rg)), t, api, secret: true) }
            case .iv(let r):
                if let rg = argument(r, args, assigned) { add(.iv(evaluate(rg)), t, api) }
            case .salt(let r):
                if let rg = argument(r, args, assigned) { add(.salt(evaluate(rg)), t, api, secret: true) }
            case .password(let r):
                if let rg = argument(r, args, assigned) { add(.password(evaluate(rg)), t, api, secret: true) }
            case .iterations(let r):
                if let rg = argument(r, args, assigned) { add(.iterations(evaluate(rg)), t, api) }
            case .weakRandom:
                add(.weakRandom(api), t, api, security: security)
            case .bind(let kind):
                if let name = bindingTarget(t) {
                    let value = keygenValue ?? (args.first.map { evaluate($0) } ?? .unknown)
                    bindings[toks[name].hash] = (kind, value)
                }
            case .randomFill(let r):
                if let rg = argument(r, args, assigned), let last = rg.last, isIdent(last) {
                    // `rand.Read(iv)`, `random.nextBytes(this.salt)`: the last name in the argument.
                    randomized.insert(toks[last].hash)
                }
            case .trustAll(let r, let values):
                if conditionHolds(r, values, args, assigned) { add(.trustAll(describe(api, r, args, assigned)), t, api) }
            case .hostnameAll(let r, let values):
                if conditionHolds(r, values, args, assigned) { add(.hostnameAll(describe(api, r, args, assigned)), t, api) }
            case .notSecurity:
                break
            case .evpName:
                let name = text(t)
                let rest = name.dropFirst(4)
                guard let f = rest.utf8.first, f >= 0x61 && f <= 0x7A else { break }
                let comps = algorithmNames[String(rest)]
                guard let c = comps.first, c.family != "?" else { break }
                let prim = AlgorithmCatalog.family(c.family)?.primitive
                let role: AlgorithmRole = (prim == .hash || prim == .xof) ? .digest : .encrypt
                add(.algorithmFixed(role, String(rest)), t, name, security: role == .digest ? security : nil)
            case .configField:
                guard let a0 = args.first, a0.count == 1, toks[a0.lowerBound].kind == .string else { break }
                let v = stringValue(a0.lowerBound)
                guard v.hasPrefix("${") else { break }
                // The field name: the identifier before `;`, `=`, `,` or `)` after the annotation.
                var j = end
                while j < toks.count && j - end < 12 {
                    if isIdent(j) && (isOp(j + 1, ";") || isOp(j + 1, "=") || isOp(j + 1, ",") || isOp(j + 1, ")")) {
                        configFields[toks[j].hash] = configRef(v)
                        break
                    }
                    j += 1
                }
            }
        }
    }

    /// The variable a call's result is assigned to: `x = A.b(...)`, `T x = new A(...)`, `x := a.B(...)`.
    func bindingTarget(_ t: Int) -> Int? {
        var i = t
        while isMemberOp(i - 1) && isIdent(i - 2) { i -= 2 }
        if identIs(i - 1, "new") { i -= 1 }
        if isOp(i - 1, "=") || isOp2(i - 1, ":=") { return assignedName(i - 1) }
        return nil
    }

    /// Every string literal and name inside a range (`new String[]{"TLSv1", "TLSv1.2"}`).
    func literals(in r: Range<Int>) -> [SymbolValue] {
        var out: [SymbolValue] = []
        for j in r {
            if toks[j].kind == .string { out.append(.string(stringValue(j))) }
        }
        if out.isEmpty { out.append(evaluate(r)) }
        return out
    }

    /// Whether a trust/hostname condition holds: the argument or assigned value is one of the values,
    /// or is a function that returns one (`(h, s) -> true`, `delegate { return true; }`).
    func conditionHolds(_ r: ArgRef?, _ values: [String], _ args: [Range<Int>], _ assigned: Range<Int>?) -> Bool {
        guard let r else { return true }
        guard let rg = argument(r, args, assigned), !rg.isEmpty else { return false }
        var s = ""
        for j in rg {
            s += toks[j].kind == .string ? stringValue(j) : text(j)
            if s.count > 400 { return false }
        }
        let t = s.lowercased()
        for v in values {
            if t == v { return true }
            if t.hasSuffix("->" + v) || t.hasSuffix("=>" + v) { return true }
            if t.hasSuffix("{return" + v + ";}") && !t.contains("if(") { return true }
        }
        return false
    }

    func describe(_ api: String, _ r: ArgRef?, _ args: [Range<Int>], _ assigned: Range<Int>?) -> String {
        guard let r, let rg = argument(r, args, assigned) else { return api }
        var s = ""
        for j in rg { s += text(j); if s.count > 60 { break } }
        return r.assigned ? "\(api) = \(s)" : "\(api)(\(s))"
    }

    mutating func add(_ kind: PendingUse.Kind, _ t: Int, _ api: String, mode: SymbolValue? = nil, security: Bool? = nil, secret: Bool = false) {
        let tk = toks[t]
        let col = Int(tk.start) - lineStart(Int(tk.start)) + 1
        uses.append(PendingUse(kind: kind, mode: mode, api: api, line: Int(tk.line), column: col,
                               offset: rawOffsets ? Int64(tk.start) : nil, evidence: evidence(t, redact: secret),
                               securityUse: security, token: t))
    }

    /// Where the line holding byte `pos` starts: after the last newline before `pos`, found eight
    /// bytes at a time (a byte-by-byte walk back was most of the work per use).
    func lineStart(_ pos: Int) -> Int {
        var e = pos
        while e >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(p + e - 8).loadUnaligned(as: UInt64.self))
            // Exactly the zero bytes of word ^ newlines (no borrow between bytes): a newline's high bit.
            let x = word ^ 0x0A0A_0A0A_0A0A_0A0A
            let newlines = ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & 0x8080_8080_8080_8080
            if newlines != 0 { return e - (newlines.leadingZeroBitCount >> 3) }
            e -= 8
        }
        while e > 0 && p[e - 1] != 0x0A { e -= 1 }
        return e
    }

    /// The source line of token `t`, trimmed and at most 200 characters; string literals are
    /// redacted when the use is about a secret.
    func evidence(_ t: Int, redact: Bool) -> String {
        let line = toks[t].line
        let ls = lineStart(Int(toks[t].start))
        let le = Lexer.lineEnd(p, n, from: Int(toks[t].start))
        var bytes: [UInt8] = []
        if redact {
            // The line's length and a little for redaction marks: one allocation, not one per doubling.
            bytes.reserveCapacity(le - ls + 16)
            var first = t
            while first > 0 && toks[first - 1].line == line { first -= 1 }
            var k = ls
            var j = first
            while k < le {
                while j < toks.count && Int(toks[j].start) < k { j += 1 }
                if j < toks.count && Int(toks[j].start) == k && toks[j].kind == .string && toks[j].line == line {
                    let inner = stringValue(j)
                    // Algorithm and encoding names stay readable; anything else is masked.
                    // Remembered per scanner for literals of up to 64 bytes (algorithm names are
                    // at most 48 characters); longer ones are judged each time, not kept.
                    let keep = Self.encodingNames.contains(inner)
                        || (inner.utf8.count <= 64 ? pureAlgorithmNames[inner] : AlgorithmCatalog.isPureAlgorithmName(inner))
                    bytes += Array(("\"" + (keep ? inner : Redaction.redact(inner, keepFirst: 2, keepLast: 0)) + "\"").utf8)
                    k = Int(toks[j].end)
                    j += 1
                    continue
                }
                bytes.append(p[k])
                k += 1
            }
        } else {
            // The line as it is: trimmed in place, no copy before the String.
            return Self.trimmedEvidence(UnsafeBufferPointer(start: p + ls, count: le - ls))
        }
        return bytes.withUnsafeBufferPointer { Self.trimmedEvidence($0) }
    }

    /// The line without surrounding white space, at most 200 characters. ASCII white space is cut
    /// on bytes; Foundation only sees lines that end in other bytes or are long.
    static func trimmedEvidence(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        @inline(__always) func space(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
        var s = 0, e = bytes.count
        while s < e && space(bytes[s]) { s += 1 }
        while e > s && space(bytes[e - 1]) { e -= 1 }
        let simple = e - s <= 200 && (s == e || (bytes[s] < 0x80 && bytes[e - 1] < 0x80))
        let trimmed = UnsafeBufferPointer(rebasing: bytes[s..<e])
        if simple { return String(decoding: trimmed, as: UTF8.self) }
        var text = String(decoding: trimmed, as: UTF8.self).trimmingWhitespacesAndNewlines()
        if text.count > 200 { text = String(text.prefix(200)) + "…" }
        return text
    }

    // MARK: - Security context

    static let securityWords: [String] = ["password", "passwd", "passphrase", "secret", "token", "credential", "session", "nonce",
                                          "salt", "cipher", "encrypt", "decrypt", "signature", "auth", "login", "csrf", "xsrf",
                                          "captcha", "apikey", "privatekey", "secretkey", "otp", "pin", "pwd", "jwt", "hmac",
                                          "sign", "signed", "iv", "key", "keys", "verify", "verification", "reset", "crypt"]
    static let shortSecurityWords: Set<String> = ["otp", "pin", "pwd", "jwt", "sign", "signed", "iv", "key", "keys", "verify", "reset", "crypt", "pass"]
    static let nonSecurityWords: Set<String> = ["checksum", "etag", "cache", "cached", "dedup", "dedupe", "bucket", "shard", "partition",
                                                "color", "colour", "shuffle", "jitter", "backoff", "retry", "dice", "sample", "sampling", "game",
                                                "animation", "etags", "md5sum", "filehash"]

    /// Words of an identifier: split at `_`, digits and lower→upper case changes, lower-cased.
    static func identifierWords(_ s: String) -> [String] {
        var out: [String] = []
        var cur = ""
        var prevLower = false
        for ch in s {
            if ch == "_" || ch == "$" || ch.isNumber { if !cur.isEmpty { out.append(cur.lowercased()) }; cur = ""; prevLower = false; continue }
            if ch.isUppercase && prevLower { out.append(cur.lowercased()); cur = "" }
            cur.append(ch)
            prevLower = ch.isLowercase
        }
        if !cur.isEmpty { out.append(cur.lowercased()) }
        return out
    }

    /// Whether the statement around a use speaks of security (true), of something else (false), or
    /// neither (nil). Names like etag/checksum/cache win over security words: `cacheKey = md5(...)`.
    func securityContext(_ t: Int, _ end: Int) -> Bool? {
        let line = toks[t].line
        var a = t
        var steps = 0
        while a > 0 && steps < 24 {
            let prev = toks[a - 1]
            if prev.kind == .op && (prev.op == 0x3B || prev.op == 0x7B || prev.op == 0x7D) { break }
            if prev.line < line - (family == .python ? 0 : 1) { break }
            a -= 1; steps += 1
        }
        var b = min(end, toks.count)
        steps = 0
        let endLine = b > 0 && b <= toks.count ? toks[b - 1].line : line
        while b < toks.count && steps < 24 {
            let tk = toks[b]
            if tk.kind == .op && (tk.op == 0x3B || tk.op == 0x7B || tk.op == 0x7D) { break }
            if tk.line > endLine + (family == .python ? 0 : 1) { break }
            b += 1; steps += 1
        }
        var security = false
        // The first statement of a function also speaks through the function's name (`String token() { return ... }`).
        let function = enclosingFunctionName(before: a)
        var j = a
        while true {
            let k: Int
            if j < b { k = j; j += 1 } else if let f = function, j == b { k = f; j += 1 } else { break }
            guard toks[k].kind == .ident else { continue }
            let w = wordFlags.value(p + Int(toks[k].start), Int(toks[k].end - toks[k].start), hash: toks[k].hash)
            if w.other { return false }
            if w.security { security = true }
        }
        return security ? true : nil
    }

    /// What the words of one identifier say (as `identifierWords`, whole identifier included).
    /// Byte-level for ASCII identifiers (no Strings); others take the String path.
    static func identifierWordFlags(_ q: UnsafePointer<UInt8>, _ len: Int) -> (security: Bool, other: Bool) {
        var ascii = true
        for i in 0..<len where q[i] >= 0x80 { ascii = false; break }
        guard ascii else {
            let name = String(decoding: UnsafeBufferPointer(start: q, count: len), as: UTF8.self)
            var security = false, other = Self.nonSecurityWords.contains(name.lowercased())
            for w in identifierWords(name) {
                if nonSecurityWords.contains(w) { other = true }
                if shortSecurityWords.contains(w) { security = true; continue }
                if w.count >= 4 { for s in securityWords where s.count >= 4 && w.contains(s) { security = true; break } }
            }
            return (security, other)
        }
        var security = false
        var other = Self.isWord(q, 0, len, in: nonSecurityWordBytes)
        var start = 0
        var prevLower = false
        @inline(__always) func word(_ s: Int, _ e: Int) {
            guard e > s else { return }
            if isWord(q, s, e, in: nonSecurityWordBytes) { other = true }
            if isWord(q, s, e, in: shortSecurityWordBytes) { security = true; return }
            if !security && e - s >= 4 && containsWord(q, s, e, of: longSecurityWordBytes) { security = true }
        }
        for i in 0..<len {
            let c = q[i]
            if c == 0x5F || c == 0x24 || (c >= 0x30 && c <= 0x39) { word(start, i); start = i + 1; prevLower = false; continue }
            let upper = c >= 0x41 && c <= 0x5A
            if upper && prevLower { word(start, i); start = i }
            prevLower = c >= 0x61 && c <= 0x7A
        }
        word(start, len)
        return (security, other)
    }

    static let nonSecurityWordBytes: [[UInt8]] = nonSecurityWords.sorted().map { Array($0.utf8) }
    static let shortSecurityWordBytes: [[UInt8]] = shortSecurityWords.sorted().map { Array($0.utf8) }
    static let longSecurityWordBytes: [[UInt8]] = securityWords.filter { $0.utf8.count >= 4 }.map { Array($0.utf8) }

    @inline(__always) static func lowerASCII(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }

    /// Whether q[s..<e], lower-cased, is one of `words` (lower-case ASCII).
    static func isWord(_ q: UnsafePointer<UInt8>, _ s: Int, _ e: Int, in words: [[UInt8]]) -> Bool {
        let n = e - s
        outer: for w in words where w.count == n {
            for k in 0..<n where lowerASCII(q[s + k]) != w[k] { continue outer }
            return true
        }
        return false
    }

    /// Whether q[s..<e], lower-cased, contains one of `words` (lower-case ASCII).
    static func containsWord(_ q: UnsafePointer<UInt8>, _ s: Int, _ e: Int, of words: [[UInt8]]) -> Bool {
        for w in words where w.count <= e - s {
            var i = s
            let first = w[0]
            while i + w.count <= e {
                if lowerASCII(q[i]) == first {
                    var k = 1
                    while k < w.count && lowerASCII(q[i + k]) == w[k] { k += 1 }
                    if k == w.count { return true }
                }
                i += 1
            }
        }
        return false
    }

    /// The name of the function whose body starts right before token `a`: `name(...) [throws X | : T | -> T] {` or Python's `def name(...):`.
    func enclosingFunctionName(before a: Int) -> Int? {
        var j = a - 1
        guard j >= 0, isOp(j, "{") || (family == .python && isOp(j, ":")) else { return nil }
        j -= 1
        var steps = 0
        while j >= 0 && steps < 10 && !isOp(j, ")") {
            if isOp(j, ";") || isOp(j, "{") || isOp(j, "}") { return nil }
            j -= 1; steps += 1
        }
        guard j >= 0, isOp(j, ")") else { return nil }
        var depth = 0
        while j >= 0 {
            if isOp(j, ")") { depth += 1 } else if isOp(j, "(") { depth -= 1; if depth == 0 { break } }
            j -= 1
        }
        return j > 0 && isIdent(j - 1) ? j - 1 : nil
    }

    // MARK: - Plain HTTP

    static let loopbackHosts = ["localhost", "127.", "0.0.0.0", "[::1]", "::1", "example.com", "example.org", "example.net", "host.docker.internal"]
    static let namespaceHosts = ["www.w3.org", "w3.org", "schemas.", "xmlns.", "java.sun.com", "xml.apache.org", "maven.apache.org",
                                 "www.springframework.org", "json-schema.org", "purl.org", "ns.adobe.com", "www.apache.org", "opensource.org",
                                 "www.gnu.org", "xml.org", "docs.oasis-open.org", "www.omg.org", "jakarta.ee", "xmlpull.org", "www.jcp.org"]
    static let sensitiveWords = ["login", "logon", "signin", "sign-in", "auth", "oauth", "token", "password", "passwd", "secret", "apikey",
                                 "api_key", "api-key", "access_key", "pay", "checkout", "account", "session", "sso", "credential",
                                 "register", "signup", "admin", "wallet", "bank", "card", "user"]

    /// Whether a URL is plain HTTP to a non-local host and names something sensitive.
    static func isSensitiveHTTP(_ url: String) -> Bool {
        let l = url.lowercased()
        guard l.hasPrefix("http://") else { return false }
        let rest = l.dropFirst(7)
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if host.isEmpty || host.contains("{") || host.contains("$") || host.contains("%s") { return false }
        for h in loopbackHosts where host.hasPrefix(h) || host.hasSuffix("." + h) || host == h.dropLast(0) { return false }
        for h in namespaceHosts where host.hasPrefix(h) { return false }
        if host.hasSuffix(".local") || host.hasSuffix(".test") || host.hasSuffix(".invalid") { return false }
        return sensitiveWords.contains { rest.contains($0) }
    }

    mutating func checkHTTP(_ s: Int) {
        let url = stringValue(s)
        guard Self.isSensitiveHTTP(url) else { return }
        add(.plainHTTP(String(url.prefix(200))), s, "string literal")
    }

    // MARK: - Merging modes into their cipher

    /// `Cipher(algorithms.AES(k), modes.ECB())`: the mode of a separate call belongs to the nearest
    /// cipher in the same statement (within 60 tokens).
    mutating func mergeModes() {
        var drop = Set<Int>()
        // By index, reading in place: a `for (i, u) in uses.enumerated()` kept the array alive, so
        // setting a mode copied the whole list (and the copy, not the original, was kept).
        for i in uses.indices {
            guard case .mode(let m) = uses[i].kind else { continue }
            let token = uses[i].token
            var best: Int?
            var bestDistance = 61
            for j in uses.indices where uses[j].mode == nil {
                switch uses[j].kind {
                case .algorithm(.encrypt, _, _), .algorithmFixed(.encrypt, _):
                    let d = abs(uses[j].token - token)
                    if d < bestDistance { best = j; bestDistance = d }
                default: break
                }
            }
            if let best { uses[best].mode = m; drop.insert(i) }
        }
        if !drop.isEmpty { uses = uses.enumerated().filter { !drop.contains($0.offset) }.map(\.element) }
    }
}
