import FoundationEssentials
import Glibc

/// What the host needs of a record to count and route it, read without decoding the record.
public struct RecordEssentials: Equatable, Sendable {
    public enum Kind: Sendable { case finding, error, data }
    public let kind: Kind
    /// A finding's severity; nil for errors and data.
    public let severity: Severity?

    public init(kind: Kind, severity: Severity?) { self.kind = kind; self.severity = severity }

    /// The essentials of a decoded record.
    public init(_ record: Record) {
        switch record {
        case .finding(let f): self.init(kind: .finding, severity: f.severity)
        case .error: self.init(kind: .error, severity: nil)
        case .data: self.init(kind: .data, severity: nil)
        }
    }
}

/// Recognises a record that is already canonical — byte for byte what `CanonicalJSONWriter` writes
/// for the record the bytes decode to — in one pass that builds nothing. Plugins built on the SDK
/// emit exactly that, so the host can hand their bytes to the json/jsonl/case sinks as they are
/// instead of decoding and re-encoding every record (most of a record's cost on the host).
///
/// It only ever answers "canonical" when it is sure; anything else (other key order, whitespace,
/// other escapes, unknown or null members, numbers written another way, escaped or non-ASCII keys
/// in `properties`, deep nesting, rule ids starting "input.limit") gets nil, and the host then
/// decodes and re-encodes the record as before. So the bytes written never depend on which way a
/// record went; a differential test holds the two ways together.
public enum CanonicalRecordCheck {
    /// `memo`: values accepted in earlier records of the run, skipped when they come again.
    public static func essentials(_ bytes: UnsafeRawBufferPointer, memo: CanonicalValueMemo? = nil) -> RecordEssentials? {
        guard !bytes.isEmpty else { return nil }
        var scanner = CanonicalRecordScanner(bytes.bindMemory(to: UInt8.self))
        // Records may come from several threads: one that finds the memo in use goes without.
        guard let memo, memo.lock.try() else { return scanner.record() }
        defer { memo.lock.unlock() }
        scanner.memo = memo
        return scanner.record()
    }

    /// The essentials and the decoded record of canonical bytes (nil when not canonical). The
    /// record is read in one more pass that knows the layout (no key lookups, no validation left
    /// to do) and is the record `RecordDecoder` reads from the same bytes.
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> (essentials: RecordEssentials, record: Record)? {
        guard !bytes.isEmpty else { return nil }
        var scanner = CanonicalRecordScanner(bytes.bindMemory(to: UInt8.self))
        guard let essentials = scanner.record() else { return nil }
        var reader = CanonicalRecordScanner(bytes.bindMemory(to: UInt8.self))
        let record: Record?
        switch essentials.kind {
        case .finding: record = reader.readFinding().map { Record.finding($0) }
        case .error: record = reader.readError().map { Record.error($0) }
        case .data: record = reader.readData().map { Record.data($0) }
        }
        guard let record else { return nil }
        return (essentials, record)
    }
}

/// Values of finding members the check accepted before, by their bytes. A plugin's findings repeat
/// their texts, references and properties rule by rule, so a value equal byte for byte to one
/// accepted before is passed with one comparison instead of being read again (most of a finding's
/// bytes). A value's check depends on its own bytes only (objects, arrays and strings end with
/// their closing byte), so the answer is the same either way. Likewise whole ends of findings,
/// after the location (see `CanonicalRecordScanner.finding`). One per run.
public final class CanonicalValueMemo: @unchecked Sendable {
    /// Per member index of `CanonicalFields.finding`, `entriesPerMember` slots: remembered values
    /// (replaced in turn once all are used) and a mix of each one's first sixteen bytes, which
    /// rules most of them out without touching their bytes. Plain memory behind `let`s: as
    /// Array properties of a class, every look-up paid the run-time exclusivity checks and
    /// retained the inner arrays (1.4% of a crypto-audit run).
    private let values: UnsafeMutablePointer<[UInt8]>
    private let heads: UnsafeMutablePointer<UInt64>
    /// Per member: slots in use, and the slot replaced next once all are.
    private let used: UnsafeMutablePointer<Int>
    private let replaceNext: UnsafeMutablePointer<Int>
    private let hitCount = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    /// Values passed by comparison (tests look).
    var hits: Int { hitCount.pointee }
    let lock = MutexLock()
    static let entriesPerMember = 64
    static let largestValue = 4096
    private static let members = CanonicalFields.finding.count

