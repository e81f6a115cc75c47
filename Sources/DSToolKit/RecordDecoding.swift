import FoundationEssentials
import Glibc

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

    /// One validating pass over the whole document (so syntax errors come first, as before), then
    /// the fields are read straight from their byte ranges: no tree of nodes, one String per field.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> Record {
        var parser = JSONByteParser(bytes.bindMemory(to: UInt8.self))
        parser.collectDepth = 2  // the record and its objects (location, title, ...): their members are kept
        let root = try parser.document()
        let object = try JSONNodeObject(root, path: "record", collected: parser.collected)
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

    /// A JSON array of strings, as `JSONDecoder().decode([String].self, ...)` reads it.
    public static func decodeStrings(_ bytes: UnsafeRawBufferPointer) throws -> [String] {
        var parser = JSONByteParser(bytes.bindMemory(to: UInt8.self))
        return try parser.document().strings("value")
    }

    static func finding(_ o: JSONNodeObject) throws -> Finding {
        let location = try JSONNodeObject(o.required("location"), path: "location", collected: o.collected)
        var f = Finding(
            ruleId: try o.string("rule_id"), title: try localized(o.required("title"), "title", o),
            message: try o.optional("message").map { try localized($0, "message", o) },
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
            remediation: try o.optional("remediation").map { try localized($0, "remediation", o) },
            properties: try o.optional("properties").map { try jsonValue($0, path: "properties") })
        f.type = "finding"
        return f
    }

    static func error(_ o: JSONNodeObject) throws -> ErrorRecord {
        try ErrorRecord(input: o.string("input"), reason: o.string("reason"), code: o.string("code"),
                        offset: o.optional("offset").map { try $0.int64("offset") })
    }

    static func data(_ o: JSONNodeObject) throws -> DataRecord {
        try DataRecord(kind: o.string("kind"), text: o.optional("text").map { try localized($0, "text", o) },
                       value: jsonValue(o.required("value", nullAllowed: true), path: "value"))
    }

    static func localized(_ node: JSONNode, _ path: String, _ parent: JSONNodeObject) throws -> LocalizedText {
        let o = try JSONNodeObject(node, path: path, collected: parent.collected)
        return LocalizedText(en: try o.string("en"), zh: try o.string("zh"))
    }

    static func jsonValue(_ node: JSONNode, path: String) throws -> JSONValue {
        var parser = node.parser()
        return try parser.jsonValue(path: path)
    }
}

/// A value the parser has validated, by kind and byte range; fields read from it on demand.
struct JSONNode {
    enum Kind { case null, bool, number, string, array, object }
    let p: UnsafeBufferPointer<UInt8>
    let kind: Kind
    let start: Int
    let end: Int

