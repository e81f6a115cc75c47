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
    /// A record key (ASCII, nothing to escape), written as it is: a string literal passed to
    /// `key` resolves to the String overload, which scanned every key for escapes.
    @inline(__always) mutating func fixedKey(_ name: StaticString) { key(name) }
    public mutating func key(_ name: String) {
        if needComma { bytes.append(UInt8(ascii: ",")) }
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needComma = false
    }
    private mutating func separate() {
        if needComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// After a fragment ending inside an object: the next key is preceded by a comma.
    mutating func continueObject() { needComma = true }

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
        CanonicalDoubleText(d).withBytes { bytes.append(contentsOf: $0) }
        needComma = true
    }

    private mutating func appendStatic(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func appendQuoted(_ s: String) {
        CanonicalJSONBytes.withUTF8(s) { appendQuoted(utf8: $0) }
    }

    private mutating func appendQuoted(utf8 u: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        // One pass of word tests, then one copy: paths, texts and most evidence need no escaping.
        let clean = CanonicalJSONBytes.cleanPrefixLength(u)
        if clean == u.count {
            if clean > 0 { bytes.append(contentsOf: u) }
        } else {
            if clean > 0 { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[0..<clean])) }
            var mark = clean
            for i in clean..<u.count where CanonicalJSONBytes.needsEscape(u[i]) {
                if i > mark { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[mark..<i])) }
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 6) { e in
                    let n = CanonicalJSONBytes.writeEscape(u[i], to: e.baseAddress!)
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: e[0..<n]))
                }
                mark = i + 1
            }
            if mark < u.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[mark..<u.count])) }
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
            for k in o.keys.sorted(by: CanonicalJSONBytes.utf8Precedes) {
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
        fixedKey("en"); string(t.en)
        fixedKey("zh"); string(t.zh)
        endObject()
    }

    mutating func write(_ l: Location) throws {
        try beginObject()
        if let v = l.chain { fixedKey("chain"); try write(v) }
        if let v = l.column { fixedKey("column"); int(v) }
        if let v = l.columnName { fixedKey("column_name"); string(v) }
        if let v = l.endLine { fixedKey("end_line"); int(v) }
        fixedKey("input"); string(l.input)
        if let v = l.length { fixedKey("length"); int(v) }
        if let v = l.line { fixedKey("line"); int(v) }
        if let v = l.offset { fixedKey("offset"); int(v) }
        if let v = l.path { fixedKey("path"); string(v) }
        if let v = l.row { fixedKey("row"); int(v) }
        if let v = l.table { fixedKey("table"); string(v) }
        endObject()
    }

    mutating func write(_ f: Finding) throws {
        try beginObject()
        fixedKey("category"); string(f.category)
        if let v = f.confidence { fixedKey("confidence"); try double(v) }
        if let v = f.cwe { fixedKey("cwe"); try write(v) }
        if let v = f.dataLevel { fixedKey("data_level"); string(v.rawValue) }
        if let v = f.evidence { fixedKey("evidence"); string(v) }
        fixedKey("fingerprint"); string(f.fingerprint)
        fixedKey("location"); try write(f.location)
        if let v = f.message { fixedKey("message"); try write(v) }
        if let v = f.properties { fixedKey("properties"); try write(v) }
        if let v = f.references { fixedKey("references"); try write(v) }
        if let v = f.remediation { fixedKey("remediation"); try write(v) }
        fixedKey("rule_id"); string(f.ruleId)
        fixedKey("severity"); string(f.severity.rawValue)
        fixedKey("title"); try write(f.title)
        fixedKey("type"); string(f.type)
        endObject()
    }

    mutating func write(_ e: ErrorRecord) throws {
        try beginObject()
        fixedKey("code"); string(e.code)
        fixedKey("input"); string(e.input)
        if let v = e.offset { fixedKey("offset"); int(v) }
        fixedKey("reason"); string(e.reason)
        fixedKey("type"); string(e.type)
        endObject()
    }

    mutating func write(_ d: DataRecord) throws {
        try beginObject()
        fixedKey("kind"); string(d.kind)
        if let v = d.text { fixedKey("text"); try write(v) }
        fixedKey("type"); string(d.type)
        fixedKey("value"); try write(d.value)
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
