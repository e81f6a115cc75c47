@testable import DSToolCore
import DSToolKit
import Foundation
import XCTest

/// Each report format's exact output for fixed records, and its validity against its schema.
final class OutputFormatTests: XCTestCase {
    typealias T = TestSupport
    let ruleIds = ["scan.cn-id", "scan.phone"]

    static let f1JSON = #"{"category":"personal-data","confidence":0.95,"data_level":"重要","evidence":"1101**********1234","fingerprint":"0123456789abcdef0123456789abcdef","location":{"chain":["backup.tar.gz","db/users.csv"],"column":14,"input":"backup.tar.gz!db/users.csv","length":18,"line":3,"offset":120,"path":"backup.tar.gz"},"references":["GB/T 35273-2020"],"rule_id":"scan.cn-id","severity":"high","title":{"en":"Chinese ID number","zh":"居民身份证号"},"type":"finding"}"#
    static let f2JSON = #"{"category":"personal-data","evidence":"=cmd|' /C calc'!A0","fingerprint":"fedcba9876543210fedcba9876543210","location":{"column_name":"mobile","input":"crm.sqlite","row":7,"table":"customers"},"message":{"en":"Mobile numbers, in column","zh":"手机号码，位于列"},"rule_id":"scan.phone","severity":"low","title":{"en":"Mobile number","zh":"手机号码"},"type":"finding"}"#
    static let errorJSON = #"{"code":"input.corrupt","input":"broken.zip","offset":4096,"reason":"truncated archive","type":"error"}"#
    static let dataJSON = #"{"kind":"summary","text":{"en":"2 columns hold personal data","zh":"2 列含个人信息"},"type":"data","value":{"columns":2}}"#
    static let runJSON = #"{"command":"scan","command_line":["dstool","scan","evidence dir"],"counts":{"by_severity":{"high":1,"low":1},"data":1,"errors":1,"findings":2,"items":5},"ended":"2023-11-14T22:13:21.500Z","exit_code":1,"host":"laptop","operator":"alice","plugin":{"id":"scan","version":"1.2.0"},"started":"2023-11-14T22:13:20.000Z","targets":[{"input":"evidence dir"}],"tool":"dstool","tool_version":"0.1.0"}"#

    func testTextEnglish() throws {
        let text = try T.render { TextReportWriter(out: $0, lang: "en", color: false, ruleIds: self.ruleIds) }
        XCTAssertEqual(text, """
        SEVERITY  RULE              LOCATION
        HIGH      scan.cn-id        backup.tar.gz!db/users.csv:3:14
                  Chinese ID number (important data)
                  evidence: 1101**********1234
        LOW       scan.phone        crm.sqlite [customers.mobile] row 7
                  Mobile numbers, in column
                  evidence: =cmd|' /C calc'!A0
        2 columns hold personal data

        RULE              SEVERITY  COUNT
        scan.cn-id        HIGH      1
        scan.phone        LOW       1

        5 items, 2 findings (1 high, 1 low), 1 error.

        """)
    }

    func testTextChineseAlignsWideCharacters() throws {
        let text = try T.render { TextReportWriter(out: $0, lang: "zh", color: false, ruleIds: self.ruleIds) }
        XCTAssertEqual(text, """
        级别      规则              位置
        高        scan.cn-id        backup.tar.gz!db/users.csv:3:14
                  居民身份证号（重要数据）
                  证据: 1101**********1234
        低        scan.phone        crm.sqlite [customers.mobile] 第7行
                  手机号码，位于列
                  证据: =cmd|' /C calc'!A0
        2 列含个人信息

        规则              级别      数量
        scan.cn-id        高        1
        scan.phone        低        1

        共 5 项输入，2 个发现（高 1，低 1），1 个错误。

        """)
        XCTAssertEqual(TextCell.width("居民身份证号"), 12)
        XCTAssertEqual(TextCell.pad("高", 4), "高  ")
    }

    func testTextColourOnlyWhenAsked() throws {
        let plain = try T.render { TextReportWriter(out: $0, lang: "en", color: false, ruleIds: self.ruleIds) }
        XCTAssertFalse(plain.contains("\u{1B}"))
        let coloured = try T.render { TextReportWriter(out: $0, lang: "en", color: true, ruleIds: self.ruleIds) }
        XCTAssertTrue(coloured.contains("\u{1B}[1;31mHIGH\u{1B}[0m      scan.cn-id"), coloured)
        XCTAssertTrue(coloured.contains("\u{1B}[36mLOW\u{1B}[0m       scan.phone"), coloured)
    }

