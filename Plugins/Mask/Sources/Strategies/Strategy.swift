import DSToolKit

/// What became of one value.
public enum MaskOutcome: Equatable, Sendable {
    /// The replacement was appended to the output buffer.
    case written
    /// The value does not fit the strategy (a "phone" that is not a phone); nothing was written.
    case invalid
    /// The value is removed: an empty CSV cell, JSON null, SQL NULL.
    case null
    /// Nothing in the value needed masking (free text without personal data); nothing was written.
    case unchanged
}

/// Per-value context a strategy may need beyond the value itself.
public struct ValueContext {
    /// The original value of the rule's subject field in the same record (date shifting).
    public var subject: UnsafeBufferPointer<UInt8>?
    public init(subject: UnsafeBufferPointer<UInt8>? = nil) { self.subject = subject }
    public static let none = ValueContext()
}

/// One masking strategy, one file each under Strategies/. Values are UTF-8 bytes; results are
/// appended to a reused buffer, so the hot path allocates nothing per value.
public protocol MaskStrategy: AnyObject {
    /// The spelling in policies ("mask-mobile", "fpe-id-card", ...).
    var name: String { get }
    /// The parameters as a policy writes them (for --emit-policy), without the strategy name.
    var parameters: [(String, String)] { get }
    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome
    /// Whether `unmask` can restore the original (format-preserving encryption, date shifting).
    var isReversible: Bool { get }
    func unmask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome
    /// An independent instance for another worker thread (cipher contexts are not shared).
    func copy() throws -> MaskStrategy
}

/// A strategy that masks many values faster together than one by one (FF1: the rounds of many
/// values share one multi-block cipher call). Maskers defer such cells (DeferredCells) and hand
/// them over a chunk at a time; the results equal `mask`/`unmask` value for value.
public protocol BatchMaskStrategy: MaskStrategy {
    /// Value k is values[bounds[k]..<bounds[k+1]]. Appends its result to `out`, then out.count to
    /// `ends` and its outcome to `outcomes` (nothing appended to `out` unless .written).
    func maskBatch(_ values: UnsafeBufferPointer<UInt8>, bounds: UnsafeBufferPointer<Int>, reverse: Bool,
                   into out: inout [UInt8], ends: inout [Int], outcomes: inout [MaskOutcome])
}

public extension MaskStrategy {
    var isReversible: Bool { false }
    func unmask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome { .invalid }
}

/// Convenience for tests and small callers: a String in, a String out.
public extension MaskStrategy {
    func apply(_ value: String, subject: String? = nil, reverse: Bool = false) -> (MaskOutcome, String) {
        var out = [UInt8]()
        let v = Array(value.utf8)
        let s = subject.map { Array($0.utf8) }
        let outcome: MaskOutcome = v.withUnsafeBufferPointer { vp in
            if let s {
                return s.withUnsafeBufferPointer { sp in
                    reverse ? unmask(vp, ValueContext(subject: sp), into: &out) : mask(vp, ValueContext(subject: sp), into: &out)
                }
            }
            return reverse ? unmask(vp, .none, into: &out) : mask(vp, .none, into: &out)
        }
        return (outcome, String(decoding: out, as: UTF8.self))
    }
}

/// UTF-8 helpers shared by the strategies.
enum UTF8Bytes {
    /// Length of the UTF-8 sequence starting with `lead` (1 for ASCII and for stray bytes).
    @inline(__always) static func sequenceLength(_ lead: UInt8) -> Int {
        if lead < 0xC0 { return 1 }
        if lead < 0xE0 { return 2 }
        if lead < 0xF0 { return 3 }
        return 4
    }

    /// Byte offsets where each character starts, plus the end offset.
    static func characterStarts(_ v: UnsafeBufferPointer<UInt8>, into starts: inout [Int]) {
        starts.removeAll(keepingCapacity: true)
        var i = 0
        while i < v.count {
            starts.append(i)
            i = min(v.count, i + sequenceLength(v[i]))
        }
        starts.append(v.count)
    }

    /// The Unicode scalar at `i` (U+FFFD for a broken sequence) and its length.
    @inline(__always) static func scalar(_ v: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let lead = v[i]
        let n = sequenceLength(lead)
        if n == 1 || i + n > v.count { return (lead < 0x80 ? UInt32(lead) : 0xFFFD, 1) }
        var s = UInt32(lead) & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07)
        for k in 1..<n {
            let c = v[i + k]
            if c & 0xC0 != 0x80 { return (0xFFFD, 1) }
            s = s << 6 | UInt32(c & 0x3F)
        }
        return (s, n)
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    static func append(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    static func appendRepeated(_ unit: [UInt8], _ count: Int, to out: inout [UInt8]) {
        if count <= 0 { return }
        for _ in 0..<count { out.append(contentsOf: unit) }
    }
}

/// A problem in a policy's parameters: the policy is rejected with this message (usage error).
public struct PolicyError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Parameters given to a strategy in a policy, read with their raw YAML text.
public struct StrategyParameters {
    public var values: [String: String]
    /// Where the rule is (for messages): "field 'phone'".
    public var origin: String
    private(set) var used: Set<String> = []

    public init(_ values: [String: String] = [:], origin: String = "rule") {
        self.values = values; self.origin = origin
    }

    public mutating func string(_ name: String) -> String? { used.insert(name); return values[name] }
    public mutating func string(_ name: String, default def: String) -> String { string(name) ?? def }

    public mutating func int(_ name: String, default def: Int, range: ClosedRange<Int>) throws -> Int {
        guard let s = string(name) else { return def }
        guard let v = Int(s.trimmingCharacters(in: .whitespaces)), range.contains(v) else {
            throw PolicyError("\(origin): \(name) must be a whole number in \(range.lowerBound)...\(range.upperBound), not '\(s)'")
        }
        return v
    }

    public mutating func choice(_ name: String, _ options: [String], default def: String) throws -> String {
        guard let s = string(name) else { return def }
        guard options.contains(s) else {
            throw PolicyError("\(origin): \(name) must be one of \(options.joined(separator: ", ")), not '\(s)'")
        }
        return s
    }

    /// Fails on parameters the strategy does not know (typos must not silently do nothing).
    public func checkAllUsed(strategy: String) throws {
        let unknown = Set(values.keys).subtracting(used)
        if let first = unknown.sorted().first {
            throw PolicyError("\(origin): strategy \(strategy) has no parameter '\(first)'")
        }
    }
}
