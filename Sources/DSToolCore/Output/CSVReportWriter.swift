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

    static func field(_ s: String) -> String {
        // A cell starting with = + - @ (or a tab or CR) is a formula to a spreadsheet: prefix a quote.
        var v = s
        if let first = v.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || v != s {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }

    public func record(_ record: Record, raw: Data) {
        guard case .finding(let f) = record else { return }
        let l = f.location
        let cols: [String] = [
            f.severity.rawValue, f.ruleId, f.title.text(lang), f.message?.text(lang) ?? "", l.input,
            l.line.map(String.init) ?? "", l.column.map(String.init) ?? "", l.offset.map(String.init) ?? "",
            l.table ?? "", l.columnName ?? "", l.row.map(String.init) ?? "",
            f.evidence ?? "", f.dataLevel?.rawValue ?? "", f.confidence.map { String($0) } ?? "", f.fingerprint,
        ]
        out.write(cols.map(Self.field).joined(separator: ",") + "\r\n")
    }

    public func finish(run: RunInfo) throws { try out.close() }
}
