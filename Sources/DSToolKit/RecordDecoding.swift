import Foundation

/// Why bytes are not a valid record: where and what.
public struct RecordDecodingError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Reads records from JSON bytes without JSONDecoder (which cost ~50 µs a record on the host).
/// Accepts what JSONDecoder accepted from plugins — any key order, whitespace, escapes, surrogate
/// pairs, a trailing comma, the first of duplicate keys, integers written as 1.0 or 1e2 — and
/// refuses the rest with a reason: invalid JSON or UTF-8, a missing or mistyped field, numbers out
/// of range, nesting deeper than 512.
public enum RecordDecoder {
    public static func decode(_ data: Data) throws -> Record {
        try data.withUnsafeBytes { try decode($0) }
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> Record {
        var parser = JSONByteParser(bytes.bindMemory(to: UInt8.self))
        let root = try parser.document()
        let object = try JSONNodeObject(root, path: "record")
        switch try object.string("type") {
        case "finding": return .finding(try finding(object))
        case "error": return .error(try error(object))
        case "data": return .data(try data(object))
        case let other: throw RecordDecodingError("type: unknown record type '\(other)'")
        }
    }

    /// A JSON value (numbers become `.int` when integral, as JSONValue's Decodable does).
    public static func decodeValue(_ bytes: UnsafeRawBufferPointer) throws -> JSONValue {
        var parser = JSONByteParser(bytes.bindMemory(to: UInt8.self))
        return try jsonValue(parser.document(), path: "value")
    }

    static func finding(_ o: JSONNodeObject) throws -> Finding {
        let location = try JSONNodeObject(o.required("location"), path: "location")
        var f = Finding(
            ruleId: try o.string("rule_id"), title: try localized(o.required("title"), "title"),
            message: try o.optional("message").map { try localized($0, "message") },
            category: try o.string("category"),
            severity: try o.enumValue("severity", Severity.self),
            confidence: try o.optional("confidence").map { try $0.double("confidence") },
            dataLevel: try o.optional("data_level").map { try $0.enumValue("data_level", DataLevel.self) },
            location: try Location(
                input: location.string("input"),
                path: location.optionalString("path"),
                chain: location.optional("chain").map { try $0.strings("location.chain") },
                line: location.optional("line").map { try Int($0.int64("location.line")) },
                column: location.optional("column").map { try Int($0.int64("location.column")) },
                offset: location.optional("offset").map { try $0.int64("location.offset") },
                length: location.optional("length").map { try Int($0.int64("location.length")) },
                table: location.optionalString("table"),
                columnName: location.optionalString("column_name"),
                row: location.optional("row").map { try $0.int64("location.row") },
                endLine: location.optional("end_line").map { try Int($0.int64("location.end_line")) }),
            evidence: try o.optionalString("evidence"),
            fingerprint: try o.string("fingerprint"),
            references: try o.optional("references").map { try $0.strings("references") },
            cwe: try o.optional("cwe").map { try $0.strings("cwe") },
            remediation: try o.optional("remediation").map { try localized($0, "remediation") },
            properties: try o.optional("properties").map { try jsonValue($0, path: "properties") })
        f.type = "finding"
        return f
    }

    static func error(_ o: JSONNodeObject) throws -> ErrorRecord {
        try ErrorRecord(input: o.string("input"), reason: o.string("reason"), code: o.string("code"),
                        offset: o.optional("offset").map { try $0.int64("offset") })
    }

    static func data(_ o: JSONNodeObject) throws -> DataRecord {
        try DataRecord(kind: o.string("kind"), text: o.optional("text").map { try localized($0, "text") },
                       value: jsonValue(o.required("value", nullAllowed: true), path: "value"))
    }

    static func localized(_ node: JSONNode, _ path: String) throws -> LocalizedText {
        let o = try JSONNodeObject(node, path: path)
        return LocalizedText(en: try o.string("en"), zh: try o.string("zh"))
    }

    static func jsonValue(_ node: JSONNode, path: String) throws -> JSONValue {
        switch node {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let text):
            if let i = JSONNumber.int64(text) { return .int(i) }
            if let d = JSONNumber.double(text) { return .double(d) }
            throw RecordDecodingError("\(path): number \(text) is out of range")
        case .string(let s): return .string(s)
        case .array(let a): return .array(try a.map { try jsonValue($0, path: path) })
        case .object(let pairs):
            var o = [String: JSONValue](minimumCapacity: pairs.count)
            for m in pairs where o[m.key] == nil { o[m.key] = try jsonValue(m.value, path: path) }
            return .object(o)
        }
    }
}

