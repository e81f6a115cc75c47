import CDSToolCrypto
import FoundationEssentials
import Glibc

/// Text in English and Chinese. Output picks one by `--lang`.
public struct LocalizedText: Codable, Hashable, Sendable {
    public var en: String
    public var zh: String
    public init(en: String, zh: String) { self.en = en; self.zh = zh }
    public init(_ both: String) { self.en = both; self.zh = both }
    public func text(_ lang: String) -> String { lang.hasPrefix("zh") ? zh : en }
}

/// Severities, ordered. `--fail-on` compares against this order.
public enum Severity: String, Codable, CaseIterable, Comparable, Sendable {
    case info, low, medium, high, critical
    /// Its place in `allCases` (a switch: `firstIndex(of:)` cost ~100 instructions a comparison).
    public var rank: Int {
        switch self {
        case .info: return 0
        case .low: return 1
        case .medium: return 2
        case .high: return 3
        case .critical: return 4
        }
    }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    public var zh: String {
        switch self {
        case .info: return "提示"
        case .low: return "低"
        case .medium: return "中"
        case .high: return "高"
        case .critical: return "严重"
        }
    }
}

/// Data levels of GB/T 43697-2024.
public enum DataLevel: String, Codable, CaseIterable, Comparable, Sendable {
    case general = "一般", important = "重要", core = "核心"
    public static func < (a: DataLevel, b: DataLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
    public var en: String {
        switch self { case .general: return "general"; case .important: return "important"; case .core: return "core" }
    }
}

/// Where a finding is. `input` is the display chain, e.g. `backup.tar.gz!db/users.csv`.
public struct Location: Codable, Hashable, Sendable {
    public var input: String
    public var path: String?
    public var chain: [String]?
    public var line: Int?
    public var column: Int?
    public var offset: Int64?
    public var length: Int?
    public var table: String?
    public var columnName: String?
    public var row: Int64?
    public var endLine: Int?

    enum CodingKeys: String, CodingKey {
        case input, path, chain, line, column, offset, length, table, row
        case columnName = "column_name"
        case endLine = "end_line"
    }

    public init(input: String, path: String? = nil, chain: [String]? = nil, line: Int? = nil, column: Int? = nil,
                offset: Int64? = nil, length: Int? = nil, table: String? = nil, columnName: String? = nil,
                row: Int64? = nil, endLine: Int? = nil) {
        self.input = input; self.path = path; self.chain = chain; self.line = line; self.column = column
        self.offset = offset; self.length = length; self.table = table; self.columnName = columnName
        self.row = row; self.endLine = endLine
    }
}

/// One finding, as every plugin reports it (result.schema.json, "finding").
public struct Finding: Codable, Hashable, Sendable {
    public var type: String = "finding"
    public var ruleId: String
    public var title: LocalizedText
    public var message: LocalizedText?
    public var category: String
    public var severity: Severity
    public var confidence: Double?
    public var dataLevel: DataLevel?
    public var location: Location
    /// Redacted unless the user asked to see secrets.
    public var evidence: String?
    /// Stable across runs for the same thing in the same place: baselines and de-duplication key on it.
    public var fingerprint: String
    public var references: [String]?
    public var cwe: [String]?
    public var remediation: LocalizedText?
    public var properties: JSONValue?

    enum CodingKeys: String, CodingKey {
        case type, title, message, category, severity, confidence, location, evidence, fingerprint
        case references, cwe, remediation, properties
        case ruleId = "rule_id"
        case dataLevel = "data_level"
    }

    public init(ruleId: String, title: LocalizedText, message: LocalizedText? = nil, category: String,
                severity: Severity, confidence: Double? = nil, dataLevel: DataLevel? = nil, location: Location,
                evidence: String? = nil, fingerprint: String? = nil, references: [String]? = nil,
                cwe: [String]? = nil, remediation: LocalizedText? = nil, properties: JSONValue? = nil) {
        self.ruleId = ruleId; self.title = title; self.message = message; self.category = category
        self.severity = severity; self.confidence = confidence; self.dataLevel = dataLevel
        self.location = location; self.evidence = evidence
        self.references = references; self.cwe = cwe; self.remediation = remediation; self.properties = properties
        self.fingerprint = fingerprint ?? Fingerprint.make(ruleId: ruleId, location: location, evidence: evidence ?? "")
    }
}

/// An input (or part of one) that could not be processed (result.schema.json, "error").
public struct ErrorRecord: Codable, Hashable, Sendable {
    public var type: String = "error"
    public var input: String
    public var reason: String
    public var code: String
    public var offset: Int64?
    public init(input: String, reason: String, code: String, offset: Int64? = nil) {
        self.input = input; self.reason = reason; self.code = code; self.offset = offset
    }
    /// The one line printed for it: `dstool: INPUT: REASON`.
    public var line: String {
        if let offset { return "\(input): \(reason) (at byte \(offset))" }
        return "\(input): \(reason)"
    }
}

/// Plugin-specific structured output (per-column summaries, timeline rows, control results...).
/// `text` is what the text format prints for it; without it the text format prints nothing.
public struct DataRecord: Codable, Hashable, Sendable {
    public var type: String = "data"
    public var kind: String
    public var text: LocalizedText?
    public var value: JSONValue
    public init(kind: String, text: LocalizedText? = nil, value: JSONValue) {
        self.kind = kind; self.text = text; self.value = value
    }
}

/// Any record a plugin emits.
public enum Record: Codable, Hashable, Sendable {
    case finding(Finding)
    case error(ErrorRecord)
    case data(DataRecord)

