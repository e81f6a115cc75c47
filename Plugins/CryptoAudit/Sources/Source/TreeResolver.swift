import DSToolKit

/// Constants defined anywhere in the tree, by name. A name defined with two different values is
/// ambiguous and resolves to nothing (better silent than wrong).
struct GlobalConstants: Sendable {
    private(set) var values: [String: SymbolValue] = [:]
    private var ambiguous: Set<String> = []

    mutating func add(_ name: String, _ value: SymbolValue) {
        if ambiguous.contains(name) { return }
        if let old = values[name] {
            if old != value { ambiguous.insert(name); values[name] = nil }
            return
        }
        values[name] = value
    }

    mutating func merge(_ other: [(name: String, value: SymbolValue)]) {
        for (n, v) in other { add(n, v) }
    }

    subscript(name: String) -> SymbolValue? { values[name] }
}

/// The second pass: resolves what files left open (constants of other files, configuration values)
/// and turns pending uses into observations.
struct TreeResolver {
    let constants: GlobalConstants
    let config: ConfigValues
    /// Names parsed before: a tree names the same few algorithms and protocols thousands of times.
    private let parsed = NameMemo(AlgorithmCatalog.parse)
    private let protocols = NameMemo(ProtocolCatalog.parse)

    func resolve(_ v: SymbolValue, depth: Int = 0) -> SymbolValue {
        guard depth < 8 else { return v }
        switch v {
        case .symbol(let name, _):
            if let c = constants[name] { return resolve(c, depth: depth + 1) }
            return v
        case .config(let key, let fallback):
            if let value = config.lookup(key) {
                if value.hasPrefix("${") {
                    var body = value.dropFirst(2)
                    if body.hasSuffix("}") { body = body.dropLast() }
                    return resolve(.config(key: String(body), fallback: fallback), depth: depth + 1)
                }
                return .string(value)
            }
            if let fallback { return resolve(fallback, depth: depth + 1) }
            return v
        case .concat(let parts):
            let rs = parts.map { resolve($0, depth: depth + 1) }
            var out = ""
            var hasString = false
            for r in rs {
                switch r {
                case .string(let s): out += s; hasString = true
                case .number(let n): out += String(n)
                default:
                    guard let t = r.nameText else { return .unknown }
                    out += t
                }
            }
            return hasString ? .string(out) : .unknown
        default:
            return v
        }
    }

    /// Where a secret value came from, for the message (never the value itself).
    func describeConstant(_ original: SymbolValue, _ resolved: SymbolValue) -> String? {
        var source = ""
        switch original {
        case .config(let key, _):
            if config.lookup(key) != nil { source = " from configuration key \(key)" }
            else { source = " (default of configuration key \(key))" }
        case .symbol(let name, _): source = " (constant \(name))"
        default: break
        }
        switch resolved {
        case .string(let s) where !s.isEmpty: return "a \(s.utf8.count)-byte constant string\(source)"
        case .bytes(let count, let zero) where count > 0: return zero ? "all zero (\(count) bytes)\(source)" : "a constant \(count)-byte array\(source)"
        default: return nil
        }
    }

