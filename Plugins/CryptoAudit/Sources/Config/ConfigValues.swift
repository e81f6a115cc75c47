import DSToolKit
import FoundationEssentials

/// Key/value settings from .properties, .yaml/.yml, .env, .ini/.cfg/.toml and .json files of the
/// tree, so that code reading `getProperty("crypto.cipher")`, `os.environ["HASH_ALG"]` or
/// `@Value("${crypto.cipher}")` resolves to the value the tree ships. Keys also match in relaxed
/// form (case, `.`/`_`/`-`/`:` ignored), as Spring and .NET bind them.
struct ConfigValues: Sendable {
    private(set) var values: [String: String] = [:]
    private var relaxed: [String: String] = [:]

    static func relax(_ key: String) -> String {
        String(key.lowercased().unicodeScalars.filter { $0 != "." && $0 != "_" && $0 != "-" && $0 != ":" })
    }

    mutating func add(_ key: String, _ value: String) {
        if values[key] == nil { values[key] = value }
        let r = Self.relax(key)
        if relaxed[r] == nil { relaxed[r] = value }
    }

    mutating func merge(_ other: ConfigValues) {
        for (k, v) in other.values { add(k, v) }
    }

    func lookup(_ key: String) -> String? { values[key] ?? relaxed[Self.relax(key)] }
    var isEmpty: Bool { values.isEmpty }
}

/// One setting with the line it is on.
struct ConfigEntry: Sendable {
    var key: String
    var value: String
    var line: Int
}

/// Readers of the value-file formats. Each is lenient: a line it cannot read is skipped.
enum ValueFileFormat: String, Sendable {
    case properties, yaml, env, ini, json

    static func detect(name: String) -> ValueFileFormat? {
        let base = (name.split(separator: "/").last.map(String.init) ?? name).lowercased()
        if base == ".env" || base.hasPrefix(".env.") || base.hasSuffix(".env") { return .env }
        guard let dot = base.lastIndex(of: ".") else { return nil }
        switch base[base.index(after: dot)...] {
        case "properties": return .properties
        case "yaml", "yml": return .yaml
        case "ini", "toml", "cfg", "conf": return .ini
        case "json": return .json
        default: return nil
        }
    }

    func parse(_ text: String) -> [ConfigEntry] {
        switch self {
        case .properties: return Self.parseProperties(text)
        case .env: return Self.parseEnv(text)
        case .ini: return Self.parseINI(text)
        case .yaml: return Self.parseYAML(text)
        case .json: return Self.parseJSON(text)
        }
    }

    static func unquote(_ s: Substring) -> String {
        var t = s.trimmingWhitespaces()[...]
        if t.count >= 2, let f = t.first, f == "\"" || f == "'", t.last == f { t = t.dropFirst().dropLast() }
        return String(t)
    }

    /// Drops a trailing ` # comment` outside quotes.
    static func stripComment(_ s: Substring) -> Substring {
        var quote: Character?
        var prev: Character = " "
        for i in s.indices {
            let c = s[i]
            if let q = quote { if c == q { quote = nil } }
            else if c == "\"" || c == "'" { quote = c }
            else if c == "#" && (prev == " " || prev == "\t") { return s[..<i] }
            prev = c
        }
        return s
    }

    static func parseProperties(_ text: String) -> [ConfigEntry] {
        ConfigAuditor.logicalLines(text, continuation: true).compactMap { line, s in
            if s.hasPrefix("!") { return nil }
            guard let sep = s.firstIndex(where: { $0 == "=" || $0 == ":" }) else { return nil }
            let key = s[..<sep].trimmingWhitespaces()
            guard !key.isEmpty, !key.contains(" ") else { return nil }
            return ConfigEntry(key: key, value: String(s[s.index(after: sep)...]).trimmingWhitespaces(), line: line)
        }
    }

    static func parseEnv(_ text: String) -> [ConfigEntry] {
        ConfigAuditor.logicalLines(text).compactMap { line, s in
            var t = Substring(s)
            if t.hasPrefix("export ") { t = t.dropFirst(7) }
            guard let eq = t.firstIndex(of: "=") else { return nil }
            let key = t[..<eq].trimmingWhitespaces()
            guard !key.isEmpty, !key.contains(" ") else { return nil }
            return ConfigEntry(key: key, value: unquote(stripComment(t[t.index(after: eq)...])), line: line)
        }
    }

