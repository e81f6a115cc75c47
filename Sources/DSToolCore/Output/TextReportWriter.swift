import DSToolKit
import Foundation

/// `--format text`: one block per finding, readable in a terminal; Chinese labels with --lang zh;
/// colour only on a terminal and never when NO_COLOR is set.
public final class TextReportWriter: ReportWriter {
    let out: ReportStream
    let lang: String
    let color: Bool
    var findings = 0

    public init(out: ReportStream, lang: String, color: Bool) {
        self.out = out; self.lang = lang; self.color = color
    }

    var zh: Bool { lang.hasPrefix("zh") }

    func paint(_ s: String, _ severity: Severity) -> String {
        guard color else { return s }
        let code: String
        switch severity {
        case .critical: code = "1;35"
        case .high: code = "1;31"
        case .medium: code = "33"
        case .low: code = "36"
        case .info: code = "2"
        }
        return "\u{1B}[\(code)m\(s)\u{1B}[0m"
    }

    public func record(_ record: Record, raw: Data) {
        switch record {
        case .finding(let f):
            findings += 1
            let sev = zh ? f.severity.zh : f.severity.rawValue.uppercased()
            var place = f.location.input
            if let t = f.location.table { place += " [\(t)\(f.location.columnName.map { ".\($0)" } ?? "")]" }
            else if let c = f.location.columnName { place += " [\(c)]" }
            if let l = f.location.line { place += ":\(l)" + (f.location.column.map { ":\($0)" } ?? "") }
            if let r = f.location.row { place += (zh ? " 第\(r)行" : " row \(r)") }
            var line = "\(paint(sev, f.severity))  \(f.ruleId)  \(place)\n"
            line += "    \(f.message?.text(lang) ?? f.title.text(lang))"
            if let level = f.dataLevel { line += zh ? "（\(level.rawValue)数据）" : " (\(level.en) data)" }
            line += "\n"
            if let e = f.evidence, !e.isEmpty { line += (zh ? "    证据: " : "    evidence: ") + e + "\n" }
            out.write(line)
        case .data(let d):
            if let t = d.text { out.write(t.text(lang) + "\n") }
        case .error:
            break  // errors go to stderr as they happen (see ErrorLinePrinter)
        }
    }

    public func finish(run: RunInfo) throws {
        let c = run.counts ?? RunCounts()
        let sevs = Severity.allCases.reversed().compactMap { s -> String? in
            guard let n = c.bySeverity[s.rawValue], n > 0 else { return nil }
            return zh ? "\(s.zh) \(n)" : "\(n) \(s.rawValue)"
        }.joined(separator: ", ")
        if zh {
            out.write("\n共 \(c.items) 项输入，\(c.findings) 个发现\(sevs.isEmpty ? "" : "（\(sevs)）")，\(c.errors) 个错误。\n")
        } else {
            out.write("\n\(c.items) items, \(c.findings) findings\(sevs.isEmpty ? "" : " (\(sevs))"), \(c.errors) errors.\n")
        }
        try out.close()
    }
}

/// Prints each error record as one line on stderr as it happens: `dstool: INPUT: REASON`.
public final class ErrorLinePrinter: RecordSink {
    let quiet: Bool
    public init(quiet: Bool) { self.quiet = quiet }
    public func record(_ record: Record, raw: Data) {
        guard !quiet else { return }
        switch record {
        case .error(let e):
            FileHandle.standardError.write(Data("dstool: \(e.line)\n".utf8))
        case .finding(let f) where f.ruleId.hasPrefix("input.limit."):
            FileHandle.standardError.write(Data("dstool: \(f.location.input): \(f.message?.en ?? f.title.en)\n".utf8))
        default:
            break
        }
    }
}
