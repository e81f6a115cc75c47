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
        func record(_ record: AcceptedRecord) { records.append(record.decoded!); raws.append(Data(record.canonical)) }
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

    typealias T = TestSupport

    /// Records with every field, Unicode, escapes, control characters, a huge string, nested
    /// properties, an input-limit finding, an error and data.
    static func richRecords() -> [Record] {
        var all = T.records + [.finding(T.hostileFinding)]
        let huge = String(repeating: "证据 \"quoted\" \\ tab\t nul\u{0} é😀 ", count: 2_500)  // 80 KB: larger than a report block
        all.append(.finding(Finding(
            ruleId: "scan.huge", title: LocalizedText(en: "Huge \u{1}", zh: "巨大"), message: LocalizedText(en: "m\nl", zh: "消息"),
            category: "secret", severity: .critical, confidence: 0.125, dataLevel: .core,
            location: Location(input: "a.zip!b/c d.txt", path: "a.zip", chain: ["a.zip", "b/c d.txt"], line: 1, column: 2,
                               offset: 3, length: 4, table: "t", columnName: "c", row: 5, endLine: 6),
            evidence: huge, fingerprint: "ff", references: ["个人信息保护法", "a/b"], cwe: ["CWE-798"],
            remediation: LocalizedText(en: "r", zh: "修复"),
            properties: ["n": 1, "neg": -7, "f": 0.5, "odd": 1e-7, "big": 12345678901234, "s": "x/y\u{7f}", "b": true, "z": .null,
                         "a": [1, "二", ["k": "v"]], "é": "non-ASCII key", "\u{1}": "control key"])))
        all.append(.finding(Finding(ruleId: "scan.huge.plain", title: LocalizedText(en: huge, zh: huge), category: "secret", severity: .high,
                                    location: Location(input: huge), evidence: huge, fingerprint: "0f", properties: ["kind": .string(huge)])))
        all.append(.finding(Finding(ruleId: "input.limit.depth", title: LocalizedText(en: "Too deep", zh: "太深"), category: "input",
                                    severity: .medium, location: Location(input: "deep.zip"))))
        all.append(.finding(Finding(ruleId: "r.low", title: LocalizedText("t"), category: "c", severity: .low, confidence: 1,
                                    location: Location(input: "", line: 0, offset: -1))))
        all.append(.data(DataRecord(kind: "k", value: .null)))
        all.append(.data(DataRecord(kind: "timeline", text: LocalizedText(en: "line\tone\n", zh: "行"), value: ["t": 0.75, "x": [[], [:]]])))
        all.append(.error(ErrorRecord(input: "bad\u{1b}.gz", reason: "truncated", code: "input.read")))
        return all
    }

    /// Pretty-printed with keys in another order: valid, never canonical, so it takes the full path.
    static func otherSpelling(_ r: Record) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted]
        return try e.encode(r)
    }

    /// Runs records through a session with every writer and the case store; returns each output.
    func outputs(_ records: [Record], bytes: (Record) throws -> Data, lang: String = "en") throws -> [String: Data] {
        let caps = ["text": T.Capture(), "json": T.Capture(), "jsonl": T.Capture(), "sarif": T.Capture(), "csv": T.Capture()]
        let writers: [String: ReportWriter] = [
            "text": TextReportWriter(out: caps["text"]!.stream, lang: lang, color: false),
            "json": JSONReportWriter(out: caps["json"]!.stream),
            "jsonl": JSONLReportWriter(out: caps["jsonl"]!.stream),
            "sarif": SARIFReportWriter(out: caps["sarif"]!.stream, manifest: nil, lang: lang),
            "csv": CSVReportWriter(out: caps["csv"]!.stream, lang: lang),
        ]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recordpath-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try CaseStore.open(path: dir + "/case.dscase")
        try store.begin(run: T.fixedRun())
        let session = HostSession(request: PluginRequest(command: "x"), walker: nil,
                                  sinks: writers.keys.sorted().map { writers[$0]! } + [store])
        // Sessions with only byte sinks: records are not decoded at all there.
        let jsonlOnly = T.Capture(), jsonOnly = T.Capture()
        let jsonlWriter = JSONLReportWriter(out: jsonlOnly.stream), jsonWriter = JSONReportWriter(out: jsonOnly.stream)
        let bytesOnly = HostSession(request: PluginRequest(command: "x"), walker: nil, sinks: [jsonlWriter, jsonWriter])
        for r in records {
            let b = try bytes(r)
            XCTAssertTrue(session.accept(json: b))
            XCTAssertTrue(bytesOnly.accept(json: b))
        }
        XCTAssertEqual(session.counts.findings, bytesOnly.counts.findings)
        XCTAssertEqual(session.counts.bySeverity, bytesOnly.counts.bySeverity)
        XCTAssertEqual(session.maxSeverity, bytesOnly.maxSeverity)
        XCTAssertEqual(session.inputErrorCount, bytesOnly.inputErrorCount)
        var run = T.fixedRun()
        run.counts = session.counts
        for w in writers.values { try w.finish(run: run) }
        try jsonlWriter.finish(run: run)
        try jsonWriter.finish(run: run)
        try store.finish(run: run)
        var out = caps.mapValues { $0.data }
        out["jsonl-only"] = jsonlOnly.data
        out["json-only"] = jsonOnly.data
        out["case"] = Data("\(store.recorded!.sha256) \(store.recorded!.sm3) \(session.counts.findings) \(session.maxSeverity!) \(session.inputErrorCount)".utf8)
        return out
    }

    /// The canonical bytes the SDK emits (passed on as they are) and any other spelling of the same
    /// records (decoded and re-encoded, the old path) give the same output in every format.
    func testEveryFormatIsTheSameWhetherRecordsArriveCanonicalOrNot() throws {
        let records = Self.richRecords()
        var recognised = 0
        for r in records {
            let b = try r.canonicalJSON()
            if b.withUnsafeBytes({ CanonicalRecordCheck.essentials($0) }) != nil { recognised += 1 }
            XCTAssertNil(try Self.otherSpelling(r).withUnsafeBytes { CanonicalRecordCheck.essentials($0) })
        }
        XCTAssertGreaterThanOrEqual(recognised, records.count - 3, "only the odd double, non-ASCII keys and input.limit go the full way")
        for lang in ["en", "zh"] {
            let fast = try outputs(records, bytes: { Data(try $0.canonicalJSON()) }, lang: lang)
            let full = try outputs(records, bytes: Self.otherSpelling, lang: lang)
            XCTAssertEqual(fast.keys.sorted(), full.keys.sorted())
            for (format, bytes) in fast {
                XCTAssertEqual(bytes, full[format], "\(format) (\(lang))")
            }
            // And the bytes are what the writer makes of each decoded record.
            let expectedLines = try records.map { String(decoding: try $0.canonicalJSON(), as: UTF8.self) }
            let lines = String(decoding: fast["jsonl"]!, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(Array(lines.prefix(records.count)), expectedLines)
            XCTAssertEqual(fast["jsonl-only"], fast["jsonl"])
            XCTAssertEqual(fast["json-only"], fast["json"])
        }
    }

    /// A plugin's record cut short anywhere is refused with the reader's reason, as before.
    func testTruncatedRecordsAreRefusedWithTheReadersReason() throws {
        let sink = JSONLReportWriter(out: T.Capture().stream)
        let session = HostSession(request: PluginRequest(command: "x"), walker: nil, sinks: [sink])
        var lines: [String] = []
        session.log = { _, msg in lines.append(msg) }
        let whole = try Record.finding(T.archiveFinding).canonicalJSON()
        for cut in 0..<whole.count {
            let part = Array(whole[..<cut])
            var reason = ""
            do { _ = try part.withUnsafeBytes { try RecordDecoder.decode($0) } } catch { reason = "\(error)" }
            XCTAssertFalse(part.withUnsafeBytes { session.accept(bytes: $0) })
            XCTAssertEqual(lines.last, "plugin emitted an invalid record: \(reason)")
        }
        XCTAssertEqual(lines.count, whole.count)
        XCTAssertEqual(session.counts.findings, 0)
    }

    /// Record output to a file or pipe is written in blocks, but never after something printed later.
    func testCollectedRecordsAreWrittenBeforeAnythingPrintedLater() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString)").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd); unlink(path) }
        func written() -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        let report = ReportStream(fd: fd)
        let other = ReportStream(fd: fd)
        report.writeRecord("r1\n")
        report.writeRecord("r2\n")
        XCTAssertEqual(written(), "", "collected")
        other.write("a line printed elsewhere\n")
        XCTAssertEqual(written(), "r1\nr2\na line printed elsewhere\n")
        report.writeRecord("r3\n")
        var errorLines: [String] = []
        ErrorLinePrinter(quiet: false, write: { _ in errorLines.append(written()) })
            .record(.error(ErrorRecord(input: "i", reason: "r", code: "c")), raw: Data())
        XCTAssertEqual(errorLines, ["r1\nr2\na line printed elsewhere\nr3\n"])
        let big = String(repeating: "b", count: 100_000)
        report.writeRecord("r4\n")
        report.writeRecord(big)
        report.writeRecord("r5\n")
        try report.close()
        XCTAssertEqual(written(), "r1\nr2\na line printed elsewhere\nr3\nr4\n" + big + "r5\n")
    }
}