    func testColourDecision() {
        let terminal = ReportStream(collect: { _ in })
        // ReportStream(collect:) is never a terminal: no colour whatever the environment says.
        XCTAssertFalse(Runner.useColor(stream: terminal, noColorFlag: false, environment: [:]))
        let tty = ReportStream(collect: { _ in }, isTerminal: true)
        XCTAssertTrue(Runner.useColor(stream: tty, noColorFlag: false, environment: ["TERM": "xterm"]))
        XCTAssertFalse(Runner.useColor(stream: tty, noColorFlag: false, environment: ["NO_COLOR": "1"]))
        XCTAssertTrue(Runner.useColor(stream: tty, noColorFlag: false, environment: ["NO_COLOR": ""]), "an empty NO_COLOR does not count")
        XCTAssertFalse(Runner.useColor(stream: tty, noColorFlag: true, environment: [:]))
        XCTAssertFalse(Runner.useColor(stream: tty, noColorFlag: false, environment: ["TERM": "dumb"]))
    }

    func testTextMakesControlCharactersVisible() throws {
        let text = try T.render({ TextReportWriter(out: $0, lang: "en", color: false) }, records: [.finding(T.hostileFinding)])
        XCTAssertTrue(text.contains("evil\\x1B[31m.txt:1"), text)
        XCTAssertFalse(text.contains("\u{1B}"))
        var lines: [String] = []
        ErrorLinePrinter(quiet: false, write: { lines.append($0) })
            .record(.error(ErrorRecord(input: "a\u{7}b\u{9B}c", reason: "bad\nline", code: "x")), raw: Data())
        XCTAssertEqual(lines, ["dstool: a\\x07b\\x9Bc: bad\\x0Aline\n"])
    }

    func testJSONDocumentExact() throws {
        let json = try T.render { JSONReportWriter(out: $0) }
        XCTAssertEqual(json, "{\"data\":[\(Self.dataJSON)],\"errors\":[\(Self.errorJSON)],\"findings\":[\(Self.f1JSON),\(Self.f2JSON)],\"run\":\(Self.runJSON)}\n")
        XCTAssertEqual(try T.validate(json, schema: T.resultSchema, def: "document"), "")
    }

    func testJSONLStreamsThenSummary() throws {
        let cap = T.Capture()
        let w = JSONLReportWriter(out: cap.stream)
        w.record(.finding(T.archiveFinding), raw: Data())
        XCTAssertEqual(cap.text, Self.f1JSON + "\n", "a record is written as soon as it arrives")
        for r in T.records.dropFirst() { w.record(r, raw: Data()) }
        try w.finish(run: T.fixedRun())
        XCTAssertEqual(cap.text, [Self.f1JSON, Self.f2JSON, Self.errorJSON, Self.dataJSON, "{\"run\":\(Self.runJSON),\"type\":\"summary\"}"]
            .joined(separator: "\n") + "\n")
        XCTAssertEqual(try T.validate(cap.text, schema: T.resultSchema, jsonl: true), "")
    }

