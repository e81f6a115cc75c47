import DSToolCore
import DSToolKit
import XCTest
@testable import DSToolTrace

/// The plugin through the real host (InProcess): options, outputs, archives, bad input.
final class PluginTests: XCTestCase {
    func run(_ args: [String]) throws -> InProcess.Result { try InProcess.run(TracePlugin.self, ["trace", "--format", "json"] + args) }

    func write(_ dir: URL, _ name: String, _ text: String) throws -> String {
        let u = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: u, atomically: true, encoding: .utf8)
        return u.path
    }

    func sh(_ args: [String], cwd: URL) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        p.currentDirectoryURL = cwd
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, args.joined(separator: " "))
    }

    static let access = [
        accessLine("203.0.113.7", request: "GET /index.php?id=1%27%20union%20select%20user,pass%20from%20users-- HTTP/1.1", time: "15/Jan/2024:10:00:01 +0800"),
        accessLine("198.51.100.2", request: "GET /index.html HTTP/1.1", time: "15/Jan/2024:10:00:02 +0800"),
        accessLine("203.0.113.7", request: "GET /uploads/x.php?cmd=id HTTP/1.1", time: "15/Jan/2024:10:00:03 +0800", bytes: 40),
    ].joined(separator: "\n") + "\n"

    func testManifestMatchesTheFileAndListsEveryRule() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Manifests/trace.json")
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .newlines), TracePlugin.manifestJSON)
        let manifest = try PluginManifest.decode(Data(TracePlugin.manifestJSON.utf8))
        let listed = Dictionary(uniqueKeysWithValues: manifest.rules.map { ($0.id, $0.severity) })
        let sigma = SigmaEngine.load(builtin: true, dirs: [])
        var expected = TraceRules.builtin
        expected += sigma.rules.filter(\.generate).map(\.traceRule) + sigma.correlations.map(\.traceRule)
        var missing: [String] = []
        for r in expected where listed[r.id] != r.severity { missing.append("\(r.id) \(r.severity)") }
        XCTAssertEqual(missing, [])
        XCTAssertEqual(Set(listed.keys).count, manifest.rules.count)
    }

    func testUsageErrors() throws {
        let cases: [([String], String)] = [
            (["--tz", "Mars/Base"], "--tz: 'Mars/Base' is not a time zone"),
            (["--year", "20x4"], "--year: '20x4' is not a year"),
            (["--log-format", "no variables"], "--log-format: the log format has no $variables"),
            (["--log-type", "csv"], "--log-type: 'csv' is not one of"),
            (["--field-map", "time"], "--field-map: 'time' is not FIELD=KEY"),
            (["--finding-cap", "-1"], "--finding-cap: must be 0 or more"),
            (["--failures", "none"], "--failures: 'none' is not a whole number"),
            (["--ioc", "/nonexistent/iocs.txt"], "--ioc: cannot read /nonexistent/iocs.txt"),
            (["--timeline-format", "xml", "--timeline", "/tmp/x"], "--timeline-format: 'xml' is not one of csv, jsonl"),
        ]
        for (args, message) in cases {
            let r = try run(args + ["/dev/null"])
            XCTAssertEqual(r.exitCode, 2, args.joined(separator: " "))
            XCTAssertTrue(r.errors.contains { $0.reason.hasPrefix(message) }, "\(args): \(r.errors.map(\.reason))")
        }
    }

    func testOutputsTimelineReportAndDatabase() throws {
        let dir = try temporaryDirectory(self)
        let log = try write(dir, "access.log", PluginTests.access)
        let auth = try write(dir, "auth.log", "Jan 15 10:05:00 web1 sudo: www-data : TTY=unknown ; PWD=/var/www ; USER=root ; COMMAND=/bin/bash\n")
        let tl = dir.appendingPathComponent("timeline.csv"), jl = dir.appendingPathComponent("timeline.jsonl")
        let rep = dir.appendingPathComponent("report.json"), html = dir.appendingPathComponent("report.html")
        let db = dir.appendingPathComponent("events.sqlite")
        let r = try run(["--tz", "Asia/Shanghai", "--year", "2024", "--timeline", tl.path, "--incident-report", rep.path, "--db", db.path, log, auth])
        XCTAssertEqual(r.exitCode, 1)
        XCTAssertEqual(r.errors.map(\.reason), [])
        // Findings carry the raw line, the location and UTC time with the original text.
        let sqli = try XCTUnwrap(r.findings.first { $0.ruleId == "trace.web.sqli" })
        XCTAssertEqual(sqli.location.line, 1)
        XCTAssertEqual(sqli.location.input, log)
        XCTAssertEqual(sqli.properties?["time"]?.stringValue, "2024-01-15T02:00:01Z")
        XCTAssertEqual(sqli.properties?["time_original"]?.stringValue, "15/Jan/2024:10:00:01 +0800")
        XCTAssertTrue(sqli.evidence?.contains("union%20select") ?? false)
        let sudo = try XCTUnwrap(r.findings.first { $0.ruleId == "trace.auth.sudo" })
        XCTAssertEqual(sudo.properties?["zone_assumed"]?.stringValue, "Asia/Shanghai")
        XCTAssertEqual(sudo.properties?["time"]?.stringValue, "2024-01-15T02:05:00Z")
        // Timeline: header and one row per event of interest, in time order.
        // RFC 4180 line ends, as `--format csv`.
        let csvText = try String(contentsOf: tl, encoding: .utf8)
        XCTAssertTrue(csvText.hasSuffix("\r\n"))
        let csv = csvText.components(separatedBy: "\r\n").dropLast()
        XCTAssertEqual(csv.first, TimelineWriter.columns.joined(separator: ","))
        XCTAssertEqual(csv.count, 1 + 3)
        XCTAssertTrue(csv[1].hasPrefix("2024-01-15T02:00:01Z,15/Jan/2024:10:00:01 +0800,,203.0.113.7,"))
        XCTAssertTrue(csv[3].contains("run as www-data after 203.0.113.7 used a webshell"))
        // JSON incident report: one ranked source (the sudo attributed to it).
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: rep)) as? [String: Any]
        let sources = try XCTUnwrap(json?["sources"] as? [[String: Any]])
        XCTAssertEqual(sources.map { $0["source"] as? String }, ["203.0.113.7"])
        let chain = (sources[0]["kill_chain"] as? [[String: Any]])?.compactMap { $0["tactic"] as? String }
        XCTAssertEqual(chain, ["initial-access", "persistence", "privilege-escalation"])
        // The database holds every event.
        XCTAssertTrue(FileManager.default.fileExists(atPath: db.path))
        let rows = try sqliteCount(db.path, "SELECT count(*) FROM events")
        XCTAssertEqual(rows, 4)
        XCTAssertEqual(try sqliteCount(db.path, "SELECT count(*) FROM detections WHERE rule_id = 'trace.web.webshell'"), 1)
        XCTAssertEqual(try sqliteCount(db.path, "SELECT count(*) FROM timeline WHERE time_utc = '2024-01-15T02:00:02Z' AND src_ip = '198.51.100.2'"), 1)
        // Other formats of the same outputs.
        let r2 = try run(["--timeline", jl.path, "--incident-report", html.path, "--lang", "zh", log])
        XCTAssertEqual(r2.exitCode, 1)
        let first = try String(contentsOf: jl, encoding: .utf8).split(separator: "\n").first.map(String.init) ?? ""
        let row = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
        XCTAssertEqual(row?["source"] as? String, "203.0.113.7")
        let page = try String(contentsOf: html, encoding: .utf8)
        XCTAssertTrue(page.contains("攻击溯源事件报告"))
        XCTAssertTrue(page.contains("union%20select"))
        XCTAssertFalse(page.contains("<script"))
    }

    /// Timeline cells go through the same encoder as `--format csv`: quoting on bytes (CR LF too)
    /// and the spreadsheet formula guard, for text that an attacker wrote into a log.
    func testTimelineCellsAreEncodedLikeFormatCSV() {
        XCTAssertEqual(TimelineWriter.csvField(.null), "")
        XCTAssertEqual(TimelineWriter.csvField(.int(404)), "404")
        XCTAssertEqual(TimelineWriter.csvField(.string("=HYPERLINK(\"http://x\")")), "\"'=HYPERLINK(\"\"http://x\"\")\"")
        XCTAssertEqual(TimelineWriter.csvField(.string("GET /a,b HTTP/1.1\r\n")), "\"GET /a,b HTTP/1.1\r\n\"")
        XCTAssertEqual(TimelineWriter.csvField(.array([.string("trace.web.sqli"), .string("trace.web.scanner")])),
                       "trace.web.sqli trace.web.scanner")
        XCTAssertEqual(TimelineWriter.csvField(.array([.string("-x"), .string("y")])), "\"'-x y\"")
    }

    func testArchiveOfVarLogWithRotatedFiles() throws {
        let dir = try temporaryDirectory(self)
        _ = try write(dir, "var/log/nginx/access.log", PluginTests.access)
        _ = try write(dir, "var/log/auth.log.1", (0..<6).map { "Jan 15 09:5\($0):00 web1 sshd[4]: Failed password for root from 203.0.113.9 port 22 ssh2" }.joined(separator: "\n") + "\n")
        try sh(["gzip", "var/log/auth.log.1"], cwd: dir)
        _ = try write(dir, "var/log/auth.log", "Jan 15 10:00:00 web1 sshd[4]: Accepted password for root from 203.0.113.9 port 22 ssh2\n")
        try sh(["tar", "-czf", "logs.tar.gz", "var"], cwd: dir)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("var"))
        let archive = dir.appendingPathComponent("logs.tar.gz").path
        let r = try run([archive])
        XCTAssertEqual(r.errors.map(\.reason), [])
        let c = try XCTUnwrap(r.findings.first { $0.ruleId == "trace.auth.success-after-failures" })
        XCTAssertEqual(c.location.chain?.last, "var/log/auth.log")
        let w = try XCTUnwrap(r.findings.first { $0.ruleId == "trace.web.webshell" })
        XCTAssertEqual(w.location.chain, [archive, "var/log/nginx/access.log"])
        XCTAssertEqual(w.location.line, 3)
        let summary = try XCTUnwrap(r.data.first { $0.kind == "trace.summary" })
        XCTAssertEqual(summary.value["inputs"]?.intValue, 3)
    }

    func testBadInputIsReportedNotFatal() throws {
        let dir = try temporaryDirectory(self)
        var garbage = [UInt8](repeating: 0, count: 4096)
        for i in 0..<garbage.count { garbage[i] = UInt8((i * 7919 + 13) % 256) }
        let bin = dir.appendingPathComponent("wtmp")
        try Data(garbage).write(to: bin)
        let prose = try write(dir, "notes.txt", "Dear team,\nthe server was slow today.\nRegards\n")
        var mixed = PluginTests.access
        mixed += "Jan 15 10:00:09 web1 sshd[4]: Accepted password for bob from 198.51.100.9 port 22 ssh2\n"
        mixed += #"203.0.113.8 - - [15/Jan/2024:10:00:10 +0800] "GET /cut/off/here"# + "\n"
        mixed += accessLine("203.0.113.8", request: "GET /caf\u{FFFD}.html HTTP/1.1", time: "15/Jan/2024:09:00:00 +0800") + "\n"
        mixed += "random words that are not a log line\n"
        var bytes = Array(mixed.utf8)
        // A byte that is not UTF-8 inside a request.
        let target = Array("/caf\u{FFFD}.html".utf8)
        if let at = bytes.firstRange(of: target) { bytes.replaceSubrange(at, with: Array("/caf".utf8) + [0xE9] + Array(".html".utf8)) }
        let mixedPath = dir.appendingPathComponent("access.log")
        try Data(bytes).write(to: mixedPath)
        let r = try run([bin.path, prose, mixedPath.path])
        XCTAssertEqual(r.exitCode, 1)  // findings win over unreadable inputs
        let errors = Dictionary(uniqueKeysWithValues: r.errors.map { ($0.input, $0) })
        XCTAssertEqual(errors[bin.path]?.code, "trace.input.binary")
        XCTAssertEqual(errors[prose]?.code, "trace.input.unknown-format")
        XCTAssertEqual(errors[prose]?.reason, "not a recognised log format; first line: Dear team,")
        let quality = Dictionary(grouping: r.findings.filter { $0.category == "input-quality" }, by: \.ruleId)
        XCTAssertEqual(quality["trace.input.mixed-format"]?.first?.location.line, 4)
        XCTAssertEqual(quality["trace.input.truncated"]?.first?.location.line, 5)
        XCTAssertEqual(quality["trace.input.non-utf8"]?.first?.location.line, 6)
        XCTAssertEqual(quality["trace.input.clock-jump"]?.first?.location.line, 6)
        XCTAssertEqual(quality["trace.input.unparsed"]?.first?.location.line, 7)
        XCTAssertEqual(quality["trace.input.unparsed"]?.first?.evidence, "random words that are not a log line")
        XCTAssertTrue(quality.values.joined().allSatisfy { $0.severity == .info })
        // The attack in the good lines is still found.
        XCTAssertTrue(r.findings.contains { $0.ruleId == "trace.web.sqli" })
    }

    func testStdinAndOverlongLines() throws {
        let dir = try temporaryDirectory(self)
        let long = accessLine("203.0.113.9", request: "GET /?" + String(repeating: "a", count: 70_000) + " HTTP/1.1")
        let path = try write(dir, "big.log", PluginTests.access + long + "\n" + accessLine("203.0.113.9", request: "GET /.env HTTP/1.1") + "\n")
        let r = try run([path])
        XCTAssertEqual(r.findings.first { $0.ruleId == "trace.input.overlong-line" }?.properties?["count"]?.intValue, 1)
        XCTAssertEqual(r.findings.first { $0.ruleId == "trace.web.recon-probe" }?.location.line, 5)
    }

    func testFindingCap() throws {
        let dir = try temporaryDirectory(self)
        let lines = (0..<30).map { accessLine("203.0.113.9", request: "GET /.env?\($0) HTTP/1.1") }.joined(separator: "\n")
        let path = try write(dir, "a.log", lines)
        let r = try run(["--finding-cap", "10", "--no-builtin-rules", path])
        XCTAssertEqual(r.findings.filter { $0.ruleId == "trace.web.recon-probe" }.count, 10)
        let summary = try XCTUnwrap(r.data.first { $0.kind == "trace.summary" })
        XCTAssertEqual(summary.value["findings_not_listed"]?.intValue, 20)
        let all = try run(["--finding-cap", "0", "--no-builtin-rules", path])
        XCTAssertEqual(all.findings.filter { $0.ruleId == "trace.web.recon-probe" }.count, 30)
    }

    func testUserRulesDirectoryWithABadRule() throws {
        let dir = try temporaryDirectory(self)
        _ = try write(dir, "rules/good.yml", "title: Admin page\nid: custom-1\nlogsource: {category: webserver}\nlevel: medium\ndetection:\n  s: {cs-uri-stem|startswith: /admin}\n  condition: s\n")
        _ = try write(dir, "rules/bad.yml", "title: Broken\nlogsource: {category: webserver}\ndetection:\n  s: {cs-uri-stem|nosuch: x}\n  condition: s\n")
        let log = try write(dir, "a.log", accessLine("198.51.100.4", request: "GET /admin/users HTTP/1.1") + "\n")
        let r = try run(["--rules", dir.appendingPathComponent("rules").path, log])
        XCTAssertEqual(r.findings.map(\.ruleId), ["sigma.custom-1"])
        XCTAssertEqual(r.errors.count, 1)
        XCTAssertEqual(r.errors.first?.code, "trace.rule.invalid")
        XCTAssertTrue(r.errors.first?.input.hasSuffix("rules/bad.yml:4") ?? false, r.errors.first?.input ?? "")
    }
}

/// A count from an SQLite file (through the sqlite3 command-line shell, as a user would query it).
func sqliteCount(_ path: String, _ sql: String) throws -> Int {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["sqlite3", path, sql]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run(); p.waitUntilExit()
    let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return Int(out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
}
