import DSToolKit
import Foundation

/// The date of a document: a labelled date in its text (编制日期: 2024年5月1日, Date: 2024-05-01),
/// else its metadata (docx/odt core properties, PDF ModDate), else the latest date in its text.
/// Dates after the evaluation day are ignored (a "next review" date is not the document's date).
enum DocumentDates {
    static let labels: [String] = ["编制日期", "发布日期", "评估日期", "批准日期", "修订日期", "生效日期", "更新日期", "审批日期", "报告日期",
                                   "完成日期", "签发日期", "日期", "date", "issued", "approved", "effective", "updated", "revised",
                                   "reviewed", "version"]
    static let notTheDocumentsDate: [String] = ["下次", "有效期至", "截止", "next", "expires", "valid until", "due"]

    static let datePattern = try! NSRegularExpression(
        pattern: #"(?<![0-9])((?:19|20)[0-9]{2})\s*(?:[-/.]\s*([01]?[0-9])\s*[-/.]\s*([0-3]?[0-9])|年\s*([01]?[0-9])\s*月\s*([0-3]?[0-9])\s*日)(?![0-9])"#)

    struct Found { var day: Day; var line: Int; var labelled: Bool }

    static func dates(in text: String) -> [Found] {
        var out: [Found] = []
        var lineNo = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            guard line.count < 4000 else { continue }
            let s = String(line)
            let ns = s as NSString
            for m in datePattern.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
                func g(_ i: Int) -> Int? { m.range(at: i).location == NSNotFound ? nil : Int(ns.substring(with: m.range(at: i))) }
                guard let y = g(1), let mo = g(2) ?? g(4), let d = g(3) ?? g(5), let day = Day(year: y, month: mo, day: d) else { continue }
                let before = ns.substring(to: m.range.location).lowercased()
                let near = String(before.suffix(24))
                let labelled = labels.contains { near.contains($0) } && !notTheDocumentsDate.contains { near.contains($0) }
                if notTheDocumentsDate.contains(where: { near.contains($0) }) { continue }
                out.append(Found(day: day, line: lineNo, labelled: labelled))
            }
        }
        return out
    }

    /// The document's date from its text and metadata.
    static func choose(text: String?, metadata: Day?, metadataSource: String, asOf: Day) -> (Day, LocalizedText, Int?)? {
        let found = text.map { dates(in: $0) }?.filter { $0.day <= asOf } ?? []
        if let best = found.filter(\.labelled).max(by: { $0.day < $1.day }) {
            return (best.day, LocalizedText(en: "dated \(best.day) in the text (line \(best.line))", zh: "正文注明日期 \(best.day)（第 \(best.line) 行）"), best.line)
        }
        if let metadata, metadata <= asOf {
            return (metadata, LocalizedText(en: "dated \(metadata) by its \(metadataSource)", zh: "\(metadataSource) 记载日期 \(metadata)"), nil)
        }
        if let latest = found.max(by: { $0.day < $1.day }) {
            return (latest.day, LocalizedText(en: "latest date in the text is \(latest.day) (line \(latest.line))", zh: "正文中最近的日期为 \(latest.day)（第 \(latest.line) 行）"), latest.line)
        }
        return nil
    }

    /// `/ModDate (D:20240501...)` or `/CreationDate`, from the raw bytes of a PDF.
    static func pdfDate(_ raw: [UInt8]) -> Day? {
        var best: Day?
        for key in ["/ModDate", "/CreationDate"] {
            let k = Array(key.utf8)
            var i = 0
            while i + k.count + 12 < raw.count {
                if raw[i] == k[0] && Array(raw[i..<(i + k.count)]) == k {
                    var j = i + k.count
                    while j < raw.count && (raw[j] == 32 || raw[j] == UInt8(ascii: "(")) { j += 1 }
                    if j + 10 <= raw.count && raw[j] == UInt8(ascii: "D") && raw[j + 1] == UInt8(ascii: ":"),
                       let y = LogTimestamps.digits(raw, j + 2, 4), let m = LogTimestamps.digits(raw, j + 6, 2),
                       let d = LogTimestamps.digits(raw, j + 8, 2), let day = Day(year: y, month: m, day: d) {
                        if key == "/ModDate" { return day }
                        best = best ?? day
                    }
                }
                i += 1
            }
        }
        return best
    }

    /// `<dcterms:modified ...>2024-05-01T...` in docProps/core.xml, `<dc:date>` in meta.xml.
    static func officeMetadataDate(_ xml: String) -> Day? {
        for tag in ["dcterms:modified", "dc:date", "meta:creation-date", "dcterms:created"] {
            guard let r = xml.range(of: "<\(tag)") else { continue }
            guard let close = xml[r.upperBound...].firstIndex(of: ">") else { continue }
            let value = xml[xml.index(after: close)...].prefix(10)
            if let d = Day(String(value)) { return d }
        }
        return nil
    }

    /// Text of an Office XML part: tags removed, paragraphs as lines.
    static func xmlText(_ xml: String) -> String {
        var out = ""
        out.reserveCapacity(xml.count / 2)
        var inTag = false
        var tag = ""
        for ch in xml {
            if inTag {
                if ch == ">" {
                    inTag = false
                    if tag.hasPrefix("/w:p") || tag.hasPrefix("/text:p") || tag.hasPrefix("w:br") || tag.hasPrefix("/a:p") { out.append("\n") }
                } else { tag.append(ch) }
            } else if ch == "<" {
                inTag = true; tag = ""
            } else {
                out.append(ch)
            }
        }
        return out.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    }
}
