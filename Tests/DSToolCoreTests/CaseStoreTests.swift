@testable import DSToolCore
import DSToolKit
import Foundation
import XCTest

/// The case file: append-only, hash-chained, atomic per run, safe under concurrent writers, and
/// clear about files that are not case files. Tampering is done on the SQLite file directly.
final class CaseStoreTests: XCTestCase {
    var dir: URL!
    var path: String { dir.appendingPathComponent("evidence.case").path }

    override func setUp() { dir = TestSupport.tempDir() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func finding(_ rule: String, _ severity: Severity = .high, input: String = "a.csv") -> Record {
        .finding(Finding(ruleId: rule, title: LocalizedText(en: rule, zh: rule), category: "test", severity: severity,
                         location: Location(input: input, line: 1), evidence: "e"))
    }

    @discardableResult
    func recordRun(_ records: [Record], command: String = "scan", at path: String? = nil) throws -> RunInfo.CaseRef {
        let store = try CaseStore.open(path: path ?? self.path)
        var run = TestSupport.fixedRun(command: command)
        run.targets = [RunTarget(input: "a.csv", size: 6, sha256: String(repeating: "1", count: 64), sm3: String(repeating: "2", count: 64))]
        try store.begin(run: run)
        for r in records { store.record(r, raw: Data()) }
        try store.finish(run: run)
        return store.recorded!
    }

    /// Three runs: 2, 1 and 2 records.
    func threeRuns() throws -> [RunInfo.CaseRef] {
        [try recordRun([finding("r.one"), .error(ErrorRecord(input: "b.zip", reason: "truncated", code: "input.corrupt"))]),
         try recordRun([finding("r.two", .low)], command: "trace"),
         try recordRun([finding("r.three"), finding("r.four", .info)], command: "comply")]
    }

    /// Changes the file as someone with sqlite3 could: the triggers are dropped, the SQL runs, and
    /// the triggers are put back, so only the hash chain can tell.
    func tamper(_ sql: String, keepTriggersOff: Bool = false) throws {
        let db = try SQLiteDatabase(path: path, mode: .readWrite)
        let s = try db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        var triggers: [(String, String)] = []
        while try s.step() { triggers.append((s.text(0)!, s.text(1)!)) }
        for (name, _) in triggers { try db.exec("DROP TRIGGER \(name)") }
        try db.exec(sql)
        if !keepTriggersOff { for (_, sql) in triggers { try db.exec(sql) } }
    }

    func problems() throws -> [String] { try CaseFile(path: path).verify().problems }

    func testRunsAreChainedAsDocumented() throws {
        let refs = try threeRuns()
        XCTAssertEqual(refs.map(\.run), [1, 2, 3])
        let file = try CaseFile(path: path)
        let runs = try file.runs()
        XCTAssertEqual(runs.map(\.records), [2, 1, 2])
        XCTAssertEqual(runs[0].prevSHA256, String(repeating: "0", count: 64))
        XCTAssertEqual(runs[1].prevSHA256, runs[0].sha256)
        XCTAssertEqual(runs[2].prevSM3, runs[1].sm3)
        XCTAssertEqual(runs[2].sha256, refs[2].sha256)
        // Recompute run 2's hashes from the formula in the README, independently of CaseFormat.link.
        var records = ""
        try file.forEachRecordJSON(run: 2) { _, bytes in records += String(decoding: bytes, as: UTF8.self) + "\n" }
        XCTAssertEqual(records, #"{"category":"test","evidence":"e","fingerprint":"\#(Fingerprint.make(ruleId: "r.two", location: Location(input: "a.csv", line: 1), evidence: "e"))","location":{"input":"a.csv","line":1},"rule_id":"r.two","severity":"low","title":{"en":"r.two","zh":"r.two"},"type":"finding"}"# + "\n")
        XCTAssertEqual(Digest.sha256Hex(Array(records.utf8)), runs[1].contentSHA256)
        XCTAssertEqual(Digest.sm3Hex(Array(records.utf8)), runs[1].contentSM3)
        let link = "{\"content_sha256\":\"\(runs[1].contentSHA256)\",\"content_sm3\":\"\(runs[1].contentSM3)\",\"format\":\"dstool-case-1\","
            + "\"prev_sha256\":\"\(runs[0].sha256)\",\"prev_sm3\":\"\(runs[0].sm3)\",\"records\":1,\"run\":\(runs[1].runJSON),\"seq\":2}"
        XCTAssertEqual(Digest.sha256Hex(Array(link.utf8)), runs[1].sha256)
        XCTAssertEqual(Digest.sm3Hex(Array(link.utf8)), runs[1].sm3)
        XCTAssertEqual(runs[1].run?.command, "trace")
        XCTAssertNil(runs[1].run?.caseRecord, "the stored run record does not contain its own place in the case")

        let v = file.verify(head: refs[1].sm3)
        XCTAssertEqual(v.problems, [])
        XCTAssertEqual(v.runs, 3)
        XCTAssertEqual(v.records, 5)
        XCTAssertEqual(v.anchoredRun, 2)
        XCTAssertEqual(v.headSHA256, refs[2].sha256)
        let db = try SQLiteDatabase(path: path, mode: .readOnly)
        XCTAssertEqual(try db.scalarInt("PRAGMA application_id"), 0x4453_5443)
        XCTAssertEqual(try db.scalarText("SELECT group_concat(rule_id || ':' || severity, ' ') FROM records WHERE type = 'finding'"),
                       "r.one:high r.two:low r.three:high r.four:info")
        XCTAssertEqual(try db.scalarText("SELECT group_concat(input || ':' || sha256, ' ') FROM inputs WHERE run = 1"),
                       "a.csv:" + String(repeating: "1", count: 64))
    }

    func testTriggersRefuseChangesAndOutOfOrderRuns() throws {
        _ = try threeRuns()
        let db = try SQLiteDatabase(path: path, mode: .readWrite)
        for sql in ["UPDATE records SET json = '{}' WHERE run = 1", "DELETE FROM runs WHERE seq = 3", "DELETE FROM inputs",
                    "UPDATE meta SET value = 'x'", "DELETE FROM records"] {
            XCTAssertThrowsError(try db.exec(sql), sql) { XCTAssertEqual("\($0)", "dstool case files are append-only") }
        }
        XCTAssertThrowsError(try db.exec("INSERT INTO runs(seq, run_json, records, content_sha256, content_sm3, prev_sha256, prev_sm3, sha256, sm3) VALUES (7, '{}', 0, '', '', '', '', '', '')")) {
            XCTAssertEqual("\($0)", "dstool case files are append-only: runs are numbered in order")
        }
        XCTAssertEqual(try problems(), [])
    }

    func testChangedFindingIsNamed() throws {
        _ = try threeRuns()
        try tamper("UPDATE records SET json = replace(json, '\"low\"', '\"info\"') WHERE run = 2")
        XCTAssertEqual(try problems(), ["run 2: its findings or errors were changed (content hash differs)"])
    }

    func testRewrittenRunWithRecomputedHashesBreaksTheNextLink() throws {
        _ = try threeRuns()
        try tamper("UPDATE records SET json = replace(json, '\"low\"', '\"info\"') WHERE run = 2")
        // Recompute run 2's content and link hashes as an attacker who knows the format would.
        let file = try CaseFile(path: path)
        var content = Data()
        try file.forEachRecordJSON(run: 2) { _, b in content.append(contentsOf: b); content.append(10) }
        let r2 = try file.runs()[1]
        let cs = Digest.sha256Hex(Array(content)), cm = Digest.sm3Hex(Array(content))
        let link = Data(r2.runJSON.utf8).withUnsafeBytes {
            CaseFormat.link(seq: 2, runJSON: $0, records: 1, contentSHA256: cs, contentSM3: cm, prevSHA256: r2.prevSHA256, prevSM3: r2.prevSM3)
        }
        try tamper("UPDATE runs SET content_sha256 = '\(cs)', content_sm3 = '\(cm)', sha256 = '\(link.sha256)', sm3 = '\(link.sm3)' WHERE seq = 2")
        XCTAssertEqual(try problems(), ["run 3: not chained to run 2 (run 2 was rewritten, or a run was inserted or deleted between them)"])
    }

    func testChangedRunRecordIsNamed() throws {
        _ = try threeRuns()
        try tamper("UPDATE runs SET run_json = replace(run_json, '\"alice\"', '\"mallory\"') WHERE seq = 1")
        XCTAssertEqual(try problems(), ["run 1: its run record or hashes were changed (link hash differs)"])
    }

    func testDeletedRunIsNamed() throws {
        _ = try threeRuns()
        try tamper("DELETE FROM runs WHERE seq = 2; DELETE FROM records WHERE run = 2; DELETE FROM inputs WHERE run = 2")
        XCTAssertEqual(try problems(), [
            "run 2 is missing: deleted from the case",
            "run 3: not chained to run 1 (run 1 was rewritten, or a run was inserted or deleted between them)",
        ])
    }

    func testDeletedRunLeavingItsRecordsIsNamed() throws {
        _ = try threeRuns()
        try tamper("DELETE FROM runs WHERE seq = 2")
        let p = try problems()
        XCTAssertTrue(p.contains("records of run 2, which is not in the case (the run was deleted)"), "\(p)")
        XCTAssertTrue(p.contains("inputs of run 2, which is not in the case (the run was deleted)"), "\(p)")
    }

    func testDeletedRecordIsNamed() throws {
        _ = try threeRuns()
        try tamper("DELETE FROM records WHERE run = 1 AND seq = 1")
        XCTAssertEqual(try problems(), ["run 1: has 1 records, recorded with 2 (numbering has gaps) — records were deleted or inserted"])
    }

    func testReorderedRunsAreNamed() throws {
        _ = try threeRuns()
        try tamper("UPDATE runs SET seq = -2 WHERE seq = 2; UPDATE runs SET seq = 2 WHERE seq = 3; UPDATE runs SET seq = 3 WHERE seq = -2")
        let p = try problems()
        XCTAssertTrue(p.contains("run 2: not chained to run 1 (run 1 was rewritten, or a run was inserted or deleted between them)"), "\(p)")
        XCTAssertTrue(p.contains("run 3: not chained to run 2 (run 2 was rewritten, or a run was inserted or deleted between them)"), "\(p)")
        XCTAssertTrue(p.contains("run 2: its run record or hashes were changed (link hash differs)"), "\(p)")
        XCTAssertFalse(p.contains { $0.hasPrefix("run 1:") }, "\(p)")
    }

    func testInsertedRunIsNamed() throws {
        _ = try threeRuns()
        // A forged run 4 that claims to follow run 2.
        let r = try CaseFile(path: path).runs()
        try tamper("INSERT INTO runs(seq, run_json, records, content_sha256, content_sm3, prev_sha256, prev_sm3, sha256, sm3) VALUES (4, '\(r[2].runJSON)', 0, '\(Digest.sha256Hex([]))', '\(Digest.sm3Hex([]))', '\(r[1].sha256)', '\(r[1].sm3)', '\(r[2].sha256)', '\(r[2].sm3)')")
        let p = try problems()
        XCTAssertTrue(p.contains("run 4: not chained to run 3 (run 3 was rewritten, or a run was inserted or deleted between them)"), "\(p)")
    }

    func testRemovingTheLastRunNeedsTheHeadToBeSeen() throws {
        let refs = try threeRuns()
        try tamper("DELETE FROM runs WHERE seq = 3; DELETE FROM records WHERE run = 3; DELETE FROM inputs WHERE run = 3")
        // A chain cut at its end is still a valid chain: only a head noted earlier shows the loss.
        XCTAssertEqual(try problems(), [])
        let v = try CaseFile(path: path).verify(head: refs[2].sha256)
        XCTAssertEqual(v.problems, ["no run has the hash \(refs[2].sha256): runs recorded up to it were deleted or rewritten"])
    }

    func testRemovedTriggersAreReported() throws {
        _ = try threeRuns()
        try tamper("SELECT 1", keepTriggersOff: true)
        XCTAssertEqual(try problems(), ["the append-only triggers were removed: meta_no_update, meta_no_delete, runs_no_update, runs_no_delete, inputs_no_update, inputs_no_delete, records_no_update, records_no_delete, runs_in_order"])
    }

    func testAbandonedRunLeavesTheFileAsItWas() throws {
        try recordRun([finding("r.one")])
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let store = try CaseStore.open(path: path)
        try store.begin(run: TestSupport.fixedRun())
        for _ in 0..<1000 { store.record(finding("r.x"), raw: Data()) }
        store.abandon()
        XCTAssertThrowsError(try store.finish(run: TestSupport.fixedRun()))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["evidence.case"], "no staging file is left behind")
    }

    func testLargeRunIsStagedOnDisk() throws {
        StagingFile.bufferLimit = 4096
        defer { StagingFile.bufferLimit = 1 << 20 }
        let n = 3_000
        let store = try CaseStore.open(path: path)
        try store.begin(run: TestSupport.fixedRun())
        for i in 0..<n { store.record(finding("r.\(i % 7)", input: "f\(i).csv"), raw: Data()) }
        try store.finish(run: TestSupport.fixedRun())
        let v = try CaseFile(path: path).verify()
        XCTAssertEqual(v.problems, [])
        XCTAssertEqual(v.records, Int64(n))
    }

    func testConcurrentWritersQueueOnTheLock() throws {
        // The file does not exist yet: creating it races too.
        let errors = NSMutableArray()
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for i in 0..<3 {
                do { try self.recordRun([self.finding("t\(t).r\(i)"), self.finding("t\(t).s\(i)")]) }
                catch { errors.add("\(error)") }
            }
        }
        XCTAssertEqual(errors.count, 0, "\(errors)")
        let v = try CaseFile(path: path).verify()
        XCTAssertEqual(v.problems, [])
        XCTAssertEqual(v.runs, 12)
        XCTAssertEqual(v.records, 24)
    }

