import DSToolKit
import XCTest
@testable import DSToolTrace

/// Threads change the speed, not the answer: the same findings in the same order, the same
/// ranked sources and kill chains, the same diagnostics.
final class ParallelTests: XCTestCase {
    func testThreadsGiveTheSameResult() throws {
        // Enough lines for many chunks (16,384 lines each), with attacks spread over them.
        var lines: [String] = []
        for i in 0..<70_000 {
            let sec = i / 10
            let t = String(format: "15/Jan/2024:%02d:%02d:%02d +0000", 8 + sec / 3600, sec % 3600 / 60, sec % 60)
            switch i % 9973 {
            case 17: lines.append(accessLine("203.0.113.5", request: "GET /p?id=1%27%20union%20select%20pass%20from%20users-- HTTP/1.1", time: t))
            case 500: lines.append(accessLine("203.0.113.6", request: "GET /.env HTTP/1.1", time: t, status: 404))
            case 900: lines.append(accessLine("203.0.113.7", request: "GET /dump.sql.gz HTTP/1.1", time: t, bytes: 90 << 20))
            case 1200: lines.append("not a log line \(i)")
            default: lines.append(accessLine("198.51.100.\(i % 200)", request: "GET /page/\(i % 5000) HTTP/1.1", time: t, status: i % 50 == 0 ? 404 : 200, bytes: 1000 + i % 7000))
            }
        }
        // A clock jump in the middle (a chunk boundary lies near line 32768).
        lines.insert(accessLine("198.51.100.1", request: "GET / HTTP/1.1", time: "15/Jan/2024:01:00:00 +0000"), at: 32_770)
        let text = lines.joined(separator: "\n") + "\n"
        let one = try runEngine([("access.log", text)], threads: 1)
        let three = try runEngine([("access.log", text)], threads: 3)
        func key(_ f: Finding) -> String { "\(f.ruleId)|\(f.location.line ?? 0)|\(f.properties?["detail"]?.stringValue ?? "")" }
        XCTAssertEqual(one.findings.map(key), three.findings.map(key))
        XCTAssertGreaterThan(one.findings.count, 10)
        XCTAssertEqual(one.result.profiles.map(\.source), three.result.profiles.map(\.source))
        XCTAssertEqual(one.result.profiles.map(\.score), three.result.profiles.map(\.score))
        XCTAssertEqual(one.result.profiles.map { $0.stages.map(\.tactic) }, three.result.profiles.map { $0.stages.map(\.tactic) })
        XCTAssertEqual(one.engine.totalEvents, three.engine.totalEvents)
        XCTAssertEqual(one.engine.diagnostics[0].unparsed, three.engine.diagnostics[0].unparsed)
        XCTAssertEqual(one.engine.diagnostics[0].clockJumps, 1)
        XCTAssertEqual(three.engine.diagnostics[0].clockJumps, 1)
        let a = one.engine.actors.lookup("198.51.100.7"), b = three.engine.actors.lookup("198.51.100.7")
        XCTAssertEqual(a?.requests, b?.requests)
        XCTAssertEqual(a?.bytesOut, b?.bytesOut)
        XCTAssertEqual(a?.first, b?.first)
        XCTAssertEqual(a?.sizeMean ?? 0, b?.sizeMean ?? 1, accuracy: 1e-6)
        XCTAssertEqual(Double(a?.distinctPaths ?? 0), Double(b?.distinctPaths ?? 0), accuracy: Double(a?.distinctPaths ?? 0) * 0.1)
    }
}
