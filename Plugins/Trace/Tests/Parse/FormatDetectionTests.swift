import DSToolKit
import XCTest
@testable import DSToolTrace

final class FormatDetectionTests: XCTestCase {
    func detect(_ lines: [String], custom: NginxLogFormat? = nil, path: String = "x.log") -> LogFormat? {
        FormatDetector.detect(lines.map { Array($0.utf8) }, custom: custom, zone: .utc, path: path, fieldMap: FieldMap())?.format
    }

    func testEachFormat() throws {
        XCTAssertEqual(detect([accessLine("1.2.3.4", request: "GET / HTTP/1.1"), accessLine("1.2.3.5", request: "GET /a HTTP/1.1")]), .accessCombined)
        XCTAssertEqual(detect([#"1.2.3.4 - - [15/Jan/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 12"#]), .accessCommon)
        XCTAssertEqual(detect(["2024/01/15 10:00:00 [error] 1#1: *1 x, client: 1.2.3.4, server: s"]), .nginxError)
        XCTAssertEqual(detect(["[Mon Jan 15 10:00:00 2024] [error] [client 1.2.3.4] File does not exist: /x"]), .apacheError)
        XCTAssertEqual(detect(["Jan 15 10:00:00 h sshd[1]: Accepted password for bob from 1.2.3.4 port 2 ssh2"]), .syslog)
        XCTAssertEqual(detect(["<34>1 2024-01-15T10:00:00Z h app - - - hello"]), .syslog5424)
        XCTAssertEqual(detect([#"{"__REALTIME_TIMESTAMP":"1705312800000000","MESSAGE":"x"}"#]), .journald)
        XCTAssertEqual(detect([#"type=LOGIN msg=audit(1705312800.0:1): pid=1 uid=0 old-auid=4294967295 auid=0 res=1"#]), .auditd)
        XCTAssertEqual(detect([#"{"time":"2024-01-15T10:00:00Z","msg":"x"}"#]), .jsonLines)
        XCTAssertEqual(detect(["Time                 Id Command    Argument", "2024-01-15T10:00:00.000000Z\t    1 Query\tSELECT 1"]), .mysqlGeneral)
        XCTAssertEqual(detect(["# Time: 2024-01-15T10:00:00Z", "# User@Host: a[a] @ h []  Id: 1", "# Query_time: 1 Lock_time: 0 Rows_sent: 1 Rows_examined: 1", "SET timestamp=1;", "SELECT 1;"]), .mysqlSlow)
        let f = try NginxLogFormat("$remote_addr|$time_iso8601|$request|$status")
        XCTAssertEqual(detect(["1.2.3.4|2024-01-15T10:00:00Z|GET / HTTP/1.1|200"], custom: f), .accessCustom)
    }

    func testUnknownAndMostlyUnknown() {
        XCTAssertNil(detect(["hello world", "this is a novel", "nothing like a log"]))
        XCTAssertNil(detect(["hello", "world", "more prose", accessLine("1.2.3.4", request: "GET / HTTP/1.1")]))
        // Two thirds access log: still an access log (the rest is reported as mixed/unparsed).
        XCTAssertEqual(detect([accessLine("1.2.3.4", request: "GET / HTTP/1.1"), accessLine("1.2.3.4", request: "GET /b HTTP/1.1"), "junk"]), .accessCombined)
    }
}

final class TimeTests: XCTestCase {
    func testCivilRoundTrip() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2024, 12, 31), (1969, 12, 31), (2100, 3, 1)] {
            let days = CivilTime.days(year: y, month: m, day: d)
            let c = CivilTime.civil(days: days)
            XCTAssertEqual([c.year, c.month, c.day], [y, m, d])
        }
        XCTAssertEqual(CivilTime.days(year: 1970, month: 1, day: 2), 1)
        XCTAssertNil(CivilTime.seconds(year: 2024, month: 13, day: 1, hour: 0, minute: 0, second: 0))
    }

    func testISO8601() {
        func iso(_ s: String) -> (Int64, Bool)? {
            var t = s
            return t.withUTF8 { b in CivilTime.iso8601(b.baseAddress!, 0, b.count).map { ($0.micros, $0.hasZone) } }
        }
        XCTAssertEqual(iso("2024-01-15T10:00:00Z")?.0, 1_705_312_800_000_000)
        XCTAssertEqual(iso("2024-01-15 10:00:00,250+0100")?.0, 1_705_309_200_250_000)
        XCTAssertEqual(iso("2024-01-15T10:00:00.1234567-05:30")?.0, 1_705_332_600_123_456)
        XCTAssertEqual(iso("2024-01-15T10:00:00")?.1, false)
        XCTAssertNil(iso("2024-13-15T10:00:00Z"))
        XCTAssertNil(iso("2024-01-15"))
        XCTAssertNil(iso("2024-01-15T10:00:00."))
        XCTAssertEqual(CivilTime.isoString(micros: -1), "1969-12-31T23:59:59.999999Z")
    }

    func testZones() throws {
        XCTAssertEqual(ZoneResolver.parse("UTC+8")?.toUTC(localMicros: 8 * 3600 * 1_000_000), 0)
        XCTAssertEqual(ZoneResolver.parse("-0530")?.toUTC(localMicros: 0), 19_800_000_000)
        XCTAssertEqual(ZoneResolver.parse("+08:00")?.name, "UTC+08:00")
        XCTAssertNil(ZoneResolver.parse("Mars/Olympus"))
        XCTAssertNil(ZoneResolver.parse("+25:00"))
        let ny = try XCTUnwrap(ZoneResolver.parse("America/New_York"))
        // 2024-07-01 12:00 local is EDT (-4); 2024-01-01 12:00 local is EST (-5).
        let summer = CivilTime.seconds(year: 2024, month: 7, day: 1, hour: 12, minute: 0, second: 0)! * 1_000_000
        let winter = CivilTime.seconds(year: 2024, month: 1, day: 1, hour: 12, minute: 0, second: 0)! * 1_000_000
        XCTAssertEqual(ny.toUTC(localMicros: summer) - summer, 4 * 3600 * 1_000_000)
        XCTAssertEqual(ny.toUTC(localMicros: winter) - winter, 5 * 3600 * 1_000_000)
        XCTAssertEqual(try XCTUnwrap(ZoneResolver.parse("Asia/Shanghai")).localYearMonth(utcSeconds: 1_704_038_400).0, 2024) // 2023-12-31T16:00Z
    }
}