/// A parsed JSON value; numbers keep their text, since the field they land in decides how to read them.
enum JSONNode {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONNode])
    case object([JSONMember])

    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    func string(_ path: String) throws -> String {
        if case .string(let s) = self { return s }
        throw RecordDecodingError("\(path): expected a string, found \(kind)")
    }
    func strings(_ path: String) throws -> [String] {
        guard case .array(let a) = self else { throw RecordDecodingError("\(path): expected an array, found \(kind)") }
        return try a.map { try $0.string(path) }
    }
    func int64(_ path: String) throws -> Int64 {
        guard case .number(let text) = self else { throw RecordDecodingError("\(path): expected a number, found \(kind)") }
        guard let i = JSONNumber.int64(text) else { throw RecordDecodingError("\(path): \(text) is not a whole number in range") }
        return i
    }
    func double(_ path: String) throws -> Double {
        guard case .number(let text) = self else { throw RecordDecodingError("\(path): expected a number, found \(kind)") }
        guard let d = JSONNumber.double(text) else { throw RecordDecodingError("\(path): \(text) is out of range") }
        return d
    }
    func enumValue<E: RawRepresentable>(_ path: String, _ type: E.Type) throws -> E where E.RawValue == String {
        let s = try string(path)
        guard let e = E(rawValue: s) else { throw RecordDecodingError("\(path): unknown value '\(s)'") }
        return e
    }
}

/// A struct, not a tuple: an array of tuples instantiates its type's metadata at run time, per array.
struct JSONMember {
    let key: String
    let value: JSONNode
}

/// An object's members in document order; lookups take the first of duplicate keys (as JSONDecoder).
struct JSONNodeObject {
    let pairs: [JSONMember]
    let path: String

    init(_ node: JSONNode, path: String) throws {
        guard case .object(let pairs) = node else { throw RecordDecodingError("\(path): expected an object, found \(node.kind)") }
        self.pairs = pairs
        self.path = path
    }

    private func name(_ key: String) -> String { path == "record" ? key : "\(path).\(key)" }

    /// Absent and null are both nil, as `decodeIfPresent` has it.
    func optional(_ key: String) -> JSONNode? {
        for m in pairs where m.key == key {
            if case .null = m.value { return nil }
            return m.value
        }
        return nil
    }
    func required(_ key: String, nullAllowed: Bool = false) throws -> JSONNode {
        for m in pairs where m.key == key {
            let v = m.value
            if case .null = v, !nullAllowed { throw RecordDecodingError("\(name(key)): expected a value, found null") }
            return v
        }
        throw RecordDecodingError("\(name(key)): missing")
    }
    func string(_ key: String) throws -> String { try required(key).string(name(key)) }
    func optionalString(_ key: String) throws -> String? { try optional(key).map { try $0.string(name(key)) } }
    func enumValue<E: RawRepresentable>(_ key: String, _ type: E.Type) throws -> E where E.RawValue == String {
        try required(key).enumValue(name(key), type)
    }
}

/// Numbers as JSONDecoder reads them: integers exactly (also when written 1.0 or 1e2), doubles
/// only when finite.
enum JSONNumber {
    static func int64(_ text: String) -> Int64? {
        var t = text
        let plain: Int64?? = t.withUTF8 { u -> Int64?? in
            if u.isEmpty { return .some(nil) }
            var i = 0
            let negative = u[0] == UInt8(ascii: "-")
            if negative { i = 1 }
            var mag: UInt64 = 0
            while i < u.count {
                let b = u[i]
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return .none }  // fraction or exponent
                let (m, o1) = mag.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(UInt64(b - UInt8(ascii: "0")))
                if o1 || o2 { return .some(nil) }
                mag = s
                i += 1
            }
            if negative {
                if mag <= UInt64(Int64.max) { return .some(-Int64(mag)) }
                return .some(mag == UInt64(Int64.max) + 1 ? Int64.min : nil)
            }
            return .some(mag <= UInt64(Int64.max) ? Int64(mag) : nil)
        }
        if let plain { return plain }
        guard let d = Double(text), d.isFinite else { return nil }
        return Int64(exactly: d)
    }

    static func double(_ text: String) -> Double? {
        guard let d = Double(text), d.isFinite else { return nil }
        return d
    }
}

/// A strict JSON (RFC 8259) parser over bytes, plus JSONDecoder's leniencies (a UTF-8 byte order
/// mark, a trailing comma). Never traps on hostile input: depth is bounded, every read is checked.
struct JSONByteParser {
    let p: UnsafeBufferPointer<UInt8>
    var i = 0
    var depth = 0
    var scratch: [UInt8] = []
    static let maximumDepth = 512

    init(_ p: UnsafeBufferPointer<UInt8>) { self.p = p }

    func fail(_ what: String) -> RecordDecodingError {
        RecordDecodingError("not valid JSON: \(what) at byte \(i)")
    }

    mutating func document() throws -> JSONNode {
        if p.count >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { i = 3 }
        let v = try value()
        skipSpace()
        if i != p.count { throw fail("unexpected data after the value") }
        return v
    }

