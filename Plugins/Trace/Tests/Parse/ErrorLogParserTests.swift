import DSToolKit
import XCTest
@testable import DSToolTrace

final class ErrorLogParserTests: XCTestCase {
    func testNginxErrorWithRequest() throws {
        let ctx = ParseContext(zone: ZoneResolver.parse("+08:00")!)
        let e = try XCTUnwrap(parseLine(#"2024/01/15 10:00:00 [error] 1234#1234: *56 open() "/var/www/html/etc/passwd" failed (2: No such file or directory), client: 203.0.113.7, server: example.com, request: "GET /../../etc/passwd HTTP/1.1", host: "example.com""#, .nginxError, ctx: ctx))
        XCTAssertEqual(e.string(.level), "error")
        XCTAssertEqual(e.string(.pid), "1234")
        XCTAssertEqual(e.string(.session), "56")
        XCTAssertEqual(e.string(.srcIP), "203.0.113.7")
        XCTAssertEqual(e.string(.uri), "/../../etc/passwd")
        XCTAssertEqual(e.string(.vhost), "example.com")
        XCTAssertTrue(e.zoneAssumed)
        XCTAssertEqual(CivilTime.isoString(micros: e.time), "2024-01-15T02:00:00Z")
        XCTAssertEqual(e.string(.message), #"open() "/var/www/html/etc/passwd" failed (2: No such file or directory)"#)
    }

    func testNginxErrorWithoutClient() throws {
        let e = try XCTUnwrap(parseLine("2024/01/15 10:00:00 [notice] 1#1: signal process started", .nginxError))
        XCTAssertEqual(e.string(.level), "notice")
        XCTAssertNil(e.value(.srcIP))
        XCTAssertEqual(e.string(.message), "signal process started")
    }

    func testApache24() throws {
        let e = try XCTUnwrap(parseLine("[Mon Jan 15 10:00:00.123456 2024] [core:error] [pid 4321:tid 140000] [client 198.51.100.4:51234] AH00126: Invalid URI in request GET /%%% HTTP/1.1", .apacheError))
        XCTAssertEqual(e.string(.program), "core")
        XCTAssertEqual(e.string(.level), "error")
        XCTAssertEqual(e.string(.pid), "4321")
        XCTAssertEqual(e.string(.srcIP), "198.51.100.4")
        XCTAssertEqual(e.string(.message), "AH00126: Invalid URI in request GET /%%% HTTP/1.1")
        XCTAssertEqual(e.time, 1_705_312_800_123_456)
    }

    func testApache22WithReferer() throws {
        let e = try XCTUnwrap(parseLine("[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server configuration: /export/home/live/ap/htdocs/test, referer: http://x.example/", .apacheError))
        XCTAssertEqual(e.string(.level), "error")
        XCTAssertEqual(e.string(.srcIP), "127.0.0.1")
        XCTAssertEqual(e.string(.referer), "http://x.example/")
    }

    func testRejects() {
        XCTAssertNil(parseLine("[Mon Foo 15 10:00:00 2024] [error] x", .apacheError))
        XCTAssertNil(parseLine("2024-01-15 10:00:00 [error] x", .nginxError))
        XCTAssertNil(parseLine(#"1.2.3.4 - - [15/Jan/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 1"#, .nginxError))
        XCTAssertNil(parseLine(#"1.2.3.4 - - [15/Jan/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 1"#, .apacheError))
    }
}
