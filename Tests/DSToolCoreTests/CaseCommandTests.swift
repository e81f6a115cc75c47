@testable import DSToolCore
import DSToolKit
import Foundation
import XCTest

/// `dstool case show|export|verify`: output, every export format against its schema, exit codes,
/// and bad input (missing file, not a case file, truncated file, bad arguments).
final class CaseCommandTests: XCTestCase {
    var dir: URL!
    var casePath: String { dir.appendingPathComponent("site.case").path }

    override func setUpWithError() throws {
        dir = TestSupport.tempDir()
        let a = dir.appendingPathComponent("a.txt").path, b = dir.appendingPathComponent("bad.txt").path
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: a))
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: b))
        _ = try InProcess.run(CaseTestPlugin.self, ["case-test", "--case", casePath, "--operator", "alice", a, b])
        _ = try InProcess.run(CaseTestPlugin.self, ["case-test", "--case", casePath, "--operator", "bob", a])
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    struct Out { var code: Int32; var out: String; var err: String }

    func caseCommand(_ args: [String]) throws -> Out {
        let inv = try Invocation.parse(["case"] + args) { $0 == "case" ? CaseCommand.options : [] }
        let out = TestSupport.Capture(), err = TestSupport.Capture()
        let lang = inv.globalValue("lang") ?? "en"
        let code = CaseCommand.run(inv, out: out.stream, err: err.stream, lang: lang, environment: [:])
        return Out(code: code, out: out.text, err: err.text)
    }

    func testShow() throws {
        let runs = try CaseFile(path: casePath).runs()
        let r = try caseCommand(["show", casePath])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.out.hasPrefix("case file \(casePath): 2 runs\nhead SHA-256 \(runs[1].sha256)\nhead SM3     \(runs[1].sm3)\n\nrun 1  "), r.out)
        XCTAssertTrue(r.out.contains("  operator alice  host "), r.out)
        XCTAssertTrue(r.out.contains("  input \(dir.path)/a.txt  6 bytes  SHA-256 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  SM3 f7a87a195b0cc0052b9d598482212ceb07e4ea60e8d139a5dfeff36c24abf2b3\n"), r.out)
        XCTAssertTrue(r.out.contains("  2 items, 1 finding (1 high), 1 error.\n"), r.out)
        XCTAssertTrue(r.out.contains("run 2  "), r.out)
        let zh = try caseCommand(["show", casePath, "--lang", "zh"])
        XCTAssertTrue(zh.out.hasPrefix("案卷文件 \(casePath)：共 2 次运行\n"), zh.out)
        XCTAssertTrue(zh.out.contains("操作人 bob"), zh.out)
        let json = try caseCommand(["show", casePath, "--format", "json"])
        let doc = try JSONDecoder().decode(JSONValue.self, from: Data(json.out.utf8))
        XCTAssertEqual(doc["runs"]?[1]?["seq"], 2)
        XCTAssertEqual(doc["runs"]?[1]?["prev_sha256"], .string(runs[0].sha256))
        XCTAssertEqual(doc["runs"]?[0]?["run"]?["operator"], "alice")
    }

    func testExportEveryFormatValidates() throws {
        let json = try caseCommand(["export", casePath, "--format", "json"])
        XCTAssertEqual(json.code, 0, json.err)
        XCTAssertEqual(try TestSupport.validate(json.out, schema: TestSupport.resultSchema, def: "caseExport"), "")
        let doc = try JSONDecoder().decode(JSONValue.self, from: Data(json.out.utf8))
        XCTAssertEqual(doc["runs"]?.arrayValue?.count, 2)
        XCTAssertEqual(doc["runs"]?[0]?["errors"]?.arrayValue?.count, 1)
        XCTAssertEqual(doc["runs"]?[1]?["run"]?["case"]?["run"], 2)

        let one = try caseCommand(["export", casePath, "--run", "2", "--format", "json"])
        XCTAssertEqual(try TestSupport.validate(one.out, schema: TestSupport.resultSchema, def: "document"), "")
        XCTAssertEqual(try JSONDecoder().decode(JSONValue.self, from: Data(one.out.utf8))["run"]?["operator"], "bob")

        let jsonl = try caseCommand(["export", casePath, "--format", "jsonl"])
        XCTAssertEqual(try TestSupport.validate(jsonl.out, schema: TestSupport.resultSchema, jsonl: true), "")
        XCTAssertEqual(jsonl.out.split(separator: "\n").map { $0.contains("\"type\":\"summary\"") }, [false, false, true, false, true])

        let sarif = try caseCommand(["export", casePath, "--format", "sarif"])
        XCTAssertEqual(try TestSupport.validate(sarif.out, schema: TestSupport.sarifSchema), "")
        XCTAssertEqual(try JSONDecoder().decode(JSONValue.self, from: Data(sarif.out.utf8))["runs"]?.arrayValue?.count, 2)

        let csv = try caseCommand(["export", casePath, "--format", "csv"])
        let lines = csv.out.components(separatedBy: "\r\n")
        XCTAssertEqual(lines.first, CSVReportWriter.header.joined(separator: ","))
        XCTAssertEqual(lines.count, 4, "one header, two findings, the empty end")

        let text = try caseCommand(["export", casePath, "--format", "text", "--run", "1"])
        XCTAssertTrue(text.out.hasPrefix("== run 1: dstool case-test --case \(casePath) --operator alice "), text.out)
        XCTAssertTrue(text.out.hasSuffix("2 items, 1 finding (1 high), 1 error.\nRecorded in case \(casePath) as run 1 (SHA-256 \(try CaseFile(path: casePath).runs()[0].sha256), SM3 \(try CaseFile(path: casePath).runs()[0].sm3)).\n"), text.out)

        let report = dir.appendingPathComponent("report.sarif").path
        let toFile = try caseCommand(["export", casePath, "--format", "sarif", "--report", report])
        XCTAssertEqual(toFile.out, "")
        XCTAssertEqual(try String(contentsOfFile: report, encoding: .utf8), sarif.out)
    }

    func testVerifyExitCodes() throws {
        let ok = try caseCommand(["verify", casePath])
        XCTAssertEqual(ok.code, 0)
        XCTAssertTrue(ok.out.hasPrefix("ok: \(casePath): 2 runs, 3 records, hash chain intact.\n"), ok.out)
        let head = try CaseFile(path: casePath).runs()[0].sha256
        let anchored = try caseCommand(["verify", casePath, "--head", head.uppercased()])
        XCTAssertEqual(anchored.code, 0)
        XCTAssertTrue(anchored.out.contains("The given hash is run 1's.\n"), anchored.out)

        let db = try SQLiteDatabase(path: casePath, mode: .readWrite)
        try db.exec("DROP TRIGGER records_no_update; UPDATE records SET json = replace(json, 'high', 'info') WHERE run = 2")
        let bad = try caseCommand(["verify", casePath])
        XCTAssertEqual(bad.code, 1)
        XCTAssertTrue(bad.out.hasPrefix("FAILED: \(casePath):\n  the append-only triggers were removed: records_no_update\n  run 2: its findings or errors were changed (content hash differs)\n"), bad.out)
        let json = try caseCommand(["verify", casePath, "--format", "json"])
        XCTAssertEqual(json.code, 1)
        let doc = try JSONDecoder().decode(JSONValue.self, from: Data(json.out.utf8))
        XCTAssertEqual(doc["ok"], false)
        XCTAssertEqual(doc["problems"]?.arrayValue?.count, 2)
    }

    func testExportRefusesARunChangedAfterRecording() throws {
        let db = try SQLiteDatabase(path: casePath, mode: .readWrite)
        try db.exec("DROP TRIGGER records_no_update; UPDATE records SET json = '{\"type\":\"finding\"}' WHERE run = 2")
        for format in ["jsonl", "json", "csv", "sarif", "text"] {
            let r = try caseCommand(["export", casePath, "--format", format])
            XCTAssertEqual(r.code, 3, format)
            XCTAssertEqual(r.out, "", "nothing is exported from a changed case")
            XCTAssertEqual(r.err, "dstool: case export: \(casePath): run 2 does not match its recorded hashes: it was changed after it was recorded (see 'dstool case verify')\n")
        }
        // Run 1 is intact and can still be exported on its own.
        XCTAssertEqual(try caseCommand(["export", casePath, "--run", "1", "--format", "jsonl"]).code, 0)
        XCTAssertEqual(try caseCommand(["verify", casePath]).code, 1)
    }

    func testBadInput() throws {
        let missing = dir.appendingPathComponent("missing.case").path
        XCTAssertEqual(try caseCommand(["show", missing]).err, "dstool: case show: \(missing): no such file\n")
        XCTAssertEqual(try caseCommand(["verify", missing]).code, 3)
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "reading never creates a case file")

        let text = dir.appendingPathComponent("a.txt").path
        let notCase = try caseCommand(["export", text])
        XCTAssertEqual(notCase.code, 3)
        XCTAssertEqual(notCase.err, "dstool: case export: \(text): not a dstool case file (not an SQLite database)\n")

        let whole = try Data(contentsOf: URL(fileURLWithPath: casePath))
        let cut = dir.appendingPathComponent("cut.case")
        try whole.prefix(60).write(to: cut)
        let truncated = try caseCommand(["verify", cut.path])
        XCTAssertEqual(truncated.code, 3)
        XCTAssertEqual(truncated.err, "dstool: case verify: \(cut.path): damaged case file: truncated to 60 bytes\n")

        XCTAssertEqual(try caseCommand([]).code, 2)
        XCTAssertEqual(try caseCommand(["frob", casePath]).err, "dstool: case needs show, export or verify, then the case file (e.g. 'dstool case show evidence.case')\n")
        XCTAssertEqual(try caseCommand(["show"]).err, "dstool: case show needs exactly one case file\n")
        XCTAssertEqual(try caseCommand(["show", casePath, "--run", "1"]).err, "dstool: case show: --run is for export\n")
        XCTAssertEqual(try caseCommand(["show", casePath, "--format", "sarif"]).err, "dstool: --format: 'sarif' is not one of text, json for case show\n")
        XCTAssertEqual(try caseCommand(["export", casePath, "--run", "x"]).err, "dstool: --run: 'x' is not a run number\n")
        let noRun = try caseCommand(["export", casePath, "--run", "9"])
        XCTAssertEqual(noRun.code, 2)
        XCTAssertEqual(noRun.err, "dstool: case export: \(casePath) has no run 9 (it has runs 1–2)\n")
        XCTAssertEqual(try caseCommand(["verify", casePath, "--head", "abc"]).err, "dstool: --head: 'abc' is not a 64-digit SHA-256 or SM3 hash\n")
        XCTAssertThrowsError(try caseCommand(["show", casePath, "--bogus"]))
    }
}
