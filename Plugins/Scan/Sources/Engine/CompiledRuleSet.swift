import DSToolKit
import FoundationEssentials

/// A rule's pattern is wider than a window overlap, unbounded, or does not compile.
public struct RuleError: Error, CustomStringConvertible, Sendable {
    public var ruleId: String
    public var message: String
    public var description: String { "rule \(ruleId): \(message)" }
}

/// What the scan loop needs to know about a secret rule, precomputed.
struct SecretRuntime: Sendable {
    enum Mode { case fixed(Int), som, tail, locate(SecretLocator) }
    /// How the start of a match is known: a fixed width; Hyperscan's leftmost start (small
    /// patterns only); the value read backwards over the rule's `extend` class from the match
    /// end ("tail", for assignments whose key part varies); or a locator.
    let mode: Mode
    let keywords: [[UInt8]]
    let extend: ByteClass?
    /// The pattern ends in a word boundary (`\b`) that Hyperscan does not check (see
    /// CompiledRuleSet.trailingWordBoundary): the scan drops reports whose end is not at one.
    let boundaryAtEnd: Bool
    var fixedWidth: Int? { if case .fixed(let w) = mode { return w }; return nil }
}

/// Every selected pattern (personal data and secrets) in one Hyperscan database, compiled once
/// per run and shared by all worker threads.
public final class CompiledRuleSet: @unchecked Sendable {
    /// The longest match any rule may produce; window overlaps are larger than this.
    public static let maxMatchWidth = 4096

    public let secretRules: [SecretRule]
    let secretRuntime: [SecretRuntime]
    let piiPatterns: [PIIPattern]
    public let piiKinds: Set<PIIKind>
    let database: HSDatabase?
    var piiCount: Int { piiPatterns.count }

    public init(secretRules: [SecretRule], piiKinds: Set<PIIKind>) throws {
        self.secretRules = secretRules
        self.piiKinds = piiKinds
        piiPatterns = PIIPatterns.selected(piiKinds)
        var expressions = piiPatterns.enumerated().map { HSExpression($1.expression, flags: $1.flags, id: UInt32($0)) }.filter { !$0.expression.isEmpty }
        var runtime: [SecretRuntime] = []
        let allWidths = try HSDatabase.cachedWidths(secretRules.map(\.pattern)) { i, error in
            throw RuleError(ruleId: secretRules[i].id, message: "pattern does not compile: \(error)")
        }
        for (i, rule) in secretRules.enumerated() {
            let widths = allWidths[i]
            guard let mx = widths.max, mx <= Self.maxMatchWidth else {
                throw RuleError(ruleId: rule.id, message: "pattern width must be bounded (at most \(Self.maxMatchWidth) bytes)")
            }
            guard widths.min > 0 else { throw RuleError(ruleId: rule.id, message: "pattern matches the empty string") }
            let mode: SecretRuntime.Mode
            if let locate = rule.locate { mode = .locate(locate) }
            else if widths.min == mx { mode = .fixed(mx) }
            else if rule.extend != nil { mode = .tail }
            else { mode = .som }
            var som = false
            if case .som = mode { som = true }
            let withoutBoundary = Self.trailingWordBoundary(rule.pattern)
            runtime.append(SecretRuntime(mode: mode, keywords: rule.keywords.map { Array($0.lowercased().utf8) },
                                         extend: rule.extend.map(ByteClass.init(spec:)), boundaryAtEnd: withoutBoundary != nil))
            expressions.append(HSExpression(withoutBoundary ?? rule.pattern, flags: som ? HSFlag.somLeftmost : 0,
                                            id: UInt32(piiPatterns.count + i)))
        }
        secretRuntime = runtime
        if expressions.isEmpty {
            database = nil
        } else {
            do { database = try HSDatabase.cached(expressions) } catch let e as HyperscanError {
                if let i = e.expressionIndex, i < expressions.count, Int(expressions[i].id) >= piiPatterns.count {
                    throw RuleError(ruleId: secretRules[Int(expressions[i].id) - piiPatterns.count].id, message: e.message)
                }
                throw e
            }
        }
    }

    /// The pattern without its last `\b` when it ends in one outside every group and has no
    /// top-level alternative (so the `\b` applies to every match); otherwise nil. Hyperscan
    /// checks a trailing `\b` after a bounded repeat expensively: the MySQL hash's
    /// `\*[0-9A-F]{40}\b` alone cost 7% of scanning source and configuration text. A match of
    /// `P\b` ending at `to` is a match of `P` ending at `to` where the bytes before and at
    /// `to` differ in being word bytes (ASCII, as Hyperscan's `\b` without UCP), which the scan
    /// checks per report (WindowMatchState.onMatch).
    static func trailingWordBoundary(_ pattern: String) -> String? {
        let b = Array(pattern.utf8)
        guard b.count > 2, b[b.count - 1] == UInt8(ascii: "b"), b[b.count - 2] == UInt8(ascii: "\\") else { return nil }
        // The backslash must not itself be escaped (an odd run of backslashes before the b).
        var slashes = 0
        while slashes < b.count - 1 && b[b.count - 2 - slashes] == UInt8(ascii: "\\") { slashes += 1 }
        guard slashes % 2 == 1 else { return nil }
        var depth = 0, i = 0, inClass = false
        while i < b.count - 2 {
            let c = b[i]
            if c == UInt8(ascii: "\\") { i += 2; continue }
            if inClass {
                if c == UInt8(ascii: "]") { inClass = false }
            } else if c == UInt8(ascii: "[") {
                inClass = true
                // A ']' right after '[' or '[^' is a literal member.
                if i + 1 < b.count && b[i + 1] == UInt8(ascii: "^") { i += 1 }
                if i + 1 < b.count && b[i + 1] == UInt8(ascii: "]") { i += 1 }
            } else if c == UInt8(ascii: "(") {
                depth += 1
            } else if c == UInt8(ascii: ")") {
                depth -= 1
            } else if c == UInt8(ascii: "|") && depth == 0 {
                return nil
            }
            i += 1
        }
        guard depth == 0, !inClass, b.count > 2 else { return nil }
        return String(decoding: b[0..<(b.count - 2)], as: UTF8.self)
    }
}
