import DSToolKit
@testable import DSToolScan
import XCTest

/// Every rule's examples are its tests: each example yields exactly one finding of that rule,
/// each counter-example none.
final class RuleExamplesTests: XCTestCase {
    static let allRules: CompiledRuleSet = try! CompiledRuleSet(secretRules: RuleRegistry.all, piiKinds: [])

    func hits(_ text: String, _ set: CompiledRuleSet = allRules) throws -> [(rule: String, value: String)] {
        let scanner = try WindowScanner(rules: set, minimumConfidence: 0.5)
        var hits: [ScanHit] = []
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { try scanner.scan($0, continuesBefore: false, continuesAfter: false, ownStart: 0, into: &hits) }
        return hits.compactMap {
            guard case .secret(let r) = $0.what else { return nil }
            return (set.secretRules[r].id, String(decoding: bytes[$0.valueStart..<$0.valueEnd], as: UTF8.self))
        }
    }

    func testThereAreAtLeast150RulesWithUniqueIds() {
        let ids = RuleRegistry.all.map(\.id)
        XCTAssertGreaterThanOrEqual(ids.count, 150)
        XCTAssertEqual(Set(ids).count, ids.count, "duplicate rule ids")
        for id in ids {
            XCTAssertTrue(id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "rule id \(id) is not lower-case kebab")
        }
    }

    func testEveryRuleFileIsRegistered() throws {
        // One rule per file: count the files declaring a rule, compare with the registry.
        let rulesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Sources/Rules").standardized
        var declared = 0
        let e = FileManager.default.enumerator(at: rulesDir, includingPropertiesForKeys: nil)!
        for case let url as URL in e where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            let n = text.components(separatedBy: "= SecretRule(").count - 1
            XCTAssertLessThanOrEqual(n, 1, "\(url.lastPathComponent) declares more than one rule")
            declared += n
        }
        XCTAssertEqual(declared, RuleRegistry.all.count, "a rule file is missing from RuleRegistry.all (or the reverse)")
    }

    func testEveryExampleMatchesAndEveryCounterExampleDoesNot() throws {
        for rule in RuleRegistry.all {
            XCTAssertFalse(rule.examples.isEmpty, "\(rule.id) has no examples")
            XCTAssertFalse(rule.counterExamples.isEmpty, "\(rule.id) has no counter-examples")
            for example in rule.examples {
                let found = try hits(example).filter { $0.rule == rule.id }
                XCTAssertEqual(found.count, 1, "\(rule.id) should find one secret in: \(example)")
                if let v = found.first?.value {
                    XCTAssertGreaterThanOrEqual(v.count, 4, "\(rule.id): secret part too short: \(v)")
                }
                XCTAssertTrue(rule.keywords.isEmpty || rule.keywords.contains { example.lowercased().contains($0.lowercased()) },
                              "\(rule.id): no keyword in its example")
            }
            for counter in rule.counterExamples {
                XCTAssertEqual(try hits(counter).filter { $0.rule == rule.id }.count, 0, "\(rule.id) should not match: \(counter)")
            }
        }
    }

    func testSecretPartIsCutOut() throws {
        let key = Fake.alnum(30, "cut")
        XCTAssertEqual(try hits("aliyun.access-key-secret = \"\(key)\";").map(\.value), [key])
        let pw = Fake.alnum(16, "cutpw")
        XCTAssertEqual(try hits("postgres://app:\(pw)@db:5432/x").first { $0.rule == "db-connection-string" }?.value, pw)
        let hook = Fake.hex(64, "cuthook")
        XCTAssertEqual(try hits("https://oapi.dingtalk.com/robot/send?access_token=\(hook)").map(\.value), [hook])
    }

    func testSpecificRuleWinsOverGeneric() throws {
        let token = "ghp_" + Fake.alnum(36, "spec")
        XCTAssertEqual(try hits("api_key = \"\(token)\"").map(\.rule), ["github-pat"])
    }

    func testInlineAllowAndPlaceholders() throws {
        let token = "ghp_" + Fake.alnum(36, "allow")
        XCTAssertEqual(try hits("token = \(token)  # dstool:allow test fixture").count, 0)
        XCTAssertEqual(try hits("token = \(token)\n# dstool:allow on another line").count, 1)
        XCTAssertEqual(try hits("password = \"<your-password>\"").count, 0)
        XCTAssertEqual(try hits("password = \"xxxxxxxxxxxx\"").count, 0)
    }

    func testRulesCompileInOneDatabaseWithBoundedWidths() throws {
        for rule in RuleRegistry.all {
            let w = try HSDatabase.widths(rule.pattern, flags: 0)
            XCTAssertNotNil(w.max, rule.id)
            XCTAssertLessThanOrEqual(w.max ?? .max, CompiledRuleSet.maxMatchWidth, rule.id)
        }
    }
}