    func testHostCanonicalisesWhatPluginsEmit() throws {
        // A plugin (say, in C) may emit keys in any order with spaces: json, jsonl and the case get canonical JSON.
        let cap = T.Capture()
        let session = HostSession(request: PluginRequest(command: "x"), walker: nil, sinks: [JSONLReportWriter(out: cap.stream)])
        XCTAssertTrue(session.accept(json: Data(#"{ "type": "error", "reason": "truncated archive", "offset": 4096, "input": "broken.zip", "code": "input.corrupt" }"#.utf8)))
        XCTAssertEqual(cap.text, Self.errorJSON + "\n")
        XCTAssertFalse(session.accept(json: Data(#"{"type":"finding"}"#.utf8)), "an invalid record is refused")
        XCTAssertEqual(session.counts.errors, 1)
    }

    func testCSVExactWithQuotingAndFormulaGuard() throws {
        let csv = try T.render { CSVReportWriter(out: $0, lang: "en") }
        XCTAssertEqual(csv, "severity,rule_id,title,message,input,line,column,offset,table,column_name,row,evidence,data_level,confidence,fingerprint\r\n"
            + "high,scan.cn-id,Chinese ID number,,backup.tar.gz!db/users.csv,3,14,120,,,,1101**********1234,重要,0.95,0123456789abcdef0123456789abcdef\r\n"
            + "low,scan.phone,Mobile number,\"Mobile numbers, in column\",crm.sqlite,,,,customers,mobile,7,\"'=cmd|' /C calc'!A0\",,,fedcba9876543210fedcba9876543210\r\n")
        let zh = try T.render { CSVReportWriter(out: $0, lang: "zh") }
        XCTAssertTrue(zh.contains("\r\nhigh,scan.cn-id,居民身份证号,,"), zh)
    }

    func testSARIFValidatesAndLocatesArchiveEntriesByChain() throws {
        let manifest = try PluginManifest.decode(Data(#"{"abi":1,"category":"leak-detection","commands":[{"input":"items","name":"scan","options":[],"report":"stdout","summary":{"en":"s","zh":"s"},"usage":"dstool scan"}],"description":{"en":"d","zh":"d"},"id":"scan","inputs":["files"],"library":"libdstool-scan.so","name":{"en":"Scan","zh":"扫描"},"rules":[{"id":"scan.unused","severity":"medium","title":{"en":"Unused rule","zh":"未触发的规则"},"references":["GB/T 35273-2020 6.3"]}],"tool_library":["检测评估"],"version":"1.2.0"}"#.utf8))
        var run = T.fixedRun()
        run.caseRecord = RunInfo.CaseRef(file: "c.case", run: 2, sha256: String(repeating: "a", count: 64), sm3: String(repeating: "b", count: 64))
        let nested = Finding(ruleId: "scan.cn-id", title: LocalizedText("x"), category: "personal-data", severity: .critical,
                             location: Location(input: "b k.tar.gz!2024/u.zip!用户:1.csv", chain: ["b k.tar.gz", "2024/u.zip", "用户:1.csv"], line: 2),
                             fingerprint: "11111111111111111111111111111111")
        let text = try T.render({ SARIFReportWriter(out: $0, manifest: manifest, lang: "en") },
                                records: T.records + [.finding(nested), .finding(T.hostileFinding)], run: run)
        XCTAssertEqual(try T.validate(text, schema: T.sarifSchema), "")
        let log = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        XCTAssertEqual(log["version"], "2.1.0")
        let r = log["runs"]!.arrayValue![0]
        // The manifest's rules come first, then rules as findings name them.
        XCTAssertEqual(r["tool"]?["driver"]?["rules"]?.arrayValue?.map { $0["id"]!.stringValue! }, ["scan.unused", "scan.cn-id", "scan.phone"])
        XCTAssertEqual(r["tool"]?["driver"]?["rules"]?.arrayValue?[0]["properties"]?["references"], ["GB/T 35273-2020 6.3"])
        let results = r["results"]!.arrayValue!
        XCTAssertEqual(results.count, 4)
        XCTAssertEqual(results[0]["level"], "error")
        XCTAssertEqual(results[0]["ruleIndex"], 1)
        XCTAssertEqual(results[0]["locations"]?[0]?["physicalLocation"]?["region"],
                       ["startLine": 3, "startColumn": 14, "byteOffset": 120, "byteLength": 18])
        XCTAssertEqual(results[0]["partialFingerprints"]?["dstool/v1"], "0123456789abcdef0123456789abcdef")
        XCTAssertEqual(results[1]["level"], "note")
        XCTAssertEqual(results[1]["properties"]?["table"], "customers")
        // The nested entry: its URI is the whole chain, and artifacts link each entry to its archive.
        let loc = results[2]["locations"]?[0]?["physicalLocation"]?["artifactLocation"]
        XCTAssertEqual(loc?["uri"], "b%20k.tar.gz!2024/u.zip!%E7%94%A8%E6%88%B7%3A1.csv")
        let artifacts = r["artifacts"]!.arrayValue!
        let idx = Int(loc!["index"]!.intValue!)
        XCTAssertEqual(artifacts[idx]["location"]?["uri"], loc?["uri"])
        let parent = Int(artifacts[idx]["parentIndex"]!.intValue!)
        XCTAssertEqual(artifacts[parent]["location"]?["uri"], "b%20k.tar.gz!2024/u.zip")
        let grandparent = Int(artifacts[parent]["parentIndex"]!.intValue!)
        XCTAssertEqual(artifacts[grandparent]["location"]?["uri"], "b%20k.tar.gz")
        XCTAssertNil(artifacts[grandparent]["parentIndex"])
        // The control character in a name is percent-encoded, not passed through.
        XCTAssertEqual(results[3]["locations"]?[0]?["physicalLocation"]?["artifactLocation"]?["uri"], "evil%1B%5B31m.txt")
        // Errors are notifications; the invocation carries the run record's facts.
        let inv = r["invocations"]![0]!
        XCTAssertEqual(inv["toolExecutionNotifications"]?[0]?["message"]?["text"], "broken.zip: truncated archive (at byte 4096)")
        XCTAssertEqual(inv["commandLine"], "dstool scan 'evidence dir'")
        XCTAssertEqual(inv["exitCode"], 1)
        XCTAssertEqual(inv["account"], "alice")
        XCTAssertEqual(r["properties"]?["case"]?["run"], 2)
    }

    func testJSONSpillsLargeRunsToDiskAndStaysValid() throws {
        // Past the in-memory limit of the spool (lowered here), so findings go through the disk.
        RecordSpool.memoryLimit = 16 << 10
        defer { RecordSpool.memoryLimit = 4 << 20 }
        let cap = T.Capture()
        let w = JSONReportWriter(out: cap.stream)
        let n = 500
        for i in 0..<n {
            var f = T.archiveFinding
            f.location.line = i + 1
            f.evidence = String(repeating: "e", count: 200)
            w.record(.finding(f), raw: Data())
        }
        var run = T.fixedRun()
        run.counts?.findings = n
        XCTAssertEqual(cap.data.count, 0, "json is written at the end")
        try w.finish(run: run)
        XCTAssertTrue(w.findings.spilled)
        let doc = try JSONDecoder().decode(JSONValue.self, from: cap.data)
        let findings = doc["findings"]!.arrayValue!
        XCTAssertEqual(findings.count, n)
        XCTAssertEqual(findings.last?["location"]?["line"], .int(Int64(n)))
    }

    func testProgressBarDrawsAndClears() {
        var written: [String] = []
        let bar = ProgressBar(write: { written.append($0) })
        let t0 = Date()
        bar.update(done: 50, total: 100, label: "evidence/hr/employees.csv", now: t0)
        bar.update(done: 60, total: 100, label: "too soon", now: t0.addingTimeInterval(0.05))
        XCTAssertEqual(written, ["\r\u{1B}[K[###############---------------] 50% evidence/hr/employees.csv"])
        // The report goes to a file: a finding does not disturb the bar, an error line does.
        let toFile = ProgressClearingSink(bar: bar, reportOnTerminal: false)
        toFile.record(.finding(T.archiveFinding), raw: Data())
        XCTAssertEqual(written.count, 1)
        toFile.record(.error(T.error), raw: Data())
        XCTAssertEqual(written.last, "\r\u{1B}[K")
        bar.clear()
        XCTAssertEqual(written.count, 2, "a bar that is not drawn is not cleared again")
        bar.update(done: 70, total: 100, label: "x", now: t0.addingTimeInterval(1))
        ProgressClearingSink(bar: bar, reportOnTerminal: true).record(.finding(T.archiveFinding), raw: Data())
        XCTAssertEqual(written.count, 4)
        XCTAssertEqual(written.last, "\r\u{1B}[K")
        XCTAssertEqual(ProgressBar.line(done: 7, total: 0, label: "a\u{1B}b"), "7 a\\x1Bb")
    }

    /// The byte-level shortcuts for ASCII text (CSV cells, terminal widths) against the general code.
    func testASCIIShortcutsMatchTheGeneralCode() {
        let pieces = ["a", "Z", "0", " ", ",", "\"", "\r", "\n", "\r\n", "\t", "=", "+", "-", "@", "'", "\u{0}", "\u{1b}", "\u{7f}", "/"]
        var state: UInt64 = 42
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var samples = ["", "\r", "\n", "\r\n", "\n\r", "\r\r\n", "=", "\"\"", "a,b", "\r\nx", "x\r\n", "\u{0}"]
        for _ in 0..<20_000 { samples.append((0..<next(8)).map { _ in pieces[next(pieces.count)] }.joined()) }
        for s in samples {
            XCTAssertEqual(TextCell.width(s), TextCell.scalarWidth(s), s.debugDescription)
        }
        let unicode = pieces + ["é", "\u{80}", "\u{85}", "\u{9f}", "\u{a0}", "\u{c2}", "手", "\u{2028}", "😀"]
        for _ in 0..<20_000 {
            let s = (0..<next(8)).map { _ in unicode[next(unicode.count)] }.joined()
            XCTAssertEqual(TextCell.sanitize(s), TextCell.sanitizeScalars(s), s.debugDescription)
            XCTAssertEqual(TextCell.sanitize(s, keepLayout: true), TextCell.sanitizeScalars(s, keepLayout: true), s.debugDescription)
        }
        XCTAssertEqual(TextCell.width("手机a\u{0}"), 5)
    }

    /// SARIF results as the writer built them before: nested dictionaries, sorted-keys encoding.
    static func referenceResult(_ f: Finding, _ w: SARIFReportWriter, lang: String) -> JSONValue {
        let ri = w.addRule(id: f.ruleId, title: f.title, severity: f.severity, category: f.category, references: f.references,
                           remediation: f.remediation)
        var region: [String: JSONValue] = [:]
        if let l = f.location.line, l > 0 { region["startLine"] = .int(Int64(l)) }
        if let l = f.location.endLine, l > 0, f.location.line != nil { region["endLine"] = .int(Int64(l)) }
        if let c = f.location.column, c > 0, f.location.line != nil { region["startColumn"] = .int(Int64(c)) }
        if let o = f.location.offset, o >= 0 { region["byteOffset"] = .int(o) }
        if let n = f.location.length, n >= 0, f.location.offset != nil { region["byteLength"] = .int(Int64(n)) }
        var physical: [String: JSONValue] = [
            "artifactLocation": ["uri": .string(SARIFReportWriter.uri(f.location.input)), "index": .int(Int64(w.artifact(f.location)))],
        ]
        if !region.isEmpty { physical["region"] = .object(region) }
        var props: [String: JSONValue] = ["severity": .string(f.severity.rawValue), "category": .string(f.category)]
        if let c = f.location.chain { props["chain"] = .array(c.map { .string($0) }) }
        if let t = f.location.table { props["table"] = .string(t) }
        if let c = f.location.columnName { props["column_name"] = .string(c) }
        if let r = f.location.row { props["row"] = .int(r) }
        if let e = f.evidence { props["evidence"] = .string(e) }
        if let d = f.dataLevel { props["data_level"] = .string(d.rawValue) }
        if let c = f.confidence { props["confidence"] = .double(c) }
        if let refs = f.references { props["references"] = .array(refs.map { .string($0) }) }
        if let cwe = f.cwe { props["cwe"] = .array(cwe.map { .string($0) }) }
        if let p = f.properties { props["details"] = p }
        return [
            "ruleId": .string(f.ruleId),
            "ruleIndex": .int(Int64(ri)),
            "level": .string(SARIFReportWriter.level(f.severity)),
            "message": ["text": .string(f.message?.text(lang) ?? f.title.text(lang))],
            "locations": [["physicalLocation": .object(physical)]],
            "partialFingerprints": ["dstool/v1": .string(f.fingerprint)],
            "properties": .object(props),
        ]
    }

    func testSARIFResultsAreWhatTheDictionariesEncodedTo() throws {
        var findings = (T.records + RecordPathTests.richRecords()).compactMap { r -> Finding? in
            if case .finding(let f) = r { return f }
            return nil
        }
        // Every combination of the location fields that decide the region.
        for line in [nil, -1, 0, 7] as [Int?] {
            for column in [nil, 0, 3] as [Int?] {
                for offset in [nil, -1, 0, 40] as [Int64?] {
                    for (length, endLine) in [(nil, nil), (0, 0), (5, 9)] as [(Int?, Int?)] {
                        var f = T.archiveFinding
                        f.location.line = line; f.location.column = column; f.location.offset = offset
                        f.location.length = length; f.location.endLine = endLine
                        f.location.input = "x\(findings.count % 3).txt"
                        findings.append(f)
                    }
                }
            }
        }
        for lang in ["en", "zh"] {
            let old = SARIFReportWriter(out: T.Capture().stream, manifest: nil, lang: lang)
            let new = SARIFReportWriter(out: T.Capture().stream, manifest: nil, lang: lang)
            for f in findings {
                let expected = try JSONEncoder.sortedForTests.encode(Self.referenceResult(f, old, lang: lang))
                let ri = new.addRule(id: f.ruleId, title: f.title, severity: f.severity, category: f.category, references: f.references,
                                     remediation: f.remediation)
                var w = CanonicalJSONWriter()
                try new.writeResult(f, ruleIndex: ri, to: &w)
                XCTAssertEqual(String(decoding: w.bytes, as: UTF8.self), String(decoding: expected, as: UTF8.self))
            }
            XCTAssertEqual(try JSONEncoder.sortedForTests.encode(JSONValue.array(new.artifacts)),
                           try JSONEncoder.sortedForTests.encode(JSONValue.array(old.artifacts)))
        }
    }
}

extension JSONEncoder {
    /// Foundation's encoder as the writers used it (sorted keys, slashes unescaped).
    static var sortedForTests: JSONEncoder { DSJSON.encoder() }
}