    mutating func skipSpace() {
        while i < p.count {
            switch p[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    mutating func value() throws -> JSONNode {
        skipSpace()
        guard i < p.count else { throw fail("unexpected end") }
        switch p[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard p.count - i >= n else { throw fail("unexpected end") }
        for k in 0..<n where p[i + k] != word.utf8Start[k] { throw fail("invalid literal") }
        i += n
    }

    mutating func enter() throws {
        depth += 1
        if depth > Self.maximumDepth { throw fail("nested too deep") }
    }

    mutating func object() throws -> JSONNode {
        try enter()
        i += 1
        var pairs: [JSONMember] = []
        skipSpace()
        if i < p.count, p[i] == UInt8(ascii: "}") { i += 1; depth -= 1; return .object(pairs) }
        while true {
            skipSpace()
            guard i < p.count else { throw fail("unexpected end") }
            guard p[i] == UInt8(ascii: "\"") else { throw fail("expected a key") }
            let key = try string()
            skipSpace()
            guard i < p.count, p[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            i += 1
            pairs.append(JSONMember(key: key, value: try value()))
            skipSpace()
            guard i < p.count else { throw fail("unexpected end") }
            if p[i] == UInt8(ascii: "}") { i += 1; break }
            guard p[i] == UInt8(ascii: ",") else { throw fail("expected ',' or '}'") }
            i += 1
            skipSpace()
            if i < p.count, p[i] == UInt8(ascii: "}") { i += 1; break }  // trailing comma
        }
        depth -= 1
        return .object(pairs)
    }

    mutating func array() throws -> JSONNode {
        try enter()
        i += 1
        var elements: [JSONNode] = []
        skipSpace()
        if i < p.count, p[i] == UInt8(ascii: "]") { i += 1; depth -= 1; return .array(elements) }
        while true {
            elements.append(try value())
            skipSpace()
            guard i < p.count else { throw fail("unexpected end") }
            if p[i] == UInt8(ascii: "]") { i += 1; break }
            guard p[i] == UInt8(ascii: ",") else { throw fail("expected ',' or ']'") }
            i += 1
            skipSpace()
            if i < p.count, p[i] == UInt8(ascii: "]") { i += 1; break }  // trailing comma
        }
        depth -= 1
        return .array(elements)
    }

    /// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, returned as its text.
    mutating func number() throws -> String {
        let start = i
        func digits(_ s: inout JSONByteParser) -> Int {
            let from = s.i
            while s.i < s.p.count, s.p[s.i] >= UInt8(ascii: "0"), s.p[s.i] <= UInt8(ascii: "9") { s.i += 1 }
            return s.i - from
        }
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < p.count else { throw fail("unexpected end in a number") }
        if p[i] == UInt8(ascii: "0") {
            i += 1
            if i < p.count, p[i] >= UInt8(ascii: "0"), p[i] <= UInt8(ascii: "9") { throw fail("leading zero in a number") }
        } else if digits(&self) == 0 {
            throw fail("invalid number")
        }
        if i < p.count, p[i] == UInt8(ascii: ".") {
            i += 1
            if digits(&self) == 0 { throw fail("invalid number") }
        }
        if i < p.count, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            i += 1
            if i < p.count, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            if digits(&self) == 0 { throw fail("invalid number") }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
    }

    mutating func string() throws -> String {
        i += 1
        let start = i
        var ascii = true
        // Fast path: no escapes.
        while i < p.count {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                let bytes = UnsafeBufferPointer(rebasing: p[start..<i])
                guard ascii || Self.isValidUTF8(bytes) else { throw fail("invalid UTF-8 in a string") }
                i += 1
                return String(decoding: bytes, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw fail("unescaped control character in a string") }
            if b >= 0x80 { ascii = false }
            i += 1
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[start..<i]))
        while i < p.count {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return try scratch.withUnsafeBufferPointer { bytes in
                    guard Self.isValidUTF8(bytes) else { throw fail("invalid UTF-8 in a string") }
                    return String(decoding: bytes, as: UTF8.self)
                }
            }
            if b < 0x20 { throw fail("unescaped control character in a string") }
            if b != UInt8(ascii: "\\") { scratch.append(b); i += 1; continue }
            i += 1
            guard i < p.count else { break }
            let e = p[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard p.count - i >= 6, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate escape")
                    }
                    i += 2
                    let low = try hex4()
                    guard low >= 0xDC00 && low < 0xE000 else { throw fail("unpaired surrogate escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw fail("unpaired surrogate escape")
                }
                appendUTF8(scalar)
            default: throw fail("invalid escape")
            }
        }
        throw fail("unterminated string")
    }

    /// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF), as JSONDecoder wants.
    static func isValidUTF8(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = u.count
        while i < n {
            let b = u[i]
            if b < 0x80 { i += 1; continue }
            let need: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return false
            }
            guard n - i > need else { return false }
            let c = u[i + 1]
            guard c >= lo, c <= hi else { return false }
            for k in 2..<(need + 1) where u[i + k] & 0xC0 != 0x80 { return false }
            i += need + 1
        }
        return true
    }

    mutating func hex4() throws -> UInt32 {
        guard p.count - i >= 4 else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = p[i]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    mutating func appendUTF8(_ s: UInt32) {
        switch s {
        case 0..<0x80: scratch.append(UInt8(s))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | s >> 6)); scratch.append(UInt8(0x80 | s & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | s >> 12)); scratch.append(UInt8(0x80 | s >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | s & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | s >> 18)); scratch.append(UInt8(0x80 | s >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | s >> 6 & 0x3F)); scratch.append(UInt8(0x80 | s & 0x3F))
        }
    }
}
