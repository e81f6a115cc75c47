import DSToolKit
import XCTest
@testable import DSToolTrace

enum WebTest {
    nonisolated(unsafe) static let detector = try! WebAttackDetector()

    /// Rule id → detail of what the web detector finds in one request line.
    static func detect(_ request: String, agent: String = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
                       referer: String = "-", status: Int = 200, bytes: Int = 1000) -> [String: String] {
        let line = accessLine("198.51.100.23", request: request, status: status, bytes: bytes, referer: referer, agent: agent)
        guard let e = parseLine(line, .accessCombined) else { XCTFail("unparsable: \(line)"); return [:] }
        var out: [Detection] = []
        detector.detect(e, into: &out)
        var d: [String: String] = [:]
        for x in out where d[x.rule.id] == nil { d[x.rule.id] = x.detail }
        return d
    }

    /// Asserts every request triggers `rule`, and every benign one does not.
    static func check(_ rule: String, attacks: [String], benign: [String], file: StaticString = #filePath, line: UInt = #line) {
        for a in attacks {
            let r = detect("GET \(a) HTTP/1.1")
            XCTAssertNotNil(r[rule], "missed: \(a)", file: file, line: line)
        }
        for b in benign {
            let r = detect("GET \(b) HTTP/1.1")
            XCTAssertNil(r[rule], "false positive (\(r[rule] ?? "")): \(b)", file: file, line: line)
        }
    }
}