    static func parseINI(_ text: String) -> [ConfigEntry] {
        var out: [ConfigEntry] = []
        var section = ""
        for (line, s) in ConfigAuditor.logicalLines(text) {
            if s.hasPrefix(";") { continue }
            if s.hasPrefix("[") {
                section = s.dropFirst().prefix { $0 != "]" }.trimmingWhitespaces()
                continue
            }
            guard let eq = s.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = s[..<eq].trimmingWhitespaces()
            guard !key.isEmpty, !key.contains(" ") else { continue }
            let value = unquote(stripComment(s[s.index(after: eq)...]))
            out.append(ConfigEntry(key: section.isEmpty ? key : section + "." + key, value: value, line: line))
            if !section.isEmpty { out.append(ConfigEntry(key: key, value: value, line: line)) }
        }
        return out
    }

    /// Block YAML: `key: value` under parent keys by indentation; lists, anchors and flow styles
    /// are skipped (their scalars are rarely what code looks up).
    static func parseYAML(_ text: String) -> [ConfigEntry] {
        var out: [ConfigEntry] = []
        var stack: [(indent: Int, key: String)] = []
        var n = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            n += 1
            var s = Substring(raw)
            if s.hasSuffix("\r") { s = s.dropLast() }
            let indent = s.prefix { $0 == " " }.count
            let body = stripComment(s.dropFirst(indent))
            if body.isEmpty || body.hasPrefix("#") || body.hasPrefix("-") || body.hasPrefix("---") { continue }
            guard let colon = body.firstIndex(of: ":") else { continue }
            let after = body[body.index(after: colon)...]
            guard after.isEmpty || after.first == " " else { continue }
            let key = unquote(body[..<colon])
            while let last = stack.last, last.indent >= indent { stack.removeLast() }
            let path = (stack.map(\.key) + [key]).joined(separator: ".")
            let value = unquote(after)
            if value.isEmpty || value == "|" || value == ">" { stack.append((indent, key)); continue }
            out.append(ConfigEntry(key: path, value: value, line: n))
        }
        return out
    }

    /// Strings and numbers of a JSON object, by their dotted paths (arrays, booleans and nulls
    /// say nothing here). Anything but an object at the top gives nothing.
    static func parseJSON(_ text: String) -> [ConfigEntry] {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), case .object = value else { return [] }
        var out: [ConfigEntry] = []
        func walk(_ v: JSONValue, _ path: String) {
            switch v {
            case .object(let d): for (k, x) in d { walk(x, path.isEmpty ? k : path + "." + k) }
            case .string(let s): out.append(ConfigEntry(key: path, value: s, line: 0))
            case .int(let i): out.append(ConfigEntry(key: path, value: String(i), line: 0))
            case .double(let d): out.append(ConfigEntry(key: path, value: d.description, line: 0))
            case .array, .bool, .null: break
            }
        }
        walk(value, "")
        return out.sorted { $0.key < $1.key }
    }
}

/// What a value file says about crypto by itself: TLS protocols and ciphers (Spring's
/// `server.ssl.enabled-protocols`), key-store passwords, and sensitive plain-HTTP URLs.
enum ValueFileAuditor {
    static func observations(_ entries: [ConfigEntry], base: Location) -> [Observation] {
        var out: [Observation] = []
        for e in entries {
            var loc = base
            if e.line > 0 { loc.line = e.line }
            let k = e.key.lowercased()
            let relaxed = ConfigValues.relax(e.key)
            func add(_ kind: Observation.Kind, _ evidence: String) {
                out.append(Observation(kind, layer: .application, location: loc, evidence: evidence, source: e.key))
            }
            if e.value.lowercased().hasPrefix("http://"), FileAnalyzer.isSensitiveHTTP(e.value) {
                add(.plainHTTP(String(e.value.prefix(200))), "\(e.key)=\(e.value.prefix(160))")
            }
            if (k.contains("ssl") || k.contains("tls")) && (relaxed.hasSuffix("protocols") || relaxed.hasSuffix("protocol") || relaxed.hasSuffix("version") || relaxed.hasSuffix("minversion")) {
                for part in e.value.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ":" }) {
                    if let v = ProtocolCatalog.parse(String(part)) { add(.protocolVersion(v), "\(e.key)=\(e.value.prefix(160))") }
                }
            }
            if (k.contains("ssl") || k.contains("tls")) && relaxed.hasSuffix("ciphers") && !e.value.isEmpty && !e.value.hasPrefix("${") {
                let j = CipherStringEvaluator.judge(e.value.replacing(",", with: ":").replacing(" ", with: ""))
                add(.cipherSuite(j.summary), "\(e.key)=\(e.value.prefix(160))")
            }
            if (relaxed.contains("keystorepassword") || relaxed.contains("truststorepassword") || relaxed.contains("keypassword") || relaxed.hasSuffix("keystorepass")),
               !e.value.isEmpty, !e.value.hasPrefix("${"), !e.value.hasPrefix("ENC(") {
                add(.hardcodedPassword("written in \(e.key)"), "\(e.key)=\(Redaction.redact(e.value, keepFirst: 1, keepLast: 0))")
            }
        }
        return out
    }
}