    public init() {
        let slots = Self.members * Self.entriesPerMember
        values = .allocate(capacity: slots)
        values.initialize(repeating: [], count: slots)
        heads = .allocate(capacity: slots)
        heads.initialize(repeating: 0, count: slots)
        used = .allocate(capacity: Self.members)
        used.initialize(repeating: 0, count: Self.members)
        replaceNext = .allocate(capacity: Self.members)
        replaceNext.initialize(repeating: 0, count: Self.members)
        hitCount.initialize(to: 0)
        ends = .allocate(capacity: Self.endsKept)
        ends.initialize(repeating: [], count: Self.endsKept)
        endHeads = .allocate(capacity: Self.endsKept)
        endHeads.initialize(repeating: 0, count: Self.endsKept)
        endSeverities = .allocate(capacity: Self.endsKept)
        endSeverities.initialize(repeating: .info, count: Self.endsKept)
        endsUsed.initialize(to: 0)
        endReplaceNext.initialize(to: 0)
    }

    deinit {
        values.deinitialize(count: Self.members * Self.entriesPerMember)
        values.deallocate()
        heads.deallocate()
        used.deallocate()
        replaceNext.deallocate()
        hitCount.deallocate()
        ends.deinitialize(count: Self.endsKept)
        ends.deallocate()
        endHeads.deallocate()
        endSeverities.deallocate()
        endsUsed.deallocate()
        endReplaceNext.deallocate()
    }

    /// The remembered value of `member` that the bytes at `at` begin with, if any: its length.
    func match(_ member: Int, head: UInt64, at: UnsafePointer<UInt8>, available: Int) -> Int? {
        let first = member * Self.entriesPerMember
        for e in first..<(first + used[member]) where heads[e] == head {
            let length = values[e].withUnsafeBufferPointer { v in
                v.count <= available && memcmp(at, v.baseAddress!, v.count) == 0 ? v.count : 0
            }
            if length > 0 { hitCount.pointee += 1; return length }
        }
        return nil
    }

    /// Ends of findings (the bytes after the location to the end of the record) accepted before,
    /// with their severity: `endsKept` slots, replaced in turn once all are used.
    private let ends: UnsafeMutablePointer<[UInt8]>
    private let endHeads: UnsafeMutablePointer<UInt64>
    private let endSeverities: UnsafeMutablePointer<Severity>
    /// Slots in use, and the slot replaced next once all are (plain memory, as above).
    private let endsUsed = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    private let endReplaceNext = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    static let endsKept = 64
    static let largestEnd = 16384

    /// A mix of an end's length and two of its words (its first sixteen bytes are the same in
    /// most: `,"message":{"en"`). Nil when too short to be a valid end.
    @inline(__always) static func endHead(_ at: UnsafePointer<UInt8>, count: Int) -> UInt64? {
        guard count >= 24 else { return nil }
        let raw = UnsafeRawPointer(at)
        let early = raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        let middle = raw.loadUnaligned(fromByteOffset: count / 2, as: UInt64.self)
        return UInt64(count) &* 0x9E37_79B9_7F4A_7C15 ^ early ^ middle &* 0xC2B2_AE3D_27D4_EB4F
    }

    /// The severity of a remembered end equal to all of `p` from `from`, if any.
    func matchEnd(_ p: UnsafeBufferPointer<UInt8>, from: Int) -> Severity? {
        let count = p.count - from
        let at = p.baseAddress! + from
        guard let head = Self.endHead(at, count: count) else { return nil }
        for e in 0..<endsUsed.pointee where endHeads[e] == head {
            let equal = ends[e].withUnsafeBufferPointer { v in v.count == count && memcmp(at, v.baseAddress!, count) == 0 }
            if equal { hitCount.pointee += 1; return endSeverities[e] }
        }
        return nil
    }

