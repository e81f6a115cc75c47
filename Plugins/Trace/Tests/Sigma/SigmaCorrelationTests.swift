import DSToolKit
import XCTest
@testable import DSToolTrace

final class SigmaCorrelationTests: XCTestCase {
    static let failure = """
    title: failure
    name: fail
    logsource: {product: linux, service: sshd}
    detection:
      s: {action: ssh_failed}
      condition: s
    ---
    title: success
    name: ok
    logsource: {product: linux, service: sshd}
    detection:
      s: {action: ssh_accepted}
      condition: s
    """

    func authLog(_ lines: [(Int, String)]) -> String {
        lines.map { (sec, msg) in
            let m = sec / 60, s = sec % 60
            return String(format: "Jan 15 10:%02d:%02d h sshd[1]: ", m, s) + msg
        }.joined(separator: "\n") + "\n"
    }
    func fail(_ ip: String, _ user: String = "root") -> String { "Failed password for \(user) from \(ip) port 22 ssh2" }
    func ok(_ ip: String, _ user: String = "root") -> String { "Accepted password for \(user) from \(ip) port 22 ssh2" }

    func run(_ correlation: String, _ log: String) throws -> [Finding] {
        let r = try runEngine([("auth.log", log)], builtin: false, extraRules: [SigmaCorrelationTests.failure + "\n---\n" + correlation])
        XCTAssertEqual(r.errors.map(\.reason), [])
        return r.findings.filter { $0.ruleId.hasPrefix("sigma.corr") }
    }

    func testEventCount() throws {
        let c = """
        title: brute
        name: corr_brute
        correlation:
          type: event_count
          rules: [fail]
          group-by: [src_ip]
          timespan: 5m
          condition: {gte: 5}
        level: high
        """
        let burst = (0..<6).map { ($0 * 10, fail("203.0.113.1")) } + (0..<4).map { ($0 * 10, fail("203.0.113.2")) }
        let f = try run(c, authLog(burst.sorted { $0.0 < $1.0 }))
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f.first?.properties?["source"]?.stringValue, "203.0.113.1")
        XCTAssertEqual(f.first?.properties?["count"]?.intValue, 5)
        XCTAssertEqual(f.first?.severity, .high)
        XCTAssertTrue(f.first?.evidence?.contains("Failed password for root from 203.0.113.1") ?? false)
        // Five failures spread over ten minutes are not a burst within five.
        XCTAssertEqual(try run(c, authLog((0..<5).map { ($0 * 150, fail("203.0.113.1")) })).count, 0)
        // "message repeated 4 times" counts four.
        XCTAssertEqual(try run(c, authLog([(0, fail("203.0.113.3")), (1, "message repeated 4 times: [ \(fail("203.0.113.3"))]")])).count, 1)
    }

    func testValueCount() throws {
        let c = """
        title: spray
        name: corr_spray
        correlation:
          type: value_count
          rules: [fail]
          group-by: [src_ip]
          timespan: 10m
          condition: {field: user, gte: 4}
        """
        let users = ["root", "admin", "oracle", "postgres"]
        let f = try run(c, authLog(users.enumerated().map { ($0.offset * 5, fail("203.0.113.9", $0.element)) }))
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f.first?.properties?["values"], .array(users.sorted().map { .string($0) }))
        XCTAssertEqual(try run(c, authLog((0..<8).map { ($0 * 5, fail("203.0.113.9", "root")) })).count, 0)
    }

    func testTemporalAnyOrder() throws {
        let c = """
        title: both
        name: corr_both
        correlation:
          type: temporal
          rules: [ok, fail]
          group-by: [src_ip]
          timespan: 2m
        """
        XCTAssertEqual(try run(c, authLog([(0, ok("203.0.113.4")), (30, fail("203.0.113.4"))])).count, 1)
        XCTAssertEqual(try run(c, authLog([(0, ok("203.0.113.4")), (30, fail("203.0.113.5"))])).count, 0)
        XCTAssertEqual(try run(c, authLog([(0, ok("203.0.113.4")), (300, fail("203.0.113.4"))])).count, 0)
    }

    func testTemporalOrdered() throws {
        let c = """
        title: fail then success
        name: corr_seq
        correlation:
          type: temporal_ordered
          rules: [fail, ok]
          group-by: [src_ip]
          timespan: 10m
        level: critical
        """
        let f = try run(c, authLog([(0, fail("203.0.113.6")), (20, fail("203.0.113.6")), (40, ok("203.0.113.6"))]))
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f.first?.severity, .critical)
        XCTAssertEqual(try run(c, authLog([(0, ok("203.0.113.6")), (20, fail("203.0.113.6"))])).count, 0)
    }

    func testAliasesAndLessThan() throws {
        let web = """
        title: web 404
        name: w404
        logsource: {category: webserver}
        detection:
          s: {sc-status: 404}
          condition: s
        """
        let c = """
        title: ssh and web from one address
        name: corr_alias
        correlation:
          type: temporal
          rules: [fail, w404]
          group-by: [ip]
          timespan: 1h
          aliases:
            ip:
              fail: src_ip
              w404: c-ip
        """
        let log = authLog([(0, fail("203.0.113.7"))])
        let access = accessLine("203.0.113.7", request: "GET /nope HTTP/1.1", time: "15/Jan/2024:10:05:00 +0000", status: 404) + "\n"
        let r = try runEngine([("auth.log", log), ("access.log", access)], builtin: false,
                              extraRules: [SigmaCorrelationTests.failure + "\n---\n" + web + "\n---\n" + c])
        XCTAssertEqual(r.errors.map(\.reason), [])
        XCTAssertEqual(r.findings(("sigma.corr_alias")).count, 1)
        XCTAssertEqual(r.findings("sigma.corr_alias").first?.properties?["group"]?.stringValue, "203.0.113.7")

        let few = """
        title: quiet source
        name: corr_few
        correlation:
          type: event_count
          rules: [fail]
          group-by: [src_ip]
          timespan: 1h
          condition: {lte: 1}
        """
        let f = try run(few, authLog([(0, fail("203.0.113.8")), (0, fail("203.0.113.9")), (10, fail("203.0.113.9"))]))
        XCTAssertEqual(f.map { $0.properties?["source"]?.stringValue }, ["203.0.113.8"])
    }

    func testBaseRulesOnlyFeedingCorrelationsDoNotReportAlone() throws {
        let c = "title: c\nname: corr_x\ncorrelation:\n  type: event_count\n  rules: [fail]\n  group-by: [src_ip]\n  timespan: 1m\n  condition: {gte: 100}\n"
        let r = try runEngine([("auth.log", authLog([(0, fail("203.0.113.1")), (1, ok("203.0.113.1"))]))], builtin: false,
                              extraRules: [SigmaCorrelationTests.failure + "\n---\n" + c])
        XCTAssertEqual(r.findings.filter { $0.ruleId == "sigma.fail" }.count, 0)   // feeds a correlation
        XCTAssertEqual(r.findings.filter { $0.ruleId == "sigma.ok" }.count, 1)     // reports on its own
        let g = c.replacingOccurrences(of: "condition: {gte: 100}", with: "condition: {gte: 100}\n  generate: true")
        let r2 = try runEngine([("auth.log", authLog([(0, fail("203.0.113.1"))]))], builtin: false,
                               extraRules: [SigmaCorrelationTests.failure + "\n---\n" + g])
        XCTAssertEqual(r2.findings.filter { $0.ruleId == "sigma.fail" }.count, 1)
    }
}
