import DSToolKit
import XCTest
@testable import DSToolTrace

final class AccessLogParserTests: XCTestCase {
    func testCombinedLine() throws {
        let e = try XCTUnwrap(parseLine(#"203.0.113.7 - alice [10/Oct/2023:13:55:36 -0700] "GET /a/b.php?x=1&y=2 HTTP/1.1" 200 2326 "https://ref.example/" "Mozilla/5.0 (X11)""#, .accessCombined))
        XCTAssertEqual(e.format, .accessCombined)
        XCTAssertEqual(e.string(.srcIP), "203.0.113.7")
        XCTAssertEqual(e.string(.user), "alice")
        XCTAssertEqual(e.string(.method), "GET")
        XCTAssertEqual(e.string(.uri), "/a/b.php?x=1&y=2")
        XCTAssertEqual(e.string(.path), "/a/b.php")
        XCTAssertEqual(e.string(.query), "x=1&y=2")
        XCTAssertEqual(e.string(.proto), "HTTP/1.1")
        XCTAssertEqual(e.statusCode, 200)
        XCTAssertEqual(e.byteCount, 2326)
        XCTAssertEqual(e.string(.referer), "https://ref.example/")
        XCTAssertEqual(e.string(.userAgent), "Mozilla/5.0 (X11)")
        XCTAssertEqual(CivilTime.isoString(micros: e.time), "2023-10-10T20:55:36Z")  // -0700 → UTC
        XCTAssertEqual(e.timeText, "10/Oct/2023:13:55:36 -0700")
        XCTAssertFalse(e.zoneAssumed)
        XCTAssertFalse(e.truncated)
    }

    func testCommonLineAndDashes() throws {
        let e = try XCTUnwrap(parseLine(#"192.0.2.1 - - [01/Feb/2024:00:00:00 +0000] "POST /login HTTP/1.0" 302 -"#, .accessCombined))
        XCTAssertEqual(e.format, .accessCommon)
        XCTAssertNil(e.string(.user))
        XCTAssertEqual(e.byteCount, 0)
        XCTAssertNil(e.value(.referer))
        XCTAssertEqual(e.string(.method), "POST")
    }

    func testIPv6VhostAndExtraFields() throws {
        let e = try XCTUnwrap(parseLine(#"www.example.com:443 2001:db8::1 - - [15/Jan/2024:10:00:00 +0100] "GET / HTTP/2.0" 200 10 "-" "curl/8" 0.002 "upstream""#, .accessCombined))
        XCTAssertEqual(e.string(.vhost), "www.example.com:443")
        XCTAssertEqual(e.string(.srcIP), "2001:db8::1")
        XCTAssertEqual(e.string(.userAgent), "curl/8")
        XCTAssertEqual(CivilTime.isoString(micros: e.time), "2024-01-15T09:00:00Z")
    }

    func testEscapedQuotesInRequestAndAgent() throws {
        let e = try XCTUnwrap(parseLine(#"198.51.100.2 - - [15/Jan/2024:10:00:00 +0000] "GET /q?s=\"x\" HTTP/1.1" 200 1 "-" "a \"quoted\" agent""#, .accessCombined))
        XCTAssertEqual(e.string(.uri), #"/q?s=\"x\""#)
        XCTAssertEqual(e.string(.userAgent), #"a \"quoted\" agent"#)
    }

    func testTruncatedLineKeepsWhatIsThere() throws {
        let e = try XCTUnwrap(parseLine(#"198.51.100.2 - - [15/Jan/2024:10:00:00 +0000] "GET /very/long/path?id=1 UNION SEL"#, .accessCombined))
        XCTAssertTrue(e.truncated)
        XCTAssertEqual(e.string(.request), "GET /very/long/path?id=1 UNION SEL")
        XCTAssertEqual(e.string(.method), "GET")
        XCTAssertEqual(e.string(.srcIP), "198.51.100.2")
    }

    func testNonHTTPRequestLine() throws {
        let e = try XCTUnwrap(parseLine(#"198.51.100.3 - - [15/Jan/2024:10:00:00 +0000] "\x16\x03\x01\x00\xa5\x01" 400 157 "-" "-""#, .accessCombined))
        XCTAssertNil(e.value(.method))
        XCTAssertEqual(e.string(.request), #"\x16\x03\x01\x00\xa5\x01"#)
        XCTAssertEqual(e.statusCode, 400)
    }

    func testRejectsOtherFormats() {
        let others = [
            "Jan 15 10:00:00 host sshd[1]: Accepted password for bob from 1.2.3.4 port 22 ssh2",
            #"{"time":"2024-01-15T10:00:00Z","msg":"x"}"#,
            "2024/01/15 10:00:00 [error] 1#1: *1 open() failed",
            "garbage without structure",
            #"1.2.3.4 - - [99/Foo/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 1"#,
            #"1.2.3.4 - - [15/Jan/2024:10:00:00 +0000] "GET / HTTP/1.1" abc 1"#,
            "",
        ]
        for l in others { XCTAssertNil(parseLine(l, .accessCombined), l) }
    }
}

final class CustomFormatTests: XCTestCase {
    let format = #"log_format main '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time host=$host';"#

    func testCompilesDirective() throws {
        let f = try NginxLogFormat(format)
        XCTAssertEqual(f.segments.first, .variable("remote_addr"))
        XCTAssertTrue(f.segments.contains(.variable("request_time")))
        XCTAssertEqual(f.segments.last, .variable("host"))
    }

    func testParsesLine() throws {
        let f = try NginxLogFormat(format)
        let e = try XCTUnwrap(parseLine(#"10.1.2.3 - - [15/Jan/2024:10:00:00 +0800] "GET /x?a=1 HTTP/1.1" 404 153 "-" "Go-http-client/1.1" rt=0.004 host=shop.example"#,
                                        .accessCustom, custom: f))
        XCTAssertEqual(e.format, .accessCustom)
        XCTAssertEqual(e.string(.srcIP), "10.1.2.3")
        XCTAssertEqual(e.string(.uri), "/x?a=1")
        XCTAssertEqual(e.statusCode, 404)
        XCTAssertEqual(e.string(.duration), "0.004")
        XCTAssertEqual(e.string(.vhost), "shop.example")
        XCTAssertEqual(CivilTime.isoString(micros: e.time), "2024-01-15T02:00:00Z")
    }

    func testISOTimeMsecAndUnknownVariables() throws {
        let f = try NginxLogFormat("$msec $remote_addr $request_method $request_uri $status $upstream_addr")
        let e = try XCTUnwrap(parseLine("1705312800.250 192.0.2.9 POST /api/v1/items?id=3 201 10.0.0.5:8080", .accessCustom, custom: f))
        XCTAssertEqual(e.time, 1_705_312_800_250_000)
        XCTAssertEqual(e.string(.method), "POST")
        XCTAssertEqual(e.string(.path), "/api/v1/items")
        XCTAssertEqual(e.extra("upstream_addr"), "10.0.0.5:8080")
        let g = try NginxLogFormat("$time_iso8601|$http_x_forwarded_for|$request")
        let e2 = try XCTUnwrap(parseLine("2024-01-15T10:00:00+08:00|203.0.113.5, 10.0.0.1|GET / HTTP/1.1", .accessCustom, custom: g))
        XCTAssertEqual(e2.string(.srcIP), "203.0.113.5")
        XCTAssertEqual(CivilTime.isoString(micros: e2.time), "2024-01-15T02:00:00Z")
    }

    func testLineInAnotherLayoutFails() throws {
        let f = try NginxLogFormat(format)
        XCTAssertNil(parseLine("Jan 15 10:00:00 host prog: hello", .accessCustom, custom: f))
    }

    func testBadFormats() {
        XCTAssertThrowsError(try NginxLogFormat("no variables at all"))
        XCTAssertThrowsError(try NginxLogFormat("$remote_addr$status")) { e in
            XCTAssertTrue("\(e)".contains("not separated"))
        }
        XCTAssertThrowsError(try NginxLogFormat("${unclosed"))
    }
}
