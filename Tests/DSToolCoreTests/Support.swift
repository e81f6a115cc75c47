@testable import DSToolCore
import DSToolKit
import Foundation
import XCTest

/// Shared helpers for the core tests: the package root, a real JSON Schema validator, temporary
/// folders, fixed records for output tests, and a small in-process plugin.
enum TestSupport {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var resultSchema: String { root.appendingPathComponent("Manifests/schema/result.schema.json").path }
    static var manifestSchema: String { root.appendingPathComponent("Manifests/schema/manifest.schema.json").path }
    /// The OASIS SARIF 2.1.0 schema (a copy of ../shared/testdata/schemas/sarif, so a clean clone has it).
    static var sarifSchema: String { root.appendingPathComponent("Tests/Fixtures/schemas/sarif-schema-2.1.0.json").path }

    struct ProcessResult { var status: Int32; var stdout: String; var stderr: String }

    @discardableResult
    static func run(_ exe: String, _ args: [String], stdin: Data? = nil, cwd: URL? = nil) throws -> ProcessResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out; p.standardError = err; p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(stdin) }
        try inp.fileHandleForWriting.close()
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return ProcessResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    /// Validates `text` with Scripts/validate-json (python jsonschema); returns its problem lines.
    static func validate(_ text: String, schema: String, def: String? = nil, jsonl: Bool = false) throws -> String {
        var args = [root.appendingPathComponent("Scripts/validate-json").path, schema]
        if let def { args += ["--def", def] }
        if jsonl { args.append("--jsonl") }
        args.append("-")
        let r = try run("/usr/bin/env", ["python3"] + args, stdin: Data(text.utf8))
        if r.status == 2 { XCTFail("validator usage error: \(r.stderr)") }
        return r.stdout + r.stderr
    }

    static func tempDir() -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("dstool-core-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// Collects what a writer writes.
    final class Capture: @unchecked Sendable {
        var data = Data()
        var text: String { String(decoding: data, as: UTF8.self) }
        lazy var stream = ReportStream(collect: { [unowned self] in self.data.append($0) })
    }

    // Fixed records: a finding inside an archive, one in a database table (with a spreadsheet
    // formula as evidence), an error, a data record, and a finding with a hostile file name.
    static let archiveFinding = Finding(
        ruleId: "scan.cn-id", title: LocalizedText(en: "Chinese ID number", zh: "居民身份证号"), category: "personal-data",
        severity: .high, confidence: 0.95, dataLevel: .important,
        location: Location(input: "backup.tar.gz!db/users.csv", path: "backup.tar.gz", chain: ["backup.tar.gz", "db/users.csv"],
                           line: 3, column: 14, offset: 120, length: 18),
        evidence: "1101**********1234", fingerprint: "0123456789abcdef0123456789abcdef", references: ["GB/T 35273-2020"])
    static let tableFinding = Finding(
        ruleId: "scan.phone", title: LocalizedText(en: "Mobile number", zh: "手机号码"),
        message: LocalizedText(en: "Mobile numbers, in column", zh: "手机号码，位于列"), category: "personal-data",
        severity: .low, location: Location(input: "crm.sqlite", table: "customers", columnName: "mobile", row: 7),
        evidence: "=cmd|' /C calc'!A0", fingerprint: "fedcba9876543210fedcba9876543210")
    static let error = ErrorRecord(input: "broken.zip", reason: "truncated archive", code: "input.corrupt", offset: 4096)
    static let data = DataRecord(kind: "summary", text: LocalizedText(en: "2 columns hold personal data", zh: "2 列含个人信息"),
                                 value: ["columns": 2])
    static let hostileFinding = Finding(
        ruleId: "scan.phone", title: LocalizedText(en: "Mobile number", zh: "手机号码"), category: "personal-data",
        severity: .medium, location: Location(input: "evil\u{1B}[31m.txt", line: 1), fingerprint: "00000000000000000000000000000000")

    static let records: [Record] = [.finding(archiveFinding), .finding(tableFinding), .error(error), .data(data)]

    static func fixedRun(command: String = "scan") -> RunInfo {
        var run = RunInfo(toolVersion: "0.1.0", plugin: RunInfo.PluginRef(id: "scan", version: "1.2.0", sha256: nil), command: command,
                          commandLine: ["dstool", command, "evidence dir"], operator: "alice", host: "laptop",
                          started: Date(timeIntervalSince1970: 1_700_000_000), targets: [RunTarget(input: "evidence dir")])
        run.ended = "2023-11-14T22:13:21.500Z"
        run.exitCode = 1
        var counts = RunCounts()
        counts.items = 5; counts.findings = 2; counts.errors = 1; counts.data = 1
        counts.bySeverity = ["high": 1, "low": 1]
        run.counts = counts
        return run
    }

    /// Feeds the fixed records to a writer and returns what it wrote.
    static func render(_ make: (ReportStream) -> ReportWriter, records: [Record] = TestSupport.records, run: RunInfo = fixedRun()) throws -> String {
        let cap = Capture()
        let w = make(cap.stream)
        for r in records { w.record(r, raw: try DSJSON.encode(r)) }
        try w.finish(run: run)
        return cap.text
    }
}

/// A plugin for in-process runs through the real host: a high finding per item (line 1), an error
/// for items named bad*, and on request a thrown failure or a Ctrl-C after the first item.
enum CaseTestPlugin: DSToolPlugin {
    static let manifestJSON = #"""
    {"abi":1,"category":"inventory","commands":[{"input":"items","name":"case-test","options":[{"help":{"en":"fail the run after the items","zh":"处理完后失败"},"kind":"flag","name":"throw"},{"help":{"en":"act as if Ctrl-C was pressed after the first item","zh":"模拟中断"},"kind":"flag","name":"interrupt"}],"report":"stdout","summary":{"en":"Test","zh":"测试"},"usage":"dstool case-test PATH..."}],"description":{"en":"Test","zh":"测试"},"id":"casetest","inputs":["files"],"library":"libdstool-casetest.so","name":{"en":"Test","zh":"测试"},"rules":[{"id":"t.item","severity":"high","title":{"en":"Item","zh":"项"}}],"tool_library":["检测评估"],"version":"1.0.0"}
    """#

    static func run(_ context: PluginContext) throws -> PluginStatus {
        var status = PluginStatus.ok
        while let item = context.nextItem() {
            if (item.name as NSString).lastPathComponent.hasPrefix("bad") {
                context.emitError(input: item.name, reason: "cannot parse", code: "t.parse")
                status = .inputErrors
                continue
            }
            context.emit(Finding(ruleId: "t.item", title: LocalizedText(en: "Item", zh: "项"), category: "test", severity: .high,
                                 location: item.location(line: 1), evidence: "x"))
            if context.request.flag("interrupt") { InterruptWatcher.flag = 1 }
        }
        if context.request.flag("throw") { throw DSToolError.failed("plugin gave up") }
        return status
    }
}

extension JSONValue {
    subscript(index: Int) -> JSONValue? {
        if case .array(let a) = self, index >= 0, index < a.count { return a[index] }
        return nil
    }
}

extension RecordSink {
    /// Hands a sink a decoded record with its canonical JSON, as the host does (`raw` empty: encoded here).
    func record(_ r: Record, raw: Data) {
        let bytes = raw.isEmpty ? ((try? r.canonicalJSON()) ?? []) : Array(raw)
        bytes.withUnsafeBytes { record(AcceptedRecord(r, canonical: $0)) }
    }
}