    func rememberEnd(_ end: UnsafeBufferPointer<UInt8>, severity: Severity) {
        guard end.count <= Self.largestEnd, let head = Self.endHead(end.baseAddress!, count: end.count) else { return }
        let e: Int
        if endsUsed.pointee < Self.endsKept {
            e = endsUsed.pointee
            endsUsed.pointee += 1
        } else {
            e = endReplaceNext.pointee
            endReplaceNext.pointee = (e + 1) % Self.endsKept
        }
        ends[e] = Array(end)
        endHeads[e] = head
        endSeverities[e] = severity
    }

    func remember(_ member: Int, head: UInt64, _ value: UnsafeBufferPointer<UInt8>) {
        let e: Int
        if used[member] < Self.entriesPerMember {
            e = used[member]
            used[member] += 1
        } else {
            e = replaceNext[member]
            replaceNext[member] = (e + 1) % Self.entriesPerMember
        }
        values[member * Self.entriesPerMember + e] = Array(value)
        heads[member * Self.entriesPerMember + e] = head
    }
}

/// Member names of each record object in the writer's (sorted) order, and which are required.
private enum CanonicalFields {
    static let finding: [MemberName] = [
        "category", "confidence", "cwe", "data_level", "evidence", "fingerprint", "location", "message", "properties",
        "references", "remediation", "rule_id", "severity", "title", "type",
    ]
    static let findingRequired: UInt32 = 1 << 0 | 1 << 5 | 1 << 6 | 1 << 11 | 1 << 12 | 1 << 13 | 1 << 14
    /// "location": the last member whose value changes from one sighting of a template to the next.
    static let findingLocation = 6
    /// The required members up to it (category, fingerprint, location); the rest follow it.
    static let findingRequiredThroughLocation: UInt32 = 1 << 0 | 1 << 5 | 1 << 6
    static let location: [MemberName] = [
        "chain", "column", "column_name", "end_line", "input", "length", "line", "offset", "path", "row", "table",
    ]
    static let locationRequired: UInt32 = 1 << 4
    static let error: [MemberName] = ["code", "input", "offset", "reason", "type"]
    static let errorRequired: UInt32 = 1 << 0 | 1 << 1 | 1 << 3 | 1 << 4
    static let data: [MemberName] = ["kind", "text", "type", "value"]
    static let dataRequired: UInt32 = 1 << 0 | 1 << 2 | 1 << 3
    static let localized: [MemberName] = ["en", "zh"]
    static let localizedRequired: UInt32 = 1 << 0 | 1 << 1
}

/// A member name as canonical JSON writes it after the opening quote, `name":`, as two
/// little-endian words and masks (the longest, `column_name":`, is 13 bytes): the bytes of a key
/// are compared with a name in two masked word compares instead of a memcmp call.
struct MemberName: ExpressibleByStringLiteral {
    let words: (UInt64, UInt64)
    let masks: (UInt64, UInt64)
    /// The name, closing quote and colon.
    let length: Int

    init(stringLiteral name: StaticString) {
        let n = name.utf8CodeUnitCount
        precondition(n + 2 <= 16, "member name too long")
        var bytes = [UInt8](repeating: 0, count: 16), mask = [UInt8](repeating: 0, count: 16)
        for k in 0..<n { bytes[k] = name.utf8Start[k] }
        bytes[n] = UInt8(ascii: "\""); bytes[n + 1] = UInt8(ascii: ":")
        for k in 0..<(n + 2) { mask[k] = 0xFF }
        func word(_ b: [UInt8], _ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[at + $1]) << (8 * UInt64($1)) } }
        words = (word(bytes, 0), word(bytes, 8))
        masks = (word(mask, 0), word(mask, 8))
        length = n + 2
    }

    /// Whether the `available` bytes at `at` begin with `name":`.
    @inline(__always) func matches(_ at: UnsafePointer<UInt8>, available: Int) -> Bool {
        let raw = UnsafeRawPointer(at)
        if available >= 16 {
            return raw.loadUnaligned(as: UInt64.self) & masks.0 == words.0
                && raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & masks.1 == words.1
        }
        guard available >= length else { return false }
        for k in 0..<length {
            let word = k < 8 ? words.0 : words.1
            if at[k] != UInt8(truncatingIfNeeded: word >> (8 * UInt64(k & 7))) { return false }
        }
        return true
    }
}

