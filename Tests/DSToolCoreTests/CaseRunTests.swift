@testable import DSToolCore
import DSToolKit
import Foundation
import XCTest

/// `--case FILE` through the real host (in process): what a run records, and that failed or
/// interrupted runs never leave the case half-written.
final class CaseRunTests: XCTestCase {
    var dir: URL!
    var casePath: String { dir.appendingPathComponent("site.case").path }
    var good: String { dir.appendingPathComponent("good.txt").path }
    var bad: String { dir.appendingPathComponent("bad.txt").path }

    override func setUpWithError() throws {
        dir = TestSupport.tempDir()
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: good))
        try Data("a,b\n1,2\n".utf8).write(to: URL(fileURLWithPath: bad))
    }
    override func tearDown() {
        InterruptWatcher.flag = 0
        try? FileManager.default.removeItem(at: dir)
    }

    func testRunRecordsOperatorInputsDigestsAndEveryRecord() throws {
        let r = try InProcess.run(CaseTestPlugin.self, ["case-test", "--case", casePath, "--operator", "inspector 王", "--format", "json", good, bad])
        XCTAssertEqual(r.exitCode, ExitCode.findings)
        XCTAssertEqual(r.findings.count, 1)
        XCTAssertEqual(r.errors.map(\.line), ["\(bad): cannot parse"])
        // The report says where the run is recorded.
        let doc = try JSONDecoder().decode(JSONValue.self, from: Data(r.report.utf8))
        let file = try CaseFile(path: casePath)
        let runs = try file.runs()
        XCTAssertEqual(runs.count, 1)
        XCTAssertEqual(doc["run"]?["case"], ["file": .string(casePath), "run": 1, "sha256": .string(runs[0].sha256), "sm3": .string(runs[0].sm3)])
        XCTAssertEqual(try TestSupport.validate(r.report, schema: TestSupport.resultSchema, def: "document"), "")

        let run = try XCTUnwrap(runs[0].run)
        XCTAssertEqual(run.operator, "inspector 王")
        XCTAssertEqual(run.commandLine, ["dstool", "case-test", "--case", casePath, "--operator", "inspector 王", "--format", "json", good, bad])
        XCTAssertEqual(run.plugin?.id, "casetest")
        XCTAssertEqual(run.exitCode, 1)
        XCTAssertEqual(run.counts?.items, 2)
        XCTAssertFalse(run.host.isEmpty)
        XCTAssertNotNil(run.ended)
        // Each input with SHA-256 and SM3 (values from sha256sum and `openssl dgst -sm3`).
        XCTAssertEqual(run.targets.map(\.input), [good, bad])
        XCTAssertEqual(run.targets[0].sha256, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
        XCTAssertEqual(run.targets[0].sm3, "f7a87a195b0cc0052b9d598482212ceb07e4ea60e8d139a5dfeff36c24abf2b3")
        XCTAssertEqual(run.targets[1].sha256, "492d5ea496056f1a6a6592241032fab764c321596317930b4fa0e1e8bc3b7470")
        XCTAssertEqual(run.targets[1].sm3, "b8be195ab6507082565000c8505dfa479a76daba330c3f85fd7c678e7e0f58ec")
        XCTAssertEqual(run.targets[0].size, 6)
        // Every record, as the report saw it.
        var stored: [Record] = []
        try file.forEachRecord(run: 1) { rec, _ in stored.append(rec) }
        XCTAssertEqual(stored, r.records)
        XCTAssertEqual(file.verify().problems, [])
    }

    func testSecondRunAppendsAndTheTextReportNamesIt() throws {
        _ = try InProcess.run(CaseTestPlugin.self, ["case-test", "--case", casePath, good])
        let r = try InProcess.run(CaseTestPlugin.self, ["case-test", "--case", casePath, "--lang", "zh", good])
        let runs = try CaseFile(path: casePath).runs()
        XCTAssertEqual(runs.count, 2)
        XCTAssertTrue(r.report.hasSuffix("已记录到案卷 \(casePath)，第 2 次运行（SHA-256 \(runs[1].sha256)，SM3 \(runs[1].sm3)）。\n"), r.report)
    }

    func testFailingPluginStillLeavesAConsistentCase() throws {
        let r = try InProcess.run(CaseTestPlugin.self, ["case-test", "--case", casePath, "--throw", "--format", "jsonl", good, bad])
        XCTAssertEqual(r.exitCode, ExitCode.findings, "the high finding decides, as documented")
        XCTAssertEqual(r.errors.map(\.reason), ["cannot parse", "plugin gave up"])
        let file = try CaseFile(path: casePath)
        XCTAssertEqual(file.verify().problems, [])
        var stored: [Record] = []
        try file.forEachRecord(run: 1) { rec, _ in stored.append(rec) }
        XCTAssertEqual(stored, r.records)
    }

    func testInterruptedRunIsNotRecorded() throws {
        _ = try InProcess.run(CaseTestPlugin.self, ["case-test", "--case", casePath, good])
        let before = try Data(contentsOf: URL(fileURLWithPath: casePath))
        let r = try InProcess.run(CaseTestPlugin.self, ["case-test", "--case", casePath, "--interrupt", "--format", "jsonl", good, bad])
        XCTAssertEqual(r.exitCode, ExitCode.inputErrors)
        XCTAssertTrue(r.report.contains("dstool: --case \(casePath): the run was interrupted; it is not recorded\n"), r.report)
        XCTAssertEqual(r.errors.count, 0, "the plugin stopped after the first item")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: casePath)), before)
        XCTAssertEqual(try CaseFile(path: casePath).verify().runs, 1)
    }

    func testUnusableCaseFileStopsTheRunBeforeItStarts() throws {
        let notes = dir.appendingPathComponent("notes.txt").path
        try Data("notes\n".utf8).write(to: URL(fileURLWithPath: notes))
        let r = try InProcess.run(CaseTestPlugin.self, ["case-test", "--case", notes, good])
        XCTAssertEqual(r.exitCode, ExitCode.usage)
        XCTAssertEqual(r.report, "dstool: --case \(notes): not a dstool case file (not an SQLite database)\n")
        XCTAssertEqual(r.records.count, 0, "the plugin did not run")
        XCTAssertEqual(try String(contentsOfFile: notes, encoding: .utf8), "notes\n")
    }

    func testExitCodes() throws {
        // 1: a finding at or above --fail-on; 0 when below; 3: unreadable input and nothing at or above; 2: usage.
        XCTAssertEqual(try InProcess.run(CaseTestPlugin.self, ["case-test", good]).exitCode, 1)
        XCTAssertEqual(try InProcess.run(CaseTestPlugin.self, ["case-test", "--fail-on", "critical", good]).exitCode, 0)
        XCTAssertEqual(try InProcess.run(CaseTestPlugin.self, ["case-test", "--fail-on", "none", good, bad]).exitCode, 3)
        XCTAssertEqual(try InProcess.run(CaseTestPlugin.self, ["case-test", bad]).exitCode, 3)
        XCTAssertEqual(try InProcess.run(CaseTestPlugin.self, ["case-test", "--fail-on", "none", dir.appendingPathComponent("missing").path]).exitCode, 3)
        XCTAssertEqual(try InProcess.run(CaseTestPlugin.self, ["case-test", "--format", "xml", good]).exitCode, 2)
        XCTAssertEqual(try InProcess.run(CaseTestPlugin.self, ["case-test", "--fail-on", "severe", good]).exitCode, 2)
    }
}