    func observations(_ facts: FileFacts, base: Location) -> [Observation] {
        var out: [Observation] = []
        // Most uses make one observation: grown once, not by doubling (an Observation is large).
        out.reserveCapacity(facts.uses.count)
        // Each use's parts are read where they are (a `for u in` copied every use whole, retaining
        // all its Strings and values, only to read a few of them).
        facts.uses.withUnsafeBufferPointer { uses in
        for i in uses.indices {
            var loc = base
            loc.line = uses[i].line
            loc.column = uses[i].column
            loc.offset = uses[i].offset
            func add(_ kind: Observation.Kind, _ layer: SecurityLayer, security: Bool? = nil, confidence: Double = 0.9) {
                out.append(Observation(kind, layer: layer, location: loc, evidence: uses[i].evidence, source: uses[i].api,
                                       securityUse: security ?? uses[i].securityUse, confidence: confidence))
            }
            switch uses[i].kind {
            case .algorithm(let role, let v, let ecb):
                let r = resolve(v)
                guard let name = r.nameText else { continue }
                addAlgorithms(name, role: role, defaultECB: ecb, mode: uses[i].mode.map { resolve($0) }, add: add)
            case .algorithmFixed(let role, let name):
                addAlgorithms(name, role: role, defaultECB: false, mode: uses[i].mode.map { resolve($0) }, add: add)
            case .keySize(let f, let b):
                guard let fam = resolve(f).nameText, let first = parsed[fam].first else { continue }
                guard case .number(let bits) = resolve(b) else { continue }
                var c = first
                if AlgorithmCatalog.isCipher(c.family) { continue }  // AES key sizes are not a finding here
                c.keyBits = bits
                add(.algorithm(c, role: .keygen), .application)
            case .curve(let v):
                guard let t = resolve(v).nameText, let curve = CurveCatalog.parse(t) else { continue }
                let comp: AlgorithmComponent
                switch curve.name {
                case "SM2": comp = AlgorithmComponent(family: "SM2", curve: "SM2")
                case "curve25519": comp = AlgorithmComponent(family: "X25519")
                case "curve448": comp = AlgorithmComponent(family: "X448")
                default: comp = AlgorithmComponent(family: "ECDSA", curve: curve.name)
                }
                add(.algorithm(comp, role: .keygen), .application)
            case .protocolVersion(let v):
                if let t = resolve(v).nameText, let p = protocols[t] { add(.protocolVersion(p), .application) }
            case .protocols(let vs):
                for v in vs { if let t = resolve(v).nameText, let p = protocols[t] { add(.protocolVersion(p), .application) } }
            case .suites(let vs):
                for v in vs {
                    guard let t = resolve(v).nameText else { continue }
                    let j = CipherSuiteCatalog.judge(t)
                    if j.classification != .unknown { add(.cipherSuite(j), .application) }
                }
            case .cipherString(let v):
                guard case .string(let s) = resolve(v) else { continue }
                let j = CipherStringEvaluator.judge(s)
                add(.cipherSuite(j.summary), .application)
                if let level = j.securityLevel, level < 2 {
                    add(.permissiveCipherPolicy("the cipher string sets OpenSSL security level \(level)"), .application)
                }
            case .mode(let v):
                guard let t = resolve(v).nameText, let m = parsed[t].first(where: { $0.mode != nil })?.mode else { continue }
                add(.algorithm(AlgorithmComponent(family: "?", mode: m), role: .encrypt), .data)
            case .key(let v):
                if let d = describeConstant(v, resolve(v)) { add(.hardcodedKey(d), .data) }
            case .iv(let v):
                if let d = describeConstant(v, resolve(v)) { add(.staticIV(d), .data) }
            case .salt(let v):
                if let d = describeConstant(v, resolve(v)) { add(.staticSalt(d), .application) }
            case .password(let v):
                if let d = describeConstant(v, resolve(v)) { add(.hardcodedPassword(d), .application) }
            case .iterations(let v):
                if case .number(let n) = resolve(v) { add(.iterations(n), .application) }
            case .weakRandom(let api):
                add(.weakRandom(api), .application)
            case .trustAll(let how):
                add(.certValidationDisabled(how), .application)
            case .hostnameAll(let how):
                add(.hostnameVerificationDisabled(how), .application)
            case .plainHTTP(let url):
                add(.plainHTTP(url), .application)
            }
        }
        }
        return out
    }

    /// The algorithms one name in one role stands for. Hashes under a MAC or KDF are HMACs; a block
    /// cipher named without a mode where the API defaults to ECB (Java's Cipher) is ECB.
    private func addAlgorithms(_ name: String, role: AlgorithmRole, defaultECB: Bool, mode: SymbolValue?,
                               add: (Observation.Kind, SecurityLayer, Bool?, Double) -> Void) {
        let comps = parsed[name]
        if comps.isEmpty { return }
        let modeName = mode?.nameText.flatMap { parsed[$0].first(where: { $0.mode != nil })?.mode }
        // Each component is adjusted as a copy: changing the remembered array in place copied it.
        for parsedComponent in comps {
            var c = parsedComponent
            let prim = AlgorithmCatalog.family(c.family)?.primitive
            if role == .encrypt && (prim == .blockCipher) && c.mode == nil {
                if let modeName { c.mode = modeName }
                else if defaultECB && !name.utf8.contains(0x2F) { c.mode = "ECB" }
            }
            var comp = c
            var r = role
            switch role {
            case .mac, .kdf:
                if prim == .hash { comp = AlgorithmComponent(family: "HMAC", hash: c.family) }
            case .encrypt:
                // "PBEWithMD5AndDES": the hash and PBE derive the key.
                if prim == .hash || prim == .kdf { r = .kdf }
            case .sign:
                break
            default: break
            }
            let layer: SecurityLayer = (r == .encrypt) ? .data : .application
            // A digest inside a signature or key-derivation name is always a security use.
            let security: Bool? = (role == .sign || r == .kdf) ? true : nil
            add(.algorithm(comp, role: r), layer, security, 0.9)
        }
    }
}

/// A pure function of a name (`AlgorithmCatalog.parse`, `ProtocolCatalog.parse`), remembered by
/// name: one per resolver or scanner, not shared between threads.
final class NameMemo<Value> {
    private var byName: [String: Value] = [:]
    private let compute: (String) -> Value

    init(_ compute: @escaping (String) -> Value) { self.compute = compute }

    subscript(name: String) -> Value {
        if let known = byName[name] { return known }
        let value = compute(name)
        if byName.count < 4096 { byName[name] = value }
        return value
    }
}
