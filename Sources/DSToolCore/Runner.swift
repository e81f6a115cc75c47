import CDSToolPluginABI
import DSToolKit
import FoundationEssentials
import Glibc

/// Something that records a whole run (the case file).
public protocol RunRecorder: RecordSink {
    func begin(run: RunInfo) throws
    func finish(run: RunInfo) throws
    /// Discards what was recorded of an unfinished run (the case file stays as it was).
    func abandon()
}

public enum ExitCode {
    public static let ok: Int32 = 0
    public static let findings: Int32 = 1
    public static let usage: Int32 = 2
    public static let inputErrors: Int32 = 3
}

/// Runs one plugin command: builds the request from the invocation, walks the inputs, routes the
/// records to the report and the case file, and decides the exit code.
public final class Runner {
    public static let version = "0.1.0"
    public static let hostFormats = ["text", "json", "jsonl", "sarif", "csv"]
    /// The most `--jobs` a run takes.
    public static let maxJobs = 256

    public let invocation: Invocation
    public let plugin: DiscoveredPlugin?
    public let command: PluginManifest.Command
    public let manifest: PluginManifest
    public var commandLine: [String]
    public var stdout: ReportStream = ReportStream(fd: STDOUT_FILENO)
    public var stderr: ReportStream = ReportStream(fd: STDERR_FILENO)
    /// Extra sinks (tests collect records here).
    public var extraSinks: [RecordSink] = []
    /// Makes the case recorder for --case FILE (set by the dstool binary; the case store lives in DSToolCore).
    public var makeRecorder: ((String) throws -> RunRecorder)?
    public private(set) var session: HostSession?
    /// SHA-256 of the plugin library as verified at load time, for the run record.
    public var pluginSHA256: String?

    public init(invocation: Invocation, manifest: PluginManifest, command: PluginManifest.Command,
                plugin: DiscoveredPlugin?, commandLine: [String]) {
        self.invocation = invocation; self.manifest = manifest; self.command = command
        self.plugin = plugin; self.commandLine = commandLine
    }

    /// Colour only on a terminal, and never with --no-color or a non-empty NO_COLOR (no-color.org).
    public static func useColor(stream: ReportStream, noColorFlag: Bool,
                                environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard stream.isTerminal, !noColorFlag else { return false }
        if let v = environment["NO_COLOR"], !v.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return true
    }

    public var lang: String {
        if let l = invocation.globalValue("lang") { return l }
        let env = ProcessInfo.processInfo.environment
        let loc = env["LC_ALL"] ?? env["LC_MESSAGES"] ?? env["LANG"] ?? ""
        return loc.hasPrefix("zh") ? "zh" : "en"
    }

    func walkOptions() throws -> WalkOptions {
        var o = WalkOptions()
        if command.input == "files" { o.expandArchives = false; o.recurse = false }
        if command.typeDetection == "binary" { o.magicForText = false }
        func size(_ name: String) throws -> Int64? {
            guard let v = invocation.globalValue(name) else { return nil }
            guard let n = ByteSize.parse(v) else { throw DSToolError.usage("--\(name): '\(v)' is not a size (e.g. 512M, 8G)") }
            return n
        }
        if let d = invocation.globalValue("max-depth") {
            guard let n = Int(d), n >= 0 else { throw DSToolError.usage("--max-depth: '\(d)' is not a whole number") }
            o.limits.maxDepth = n
        }
        if let n = try size("max-entry-size") { o.limits.maxEntrySize = n }
        if let n = try size("max-total-size") { o.limits.maxTotalExpanded = n }
        if let r = invocation.globalValue("max-ratio") {
            guard let n = Double(r), n > 1 else { throw DSToolError.usage("--max-ratio: '\(r)' must be a number above 1") }
            o.limits.maxRatio = n
        }
        if let e = invocation.globalValue("max-entries") {
            guard let n = Int(e), n > 0 else { throw DSToolError.usage("--max-entries: '\(e)' is not a positive whole number") }
            o.limits.maxEntries = n
        }
        if let enc = invocation.globalValue("encoding") {
            guard let t = TextEncoding(rawValue: enc.lowercased() == "gbk" ? "gb18030" : enc.lowercased()) else {
                throw DSToolError.usage("--encoding: '\(enc)' is not one of utf-8, utf-16le, utf-16be, gb18030")
            }
            o.forcedEncoding = t
        }
        o.followSymlinks = invocation.globalFlag("follow-symlinks")
        o.excludes = invocation.globalValues("exclude")
        return o
    }

