import CDSToolHyperscan
import DSToolKit
@testable import DSToolScan
import XCTest

/// Secret patterns ending in `\b` are compiled without it and the boundary is checked at each
/// reported end (CompiledRuleSet.trailingWordBoundary, WindowMatchState.onMatch).
final class TrailingWordBoundaryTests: XCTestCase {
    func testOnlyATopLevelTrailingBoundaryIsTakenOff() {
        let cases: [(String, String?)] = [
            (#"\*[0-9A-F]{40}\b"#, #"\*[0-9A-F]{40}"#),
            (#"\b(?:sk|rk)_[A-Za-z0-9]{24}\b"#, #"\b(?:sk|rk)_[A-Za-z0-9]{24}"#),
            (#"(?i)\b(?:a|b)c\b"#, #"(?i)\b(?:a|b)c"#),
            // A '|' or ')' inside a class, or escaped, is no alternative or group.
            (#"[|)]x\b"#, #"[|)]x"#),
            (#"[]|]x\b"#, #"[]|]x"#),
            (#"[^]|]x\b"#, #"[^]|]x"#),
            (#"\|x\b"#, #"\|x"#),
            // The \b would bind to one alternative only.
            (#"abc|def\b"#, nil),
            // An escaped backslash followed by a literal b.
            (#"x\\b"#, nil),
            (#"x\\\b"#, #"x\\"#),
            // Not at the end, or inside a group.
            (#"\bAKIA[A-Z]{16}"#, nil),
            (#"(?:x\b)"#, nil),
            (#"\b"#, nil),
        ]
        for (pattern, expected) in cases {
            XCTAssertEqual(CompiledRuleSet.trailingWordBoundary(pattern), expected, pattern)
        }
    }

    /// For every built-in rule with a trailing \b: the ends Hyperscan reports for the pattern
    /// with the \b are exactly the ends it reports without it that pass the boundary check, on
    /// the rule's examples, counter-examples and variants with a word byte, a dash or nothing
    /// after them, or one byte less.
    func testBoundaryCheckAgreesWithHyperscanOnEveryRule() throws {
        var rules = 0, dropped = 0
        for rule in RuleRegistry.all {
            guard let stripped = CompiledRuleSet.trailingWordBoundary(rule.pattern) else { continue }
            rules += 1
            let with = try HSDatabase([HSExpression(rule.pattern, flags: 0, id: 0)])
            let without = try HSDatabase([HSExpression(stripped, flags: 0, id: 0)])
            var inputs: [String] = []
            for e in rule.examples + rule.counterExamples {
                inputs += [e, e + "x", e + "_", e + "0", e + "-", e + " ", "x" + e, String(e.dropLast()), String(e.dropLast()) + "Z"]
            }
            for input in inputs {
                let bytes = Array(input.utf8)
                let expected = try ends(with, bytes)
                let all = try ends(without, bytes)
                let kept = all.filter { isBoundary(bytes, $0) }
                XCTAssertEqual(kept, expected, "\(rule.id): \(input)")
                dropped += all.count - kept.count
            }
        }
        XCTAssertGreaterThan(rules, 50)
        XCTAssertGreaterThan(dropped, 0, "no input had a report without a boundary: the check was not exercised")
    }

    /// Through the scanner: the MySQL hash rule (`\*[0-9A-F]{40}\b`) finds the hash before a
    /// quote, a space or the end, and not when a word byte follows.
    func testMySQLHashNeedsABoundaryAfterIt() throws {
        let rules = try CompiledRuleSet(secretRules: [SecretRules.mysqlNativePasswordHash], piiKinds: [])
        XCTAssertEqual(rules.secretRuntime.map(\.boundaryAtEnd), [true])
        let hash = "*" + Fake.chars("0123456789ABCDEF", 40, "boundary")
        func found(_ text: String) throws -> [String] {
            let scanner = try WindowScanner(rules: rules, minimumConfidence: 0.5)
            var hits: [ScanHit] = []
            let bytes = Array(text.utf8)
            try bytes.withUnsafeBufferPointer { try scanner.scan($0, continuesBefore: false, continuesAfter: false, ownStart: 0, into: &hits) }
            return hits.map { String(decoding: bytes[$0.valueStart..<$0.valueEnd], as: UTF8.self) }
        }
        XCTAssertEqual(try found("password '\(hash)'"), [hash])
        XCTAssertEqual(try found("password \(hash)"), [hash])
        XCTAssertEqual(try found("password \(hash) x"), [hash])
        XCTAssertEqual(try found("password \(hash)G"), [])
        XCTAssertEqual(try found("password \(hash)_"), [])
        XCTAssertEqual(try found("password \(hash)A"), [])
        XCTAssertEqual(try found("password \(hash)-"), [hash])
    }

    /// Secret candidates are confirmed in the order of their first report's end, then of their
    /// rule, whatever order Hyperscan delivered two patterns' matches at one end in.
    func testCandidatesAreOrderedByEndThenRule() throws {
        let rules = try CompiledRuleSet(secretRules: Array(RuleRegistry.all.prefix(4)), piiKinds: [])
        var state = WindowMatchState(rules: rules)
        state.secretCandidates = [(2, 5, 30, 20), (1, 0, 20, 20), (3, 9, 12, 12), (0, 4, 20, 20)]
        state.orderCandidates()
        XCTAssertEqual(state.secretCandidates.map(\.rule), [3, 0, 1, 2])
        XCTAssertEqual(state.secretCandidates.map(\.end), [12, 20, 20, 30])
        // Already in order: left as it is.
        state.secretCandidates = [(1, 0, 40, 10), (0, 2, 11, 11)]
        state.orderCandidates()
        XCTAssertEqual(state.secretCandidates.map(\.rule), [1, 0])
    }

    private func isBoundary(_ b: [UInt8], _ to: Int) -> Bool {
        let before = to > 0 && ByteClass.asciiWord.contains(b[to - 1])
        let after = to < b.count && ByteClass.asciiWord.contains(b[to])
        return before != after
    }

    /// Every end Hyperscan reports for the database's one pattern, in order.
    private func ends(_ db: HSDatabase, _ bytes: [UInt8]) throws -> [Int] {
        guard !bytes.isEmpty else { return [] }
        let scratch = try db.makeScratch()
        var out: [Int] = []
        try bytes.withUnsafeBytes { raw in
            try withUnsafeMutablePointer(to: &out) { p in
                try db.scan(raw, scratch: scratch, context: UnsafeMutableRawPointer(p), handler: { _, _, to, _, ctx in
                    ctx!.assumingMemoryBound(to: [Int].self).pointee.append(Int(to))
                    return 0
                })
            }
        }
        return out
    }
}
