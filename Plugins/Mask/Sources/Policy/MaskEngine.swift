import DSToolKit
import Foundation

/// Whether a run masks or restores.
public enum MaskDirection: Sendable { case mask, unmask }

/// A failure that ends one input under --on-invalid fail (its output is discarded).
public struct InputFailure: Error, CustomStringConvertible {
    public let reason: String
    public let line: Int?
    public var description: String { reason }
}

/// One compiled rule: its spec and strategy, and what it did to the current input.
public final class MaskRule {
    public let spec: FieldSpec
    public let strategy: MaskStrategy
    public let name: FieldName
    /// The subject field for date shifting.
    public let subject: FieldName?
    @exclusivity(unchecked) public var masked = 0
    @exclusivity(unchecked) public var invalid = 0
    @exclusivity(unchecked) public var nulls = 0
    /// Whether this rule matched a field in any input (a rule that never matches is reported).
    @exclusivity(unchecked) public var matchedSomewhere = false

    init(spec: FieldSpec, strategy: MaskStrategy) {
        self.spec = spec
        self.strategy = strategy
        self.name = FieldName(spec.field)
        self.subject = (strategy as? DateShiftStrategy)?.subjectField.map(FieldName.init)
    }

    func resetCounts() { masked = 0; invalid = 0; nulls = 0 }
}

/// A field name from a policy and how it matches CSV columns, JSON members and SQL columns:
/// `phone` (a column or key of that name anywhere), `users.phone` (column phone of table or
/// file users, or a column literally named so), `#3` (the third column), `$.a.b[*].c` (a JSON path).
public struct FieldName: Sendable, Equatable {
    public let text: String
    public let jsonPath: [JSONPathStep]?
    public let index: Int?
    public let table: String?
    public let column: String

    public init(_ text: String) {
        self.text = text
        if text.hasPrefix("$") {
            jsonPath = JSONPathStep.parse(text)
            index = nil; table = nil; column = text
        } else if text.hasPrefix("#"), let n = Int(text.dropFirst()), n >= 1 {
            jsonPath = nil; index = n - 1; table = nil; column = text
        } else if let dot = text.lastIndex(of: "."), dot != text.startIndex, text.index(after: dot) != text.endIndex {
            jsonPath = nil; index = nil
            table = String(text[..<dot]); column = String(text[text.index(after: dot)...])
        } else {
            jsonPath = nil; index = nil; table = nil; column = text
        }
    }

    /// Whether this names column `name` (at `position`) of table or file `table`.
    public func matches(column name: String, position: Int, table tableName: String?) -> Bool {
        if let index { return index == position }
        if jsonPath != nil { return false }
        if name == text { return true }
        if let table {
            return name == column && (table == "*" || table == tableName)
        }
        return name == column
    }
}

/// The compiled policy: rules with their strategies, the direction and the invalid-value policy.
/// Not thread-safe (strategies own cipher contexts); `copy()` gives another thread its own.
public final class MaskEngine {
    public let policy: MaskPolicy
    public let direction: MaskDirection
    public let onInvalid: OnInvalid
    public let rules: [MaskRule]
    public let textRules: [MaskRule]
    public let keys: KeyRing?
    public static let redaction: [UInt8] = Array("***".utf8)
    @exclusivity(unchecked) private var scratch: [UInt8] = []
    /// Set when the output is transcoded (--output-encoding): a replacement that is not UTF-8
    /// has no representation there and counts as an invalid value.
    @exclusivity(unchecked) public var validatesUTF8 = false
    /// Whether maskers may defer cells of batch strategies (FF1) and mask them a chunk at a time
    /// (tests turn it off to compare with the cell-at-a-time path).
    @exclusivity(unchecked) public var batchesCells = true
    /// Values that went through a batch strategy's batch (the tests check the batch path ran).
    @exclusivity(unchecked) public var batchedValues = 0