    /// Runs with the plugin's table (dlopen()ed by the caller, or in-process in tests).
    public func run(table: UnsafePointer<dstool_plugin_v1>) -> Int32 {
        let format = invocation.globalValue("format") ?? "text"
        let pluginFormats = command.formats ?? []
        guard Self.hostFormats.contains(format) || pluginFormats.contains(format) else {
            let all = (Self.hostFormats + pluginFormats).joined(separator: ", ")
            stderr.write("dstool: --format: '\(format)' is not one of \(all)\n")
            return ExitCode.usage
        }
        let failOn: Severity?
        switch invocation.globalValue("fail-on") ?? "low" {
        case "none", "never": failOn = nil
        case let s:
            guard let sev = Severity(rawValue: s) else {
                stderr.write("dstool: --fail-on: '\(s)' is not one of info, low, medium, high, critical, none\n")
                return ExitCode.usage
            }
            failOn = sev
        }
        let options: WalkOptions
        do { options = try walkOptions() } catch {
            stderr.write("dstool: \(error)\n")
            return ExitCode.usage
        }
        var jobs = min(ProcessInfo.processInfo.activeProcessorCount, Self.maxJobs)
        if let j = invocation.globalValue("jobs") {
            guard let n = Int(j), n > 0 else { stderr.write("dstool: --jobs: '\(j)' is not a positive whole number\n"); return ExitCode.usage }
            // Each job is a thread with its own buffers (scan: windows and a Hyperscan scratch):
            // --jobs 100000 took 9 GB before doing any work.
            guard n <= Self.maxJobs else {
                stderr.write("dstool: --jobs: '\(j)' is more than \(Self.maxJobs) (each job is a thread with its own buffers)\n")
                return ExitCode.usage
            }
            jobs = n
        }
        let quiet = invocation.globalFlag("quiet")
        let lang = self.lang
        // A "files" command without arguments reads standard input, like cat, gzip or age.
        let positionals = command.input == "files" && invocation.positionals.isEmpty ? ["-"] : invocation.positionals
        let request = PluginRequest(command: command.name, options: invocation.options, inputs: positionals,
                                    format: format, lang: lang, jobs: jobs, cwd: FileManager.default.currentDirectoryPath,
                                    stdoutIsTerminal: stdout.isTerminal)

        // The report's destination.
        var reportStream = command.report == "stderr" ? stderr : stdout
        var reportFile: AtomicOutput?
        if let path = invocation.globalValue("report") {
            do { reportFile = try AtomicOutput(path: path, replace: true); reportStream = ReportStream(file: reportFile!) }
            catch { stderr.write("dstool: --report: \(error)\n"); return ExitCode.usage }
        }
        var writer: ReportWriter?
        let color = Self.useColor(stream: reportStream, noColorFlag: invocation.globalFlag("no-color"))
        switch format {
        case "text": writer = TextReportWriter(out: reportStream, lang: lang, color: color, ruleIds: manifest.rules.map(\.id))
        case "json": writer = JSONReportWriter(out: reportStream)
        case "jsonl": writer = JSONLReportWriter(out: reportStream)
        case "sarif": writer = SARIFReportWriter(out: reportStream, manifest: manifest, lang: lang)
        case "csv": writer = CSVReportWriter(out: reportStream, lang: lang)
        default: writer = nil  // the plugin renders this format itself
        }

        // Targets and their digests (for the run record and the case file).
        let caseFile = invocation.globalValue("case")
        let hashInputs = caseFile != nil || invocation.globalFlag("hash-inputs")
        var targets: [RunTarget] = []
        for input in positionals where command.input != "none" {
            var t = RunTarget(input: input)
            if hashInputs && input != "-" {
                var st = stat()
                if stat(input, &st) == 0, st.st_mode & S_IFMT != S_IFDIR,
                   let d = try? Digest.fileDigests(path: input) {
                    t.size = d.size; t.sha256 = d.sha256; t.sm3 = d.sm3
                }
            }
            targets.append(t)
        }
        let operatorName = invocation.globalValue("operator") ?? ProcessInfo.processInfo.environment["USER"]
            ?? String(cString: getpwuid(getuid())?.pointee.pw_name ?? strdup("unknown"))
        var run = RunInfo(toolVersion: Self.version,
                          plugin: RunInfo.PluginRef(id: manifest.id, version: manifest.version,
                                                    sha256: pluginSHA256 ?? plugin.flatMap { try? Digest.fileDigest(.sha256, path: $0.libraryPath) }),
                          command: command.name, commandLine: commandLine, operator: operatorName,
                          host: ProcessInfo.processInfo.hostName, started: Date(), targets: targets)

        var recorder: RunRecorder?
        if let caseFile {
            guard let make = makeRecorder else { stderr.write("dstool: --case is not available in this build\n"); return ExitCode.usage }
            // Nothing has run yet: a case file that cannot be used stops the run like a bad option.
            do { recorder = try make(caseFile); try recorder!.begin(run: run) }
            catch { stderr.write("dstool: --case \(caseFile): \(error)\n"); return ExitCode.usage }
        }

        var bar: ProgressBar?
        if !quiet && !invocation.globalFlag("no-progress") && stderr.isTerminal { bar = ProgressBar() }
        var sinks: [RecordSink] = bar.map { [ProgressClearingSink(bar: $0, reportOnTerminal: reportStream.isTerminal)] } ?? []
        sinks.append(ErrorLinePrinter(quiet: quiet))
        if let writer { sinks.append(writer) }
        if let recorder { sinks.append(recorder) }
        sinks += extraSinks

        let walker: InputWalker? = command.input == "none" ? nil : InputWalker(
            inputs: positionals,
            options: options, report: { _ in }, reportFinding: { _ in })
        let session = HostSession(request: request, walker: walker, sinks: sinks)
        self.session = session
        walker?.report = { [unowned session] e in session.accept(e) }
        walker?.reportFinding = { [unowned session] f in session.accept(f) }
        if let bar {
            session.progressHandler = { done, total, label in bar.update(done: done, total: total, label: label) }
        }
        let interrupt = InterruptWatcher.install()
        session.cancelledCheck = { interrupt.fired }

        let status = session.run(table)
        bar?.clear()

        var exit: Int32
        switch status {
        case PluginStatus.usage.rawValue: exit = ExitCode.usage
        case PluginStatus.ok.rawValue, PluginStatus.inputErrors.rawValue, PluginStatus.failed.rawValue:
            if let failOn, let m = session.maxSeverity, m >= failOn { exit = ExitCode.findings }
            else if status != PluginStatus.ok.rawValue || session.inputErrorCount > 0 { exit = ExitCode.inputErrors }
            else { exit = ExitCode.ok }
        default: exit = ExitCode.inputErrors
        }
        if interrupt.fired { exit = ExitCode.inputErrors }
        run.ended = Timestamp.iso(Date())
        run.counts = session.counts
        run.exitCode = exit
        // The case first, so that the report can say where the run is recorded.
        if let recorder, let caseFile {
            if interrupt.fired {
                recorder.abandon()
                if !quiet { stderr.write("dstool: --case \(caseFile): the run was interrupted; it is not recorded\n") }
            } else {
                do {
                    try recorder.finish(run: run)
                    if let ref = (recorder as? CaseStore)?.recorded {
                        run.caseRecord = ref
                        if writer == nil && !quiet {
                            stderr.write("dstool: recorded in case \(ref.file) as run \(ref.run) (SM3 \(ref.sm3))\n")
                        }
                    }
                } catch {
                    stderr.write("dstool: --case \(caseFile): the run could not be recorded: \(error)\n")
                    recorder.abandon()
                    exit = ExitCode.inputErrors
                    run.exitCode = exit
                }
            }
        }
        do { try writer?.finish(run: run) } catch {
            stderr.write("dstool: cannot write the report: \(error)\n")
            exit = ExitCode.inputErrors
        }
        if writer == nil { try? reportFile?.commit() }
        return exit
    }
}

/// Ctrl-C asks the plugin to stop after the current item (a second Ctrl-C kills as usual).
final class InterruptWatcher: @unchecked Sendable {
    nonisolated(unsafe) static var shared: InterruptWatcher?
    nonisolated(unsafe) static var flag: sig_atomic_t = 0
    var fired: Bool { InterruptWatcher.flag != 0 }
    static func install() -> InterruptWatcher {
        if let s = shared { return s }
        let w = InterruptWatcher()
        shared = w
        signal(SIGINT) { _ in
            if InterruptWatcher.flag != 0 { signal(SIGINT, SIG_DFL); raise(SIGINT) }
            InterruptWatcher.flag = 1
        }
        return w
    }
}
