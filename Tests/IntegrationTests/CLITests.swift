import DSToolKit
import Foundation
import XCTest

/// The dstool command line: help in two languages, usage errors, exit codes, the example evidence.
final class CLITests: XCTestCase {
    var prefix: URL!
    override func setUpWithError() throws { prefix = try Built.install() }
    override func tearDown() { try? FileManager.default.removeItem(at: prefix) }

    func testHelpInEnglishAndChinese() throws {
        let en = try Built.dstool(prefix, ["help"])
        XCTAssertEqual(en.status, 0)
        let inventoryLine = en.stdout.split(separator: "\n").first { $0.hasPrefix("  inventory ") }
        XCTAssertEqual(inventoryLine?.split(separator: " ", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces),
                       "Fix evidence: every input item, inside archives too, with type, size, SHA-256 and SM3", en.stdout)
        let zh = try Built.dstool(prefix, ["help", "--lang", "zh"])
        XCTAssertTrue(zh.stdout.contains("证据固定：列出每个输入项"), zh.stdout)
        XCTAssertTrue(zh.stdout.contains("用法: dstool 命令"), zh.stdout)
        let locale = try Built.dstool(prefix, ["help"], env: ["LANG": "zh_CN.UTF-8"])
        XCTAssertTrue(locale.stdout.contains("证据固定"), locale.stdout)
        let cmd = try Built.dstool(prefix, ["help", "inventory"])
        XCTAssertTrue(cmd.stdout.hasPrefix("usage: dstool inventory [--entries-only] PATH...\n"), cmd.stdout)
        // A flag longer than the help column gets a line of its own, whole.
        let mask = try Built.dstool(prefix, ["help", "mask"])
        let indent = String(repeating: " ", count: 32)
        XCTAssertTrue(mask.stdout.contains("\n  --output-encoding utf-8|gb18030|same\n\(indent)encoding of the masked output: "), mask.stdout)
        XCTAssertTrue(mask.stdout.contains("\n  --on-invalid leave|redact|fail\n\(indent)values that do not fit "), mask.stdout)
        XCTAssertTrue(mask.stdout.contains("\n  --k N                         report k-anonymity"), mask.stdout)
    }

