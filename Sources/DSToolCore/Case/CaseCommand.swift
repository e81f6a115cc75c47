import DSToolKit
import FoundationEssentials
import Glibc

/// `dstool case show|export|verify FILE`: reads a case file, never writes it.
/// Exit codes: 0 done (verify: intact); 1 verify found a problem; 2 usage; 3 the file cannot be
/// read as a case file (missing, not a case file, damaged).
public enum CaseCommand {
    public static let subcommands = ["show", "export", "verify"]
    public static let options: [PluginManifest.Option] = [
        PluginManifest.Option(name: "run", kind: "value", valueName: "N",
                              help: LocalizedText(en: "export only run N", zh: "只导出第 N 次运行")),
        PluginManifest.Option(name: "head", kind: "value", valueName: "HASH",
                              help: LocalizedText(en: "verify: a run hash (SHA-256 or SM3) noted earlier that must still be in the chain",
                                                  zh: "校验：先前记下的某次运行的哈希（SHA-256 或 SM3），须仍在链中")),
    ]
    public static let formats = ["text", "json", "jsonl", "sarif", "csv"]

    public static func run(_ inv: Invocation, out: ReportStream, err: ReportStream, lang: String,
                           environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32 {
        let zh = lang.hasPrefix("zh")
        guard let sub = inv.positionals.first, subcommands.contains(sub) else {
            err.write("dstool: case needs show, export or verify, then the case file (e.g. 'dstool case show evidence.case')\n")
            return ExitCode.usage
        }
        guard inv.positionals.count == 2 else {
            err.write("dstool: case \(sub) needs exactly one case file\n")
            return ExitCode.usage
        }
        let path = inv.positionals[1]
        if inv.options["run"] != nil && sub != "export" { err.write("dstool: case \(sub): --run is for export\n"); return ExitCode.usage }
        if inv.options["head"] != nil && sub != "verify" { err.write("dstool: case \(sub): --head is for verify\n"); return ExitCode.usage }
        let format = inv.globalValue("format") ?? "text"
        let allowed = sub == "export" ? formats : ["text", "json"]
        guard allowed.contains(format) else {
            err.write("dstool: --format: '\(format)' is not one of \(allowed.joined(separator: ", ")) for case \(sub)\n")
            return ExitCode.usage
        }
        var runFilter: Int64?
        if let r = inv.options["run"]?.stringValue {
            guard let n = Int64(r), n > 0 else { err.write("dstool: --run: '\(r)' is not a run number\n"); return ExitCode.usage }
            runFilter = n
        }
        var head: String?
        if let h = inv.options["head"]?.stringValue {
            guard h.count == 64, h.allSatisfy(\.isHexDigit) else { err.write("dstool: --head: '\(h)' is not a 64-digit SHA-256 or SM3 hash\n"); return ExitCode.usage }
            head = h.lowercased()
        }

        let file: CaseFile
        let runs: [StoredRun]
        do {
            file = try CaseFile(path: path)
            runs = sub == "verify" ? [] : try file.runs()
        } catch {
            err.write("dstool: case \(sub): \(path): \(error)\n")
            return ExitCode.inputErrors
        }

        // Where the output goes: stdout, or --report FILE written atomically.
        var stream = out
        var reportFile: AtomicOutput?
        if let p = inv.globalValue("report") {
            do { reportFile = try AtomicOutput(path: p, replace: true); stream = ReportStream(file: reportFile!) }
            catch { err.write("dstool: --report: \(error)\n"); return ExitCode.usage }
        }
        let color = Runner.useColor(stream: stream, noColorFlag: inv.globalFlag("no-color"), environment: environment)
        let code: Int32
        do {
            switch sub {
            case "show": code = try show(file, runs: runs, format: format, zh: zh, out: stream)
            case "export":
                var selected = runs
                if let runFilter {
                    selected = runs.filter { $0.seq == runFilter }
                    if selected.isEmpty {
                        err.write("dstool: case export: \(path) has no run \(runFilter) (it has \(runs.isEmpty ? "no runs" : "runs 1–\(runs.last!.seq)"))\n")
                        return ExitCode.usage
                    }
                }
                code = try export(file, runs: selected, single: runFilter != nil, format: format, lang: lang, color: color, out: stream)
            default: code = verify(file, head: head, format: format, zh: zh, out: stream)
            }
            try stream.finish()
        } catch {
            reportFile?.abort()
            err.write("dstool: case \(sub): \(path): \(error)\n")
            return ExitCode.inputErrors
        }
        return code
    }

    static func show(_ file: CaseFile, runs: [StoredRun], format: String, zh: Bool, out: ReportStream) throws -> Int32 {
        if format == "json" {
            let arr: [JSONValue] = runs.map { r in
                let run = (try? JSONDecoder().decode(JSONValue.self, from: Data(r.runJSON.utf8))) ?? .null
                return ["seq": .int(r.seq), "records": .int(r.records), "sha256": .string(r.sha256), "sm3": .string(r.sm3),
                        "prev_sha256": .string(r.prevSHA256), "prev_sm3": .string(r.prevSM3), "run": run]
            }
            out.write(try DSJSON.encode(JSONValue.object(["file": .string(file.path), "runs": .array(arr)]), pretty: true))
            out.write("\n")
            return ExitCode.ok
        }
        var s = zh ? "案卷文件 \(file.path)：共 \(runs.count) 次运行\n" : "case file \(file.path): \(runs.count) run\(runs.count == 1 ? "" : "s")\n"
        if let last = runs.last {
            s += zh ? "链头 SHA-256 \(last.sha256)\n链头 SM3    \(last.sm3)\n" : "head SHA-256 \(last.sha256)\nhead SM3     \(last.sm3)\n"
        }
        for r in runs {
            s += "\n"
            guard let run = r.run else {
                s += zh ? "运行 \(r.seq)：运行记录无法读取（请执行 dstool case verify）\n" : "run \(r.seq): the run record is unreadable (run 'dstool case verify')\n"
                continue
            }
            let line = TextCell.sanitize(ShellQuote.join(run.commandLine))
            let plugin = run.plugin.map { "\($0.id) \($0.version)" + ($0.sha256.map { " (SHA-256 \($0))" } ?? "") } ?? "-"
            if zh {
                s += "运行 \(r.seq)  \(run.started) 至 \(run.ended ?? "?")  操作人 \(TextCell.sanitize(run.operator))  主机 \(TextCell.sanitize(run.host))  退出码 \(run.exitCode.map(String.init) ?? "?")\n"
                s += "  命令: \(line)\n  dstool \(run.toolVersion)，插件 \(plugin)\n"
            } else {
                s += "run \(r.seq)  \(run.started) to \(run.ended ?? "?")  operator \(TextCell.sanitize(run.operator))  host \(TextCell.sanitize(run.host))  exit \(run.exitCode.map(String.init) ?? "?")\n"
                s += "  command: \(line)\n  dstool \(run.toolVersion), plugin \(plugin)\n"
            }
            for t in run.targets {
                s += (zh ? "  输入 " : "  input ") + TextCell.sanitize(t.input)
                if let sha = t.sha256, let sm3 = t.sm3 {
                    s += zh ? "  \(t.size ?? 0) 字节  SHA-256 \(sha)  SM3 \(sm3)" : "  \(t.size ?? 0) bytes  SHA-256 \(sha)  SM3 \(sm3)"
                }
                s += "\n"
            }
            s += "  " + TextReportWriter.summary(run.counts ?? RunCounts(), zh: zh) + "\n"
            s += "  SHA-256 \(r.sha256)\n  SM3     \(r.sm3)\n"
        }
        out.write(s)
        return ExitCode.ok
    }

    /// Replays stored runs through the report writers. json without --run: `{"runs":[document…]}`;
    /// sarif: one log with a run per case run; jsonl: each run's records then its summary line;
    /// csv: one header, the findings of every run; text: each run's report under a heading.
    static func export(_ file: CaseFile, runs: [StoredRun], single: Bool, format: String, lang: String, color: Bool,
                       out: ReportStream) throws -> Int32 {
        let inner = ReportStream(unclosed: out)
        for r in runs { try file.checkRun(r) }
        func replay(_ r: StoredRun, into writer: ReportWriter) throws {
            guard var run = r.run else { throw DSToolError.invalid("run \(r.seq): the run record is unreadable (run 'dstool case verify')") }
            run.caseRecord = r.caseRef(file: file.path)
            // json and jsonl take the stored canonical JSON as it is; the other writers need records.
            if let json = writer as? JSONReportWriter {
                try file.forEachRecordRaw(run: r.seq) { type, bytes in try json.append(type: type, canonical: bytes) }
            } else if let jsonl = writer as? JSONLReportWriter {
                try file.forEachRecordRaw(run: r.seq) { _, bytes in bytes.withUnsafeBytes { jsonl.append(canonical: $0) } }
            } else {
                try file.forEachRecord(run: r.seq) { rec, raw in raw.withUnsafeBytes { writer.record(AcceptedRecord(rec, canonical: $0)) } }
            }
            try writer.finish(run: run)
        }
        switch format {
        case "json":
            if single {
                try replay(runs[0], into: JSONReportWriter(out: inner))
            } else {
                out.write("{\"runs\":[")
                for (i, r) in runs.enumerated() {
                    if i > 0 { out.write(",") }
                    // Each document without its closing newline.
                    var pending = Data()
                    let strip = ReportStream(collect: { d in
                        if !pending.isEmpty { out.write(pending) }
                        pending = d
                    })
                    try replay(r, into: JSONReportWriter(out: strip))
                    if pending.last == 10 { pending.removeLast() }
                    out.write(pending)
                }
                out.write("]}\n")
            }
        case "sarif":
            try SARIFReportWriter.writeLog(to: out, runs: runs.map { r in
                { stream in
                    guard var run = r.run else { throw DSToolError.invalid("run \(r.seq): the run record is unreadable (run 'dstool case verify')") }
                    run.caseRecord = r.caseRef(file: file.path)
                    let w = SARIFReportWriter(out: stream, manifest: nil, lang: lang)
                    try file.forEachRecord(run: r.seq) { rec, raw in raw.withUnsafeBytes { w.record(AcceptedRecord(rec, canonical: $0)) } }
                    try w.writeRun(run, to: stream)
                }
            })
        case "csv":
            let w = CSVReportWriter(out: inner, lang: lang)
            for r in runs { try file.forEachRecord(run: r.seq) { rec, raw in raw.withUnsafeBytes { w.record(AcceptedRecord(rec, canonical: $0)) } } }
        case "jsonl":
            for r in runs { try replay(r, into: JSONLReportWriter(out: inner)) }
        default:
            let zh = lang.hasPrefix("zh")
            for (i, r) in runs.enumerated() {
                let line = r.run.map { ShellQuote.join($0.commandLine) } ?? "?"
                let title = zh ? "== 运行 \(r.seq)：\(TextCell.sanitize(line))" : "== run \(r.seq): \(TextCell.sanitize(line))"
                out.write((i > 0 ? "\n" : "") + (color ? "\u{1B}[1m\(title)\u{1B}[0m" : title) + "\n")
                try replay(r, into: TextReportWriter(out: inner, lang: lang, color: color))
            }
        }
        return ExitCode.ok
    }

    static func verify(_ file: CaseFile, head: String?, format: String, zh: Bool, out: ReportStream) -> Int32 {
        let v = file.verify(head: head)
        if format == "json" {
            var doc: [String: JSONValue] = [
                "file": .string(file.path), "ok": .bool(v.ok), "runs": .int(Int64(v.runs)), "records": .int(v.records),
                "problems": .array(v.problems.map { .string($0) }),
            ]
            if let h = v.headSHA256 { doc["head_sha256"] = .string(h) }
            if let h = v.headSM3 { doc["head_sm3"] = .string(h) }
            if let a = v.anchoredRun { doc["anchored_run"] = .int(a) }
            out.write(DSJSON.string(JSONValue.object(doc), pretty: true) + "\n")
        } else {
            var s = ""
            if v.ok {
                s += zh ? "案卷完好: \(file.path)：\(v.runs) 次运行，\(v.records) 条记录，哈希链完整。\n"
                        : "ok: \(file.path): \(v.runs) runs, \(v.records) records, hash chain intact.\n"
                if let a = v.anchoredRun { s += zh ? "给定的哈希与第 \(a) 次运行一致。\n" : "The given hash is run \(a)'s.\n" }
            } else {
                s += zh ? "校验失败: \(file.path)：\n" : "FAILED: \(file.path):\n"
                for p in v.problems { s += "  \(TextCell.sanitize(p))\n" }
            }
            if let h = v.headSHA256, let m = v.headSM3 {
                s += zh ? "链头 SHA-256 \(h)\n链头 SM3    \(m)\n" : "head SHA-256 \(h)\nhead SM3     \(m)\n"
            }
            out.write(s)
        }
        return v.ok ? ExitCode.ok : ExitCode.findings
    }
}
