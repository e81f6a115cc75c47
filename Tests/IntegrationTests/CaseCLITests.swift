import Foundation
import XCTest

/// The case file through the installed binary: a run killed or interrupted part-way leaves the
/// case as it was; concurrent runs queue; the case commands and completion scripts work end to end.
final class CaseCLITests: XCTestCase {
    var prefix: URL!
    var dir: URL!
    var casePath: String { dir.appendingPathComponent("site.case").path }
    var evidence: String { dir.appendingPathComponent("a.txt").path }

    override func setUpWithError() throws {
        prefix = try Built.install()
        dir = Built.tempDir()
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: evidence))
    }
    override func tearDown() {
        try? FileManager.default.removeItem(at: prefix)
        try? FileManager.default.removeItem(at: dir)
    }

    /// Starts `dstool inventory --case … a.txt -` with stdin held open, and returns once the
    /// first record (a.txt's) has been printed: the run is then waiting for stdin.
    func startBlockedRun() throws -> (Process, Pipe, FileHandle) {
        let p = Process()
        p.executableURL = prefix.appendingPathComponent("bin/dstool")
        p.arguments = ["inventory", "--case", casePath, "--format", "jsonl", evidence, "-"]
        p.environment = ["PATH": "/usr/bin:/bin", "HOME": dir.path]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = FileHandle.nullDevice
        try p.run()
        var seen = Data()
        while !seen.contains(10) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        XCTAssertTrue(String(decoding: seen, as: UTF8.self).contains("a.txt"), String(decoding: seen, as: UTF8.self))
        return (p, input, output.fileHandleForReading)
    }

    func testKilledRunLeavesTheCaseAsItWas() throws {
        XCTAssertEqual(try Built.dstool(prefix, ["inventory", "--case", casePath, evidence]).status, 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: casePath))
        let (p, input, _) = try startBlockedRun()
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        try? input.fileHandleForWriting.close()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: casePath)), before)
        let verify = try Built.dstool(prefix, ["case", "verify", casePath])
        XCTAssertEqual(verify.status, 0, verify.stdout)
        XCTAssertTrue(verify.stdout.hasPrefix("ok: \(casePath): 1 runs, 1 records"), verify.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["a.txt", "site.case"], "no staging or journal file left behind")
    }

    func testCtrlCRunIsNotRecorded() throws {
        XCTAssertEqual(try Built.dstool(prefix, ["inventory", "--case", casePath, evidence]).status, 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: casePath))
        let (p, input, _) = try startBlockedRun()
        kill(p.processIdentifier, SIGINT)
        input.fileHandleForWriting.write(Data("late\n".utf8))
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 3)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: casePath)), before)
    }

    func testConcurrentRunsAllLand() throws {
        let group = DispatchGroup()
        final class Codes: @unchecked Sendable { let lock = NSLock(); var all: [Int32] = [] }
        let codes = Codes()
        for i in 0..<4 {
            group.enter()
            DispatchQueue.global().async {
                let r = try? Built.dstool(self.prefix, ["inventory", "--case", self.casePath, "--operator", "op\(i)", self.evidence])
                codes.lock.lock(); codes.all.append(r?.status ?? -1); codes.lock.unlock()
                group.leave()
            }
        }
        group.wait()
        XCTAssertEqual(codes.all, [0, 0, 0, 0])
        let verify = try Built.dstool(prefix, ["case", "verify", casePath, "--format", "json"])
        XCTAssertEqual(verify.status, 0, verify.stdout)
        XCTAssertTrue(verify.stdout.contains("\"runs\" : 4"), verify.stdout)
        let show = try Built.dstool(prefix, ["case", "show", casePath])
        for i in 0..<4 { XCTAssertTrue(show.stdout.contains("operator op\(i)"), show.stdout) }
    }

    func testCaseCommandsEndToEnd() throws {
        XCTAssertEqual(try Built.dstool(prefix, ["inventory", "--case", casePath, evidence]).status, 0)
        XCTAssertEqual(try Built.dstool(prefix, ["echo-items", "--case", casePath, "--severity", "high", evidence]).status, 1)
        let sarif = try Built.dstool(prefix, ["case", "export", casePath, "--format", "sarif"])
        XCTAssertEqual(sarif.status, 0, sarif.stderr)
        let url = dir.appendingPathComponent("case.sarif")
        try Data(sarif.stdout.utf8).write(to: url)
        let v = try Built.run("/usr/bin/env", ["python3", Built.root.appendingPathComponent("Scripts/validate-json").path,
                                               Built.root.appendingPathComponent("Tests/Fixtures/schemas/sarif-schema-2.1.0.json").path, url.path])
        XCTAssertEqual(v.status, 0, v.stdout + v.stderr)
        let help = try Built.dstool(prefix, ["help", "case"])
        XCTAssertTrue(help.stdout.hasPrefix("usage: dstool case show CASEFILE"), help.stdout)

        let notCase = try Built.dstool(prefix, ["inventory", "--case", evidence, evidence])
        XCTAssertEqual(notCase.status, 2)
        XCTAssertEqual(notCase.stderr, "dstool: --case \(evidence): not a dstool case file (not an SQLite database)\n")
        XCTAssertEqual(notCase.stdout, "")
        let missing = try Built.dstool(prefix, ["case", "show", dir.appendingPathComponent("nope.case").path])
        XCTAssertEqual(missing.status, 3)
        XCTAssertEqual(missing.stderr, "dstool: case show: \(dir.path)/nope.case: no such file\n")
        let badOption = try Built.dstool(prefix, ["case", "show", casePath, "--bogus"])
        XCTAssertEqual(badOption.status, 2)
    }

    /// The installed binary's completion scripts, with every installed plugin, parse in each shell.
    func testCompletionScriptsParse() throws {
        for (shell, check) in [("bash", ["-n"]), ("zsh", ["-n"]), ("fish", ["--no-execute"])] {
            let r = try Built.dstool(prefix, ["completion", shell])
            XCTAssertEqual(r.status, 0)
            XCTAssertTrue(r.stdout.contains("inventory"), shell)
            XCTAssertTrue(r.stdout.contains("echo-items"), shell)
            let url = dir.appendingPathComponent("dstool.\(shell)")
            try Data(r.stdout.utf8).write(to: url)
            let exe = "/usr/bin/\(shell)"
            XCTAssertTrue(FileManager.default.isExecutableFile(atPath: exe), "\(shell) is missing (Scripts/deps installs it)")
            let parsed = try Built.run(exe, check + [url.path])
            XCTAssertEqual(parsed.status, 0, "\(shell): \(parsed.stderr)")
        }
        let bad = try Built.dstool(prefix, ["completion", "tcsh"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stderr, "dstool: completion needs one of bash, zsh, fish (e.g. 'source <(dstool completion bash)')\n")
    }
}