    func testUsageErrorsExitTwo() throws {
        let unknown = try Built.dstool(prefix, ["frobnicate"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertEqual(unknown.stderr, "dstool: unknown command 'frobnicate'\nTry 'dstool help'.\n")
        let badOpt = try Built.dstool(prefix, ["inventory", "--bogus", "x"])
        XCTAssertEqual(badOpt.status, 2)
        XCTAssertEqual(badOpt.stderr, "dstool: unknown option --bogus for 'inventory'\nTry 'dstool help'.\n")
        let badFormat = try Built.dstool(prefix, ["inventory", "--format", "xml", "x"])
        XCTAssertEqual(badFormat.status, 2)
        XCTAssertEqual(badFormat.stderr, "dstool: --format: 'xml' is not one of text, json, jsonl, sarif, csv\n")
        for (jobs, message) in [("0", "'0' is not a positive whole number"), ("-1", "'-1' is not a positive whole number"),
                                ("two", "'two' is not a positive whole number"),
                                ("100000", "'100000' is more than 256 (each job is a thread with its own buffers)")] {
            let badJobs = try Built.dstool(prefix, ["inventory", "--jobs", jobs, "x"])
            XCTAssertEqual(badJobs.status, 2, jobs)
            XCTAssertEqual(badJobs.stderr, "dstool: --jobs: \(message)\n")
        }
        for args in [["inventory", "--report", "", "x"], ["inventory", "--case=", "x"], ["keygen", "-o", ""],
                     ["crypto-audit", "--cbom", "", "x"]] {
            let empty = try Built.dstool(prefix, args)
            XCTAssertEqual(empty.status, 2, "\(args)")
            let option = args[1].hasPrefix("--case") ? "--case" : args[1] == "-o" ? "--output" : args[1]
            XCTAssertEqual(empty.stderr, "dstool: option \(option) needs a file name, not an empty one\nTry 'dstool help'.\n", "\(args)")
        }
        let badFail = try Built.dstool(prefix, ["inventory", "--fail-on", "severe", "x"])
        XCTAssertEqual(badFail.status, 2)
        XCTAssertEqual(try Built.dstool(prefix, []).status, 2)
    }

    /// One-character output names: Foundation's deletingLastPathComponent trapped on them.
    func testOneCharacterOutputPathsAreWritten() throws {
        let d = Built.tempDir()
        try Data("ok\n".utf8).write(to: d.appendingPathComponent("a.txt"))
        let report = try Built.dstool(prefix, ["inventory", "--format", "json", "--report", "r", "--case", "c", "a.txt"], cwd: d)
        XCTAssertEqual(report.status, 0, report.stderr)
        let keygen = try Built.dstool(prefix, ["keygen", "-o", "k"], cwd: d)
        XCTAssertEqual(keygen.status, 0, keygen.stderr)
        try Data("Jan 15 10:00:01 web sshd[1]: Accepted password for root from 203.0.113.7 port 22 ssh2\n".utf8)
            .write(to: d.appendingPathComponent("auth.log"))
        let trace = try Built.dstool(prefix, ["trace", "--db", "t", "auth.log"], cwd: d)
        XCTAssertNotEqual(trace.status, 3, trace.stderr)
        XCTAssertTrue(trace.stderr.isEmpty, trace.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: d.path).sorted()
        XCTAssertEqual(names, ["a.txt", "auth.log", "c", "k", "k.pub", "r", "t"])
    }

    func testMissingInputIsReportedAndRunContinues() throws {
        let d = Built.tempDir()
        try Data("ok\n".utf8).write(to: d.appendingPathComponent("a.txt"))
        let r = try Built.dstool(prefix, ["inventory", "--format", "jsonl", d.appendingPathComponent("missing.txt").path, d.appendingPathComponent("a.txt").path])
        XCTAssertEqual(r.status, 3)
        XCTAssertEqual(r.stderr, "dstool: \(d.path)/missing.txt: No such file or directory\n")
        XCTAssertTrue(r.stdout.contains("\(d.path)/a.txt"), r.stdout)
    }

    func testFailOnDecidesExitOne() throws {
        let d = Built.tempDir()
        try Data("ok\n".utf8).write(to: d.appendingPathComponent("a.txt"))
        let f = d.appendingPathComponent("a.txt").path
        XCTAssertEqual(try Built.dstool(prefix, ["echo-items", f]).status, 0)                       // info < low
        XCTAssertEqual(try Built.dstool(prefix, ["echo-items", "--severity", "high", f]).status, 1)
        XCTAssertEqual(try Built.dstool(prefix, ["echo-items", "--severity", "high", "--fail-on", "critical", f]).status, 0)
        XCTAssertEqual(try Built.dstool(prefix, ["echo-items", "--severity", "high", "--fail-on", "none", f]).status, 0)
    }

    func testStdinIsAnInput() throws {
        let r = try Built.dstool(prefix, ["inventory", "--format", "jsonl", "-"], stdin: Data("hello\n".utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("\"input\":\"-\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"), r.stdout)
    }

    func testSecretsComeFromEnvFdOrFileNeverArgv() throws {
        let r = try Built.dstool(prefix, ["echo-items", "--secret", "env:DSTOOL_TEST_SECRET", "--format", "jsonl"], env: ["DSTOOL_TEST_SECRET": "hunter22"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("\"length\":8"), r.stdout)
        XCTAssertFalse(r.stdout.contains("hunter22"))
        let missing = try Built.dstool(prefix, ["echo-items", "--secret", "env:NOT_SET_ANYWHERE"])
        XCTAssertEqual(missing.status, 3)
        XCTAssertTrue(missing.stderr.contains("environment variable NOT_SET_ANYWHERE is not set"), missing.stderr)
        let bad = try Built.dstool(prefix, ["echo-items", "--secret", "hunter22"])
        XCTAssertTrue(bad.stderr.contains("must be env:NAME, fd:N, file:PATH or prompt:TEXT"), bad.stderr)
        let prompt = try Built.dstool(prefix, ["echo-items", "--secret", "prompt:Passphrase: "])
        XCTAssertTrue(prompt.stderr.contains("no terminal to ask on"), prompt.stderr)
    }

    func testExampleEvidenceInventory() throws {
        let ev = Built.root.appendingPathComponent("Examples/evidence")
        let r = try Built.dstool(prefix, ["inventory", "--format", "jsonl", "."], cwd: ev)
        XCTAssertEqual(r.status, 0, r.stderr)
        let names = r.stdout.split(separator: "\n").compactMap { line -> String? in
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let loc = obj["location"] as? [String: Any] else { return nil }
            return loc["input"] as? String
        }
        XCTAssertTrue(names.contains("backups/backup-2024.tar.gz!2024/users.zip!users.csv"), "\(names)")
        XCTAssertTrue(names.contains("backups/backup-2024.tar.gz!2024/logs/access.log.1.gz!access.log.1"), "\(names)")
        XCTAssertTrue(names.contains("db/crm.sqlite"))
        XCTAssertTrue(r.stdout.contains("\"encoding\":\"gb18030\""))
        XCTAssertTrue(r.stdout.contains("\"encoding\":\"utf-16le\""))
    }

    func testRunRecordNamesTheVerifiedPluginDigest() throws {
        // The library is hashed once, at verification; the run record carries that digest.
        let d = Built.tempDir()
        let f = d.appendingPathComponent("a.txt")
        try Data("ok\n".utf8).write(to: f)
        let r = try Built.dstool(prefix, ["inventory", "--format", "json", f.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let plugin = try XCTUnwrap((doc["run"] as? [String: Any])?["plugin"] as? [String: Any])
        let library = try Data(contentsOf: prefix.appendingPathComponent("lib/dstool/plugins/libdstool-inventory.so"))
        XCTAssertEqual(plugin["sha256"] as? String, Digest.sha256Hex([UInt8](library)))
    }

    func testReportToAFIFOKeepsTheFIFO() throws {
        // Writing a report to a device or pipe must not rename a temporary file over it
        // (with /dev/null that once replaced the device node with a regular file).
        let d = Built.tempDir()
        let fifo = d.appendingPathComponent("report.fifo")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        let captured = d.appendingPathComponent("captured.txt")
        let cat = Process()
        cat.executableURL = URL(fileURLWithPath: "/bin/sh")
        cat.arguments = ["-c", "cat '\(fifo.path)' > '\(captured.path)'"]
        try cat.run()
        try Data("ok\n".utf8).write(to: d.appendingPathComponent("a.txt"))
        let r = try Built.dstool(prefix, ["inventory", "--format", "jsonl", "--report", fifo.path, d.appendingPathComponent("a.txt").path])
        cat.waitUntilExit()
        XCTAssertEqual(r.status, 0, r.stderr)
        var st = stat()
        XCTAssertEqual(lstat(fifo.path, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO, "the FIFO was replaced")
        XCTAssertTrue(try String(contentsOf: captured, encoding: .utf8).contains("\"type\":\"summary\""))
    }
}
