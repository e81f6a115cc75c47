import DSToolKit
import XCTest
@testable import DSToolTrace

final class SigmaConditionTests: XCTestCase {
    func testParser() throws {
        XCTAssertEqual(try ConditionParser.parse("a and not b"), .and([.identifier("a"), .not(.identifier("b"))]))
        XCTAssertEqual(try ConditionParser.parse("a or b and c"), .or([.identifier("a"), .and([.identifier("b"), .identifier("c")])]))
        XCTAssertEqual(try ConditionParser.parse("(a or b) and c"), .and([.or([.identifier("a"), .identifier("b")]), .identifier("c")]))
        XCTAssertEqual(try ConditionParser.parse("1 of sel* and not 1 of filter*"), .and([.oneOf("sel*"), .not(.oneOf("filter*"))]))
        XCTAssertEqual(try ConditionParser.parse("all of them"), .allOf("them"))
        XCTAssertEqual(try ConditionParser.parse("any of them"), .oneOf("them"))
        XCTAssertEqual(try ConditionParser.parse("not not a"), .not(.not(.identifier("a"))))
        XCTAssertThrowsError(try ConditionParser.parse("selection | count() by ip > 5")) { XCTAssertTrue("\($0)".contains("correlation")) }
        XCTAssertThrowsError(try ConditionParser.parse("(a and b"))
        XCTAssertThrowsError(try ConditionParser.parse("a and"))
        XCTAssertThrowsError(try ConditionParser.parse("2 of sel*"))
        XCTAssertEqual(ConditionParser.expand("sel*", ["sel_a", "selb", "filter", "_sel"]), ["sel_a", "selb"])
        XCTAssertEqual(ConditionParser.expand("them", ["a", "_b", "c"]), ["a", "c"])
    }

    let body = """
    sel_sqli:
      cs-uri-query|contains: union
    sel_xss:
      cs-uri-query|contains: '<script'
    filter_scanner:
      cs-user-agent|contains: healthcheck
    _helper:
      cs-method: GET
    """

    func testAndOrNot() {
        let r = webRule(body, condition: "sel_sqli and not filter_scanner")
        XCTAssertTrue(sigmaMatches(r, web("/?a=union")))
        XCTAssertFalse(sigmaMatches(r, web("/?a=union", agent: "healthcheck/1")))
        XCTAssertFalse(sigmaMatches(r, web("/?a=x")))
        let or = webRule(body, condition: "sel_sqli or sel_xss")
        XCTAssertTrue(sigmaMatches(or, web("/?a=<script")))
    }

    func testBracketsAndPrecedence() {
        let r = webRule(body, condition: "(sel_sqli or sel_xss) and not filter_scanner")
        XCTAssertFalse(sigmaMatches(r, web("/?a=<script", agent: "healthcheck")))
        XCTAssertTrue(sigmaMatches(r, web("/?a=<script")))
        // Without brackets 'and' binds first: sel_sqli or (sel_xss and not filter)
        let p = webRule(body, condition: "sel_sqli or sel_xss and not filter_scanner")
        XCTAssertTrue(sigmaMatches(p, web("/?a=union", agent: "healthcheck")))
    }

    func testOneOfAndAllOf() {
        XCTAssertTrue(sigmaMatches(webRule(body, condition: "1 of sel_*"), web("/?a=union")))
        XCTAssertFalse(sigmaMatches(webRule(body, condition: "all of sel_*"), web("/?a=union")))
        XCTAssertTrue(sigmaMatches(webRule(body, condition: "all of sel_*"), web("/?a=union<script")))
        // 'them' leaves out _helper: all of them = sel_sqli, sel_xss, filter_scanner.
        XCTAssertTrue(sigmaMatches(webRule(body, condition: "all of them"), web("/?a=union<script", method: "POST", agent: "healthcheck")))
        XCTAssertFalse(sigmaMatches(webRule(body, condition: "all of them"), web("/?a=union<script", method: "POST")))
        XCTAssertTrue(sigmaMatches(webRule(body, condition: "1 of them"), web("/x", agent: "healthcheck")))
        XCTAssertFalse(sigmaMatches(webRule(body, condition: "1 of them"), web("/x")))
    }

    func testNotOnlyConditionIsEvaluatedWithoutPatternHits() {
        // Nothing in the event matches a pattern, yet 'not' makes the rule true.
        XCTAssertTrue(sigmaMatches(webRule(body, condition: "not sel_sqli"), web("/plain")))
    }

    func testConditionList() {
        let r = """
        title: list
        logsource:
          category: webserver
        detection:
          a:
            cs-uri-query|contains: alpha
          b:
            cs-uri-query|contains: beta
          condition:
            - a
            - b
        """
        XCTAssertTrue(sigmaMatches(r, web("/?x=beta")))
        XCTAssertFalse(sigmaMatches(r, web("/?x=gamma")))
    }
}
