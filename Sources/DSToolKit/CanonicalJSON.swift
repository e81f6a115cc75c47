import FoundationEssentials
import Glibc

/// Writes records as canonical JSON — byte for byte what `DSJSON.encoder()` (Foundation's
/// JSONEncoder, sorted keys, slashes unescaped) writes — straight into a byte buffer. Every record
/// crosses the plugin ABI and goes to the jsonl/json/case sinks this way; JSONEncoder cost ~50 µs
/// a record, this a few. Case files hash these bytes, so they must never change: the rules below
/// are Foundation's (keys sorted by UTF-8 bytes; only `"`, `\` and C0 controls escaped, with
/// \b \f \n \r \t short forms and lowercase \u00xx; doubles as Swift prints them without a
/// trailing ".0"; nil optionals omitted; containers nested 512 deep refused).
public struct CanonicalJSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var depth = 0
    private var needComma = false

    /// Foundation's writer refuses containers nested this deep.
    static let maximumDepth = 512

    public enum Failure: Error, CustomStringConvertible {
        case nonFiniteNumber(Double)
        case nestedTooDeep
        public var description: String {
            switch self {
            case .nonFiniteNumber(let d): return "\(d) is not representable in JSON"
            case .nestedTooDeep: return "containers nested more than \(CanonicalJSONWriter.maximumDepth) deep"
            }
        }
    }

    public init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    // MARK: structure

    public mutating func beginObject() throws { try open(UInt8(ascii: "{")) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray() throws { try open(UInt8(ascii: "[")) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ bracket: UInt8) throws {
        separate()
        depth += 1
        if depth >= Self.maximumDepth { throw Failure.nestedTooDeep }
        bytes.append(bracket)
        needComma = false
    }
    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        bytes.append(bracket)
        needComma = true
    }
    /// A key known to need no escaping; the value written next belongs to it.
    public mutating func key(_ name: StaticString) {
        if needComma { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needComma = false
    }
    public mutating func key(_ name: String) {
        if needComma { bytes.append(UInt8(ascii: ",")) }
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needComma = false
    }
    private mutating func separate() {
        if needComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// Bytes already in canonical form (a fragment written by another writer), as they are.
    mutating func append(raw: [UInt8]) { bytes.append(contentsOf: raw) }
    /// After a fragment ending inside an object: the next key is preceded by a comma.
    mutating func continueObject() { needComma = true }

    /// 16 digest bytes (in memory order) as a 32-digit lowercase hex string value.
    mutating func appendHexString(_ digest: (UInt64, UInt64)) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        withUnsafeBytes(of: digest) { d in
            let hex: StaticString = "0123456789abcdef"
            hex.withUTF8Buffer { h in
                for b in d {
                    bytes.append(h[Int(b >> 4)])
                    bytes.append(h[Int(b & 15)])
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needComma = true
    }

    // MARK: scalars

    public mutating func null() { separate(); appendStatic("null"); needComma = true }
    public mutating func bool(_ b: Bool) { separate(); appendStatic(b ? "true" : "false"); needComma = true }
    public mutating func string(_ s: String) { separate(); appendQuoted(s); needComma = true }

    public mutating func int(_ v: Int64) {
        separate()
        if v < 0 { bytes.append(UInt8(ascii: "-")) }
        var mag = v.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var n = 20
            repeat {
                n -= 1
                digits[n] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: mag % 10)
                mag /= 10
            } while mag != 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[n..<20]))
        }
        needComma = true
    }
    public mutating func int(_ v: Int) { int(Int64(v)) }

    public mutating func double(_ d: Double) throws {
        guard d.isFinite else { throw Failure.nonFiniteNumber(d) }
        separate()
        var text = d.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        text.withUTF8 { bytes.append(contentsOf: $0) }
        needComma = true
    }

    private mutating func appendStatic(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func appendQuoted(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { u in
            var mark = 0
            var i = 0
            let n = u.count
            while i < n {
                // Eight bytes at a time while none needs escaping (paths and evidence have none):
                // a clean string is one copy, not a test per byte.
                if n - i >= 8 && !CanonicalRecordScanner.hasQuoteBackslashOrControl(UnsafeRawPointer(u.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                    continue
                }
                let b = u[i]
                if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") { i += 1; continue }
                if i > mark { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[mark..<i])) }
                bytes.append(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(b)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    let hex: StaticString = "0123456789abcdef"
                    bytes.append(UInt8(ascii: "u")); bytes.append(UInt8(ascii: "0")); bytes.append(UInt8(ascii: "0"))
                    hex.withUTF8Buffer { h in
                        bytes.append(h[Int(b >> 4)])
                        bytes.append(h[Int(b & 15)])
                    }
                }
                i += 1
                mark = i
            }
            if mark < n { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[mark..<n])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    // MARK: values and records

    public mutating func write(_ v: JSONValue) throws {
        switch v {
        case .null: null()
        case .bool(let b): bool(b)
        case .int(let i): int(i)
        case .double(let d): try double(d)
        case .string(let s): string(s)
        case .array(let a):
            try beginArray()
            for e in a { try write(e) }
            endArray()
        case .object(let o):
            try beginObject()
            for k in o.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                key(k)
                try write(o[k]!)
            }
            endObject()
        }
    }

    public mutating func write(_ strings: [String]) throws {
        try beginArray()
        for s in strings { string(s) }
        endArray()
    }

    mutating func write(_ t: LocalizedText) throws {
        try beginObject()
        key("en"); string(t.en)
        key("zh"); string(t.zh)
        endObject()
    }

    mutating func write(_ l: Location) throws {
        try beginObject()
        if let v = l.chain { key("chain"); try write(v) }
        if let v = l.column { key("column"); int(v) }
        if let v = l.columnName { key("column_name"); string(v) }
        if let v = l.endLine { key("end_line"); int(v) }
        key("input"); string(l.input)
        if let v = l.length { key("length"); int(v) }
        if let v = l.line { key("line"); int(v) }
        if let v = l.offset { key("offset"); int(v) }
        if let v = l.path { key("path"); string(v) }
        if let v = l.row { key("row"); int(v) }
        if let v = l.table { key("table"); string(v) }
        endObject()
    }

    mutating func write(_ f: Finding) throws {
        try beginObject()
        key("category"); string(f.category)
        if let v = f.confidence { key("confidence"); try double(v) }
        if let v = f.cwe { key("cwe"); try write(v) }
        if let v = f.dataLevel { key("data_level"); string(v.rawValue) }
        if let v = f.evidence { key("evidence"); string(v) }
        key("fingerprint"); string(f.fingerprint)
        key("location"); try write(f.location)
        if let v = f.message { key("message"); try write(v) }
        if let v = f.properties { key("properties"); try write(v) }
        if let v = f.references { key("references"); try write(v) }
        if let v = f.remediation { key("remediation"); try write(v) }
        key("rule_id"); string(f.ruleId)
        key("severity"); string(f.severity.rawValue)
        key("title"); try write(f.title)
        key("type"); string(f.type)
        endObject()
    }

    mutating func write(_ e: ErrorRecord) throws {
        try beginObject()
        key("code"); string(e.code)
        key("input"); string(e.input)
        if let v = e.offset { key("offset"); int(v) }
        key("reason"); string(e.reason)
        key("type"); string(e.type)
        endObject()
    }

    mutating func write(_ d: DataRecord) throws {
        try beginObject()
        key("kind"); string(d.kind)
        if let v = d.text { key("text"); try write(v) }
        key("type"); string(d.type)
        key("value"); try write(d.value)
        endObject()
    }

    mutating func write(_ r: Record) throws {
        switch r {
        case .finding(let f): try write(f)
        case .error(let e): try write(e)
        case .data(let d): try write(d)
        }
    }
}

/// Types whose canonical JSON the hand-written writer produces (what `DSJSON.encode` would).
public protocol CanonicalJSONEncodable: Encodable {
    func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) throws
}

extension CanonicalJSONEncodable {
    /// The canonical JSON bytes (no trailing newline).
    public func canonicalJSON() throws -> [UInt8] {
        var w = CanonicalJSONWriter()
        try writeCanonicalJSON(to: &w)
        return w.bytes
    }
}

extension Record: CanonicalJSONEncodable {
    public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) throws { try writer.write(self) }
}
extension Finding: CanonicalJSONEncodable {
    public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) throws { try writer.write(self) }
}
extension ErrorRecord: CanonicalJSONEncodable {
    public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) throws { try writer.write(self) }
}
extension DataRecord: CanonicalJSONEncodable {
    public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) throws { try writer.write(self) }
}
extension Location: CanonicalJSONEncodable {
    public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) throws { try writer.write(self) }
}
extension LocalizedText: CanonicalJSONEncodable {
    public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) throws { try writer.write(self) }
}
extension JSONValue: CanonicalJSONEncodable {
    public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) throws { try writer.write(self) }
}