    func testFilesThatAreNotCaseFiles() throws {
        func openError(_ p: String, write: Bool) -> String {
            do {
                if write { _ = try CaseStore.open(path: p) } else { _ = try CaseFile(path: p) }
                return "opened"
            } catch { return "\(error)" }
        }
        let text = dir.appendingPathComponent("notes.txt").path
        try Data("just some notes\n".utf8).write(to: URL(fileURLWithPath: text))
        XCTAssertEqual(openError(text, write: true), "not a dstool case file (not an SQLite database)")
        XCTAssertEqual(openError(text, write: false), "not a dstool case file (not an SQLite database)")
        XCTAssertEqual(try String(contentsOfFile: text, encoding: .utf8), "just some notes\n", "the file is left alone")

        let other = dir.appendingPathComponent("other.sqlite").path
        try SQLiteDatabase(path: other, mode: .create).exec("CREATE TABLE customers(name TEXT); INSERT INTO customers VALUES ('x')")
        XCTAssertEqual(openError(other, write: true), "not a dstool case file (an SQLite database of another application)")
        XCTAssertEqual(openError(other, write: false), "not a dstool case file (an SQLite database of another application)")

        XCTAssertEqual(openError(dir.appendingPathComponent("missing.case").path, write: false), "no such file")
        XCTAssertEqual(openError(dir.path, write: true), "is a folder, not a dstool case file")

        try recordRun([finding("r.one")])
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = dir.appendingPathComponent("cut.case").path
        try whole.prefix(50).write(to: URL(fileURLWithPath: cut))
        XCTAssertEqual(openError(cut, write: false), "damaged case file: truncated to 50 bytes")
        // A writer leaves a short file to SQLite (it may be another writer's file in the making).
        XCTAssertEqual(openError(cut, write: true), "damaged case file: database disk image is malformed")

        // An empty file (e.g. from mktemp) becomes a case file when recorded into; it is not one to read.
        let empty = dir.appendingPathComponent("empty.case").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        XCTAssertEqual(openError(empty, write: false), "not a dstool case file (an empty SQLite database)")
        try recordRun([finding("r.one")], at: empty)
        XCTAssertEqual(try CaseFile(path: empty).verify().runs, 1)
    }

    func testHalfTruncatedCaseFileIsReportedDamaged() throws {
        for i in 0..<20 { try recordRun((0..<50).map { finding("r.\(i).\($0)") }) }
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertGreaterThan(whole.count, 8192)
        let cut = dir.appendingPathComponent("cut.case")
        try whole.prefix(whole.count / 2).write(to: cut)
        let outcome: String
        do {
            let v = try CaseFile(path: cut.path).verify()
            outcome = v.problems.first ?? "ok"
        } catch { outcome = "\(error)" }
        XCTAssertTrue(outcome.hasPrefix("damaged"), outcome)
    }
}
