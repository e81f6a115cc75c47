import DSToolKit
import Foundation

/// `--format csv`: one row per finding (RFC 4180: comma-separated, CRLF line ends, fields with a
/// comma, quote or line break in double quotes). Errors are not rows; they go to stderr as lines.
public final class CSVReportWriter: ReportWriter {
    let out: ReportStream
    let lang: String
    public static let header = ["severity", "rule_id", "title", "message", "input", "line", "column", "offset", "table",
                                "column_name", "row", "evidence", "data_level", "confidence", "fingerprint"]

    public init(out: ReportStream, lang: String) {
        self.out = out; self.lang = lang
        out.write(Self.header.joined(separator: ",") + "\r\n")
    }

    static func field(_ s: String) -> String { asciiField(s) ?? anyField(s) }

    /// Any text: the test for characters needing quotes is on Characters.
    static func anyField(_ s: String) -> String {
        // A cell starting with = + - @ (or a tab or CR) is a formula to a spreadsheet: prefix a quote.
        var v = s
        if let first = v.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || v != s {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }

    /// `field` for ASCII text, on bytes (most cells: ids, numbers, paths). As in `field`, the test
    /// for a line break is on Characters, where CR LF is one Character that is neither "\r" nor "\n".
    static func asciiField(_ s: String) -> String? {
        var s = s
        let scan = s.withUTF8 { u -> (quote: Bool, formula: Bool)? in
            var quote = false
            for (i, b) in u.enumerated() {
                if b >= 0x80 { return nil }
                switch b {
                case UInt8(ascii: ","), UInt8(ascii: "\""): quote = true
                case 0x0A: if i == 0 || u[i - 1] != 0x0D { quote = true }
                case 0x0D: if i + 1 == u.count || u[i + 1] != 0x0A { quote = true }
                default: break
                }
            }
            let formula = u.first.map { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-")
                || $0 == UInt8(ascii: "@") || $0 == 0x09 || $0 == 0x0D } ?? false
            return (quote, formula)
        }
        guard let scan else { return nil }
        if !scan.quote && !scan.formula { return s }
        var out = [UInt8]()
        s.withUTF8 { u in
            out.reserveCapacity(u.count + 8)
            out.append(UInt8(ascii: "\""))
            if scan.formula { out.append(UInt8(ascii: "'")) }
            for b in u {
                out.append(b)
                if b == UInt8(ascii: "\"") { out.append(b) }
            }
            out.append(UInt8(ascii: "\""))
        }
        return String(decoding: out, as: UTF8.self)
    }

    public func record(_ record: AcceptedRecord) {
        guard case .finding(let f) = record.decoded else { return }
        let l = f.location
        let cols: [String] = [
            f.severity.rawValue, f.ruleId, f.title.text(lang), f.message?.text(lang) ?? "", l.input,
            l.line.map(String.init) ?? "", l.column.map(String.init) ?? "", l.offset.map(String.init) ?? "",
            l.table ?? "", l.columnName ?? "", l.row.map(String.init) ?? "",
            f.evidence ?? "", f.dataLevel?.rawValue ?? "", f.confidence.map { String($0) } ?? "", f.fingerprint,
        ]
        out.writeRecord(cols.map(Self.field).joined(separator: ",") + "\r\n")
    }

    public func finish(run: RunInfo) throws { try out.close() }
}
