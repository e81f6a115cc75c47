import DSToolKit
import FoundationEssentials
import Glibc

/// `--format csv`: one row per finding (RFC 4180: comma-separated, CRLF line ends, fields encoded by
/// `CSVField`). Errors are not rows; they go to stderr as lines.
public final class CSVReportWriter: ReportWriter {
    let out: ReportStream
    let lang: String
    public static let header = ["severity", "rule_id", "title", "message", "input", "line", "column", "offset", "table",
                                "column_name", "row", "evidence", "data_level", "confidence", "fingerprint"]

    public init(out: ReportStream, lang: String) {
        self.out = out; self.lang = lang
        out.write(Self.header.joined(separator: ",") + "\r\n")
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
        out.writeRecord(cols.map(CSVField.encode).joined(separator: ",") + "\r\n")
    }

    public func finish(run: RunInfo) throws { try out.close() }
}
