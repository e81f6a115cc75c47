import DSToolCore
import DSToolKit
import Foundation
import XCTest

/// The host's record path: plugin bytes in, canonical bytes to the sinks, bad records refused with one line.
final class RecordPathTests: XCTestCase {
    final class Sink: RecordSink {
        var raws: [Data] = []
        var records: [Record] = []
        var wantsCanonicalJSON: Bool { true }
        func record(_ record: Record, raw: Data) { records.append(record); raws.append(raw) }
    }

    func testSinksGetJSONEncodersBytesForAnyKeyOrder() throws {
        let sink = Sink()
        let session = HostSession(request: PluginRequest(command: "x"), walker: nil, sinks: [sink])
        let emitted = "{ \"location\": {\"offset\": 12, \"input\": \"a/b.log\"}, \"title\": {\"zh\": \"\\u624b\\u673a\\u53f7\", \"en\": \"Mobile\"},"
            + " \"type\": \"finding\", \"severity\": \"medium\", \"rule_id\": \"scan.phone\", \"category\": \"pii\","
            + " \"fingerprint\": \"0f\", \"confidence\": 0.90, \"evidence\": \"138****5678\\n\" }"
        XCTAssertTrue(session.accept(json: Data(emitted.utf8)))
        let expected = #"{"category":"pii","confidence":0.9,"evidence":"138****5678\n","fingerprint":"0f","location":{"input":"a/b.log","offset":12},"rule_id":"scan.phone","severity":"medium","title":{"en":"Mobile","zh":"手机号"},"type":"finding"}"#
        XCTAssertEqual(String(decoding: sink.raws[0], as: UTF8.self), expected)
        XCTAssertEqual(sink.raws[0], try DSJSON.encoder().encode(sink.records[0]))
        XCTAssertEqual(session.counts.findings, 1)
    }

    func testInvalidRecordIsRefusedWithOneLine() {
        let sink = Sink()
        let session = HostSession(request: PluginRequest(command: "x"), walker: nil, sinks: [sink])
        var lines: [String] = []
        session.log = { _, msg in lines.append(msg) }
        XCTAssertFalse(session.accept(json: Data(#"{"type":"error","input":"i","reason":"r"}"#.utf8)))
        XCTAssertFalse(session.accept(json: Data(String(repeating: "[", count: 50_000).utf8)))
        XCTAssertFalse(session.accept(json: Data([0x7B, 0xFF])))
        XCTAssertEqual(lines, ["plugin emitted an invalid record: code: missing",
                               "plugin emitted an invalid record: not valid JSON: nested too deep at byte 512",
                               "plugin emitted an invalid record: not valid JSON: expected a key at byte 1"])
        XCTAssertTrue(sink.records.isEmpty)
        XCTAssertEqual(session.counts.errors, 0)
    }
}