    enum TypeKey: String, CodingKey { case type }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: TypeKey.self)
        switch try c.decode(String.self, forKey: .type) {
        case "finding": self = .finding(try Finding(from: decoder))
        case "error": self = .error(try ErrorRecord(from: decoder))
        case "data": self = .data(try DataRecord(from: decoder))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown record type \(other)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .finding(let f): try f.encode(to: encoder)
        case .error(let e): try e.encode(to: encoder)
        case .data(let d): try d.encode(to: encoder)
        }
    }
}

/// Stable finding fingerprints: SHA-256 over rule, input chain, and the located value, so the same
/// secret in the same file keeps its fingerprint when lines above it move.
public enum Fingerprint {
    public static func make(ruleId: String, location: Location, evidence: String) -> String {
        var ruleId = ruleId
        let d = ruleId.withUTF8 { digest(ruleId: UnsafeRawBufferPointer($0), location: location, evidence: evidence) }
        return withUnsafeBytes(of: d) { Digest.hex(Array($0)) }
    }

    /// The fingerprint's 16 bytes (in memory order): SHA-256 over the rule id, the input, the table
    /// and column name when present, and the evidence, joined by U+001F; its first 16 bytes. The
    /// parts are joined in one stack buffer (no array of them) and digested in one call without
    /// the EVP layer (a digest object per finding cost more than the hashing).
    static func digest(ruleId: UnsafeRawBufferPointer, location: Location, evidence: String) -> (UInt64, UInt64) {
        var total = ruleId.count + 1 + location.input.utf8.count + 1 + evidence.utf8.count
        if let t = location.table { total += 1 + t.utf8.count }
        if let c = location.columnName { total += 1 + c.utf8.count }
        var out = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: total) { joined in
            // memcpy on plain pointers: the buffer-slice copy went through Foundation's generic DataProtocol.
            let base = joined.baseAddress!
            if let r = ruleId.baseAddress { memcpy(base, r, ruleId.count) }
            var at = ruleId.count
            func join(_ part: String) {
                base[at] = 0x1F
                at += 1
                CanonicalJSONBytes.withUTF8(part) { u in
                    if let b = u.baseAddress { memcpy(base + at, b, u.count) }
                    at += u.count
                }
            }
            join(location.input)
            if let t = location.table { join(t) }
            if let c = location.columnName { join(c) }
            join(evidence)
            withUnsafeMutableBytes(of: &out) { o in dstool_sha256(base, total, o.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        }
        return (out.0, out.1)
    }
}

/// Never print a secret in full by default: keep a little of each end so a person can find it.
public enum Redaction {
    public static func redact(_ value: String, keepFirst: Int = 4, keepLast: Int = 2) -> String {
        if let ascii = redactASCII(value, keepFirst: keepFirst, keepLast: keepLast) { return ascii }
        return redactCharacters(value, keepFirst: keepFirst, keepLast: keepLast)
    }

    /// `redact` for ASCII without CR LF, where each byte is one Character: on bytes.
    static func redactASCII(_ value: String, keepFirst: Int, keepLast: Int) -> String? {
        var value = value
        return value.withUTF8 { u -> String? in
            var previous: UInt8 = 0
            for b in u {
                if b >= 0x80 || (b == 0x0A && previous == 0x0D) { return nil }
                previous = b
            }
            let n = u.count
            if n <= keepFirst + keepLast + 2 { return String(repeating: "*", count: max(n, 4)) }
            var out = [UInt8](repeating: UInt8(ascii: "*"), count: n)
            for k in 0..<keepFirst { out[k] = u[k] }
            for k in (n - keepLast)..<n { out[k] = u[k] }
            return String(decoding: out, as: UTF8.self)
        }
    }

    static func redactCharacters(_ value: String, keepFirst: Int, keepLast: Int) -> String {
        let chars = Array(value)
        if chars.count <= keepFirst + keepLast + 2 {
            return String(repeating: "*", count: max(chars.count, 4))
        }
        return String(chars.prefix(keepFirst)) + String(repeating: "*", count: chars.count - keepFirst - keepLast)
            + String(chars.suffix(keepLast))
    }
}
