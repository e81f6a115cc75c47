import DSToolKit
import XCTest
@testable import DSToolTrace

/// Rules that fail name their file and line and are skipped; the rest load.
final class SigmaLoaderTests: XCTestCase {
    func errors(_ text: String) -> [String] { sigmaEngine([text]).loadErrors.map(\.description) }

    func testBadRulesAreSkippedWithFileAndLine() {
        XCTAssertEqual(errors("title: x\nlogsource: {category: webserver}\ndetection:\n  sel:\n    a|nope: 1\n  condition: sel\n"),
                       ["r0.yml:5: unknown modifier 'nope'"])
        XCTAssertEqual(errors("title: x\nlogsource: {category: webserver}\ndetection:\n  sel:\n    a: 1\n  condition: sel and other\n"),
                       ["r0.yml:6: condition names 'other', which is not a selection"])
        XCTAssertEqual(errors("title: x\nlogsource: {category: webserver}\ndetection:\n  sel:\n    a: 1\n"), ["r0.yml:3: no condition"])
        XCTAssertEqual(errors("title: x\ndetection:\n  sel:\n    a: 1\n  condition: sel\n"), ["r0.yml:1: no logsource"])
        XCTAssertEqual(errors("title: x\nlogsource: {category: webserver}\ndetection:\n  sel:\n    a|cidr: 300.1.1.1/8\n  condition: sel\n"),
                       ["r0.yml:5: '300.1.1.1/8' is not a CIDR block"])
        XCTAssertEqual(errors("title: x\nlogsource: {category: webserver}\ndetection:\n  sel:\n    a|re: '(unclosed'\n  condition: sel\n").count, 1)
        XCTAssertEqual(errors("title: x\nlogsource: {category: webserver}\ndetection:\n  sel:\n    a|gt: many\n  condition: sel\n"),
                       ["r0.yml:5: |gt needs a number, not 'many'"])
        XCTAssertEqual(errors("title: x\nlogsource: {category: webserver}\ndetection:\n  sel:\n    a|expand: '%x%'\n  condition: sel\n").first?.contains("placeholder"), true)
        XCTAssertEqual(errors("title: x\nlogsource: {category: webserver}\ndetection:\n  sel:\n    a: 1\n  condition: sel | count() > 3\n").first?.contains("correlation rule"), true)
        XCTAssertEqual(errors("title: [unclosed\n").first?.hasPrefix("r0.yml:"), true)
        XCTAssertEqual(errors("title: x\nlogsource: {category: webserver}\ndetection:\n  sel:\n    a|contains|startswith: q\n  condition: sel\n").first?.contains("cannot be combined"), true)
    }

    func testOneBadDocumentDoesNotStopTheOthers() {
        let text = """
        title: good one
        logsource: {category: webserver}
        detection:
          sel: {cs-method: POST}
          condition: sel
        ---
        title: bad one
        logsource: {category: webserver}
        detection:
          sel: {cs-method|bogus: POST}
          condition: sel
        ---
        title: good two
        logsource: {category: webserver}
        detection:
          sel: {cs-method: PUT}
          condition: sel
        """
        let e = sigmaEngine([text])
        XCTAssertEqual(e.rules.map(\.title), ["good one", "good two"])
        XCTAssertEqual(e.loadErrors.map(\.description), ["r0.yml:10: unknown modifier 'bogus'"])
    }

    func testGlobalAction() {
        let text = """
        action: global
        title: shared
        logsource: {category: webserver}
        level: high
        detection:
          condition: sel
        ---
        detection:
          sel: {cs-method: PUT}
        ---
        title: other
        detection:
          sel: {cs-method: DELETE}
        """
        let e = sigmaEngine([text])
        XCTAssertEqual(e.loadErrors.map(\.description), [])
        XCTAssertEqual(e.rules.map(\.title), ["shared", "other"])
        XCTAssertEqual(e.rules.map(\.level), [.high, .high])
    }

    func testCorrelationErrors() {
        let missing = """
        title: c
        correlation:
          type: event_count
          rules: [nothing]
          timespan: 5m
          condition: {gte: 3}
        """
        XCTAssertEqual(sigmaEngine([missing]).loadErrors.map(\.description), ["r0.yml:1: correlation refers to 'nothing', which is not a loaded rule"])
        let noSpan = "title: c\ncorrelation:\n  type: event_count\n  rules: [a]\n  condition: {gte: 3}\n"
        XCTAssertEqual(sigmaEngine([noSpan]).loadErrors.first?.message.contains("timespan"), true)
        let badType = "title: c\ncorrelation:\n  type: sometimes\n  rules: [a]\n  timespan: 1m\n"
        XCTAssertEqual(sigmaEngine([badType]).loadErrors.first?.message.contains("event_count"), true)
    }

    func testRuleIdsAndTags() {
        let e = sigmaEngine(["title: Some Rule\nid: 1234\nlogsource: {category: webserver}\nlevel: critical\ntags: [attack.initial_access, attack.t1190, attack.persistence]\ndetection:\n  s: {cs-method: X}\n  condition: s\n"])
        let r = e.rules[0].traceRule
        XCTAssertEqual(r.id, "sigma.1234")
        XCTAssertEqual(r.severity, .critical)
        XCTAssertEqual(r.techniques, ["T1190"])
        XCTAssertEqual(r.tactic, .initialAccess)
    }

    func testRulesDirectory() throws {
        let dir = try temporaryDirectory(self)
        try "title: a\nlogsource: {category: webserver}\ndetection:\n  s: {cs-method: X}\n  condition: s\n".write(to: dir.appendingPathComponent("a.yml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try "title: b\n".write(to: dir.appendingPathComponent("sub/b.yaml"), atomically: true, encoding: .utf8)
        try "not a rule".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let e = SigmaEngine.load(builtin: false, dirs: [dir.path, dir.appendingPathComponent("missing").path])
        XCTAssertEqual(e.rules.map(\.title), ["a"])
        XCTAssertEqual(e.loadErrors.count, 2)
        XCTAssertTrue(e.loadErrors.contains { $0.file.hasSuffix("sub/b.yaml") && $0.message == "no logsource" })
        XCTAssertTrue(e.loadErrors.contains { $0.message == "no such file or directory" })
    }
}
