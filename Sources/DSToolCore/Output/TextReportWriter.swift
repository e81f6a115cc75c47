import DSToolKit
import FoundationEssentials
import Glibc

/// `--format text`: a table readable in a terminal, streamed as findings arrive — one row per
/// finding (severity, rule, location) with its message and evidence indented below — then a
/// table of counts per rule and a summary line. Chinese labels with --lang zh; colour only when
/// the caller says so (a terminal, no NO_COLOR, no --no-color).
public final class TextReportWriter: ReportWriter {
    let out: ReportStream
    let lang: String
    let color: Bool
    let ruleWidth: Int
    var headerWritten = false
    var perRule: [String: (severity: Severity, count: Int)] = [:]
    static let severityWidth = 8
    static let indent = String(repeating: " ", count: severityWidth + 2)

    /// `ruleIds`: the rules the plugin can report (from its manifest), to size the rule column.
    public init(out: ReportStream, lang: String, color: Bool, ruleIds: [String] = []) {
        self.out = out; self.lang = lang; self.color = color
        ruleWidth = min(max(ruleIds.map { TextCell.width($0) }.max() ?? 0, 16), 40)
    }

    var zh: Bool { lang.hasPrefix("zh") }

    func paint(_ s: String, _ code: String) -> String {
        guard color else { return s }
        return "\u{1B}[\(code)m\(s)\u{1B}[0m"
    }

    static func colorCode(_ severity: Severity) -> String {
        switch severity {
        case .critical: return "1;35"
        case .high: return "1;31"
        case .medium: return "33"
        case .low: return "36"
        case .info: return "2"
        }
    }

    func label(_ s: Severity) -> String {
        if zh { return s.zh }
        switch s {
        case .info: return "INFO"
        case .low: return "LOW"
        case .medium: return "MEDIUM"
        case .high: return "HIGH"
        case .critical: return "CRITICAL"
        }
    }

    func row(_ cells: [(String, Int)], last: String) -> String {
        cells.map { TextCell.pad($0.0, $0.1) }.joined(separator: "  ") + "  " + last
    }

    /// `input [table.column]:line:column row N`
    func place(_ l: Location) -> String {
        var place = l.input
        if let t = l.table { place += " [\(t)\(l.columnName.map { ".\($0)" } ?? "")]" }
        else if let c = l.columnName { place += " [\(c)]" }
        if let line = l.line { place += ":\(line)" + (l.column.map { ":\($0)" } ?? "") }
        if let r = l.row { place += zh ? " 第\(r)行" : " row \(r)" }
        return TextCell.sanitize(place)
    }

    public func record(_ accepted: AcceptedRecord) {
        guard let record = accepted.decoded else { return }
        switch record {
        case .finding(let f):
            var s = ""
            if !headerWritten {
                headerWritten = true
                let h = zh ? ["级别", "规则", "位置"] : ["SEVERITY", "RULE", "LOCATION"]
                s += paint(row([(h[0], Self.severityWidth), (h[1], ruleWidth)], last: h[2]), "1") + "\n"
            }
            let sev = label(f.severity)
            let painted = paint(sev, Self.colorCode(f.severity)) + String(repeating: " ", count: max(0, Self.severityWidth - TextCell.width(sev)))
            s += painted + "  " + TextCell.pad(TextCell.sanitize(f.ruleId), ruleWidth) + "  " + place(f.location) + "\n"
            let indent = Self.indent
            var message = TextCell.sanitize(f.message?.text(lang) ?? f.title.text(lang))
            if let level = f.dataLevel { message += zh ? "（\(level.rawValue)数据）" : " (\(level.en) data)" }
            s += indent + message + "\n"
            if let e = f.evidence, !e.isEmpty { s += indent + (zh ? "证据: " : "evidence: ") + TextCell.sanitize(e) + "\n" }
            out.writeRecord(s)
            let prev = perRule[f.ruleId]
            perRule[f.ruleId] = (max(prev?.severity ?? f.severity, f.severity), (prev?.count ?? 0) + 1)
        case .data(let d):
            if let t = d.text { out.writeRecord(TextCell.sanitize(t.text(lang), keepLayout: true) + "\n") }
        case .error:
            break  // errors go to stderr as they happen (see ErrorLinePrinter)
        }
    }