/// The scanner behind `CanonicalRecordCheck`: every method returns false (or nil) as soon as the
/// bytes leave the canonical form, and never reads outside the buffer.
struct CanonicalRecordScanner {
    let p: UnsafeBufferPointer<UInt8>
    var i = 0
    var memo: CanonicalValueMemo?
    /// Nesting allowed inside `properties` and `value` before giving up (the writer allows 512).
    static let maximumValueDepth = 64

    init(_ p: UnsafeBufferPointer<UInt8>) { self.p = p }

    @inline(__always) mutating func take(_ b: UInt8) -> Bool {
        if i < p.count && p[i] == b { i += 1; return true }
        return false
    }

    @inline(__always) mutating func take(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard p.count - i >= n, memcmp(p.baseAddress! + i, word.utf8Start, n) == 0 else { return false }
        i += n
        return true
    }

    /// Whether the string whose bytes (between the quotes) are `range` is exactly `word`.
    @inline(__always) func equals(_ range: Range<Int>, _ word: StaticString) -> Bool {
        range.count == word.utf8CodeUnitCount && memcmp(p.baseAddress! + range.lowerBound, word.utf8Start, range.count) == 0
    }

    // MARK: records

    mutating func record() -> RecordEssentials? {
        // The first member names the record: "category" sorts first in a finding, "code" in an
        // error, "kind" in data (each is required there).
        if p.count > 12, p[0] == UInt8(ascii: "{"), p[1] == UInt8(ascii: "\"") {
            let essentials: RecordEssentials?
            switch p[2] {
            case UInt8(ascii: "c") where p[3] == UInt8(ascii: "a"): essentials = finding()
            case UInt8(ascii: "c"): essentials = error() ? RecordEssentials(kind: .error, severity: nil) : nil
            case UInt8(ascii: "k"): essentials = data() ? RecordEssentials(kind: .data, severity: nil) : nil
            default: essentials = nil
            }
            if let essentials, i == p.count { return essentials }
        }
        return nil
    }

