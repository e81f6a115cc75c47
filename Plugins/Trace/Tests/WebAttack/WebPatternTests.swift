import DSToolKit
import XCTest
@testable import DSToolTrace

/// Every signature compiles in Hyperscan on its own (so a bad one is named, not just "pattern 75").
final class WebPatternTests: XCTestCase {
    func testEverySignatureCompiles() {
        var bad: [String] = []
        for c in WebAttackClasses.all {
            for p in c.patterns {
                if let problem = HSDatabase.check(p.regex, flags: HSPattern.defaultFlags) {
                    bad.append("\(c.rule.id) '\(p.name)': \(problem)")
                }
            }
        }
        XCTAssertEqual(bad, [])
    }
}
