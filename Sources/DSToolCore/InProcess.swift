import CDSToolPluginABI
import DSToolKit
import FoundationEssentials
import Glibc

/// Runs a Swift plugin type in this process through the real host (same ABI table, same input
/// layer, same report writers) — what plugin tests use instead of dlopen().
public enum InProcess {
    public struct Result {
        public var exitCode: Int32
        public var records: [Record]
        /// The report as the chosen --format wrote it.
        public var report: String
        public var findings: [Finding] { records.compactMap { if case .finding(let f) = $0 { return f }; return nil } }
        public var errors: [ErrorRecord] { records.compactMap { if case .error(let e) = $0 { return e }; return nil } }
        public var data: [DataRecord] { records.compactMap { if case .data(let d) = $0 { return d }; return nil } }
    }

    final class Collector: RecordSink, @unchecked Sendable {
        var records: [Record] = []
        let lock = MutexLock()
        func record(_ record: AcceptedRecord) { lock.lock(); records.append(record.decoded!); lock.unlock() }
    }

    /// `arguments` is a dstool command line without "dstool", e.g. ["scan", "--format", "json", path].
    public static func run(_ plugin: any DSToolPlugin.Type, _ arguments: [String]) throws -> Result {
        let raw = PluginExport.entry(plugin).assumingMemoryBound(to: dstool_plugin_v1.self)
        let loaded = try PluginLoader.handshake(raw, expected: nil, name: "\(plugin)")
        let manifest = loaded.embeddedManifest
        let invocation = try Invocation.parse(arguments) { name in manifest.command(named: name)?.options }
        guard let name = invocation.command, let command = manifest.command(named: name) else {
            throw DSToolError.usage("unknown command \(invocation.command ?? "(none)")")
        }
        let runner = Runner(invocation: invocation, manifest: manifest, command: command, plugin: nil,
                            commandLine: ["dstool"] + arguments)
        var report = Data()
        let lock = MutexLock()
        let stream = ReportStream(collect: { d in lock.lock(); report.append(d); lock.unlock() })
        runner.stdout = stream
        runner.stderr = stream
        let collector = Collector()
        runner.extraSinks = [collector]
        runner.makeRecorder = { path in try CaseStore.open(path: path) }
        let code = runner.run(table: loaded.table)
        return Result(exitCode: code, records: collector.records, report: String(decoding: report, as: UTF8.self))
    }
}