    /// `"name":` for a member of `fields` after the one at `after`; returns its index. Record keys
    /// are lowercase ASCII and underscores, so each name that may come next is compared with the
    /// bytes, closing quote and colon included (the key is not scanned byte by byte first).
    mutating func member(_ fields: [MemberName], after: Int) -> Int? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let at = p.baseAddress! + i, available = p.count - i
        var k = after + 1
        while k < fields.count {
            if fields[k].matches(at, available: available) {
                i += fields[k].length
                return k
            }
            k += 1
        }
        return nil
    }

    /// Walks one record object: members of `fields` in order, each at most once, the required ones
    /// all present; `value` reads the value of the member with the given index.
    mutating func object(_ fields: [MemberName], required: UInt32, _ value: (inout CanonicalRecordScanner, Int) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        var seen: UInt32 = 0
        if take(UInt8(ascii: "}")) { return required == 0 }
        var last = -1
        repeat {
            guard let k = member(fields, after: last), value(&self, k) else { return false }
            seen |= 1 << UInt32(k)
            last = k
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}")) && seen & required == required
    }

    /// A finding object: `object(CanonicalFields.finding…)` with one shortcut. With a memo, the
    /// bytes after the location (`,"message":…` to the closing brace: the template's constant
    /// part, ~70% of a crypto-audit finding) are compared with the ends of findings accepted
    /// before. Whether those bytes are accepted after a location depends on them alone (members
    /// after "location" in order, their values, the closing brace, the end of the record, and
    /// the required members after "location": rule_id, severity, title, type), so an equal end
    /// gets the same answer and the same severity; the members before it are checked as always.
    mutating func finding() -> RecordEssentials? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var seen: UInt32 = 0
        var last = -1
        var severity: Severity?
        var endStart = -1
        repeat {
            guard let k = member(CanonicalFields.finding, after: last), findingValue(k, severity: &severity) else { return nil }
            seen |= 1 << UInt32(k)
            last = k
            if k == CanonicalFields.findingLocation, let memo {
                if let remembered = memo.matchEnd(p, from: i) {
                    let before = CanonicalFields.findingRequiredThroughLocation
                    guard seen & before == before else { return nil }
                    i = p.count
                    return RecordEssentials(kind: .finding, severity: remembered)
                }
                endStart = i
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), seen & CanonicalFields.findingRequired == CanonicalFields.findingRequired,
              let severity else { return nil }
        if endStart >= 0, i == p.count, let memo {
            memo.rememberEnd(UnsafeBufferPointer(rebasing: p[endStart..<i]), severity: severity)
        }
        return RecordEssentials(kind: .finding, severity: severity)
    }

    /// The value of finding member `k` (an index into `CanonicalFields.finding`).
    @inline(__always) mutating func findingValue(_ k: Int, severity: inout Severity?) -> Bool {
        switch k {
        case 0, 4, 5: return string()                                // category, evidence, fingerprint
        case 1: return double()                                      // confidence
        case 2, 9: return remembered(k) { $0.strings() }             // cwe, references
        case 3: return dataLevel()                                   // data_level
        case 6: return location()                                    // location
        case 7, 10, 13: return remembered(k) { $0.localized() }      // message, remediation, title
        case 8: return !isNull() && remembered(k) { $0.value(depth: 0) }  // properties (null is left out)
        case 11: return remembered(k) { $0.ruleId() }                // rule_id
        case 12: severity = self.severity(); return severity != nil  // severity
        default: return literalString("finding")                     // type
        }
    }

    mutating func error() -> Bool {
        object(CanonicalFields.error, required: CanonicalFields.errorRequired) { s, k in
            switch k {
            case 2: return s.integer()                                   // offset
            case 4: return s.literalString("error")                      // type
            default: return s.string()                                   // code, input, reason
            }
        }
    }

    mutating func data() -> Bool {
        object(CanonicalFields.data, required: CanonicalFields.dataRequired) { s, k in
            switch k {
            case 0: return s.string()                                    // kind
            case 1: return s.localized()                                 // text
            case 2: return s.literalString("data")                       // type
            default: return s.value(depth: 0)                            // value (null is written)
            }
        }
    }

    mutating func location() -> Bool {
        object(CanonicalFields.location, required: CanonicalFields.locationRequired) { s, k in
            switch k {
            case 0: return s.strings()                                   // chain
            case 2, 4, 8, 10: return s.string()                          // column_name, input, path, table
            default: return s.integer()                                  // column, end_line, length, line, offset, row
            }
        }
    }

    /// `check` of the value of finding member `k`, unless the memo holds these bytes for it.
    mutating func remembered(_ k: Int, _ check: (inout CanonicalRecordScanner) -> Bool) -> Bool {
        guard let memo else { return check(&self) }
        let remaining = p.count - i
        let head: UInt64
        if remaining >= 16 {
            let at = UnsafeRawPointer(p.baseAddress! + i)
            head = at.loadUnaligned(as: UInt64.self) &* 0x9E37_79B9_7F4A_7C15 ^ at.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        } else {
            head = 0
        }
        if let length = memo.match(k, head: head, at: p.baseAddress! + i, available: remaining) {
            i += length
            return true
        }
        let start = i
        guard check(&self) else { return false }
        if i - start <= CanonicalValueMemo.largestValue { memo.remember(k, head: head, UnsafeBufferPointer(rebasing: p[start..<i])) }
        return true
    }

    mutating func localized() -> Bool {
        object(CanonicalFields.localized, required: CanonicalFields.localizedRequired) { s, _ in s.string() }
    }

    // MARK: values

    func isNull() -> Bool { p.count - i >= 4 && p[i] == UInt8(ascii: "n") }

    /// A string as the writer escapes it: only `"`, `\` and C0 controls, with the short forms
    /// \b \f \n \r \t and lowercase \u00xx for the rest; valid UTF-8. Returns its raw byte range.
    mutating func stringRange() -> Range<Int>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = i
        var ascii = true
        while i < p.count {
            // Eight bytes at a time while none is a quote, a backslash or a control character; in
            // the word that has one, the lowest flagged byte is the first (the tests are exact up
            // to it), so the bytes before it are skipped too instead of tested one by one.
            var high: UInt64 = 0
            while p.count - i >= 8 {
                let w = UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: UInt64.self)
                let special = Self.quoteBackslashOrControl(w)
                if special != 0 {
                    let clean = special.trailingZeroBitCount >> 3
                    high |= w & ((1 << UInt64(clean * 8)) &- 1)
                    i += clean
                    break
                }
                high |= w
                i += 8
            }
            if high & 0x8080_8080_8080_8080 != 0 { ascii = false }
            guard i < p.count else { break }
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                let range = start..<i
                if !ascii && !UTF8Validation.isValid(UnsafeBufferPointer(rebasing: p[range])) { return nil }
                i += 1
                return range
            }
            if b == UInt8(ascii: "\\") {
                guard p.count - i >= 2 else { return nil }
                switch p[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                     UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    guard p.count - i >= 6, p[i + 2] == UInt8(ascii: "0"), p[i + 3] == UInt8(ascii: "0") else { return nil }
                    let high = p[i + 4], low = p[i + 5]
                    guard high == UInt8(ascii: "0") || high == UInt8(ascii: "1") else { return nil }
                    let lowValue: UInt8
                    switch low {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): lowValue = low - UInt8(ascii: "0")
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): lowValue = low - UInt8(ascii: "a") + 10
                    default: return nil
                    }
                    let control = (high - UInt8(ascii: "0")) << 4 | lowValue
                    // These five have short forms, which the writer uses.
                    if control == 0x08 || control == 0x09 || control == 0x0A || control == 0x0C || control == 0x0D { return nil }
                    i += 6
                default:
                    return nil
                }
                continue
            }
            if b < 0x20 { return nil }
            if b >= 0x80 { ascii = false }
            i += 1
        }
        return nil
    }

    /// The high bit of each of the eight bytes that is `"`, `\\` or below 0x20, and possibly of
    /// bytes above such a byte (a borrow runs upwards): the lowest bit set is always exact.
    @inline(__always) static func quoteBackslashOrControl(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quote = w ^ (ones &* 0x22), backslash = w ^ (ones &* 0x5C)
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        let control = (w &- ones &* 0x20) & ~w
        return (zeroQuote | zeroBackslash | control) & highs
    }

    mutating func string() -> Bool { stringRange() != nil }

    mutating func literalString(_ word: StaticString) -> Bool {
        guard let r = stringRange() else { return false }
        return equals(r, word)
    }

    mutating func strings() -> Bool {
        guard take(UInt8(ascii: "[")) else { return false }
        if take(UInt8(ascii: "]")) { return true }
        repeat { guard string() else { return false } } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]"))
    }

    mutating func severity() -> Severity? {
        guard let r = stringRange() else { return nil }
        if equals(r, "info") { return .info }
        if equals(r, "low") { return .low }
        if equals(r, "medium") { return .medium }
        if equals(r, "high") { return .high }
        if equals(r, "critical") { return .critical }
        return nil
    }

    mutating func dataLevel() -> Bool {
        guard let r = stringRange() else { return false }
        return equals(r, "一般") || equals(r, "重要") || equals(r, "核心")
    }

    /// Rule ids of the input limits go the full way: the host treats them apart (exit code 3), and
    /// whether a decoded id has that prefix is a question about characters, not bytes.
    mutating func ruleId() -> Bool {
        guard let r = stringRange() else { return false }
        let prefix: StaticString = "input.limit"
        return !(r.count >= prefix.utf8CodeUnitCount && memcmp(p.baseAddress! + r.lowerBound, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0)
    }

    /// An integer as the writer writes one: -?(0|[1-9][0-9]*), not -0, at most 18 digits (so
    /// surely in range), not followed by a fraction or exponent.
    mutating func integer() -> Bool {
        let negative = take(UInt8(ascii: "-"))
        let start = i
        while i < p.count, p[i] >= UInt8(ascii: "0"), p[i] <= UInt8(ascii: "9") { i += 1 }
        let digits = i - start
        guard digits >= 1, digits <= 18 else { return false }
        if p[start] == UInt8(ascii: "0") && (digits > 1 || negative) { return false }
        return i == p.count || (p[i] != UInt8(ascii: ".") && p[i] != UInt8(ascii: "e") && p[i] != UInt8(ascii: "E"))
    }

    /// A double in the few forms whose canonical text is known without formatting: `0.d…d`
    /// (1–15 digits, no trailing zero, at least 0.0001) and whole numbers of up to six digits, which
    /// the writer writes without ".0". Other doubles go the full way.
    mutating func double() -> Bool {
        if take("0.") {
            let start = i
            while i < p.count, p[i] >= UInt8(ascii: "0"), p[i] <= UInt8(ascii: "9") { i += 1 }
            let digits = i - start
            guard digits >= 1, digits <= 15, p[i - 1] != UInt8(ascii: "0") else { return false }
            var zeros = 0
            while zeros < digits, p[start + zeros] == UInt8(ascii: "0") { zeros += 1 }
            guard zeros <= 3 else { return false }
            return i == p.count || (p[i] != UInt8(ascii: "e") && p[i] != UInt8(ascii: "E"))
        }
        let start = i
        guard integer(), p[start] != UInt8(ascii: "-"), i - start <= 6 else { return false }
        return true
    }

    /// A number inside a JSON value: integers become `.int` and are written as such; fractions
    /// become `.double`.
    mutating func number() -> Bool {
        if p.count - i >= 2, p[i] == UInt8(ascii: "0"), p[i + 1] == UInt8(ascii: ".") { return double() }
        return integer()
    }

    /// Any JSON value as the writer writes a JSONValue: objects with their keys in byte order and
    /// no duplicates. Object keys must be printable ASCII without escapes (others go the full way:
    /// their order and equality are decided on decoded Strings).
    mutating func value(depth: Int) -> Bool {
        guard i < p.count, depth < Self.maximumValueDepth else { return false }
        switch p[i] {
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return take("true")
        case UInt8(ascii: "f"): return take("false")
        case UInt8(ascii: "n"): return take("null")
        case UInt8(ascii: "["):
            i += 1
            if take(UInt8(ascii: "]")) { return true }
            repeat { guard value(depth: depth + 1) else { return false } } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]"))
        case UInt8(ascii: "{"):
            i += 1
            if take(UInt8(ascii: "}")) { return true }
            var previous: Range<Int>?
            repeat {
                guard take(UInt8(ascii: "\"")) else { return false }
                let start = i
                while i < p.count, p[i] >= 0x20, p[i] < 0x7F, p[i] != UInt8(ascii: "\""), p[i] != UInt8(ascii: "\\") { i += 1 }
                let key = start..<i
                guard take(UInt8(ascii: "\"")), take(UInt8(ascii: ":")) else { return false }
                if let previous, !precedes(previous, key) { return false }
                previous = key
                guard value(depth: depth + 1) else { return false }
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}"))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return false
        }
    }

    /// Byte order of two keys, strictly (a duplicate is not canonical).
    func precedes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        let n = min(a.count, b.count)
        let c = n == 0 ? 0 : memcmp(p.baseAddress! + a.lowerBound, p.baseAddress! + b.lowerBound, n)
        return c < 0 || (c == 0 && a.count < b.count)
    }

    // MARK: reading (bytes the check accepted)

    /// A string the check accepted: its bytes, unescaped only when it has escapes.
    mutating func readString() -> String? {
        let quote = i
        guard let range = stringRange() else { return nil }
        if memchr(p.baseAddress! + range.lowerBound, Int32(UInt8(ascii: "\\")), range.count) == nil {
            return String(decoding: UnsafeBufferPointer(rebasing: p[range]), as: UTF8.self)
        }
        var parser = JSONByteParser(p)
        parser.i = quote
        return try? parser.string()
    }

    mutating func readInteger() -> Int64? {
        let start = i
        guard integer() else { return nil }
        return JSONNumber.int64(UnsafeBufferPointer(rebasing: p[start..<i]))
    }

    mutating func readDouble() -> Double? {
        let start = i
        guard double() else { return nil }
        return JSONNumber.double(String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self))
    }

    mutating func readStrings() -> [String]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var out: [String] = []
        if take(UInt8(ascii: "]")) { return out }
        repeat {
            guard let s = readString() else { return nil }
            out.append(s)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? out : nil
    }

    mutating func readValue() -> JSONValue? {
        var parser = JSONByteParser(p)
        parser.i = i
        guard let v = try? parser.jsonValue(path: "value") else { return nil }
        i = parser.i
        return v
    }

    mutating func readLocalized() -> LocalizedText? {
        var en: String?, zh: String?
        let ok = object(CanonicalFields.localized, required: CanonicalFields.localizedRequired) { s, k in
            if k == 0 { en = s.readString(); return en != nil }
            zh = s.readString(); return zh != nil
        }
        guard ok, let en, let zh else { return nil }
        return LocalizedText(en: en, zh: zh)
    }

    mutating func readLocation() -> Location? {
        var l = Location(input: "")
        var failed = false
        let ok = object(CanonicalFields.location, required: CanonicalFields.locationRequired) { s, k in
            switch k {
            case 0: l.chain = s.readStrings(); failed = l.chain == nil
            case 1: l.column = s.readInteger().map { Int($0) }; failed = l.column == nil
            case 2: l.columnName = s.readString(); failed = l.columnName == nil
            case 3: l.endLine = s.readInteger().map { Int($0) }; failed = l.endLine == nil
            case 4: if let v = s.readString() { l.input = v } else { failed = true }
            case 5: l.length = s.readInteger().map { Int($0) }; failed = l.length == nil
            case 6: l.line = s.readInteger().map { Int($0) }; failed = l.line == nil
            case 7: l.offset = s.readInteger(); failed = l.offset == nil
            case 8: l.path = s.readString(); failed = l.path == nil
            case 9: l.row = s.readInteger(); failed = l.row == nil
            default: l.table = s.readString(); failed = l.table == nil
            }
            return !failed
        }
        return ok ? l : nil
    }

    mutating func readFinding() -> Finding? {
        var category = "", ruleId = "", fingerprint = "", severity = Severity.info
        var title = LocalizedText("")
        var location = Location(input: "")
        var confidence: Double?, cwe: [String]?, dataLevel: DataLevel?, evidence: String?, message: LocalizedText?
        var properties: JSONValue?, references: [String]?, remediation: LocalizedText?
        let ok = object(CanonicalFields.finding, required: CanonicalFields.findingRequired) { s, k in
            switch k {
            case 0: guard let v = s.readString() else { return false }; category = v
            case 1: confidence = s.readDouble(); return confidence != nil
            case 2: cwe = s.readStrings(); return cwe != nil
            case 3: dataLevel = s.readString().flatMap { DataLevel(rawValue: $0) }; return dataLevel != nil
            case 4: evidence = s.readString(); return evidence != nil
            case 5: guard let v = s.readString() else { return false }; fingerprint = v
            case 6: guard let v = s.readLocation() else { return false }; location = v
            case 7: message = s.readLocalized(); return message != nil
            case 8: properties = s.readValue(); return properties != nil
            case 9: references = s.readStrings(); return references != nil
            case 10: remediation = s.readLocalized(); return remediation != nil
            case 11: guard let v = s.readString() else { return false }; ruleId = v
            case 12: guard let v = s.severity() else { return false }; severity = v
            case 13: guard let v = s.readLocalized() else { return false }; title = v
            default: return s.literalString("finding")
            }
            return true
        }
        guard ok else { return nil }
        return Finding(ruleId: ruleId, title: title, message: message, category: category, severity: severity,
                       confidence: confidence, dataLevel: dataLevel, location: location, evidence: evidence,
                       fingerprint: fingerprint, references: references, cwe: cwe, remediation: remediation,
                       properties: properties)
    }

    mutating func readError() -> ErrorRecord? {
        var code = "", input = "", reason = "", offset: Int64?
        let ok = object(CanonicalFields.error, required: CanonicalFields.errorRequired) { s, k in
            switch k {
            case 0: guard let v = s.readString() else { return false }; code = v
            case 1: guard let v = s.readString() else { return false }; input = v
            case 2: offset = s.readInteger(); return offset != nil
            case 3: guard let v = s.readString() else { return false }; reason = v
            default: return s.literalString("error")
            }
            return true
        }
        return ok ? ErrorRecord(input: input, reason: reason, code: code, offset: offset) : nil
    }

    mutating func readData() -> DataRecord? {
        var kind = "", text: LocalizedText?, value = JSONValue.null
        let ok = object(CanonicalFields.data, required: CanonicalFields.dataRequired) { s, k in
            switch k {
            case 0: guard let v = s.readString() else { return false }; kind = v
            case 1: text = s.readLocalized(); return text != nil
            case 2: return s.literalString("data")
            default: guard let v = s.readValue() else { return false }; value = v
            }
            return true
        }
        return ok ? DataRecord(kind: kind, text: text, value: value) : nil
    }
}