    var kindName: String {
        switch kind {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// A parser positioned at this value (which is known to be valid).
    func parser() -> JSONByteParser {
        var parser = JSONByteParser(p)
        parser.i = start
        return parser
    }

    var numberText: String { String(decoding: UnsafeBufferPointer(rebasing: p[start..<end]), as: UTF8.self) }

    func string(_ path: String) throws -> String {
        guard kind == .string else { throw RecordDecodingError("\(path): expected a string, found \(kindName)") }
        var parser = parser()
        return try parser.string()
    }
    func strings(_ path: String) throws -> [String] {
        guard kind == .array else { throw RecordDecodingError("\(path): expected an array, found \(kindName)") }
        var parser = parser()
        return try parser.elements().map { try $0.string(path) }
    }
    func int64(_ path: String) throws -> Int64 {
        guard kind == .number else { throw RecordDecodingError("\(path): expected a number, found \(kindName)") }
        guard let i = JSONNumber.int64(UnsafeBufferPointer(rebasing: p[start..<end])) else {
            throw RecordDecodingError("\(path): \(numberText) is not a whole number in range")
        }
        return i
    }
    func double(_ path: String) throws -> Double {
        guard kind == .number else { throw RecordDecodingError("\(path): expected a number, found \(kindName)") }
        guard let d = JSONNumber.double(numberText) else { throw RecordDecodingError("\(path): \(numberText) is out of range") }
        return d
    }
    func enumValue<E: RawRepresentable>(_ path: String, _ type: E.Type) throws -> E where E.RawValue == String {
        let s = try string(path)
        guard let e = E(rawValue: s) else { throw RecordDecodingError("\(path): unknown value '\(s)'") }
        return e
    }
}

/// An object's members as the validating pass found them, by where the object starts.
struct JSONCollectedObject {
    let start: Int
    let members: [JSONMember]
}

/// An object member: the key as its raw bytes between the quotes, and the value.
struct JSONMember {
    let keyStart: Int
    let keyEnd: Int
    /// Only ASCII and no escapes: byte equality is String equality. Otherwise the key is decoded
    /// and compared as a String (escapes, and canonical equivalence as JSONDecoder's keys have it).
    let keyIsPlain: Bool
    let value: JSONNode

    func hasKey(_ key: String) -> Bool {
        let p = value.p
        if keyIsPlain {
            if key.utf8.count != keyEnd - keyStart { return false }
            var k = key
            return k.withUTF8 { u in
                u.count == keyEnd - keyStart && (u.isEmpty || memcmp(u.baseAddress!, p.baseAddress! + keyStart, u.count) == 0)
            }
        }
        var parser = JSONByteParser(p)
        parser.i = keyStart - 1
        return (try? parser.string()) == key
    }
}

/// An object's members in document order; lookups take the first of duplicate keys (as JSONDecoder).
struct JSONNodeObject {
    let pairs: [JSONMember]
    let path: String
    /// Objects whose members the validating pass already listed.
    let collected: [JSONCollectedObject]

    init(_ node: JSONNode, path: String, collected: [JSONCollectedObject]) throws {
        guard node.kind == .object else { throw RecordDecodingError("\(path): expected an object, found \(node.kindName)") }
        if let known = collected.first(where: { $0.start == node.start }) {
            pairs = known.members
        } else {
            var parser = node.parser()
            pairs = try parser.members()
        }
        self.path = path
        self.collected = collected
    }

    private func name(_ key: String) -> String { path == "record" ? key : "\(path).\(key)" }

    /// Absent and null are both nil, as `decodeIfPresent` has it.
    func optional(_ key: String) -> JSONNode? {
        for m in pairs where m.hasKey(key) {
            if m.value.kind == .null { return nil }
            return m.value
        }
        return nil
    }
    func required(_ key: String, nullAllowed: Bool = false) throws -> JSONNode {
        for m in pairs where m.hasKey(key) {
            let v = m.value
            if v.kind == .null, !nullAllowed { throw RecordDecodingError("\(name(key)): expected a value, found null") }
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
        return t.withUTF8 { int64($0) }
    }

    static func int64(_ u: UnsafeBufferPointer<UInt8>) -> Int64? {
        let plain: Int64?? = {
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
        }()
        if let plain { return plain }
        guard let d = Double(String(decoding: u, as: UTF8.self)), d.isFinite else { return nil }
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
    /// Objects nested less deep than this have their members listed in `collected` while validating.
    var collectDepth = 0
    var collected: [JSONCollectedObject] = []
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

    /// Validates one value and says where it is; builds nothing.
    mutating func value() throws -> JSONNode {
        skipSpace()
        guard i < p.count else { throw fail("unexpected end") }
        let start = i
        let kind: JSONNode.Kind
        switch p[i] {
        case UInt8(ascii: "{"):
            if depth < collectDepth {
                collected.append(JSONCollectedObject(start: start, members: try members()))
            } else {
                try object()
            }
            kind = .object
        case UInt8(ascii: "["): try array(); kind = .array
        case UInt8(ascii: "\""): try skipString(); kind = .string
        case UInt8(ascii: "t"): try literal("true"); kind = .bool
        case UInt8(ascii: "f"): try literal("false"); kind = .bool
        case UInt8(ascii: "n"): try literal("null"); kind = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number(); kind = .number
        default: throw fail("unexpected character")
        }
        return JSONNode(p: p, kind: kind, start: start, end: i)
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

    /// Walks an object, calling `member` with the position of each key's opening quote; `member`
    /// reads the key and then the value.
    mutating func object(_ member: (inout JSONByteParser) throws -> Void = { try $0.skipMember() }) throws {
        try enter()
        i += 1
        skipSpace()
        if i < p.count, p[i] == UInt8(ascii: "}") { i += 1; depth -= 1; return }
        while true {
            skipSpace()
            guard i < p.count else { throw fail("unexpected end") }
            guard p[i] == UInt8(ascii: "\"") else { throw fail("expected a key") }
            try member(&self)
            skipSpace()
            guard i < p.count else { throw fail("unexpected end") }
            if p[i] == UInt8(ascii: "}") { i += 1; break }
            guard p[i] == UInt8(ascii: ",") else { throw fail("expected ',' or '}'") }
            i += 1
            skipSpace()
            if i < p.count, p[i] == UInt8(ascii: "}") { i += 1; break }  // trailing comma
        }
        depth -= 1
    }

    mutating func colon() throws {
        skipSpace()
        guard i < p.count, p[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
        i += 1
    }

    mutating func skipMember() throws {
        try skipString()
        try colon()
        _ = try value()
    }

    mutating func array(_ element: (inout JSONByteParser) throws -> Void = { _ = try $0.value() }) throws {
        try enter()
        i += 1
        skipSpace()
        if i < p.count, p[i] == UInt8(ascii: "]") { i += 1; depth -= 1; return }
        while true {
            try element(&self)
            skipSpace()
            guard i < p.count else { throw fail("unexpected end") }
            if p[i] == UInt8(ascii: "]") { i += 1; break }
            guard p[i] == UInt8(ascii: ",") else { throw fail("expected ',' or ']'") }
            i += 1
            skipSpace()
            if i < p.count, p[i] == UInt8(ascii: "]") { i += 1; break }  // trailing comma
        }
        depth -= 1
    }

    /// The members of the object at `i` (already validated).
    mutating func members() throws -> [JSONMember] {
        var pairs: [JSONMember] = []
        pairs.reserveCapacity(16)
        try object { s in
            let keyStart = s.i + 1
            var plain = true
            try s.skipString(plain: &plain)
            let keyEnd = s.i - 1
            try s.colon()
            pairs.append(JSONMember(keyStart: keyStart, keyEnd: keyEnd, keyIsPlain: plain, value: try s.value()))
        }
        return pairs
    }

    /// The elements of the array at `i` (already validated).
    mutating func elements() throws -> [JSONNode] {
        var elements: [JSONNode] = []
        try array { s in elements.append(try s.value()) }
        return elements
    }

    /// The value at `i` (already validated) as a JSONValue; an object takes the first of duplicate keys.
    mutating func jsonValue(path: String) throws -> JSONValue {
        skipSpace()
        switch p[i] {
        case UInt8(ascii: "{"):
            var o: [String: JSONValue] = [:]
            try object { s in
                let key = try s.string()
                try s.colon()
                if o[key] == nil { o[key] = try s.jsonValue(path: path) } else { _ = try s.value() }
            }
            return .object(o)
        case UInt8(ascii: "["):
            var a: [JSONValue] = []
            try array { s in a.append(try s.jsonValue(path: path)) }
            return .array(a)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): i += 4; return .bool(true)
        case UInt8(ascii: "f"): i += 5; return .bool(false)
        case UInt8(ascii: "n"): i += 4; return .null
        default:
            let start = i
            try number()
            let bytes = UnsafeBufferPointer(rebasing: p[start..<i])
            if let n = JSONNumber.int64(bytes) { return .int(n) }
            let text = String(decoding: bytes, as: UTF8.self)
            if let d = JSONNumber.double(text) { return .double(d) }
            throw RecordDecodingError("\(path): number \(text) is out of range")
        }
    }

    /// Validates a string as `string()` does, without building it unless it has escapes.
    mutating func skipString() throws {
        var plain = true
        try skipString(plain: &plain)
    }

    /// `plain` is cleared when the string has escapes or non-ASCII bytes.
    mutating func skipString(plain: inout Bool) throws {
        let quote = i
        i += 1
        var ascii = true
        while i < p.count {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                guard ascii || UTF8Validation.isValid(UnsafeBufferPointer(rebasing: p[(quote + 1)..<i])) else {
                    throw fail("invalid UTF-8 in a string")
                }
                i += 1
                if !ascii { plain = false }
                return
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw fail("unescaped control character in a string") }
            if b >= 0x80 { ascii = false }
            i += 1
        }
        // Escapes (or the end): the building reader decides, with its exact errors.
        plain = false
        i = quote
        _ = try string()
    }

    /// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; the value's text is its byte range.
    mutating func number() throws {
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
                guard ascii || UTF8Validation.isValid(bytes) else { throw fail("invalid UTF-8 in a string") }
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
                    guard UTF8Validation.isValid(bytes) else { throw fail("invalid UTF-8 in a string") }
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