    public init(policy: MaskPolicy, direction: MaskDirection, onInvalid: OnInvalid? = nil, keys: KeyRing?) throws {
        self.policy = policy
        self.direction = direction
        self.onInvalid = onInvalid ?? policy.onInvalid ?? (direction == .mask ? .redact : .leave)
        self.keys = keys
        keys?.defaultCipher = policy.cipher
        // Free text (text inputs, scan-text fields): the policy's kinds, else the defaults.
        try TextMasker.validate(policy.text)
        let text = policy.text.isEmpty ? TextMasker.defaultRules(withKey: keys != nil) : policy.text
        rules = try policy.fields.map { MaskRule(spec: $0, strategy: try StrategyCatalog.make($0, keys: keys, textRules: text)) }
        textRules = try text.map { MaskRule(spec: $0, strategy: try StrategyCatalog.make($0, keys: keys)) }
    }

    private init(copying other: MaskEngine) throws {
        policy = other.policy; direction = other.direction; onInvalid = other.onInvalid; keys = other.keys
        validatesUTF8 = other.validatesUTF8
        batchesCells = other.batchesCells
        rules = try other.rules.map { MaskRule(spec: $0.spec, strategy: try $0.strategy.copy()) }
        textRules = try other.textRules.map { MaskRule(spec: $0.spec, strategy: try $0.strategy.copy()) }
    }

    public func copy() throws -> MaskEngine { try MaskEngine(copying: self) }

    public func resetCounts() { for r in rules + textRules { r.resetCounts() } }

    /// What `apply` made of a value.
    public enum CellResult: Equatable { case replaced, removed, unchanged }

    /// Applies a rule to one value, appending a replacement to `out`. Invalid values follow
    /// --on-invalid (fail throws); in the unmask direction only reversible strategies act.
    /// `.unchanged` means the value stays exactly as it was written (nothing is appended).
    @inline(__always)
    public func apply(_ rule: MaskRule, _ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext,
                      into out: inout [UInt8], where place: @autoclosure () -> String) throws -> CellResult {
        let outcome: MaskOutcome
        let start = out.count
        switch direction {
        case .mask: outcome = rule.strategy.mask(value, context, into: &out)
        case .unmask:
            guard rule.strategy.isReversible else { return .unchanged }
            outcome = rule.strategy.unmask(value, context, into: &out)
        }
        return try settle(rule, outcome, into: &out, from: start, where: place())
    }

    /// What `apply` does with a strategy's outcome, whose bytes are out[start...]: the UTF-8
    /// check, the counts, --on-invalid. (Deferred cells come through here too.)
    @inline(__always)
    public func settle(_ rule: MaskRule, _ result: MaskOutcome, into out: inout [UInt8], from start: Int,
                       where place: @autoclosure () -> String) throws -> CellResult {
        var outcome = result
        if validatesUTF8 && outcome == .written
            && !out.withUnsafeBufferPointer({ UTF8Validation.isValid(UnsafeBufferPointer(rebasing: $0[start...])) }) {
            out.removeSubrange(start...)
            outcome = .invalid
        }
        switch outcome {
        case .written:
            rule.masked += 1
            return .replaced
        case .null:
            rule.nulls += 1
            return .removed
        case .unchanged:
            return .unchanged
        case .invalid:
            rule.invalid += 1
            switch onInvalid {
            case .leave: return .unchanged
            case .redact: out.append(contentsOf: MaskEngine.redaction); return .replaced
            case .fail:
                throw InputFailure(reason: "\(place()): the value does not fit \(rule.spec.strategy) (--on-invalid fail)", line: nil)
            }
        }
    }

    /// Whether cells of `rule` may be deferred and masked in batches: a batch strategy that acts
    /// in this direction, and no --on-invalid fail (its error must name the first bad cell as
    /// the input is read).
    public func defers(_ rule: MaskRule) -> Bool {
        batchesCells && onInvalid != .fail && rule.subject == nil && rule.strategy is BatchMaskStrategy
            && (direction == .mask || rule.strategy.isReversible)
    }

    /// Whether any rule needs the original value of another field (date shifting by subject).
    public var needsSubjects: Bool { rules.contains { $0.subject != nil } }
}