    public func finish(run: RunInfo) throws {
        var s = ""
        if !perRule.isEmpty {
            s += "\n" + paint(row([(zh ? "规则" : "RULE", ruleWidth), (zh ? "级别" : "SEVERITY", Self.severityWidth)], last: zh ? "数量" : "COUNT"), "1") + "\n"
            let sorted = perRule.sorted { a, b in a.value.severity != b.value.severity ? a.value.severity > b.value.severity : a.key < b.key }
            for (rule, v) in sorted {
                s += TextCell.pad(TextCell.sanitize(rule), ruleWidth) + "  " + TextCell.pad(label(v.severity), Self.severityWidth) + "  \(v.count)\n"
            }
        }
        s += "\n" + Self.summary(run.counts ?? RunCounts(), zh: zh) + "\n"
        if let c = run.caseRecord {
            s += zh ? "已记录到案卷 \(c.file)，第 \(c.run) 次运行（SHA-256 \(c.sha256)，SM3 \(c.sm3)）。\n"
                    : "Recorded in case \(c.file) as run \(c.run) (SHA-256 \(c.sha256), SM3 \(c.sm3)).\n"
        }
        out.write(s)
        try out.close()
    }

    /// `7 items, 3 findings (1 high, 2 low), 1 error.` / `共 7 项输入，3 个发现（高 1，低 2），0 个错误。`
    public static func summary(_ c: RunCounts, zh: Bool) -> String {
        let sevs = Severity.allCases.reversed().compactMap { s -> String? in
            guard let n = c.bySeverity[s.rawValue], n > 0 else { return nil }
            return zh ? "\(s.zh) \(n)" : "\(n) \(s.rawValue)"
        }
        if zh {
            return "共 \(c.items) 项输入，\(c.findings) 个发现\(sevs.isEmpty ? "" : "（\(sevs.joined(separator: "，"))）")，\(c.errors) 个错误。"
        }
        func n(_ k: Int, _ word: String) -> String { "\(k) \(word)\(k == 1 ? "" : "s")" }
        return "\(n(c.items, "item")), \(n(c.findings, "finding"))\(sevs.isEmpty ? "" : " (\(sevs.joined(separator: ", ")))"), \(n(c.errors, "error"))."
    }
}

/// Terminal cells: display width (CJK counts two columns) and control characters made visible, so
/// a hostile file name cannot move the cursor or recolour the terminal.
public enum TextCell {
    public static func width(_ s: String) -> Int {
        // ASCII without looking up Unicode properties: one column each, NUL none.
        var s = s
        if let ascii = s.withUTF8({ u -> Int? in
            var w = u.count
            for b in u {
                if b >= 0x80 { return nil }
                if b == 0 { w -= 1 }
            }
            return w
        }) { return ascii }
        return scalarWidth(s)
    }

    static func scalarWidth(_ s: String) -> Int {
        var w = 0
        for u in s.unicodeScalars { w += width(u) }
        return w
    }

    static func width(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if v == 0 { return 0 }
        switch u.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
             0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// `s` followed by spaces up to `columns` display columns.
    public static func pad(_ s: String, _ columns: Int) -> String {
        let w = width(s)
        return w >= columns ? s : s + String(repeating: " ", count: columns - w)
    }

    /// Control characters (C0, DEL, C1) as `\xNN`; `keepLayout` keeps newlines and tabs.
    public static func sanitize(_ s: String, keepLayout: Bool = false) -> String { ControlCharacters.escaped(s, keepLayout: keepLayout) }
    static func sanitizeScalars(_ s: String, keepLayout: Bool = false) -> String { ControlCharacters.escapedScalars(s, keepLayout: keepLayout) }
}

/// Prints each error record as one line on stderr as it happens: `dstool: INPUT: REASON`.
public final class ErrorLinePrinter: RecordSink {
    let quiet: Bool
    let write: (String) -> Void
    public init(quiet: Bool, write: @escaping (String) -> Void = { StandardError.write($0) }) {
        self.quiet = quiet; self.write = write
    }
    public var needsDecodedRecords: Bool { false }  // errors and input-limit findings come decoded
    public func record(_ accepted: AcceptedRecord) {
        guard !quiet, let record = accepted.decoded else { return }
        switch record {
        case .error(let e):
            ReportStream.flushAll()  // report lines collected so far come before it
            write("dstool: \(TextCell.sanitize(e.line))\n")
        case .finding(let f) where f.ruleId.hasPrefix("input.limit."):
            ReportStream.flushAll()
            write("dstool: \(TextCell.sanitize(f.location.input)): \(TextCell.sanitize(f.message?.en ?? f.title.en))\n")
        default:
            break
        }
    }
}
