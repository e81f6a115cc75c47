import DSToolKit
import Foundation

/// `document_present`: a required document is among the evidence and recent enough.
/// Documents are recognised by their file names (DocumentKind); their date comes from a labelled
/// date in the text, the file's metadata, or the latest date in the text.
///
///     document_present:
///       kind: risk-assessment        # see DocumentKind
///       max_age_days: 365            # optional
struct DocumentPresent: CheckPrimitive {
    static let name = "document_present"
    let kind: DocumentKind
    let maxAgeDays: Int?

    init(_ args: PrimitiveArgs) throws {
        var a = args
        kind = try a.require("kind").oneOf("document_present.kind", DocumentKind.self)
        maxAgeDays = try a.int("max_age_days", min: 1)
        try a.finish()
    }

    var needs: EvidenceNeeds { var n = EvidenceNeeds(); n.documents = true; return n }

    func evaluate(_ e: Evidence, _ ctx: EvaluationContext) -> Verdict {
        let title = kind.title
        let docs = e.documents.filter { $0.kinds.contains(kind) }
        if docs.isEmpty {
            let broken = e.unreadable(roles: [.document]).filter { DocumentKind.recognise(($0.item as NSString).lastPathComponent).contains(kind) }
            if !broken.isEmpty {
                return .unreadable(broken, "the \(title.en) could not be read", "\(title.zh)无法读取")
            }
            if e.documents.isEmpty {
                return .manual("no documents were provided; ask for the \(title.en)", "证据中没有任何文档，需另行索取\(title.zh)")
            }
            return .fail("no \(title.en) among the \(e.documents.count) document(s) provided", "提供的 \(e.documents.count) 份文档中没有\(title.zh)")
        }
        if maxAgeDays == nil {
            return .pass("the \(title.en) is present", "\(title.zh)存在", docs.map { EvidenceRef(input: $0.item, line: $0.dateLine, detail: $0.dateSource ?? LocalizedText(en: "present", zh: "存在")) })
        }
        let dated = docs.filter { $0.date != nil }
        guard let newest = dated.max(by: { $0.date! < $1.date! }), let date = newest.date else {
            return .manual("the \(title.en) has no recognisable date", "\(title.zh)无可识别的日期",
                           docs.map { EvidenceRef(input: $0.item, detail: LocalizedText(en: "present, undated", zh: "存在，但无日期")) })
        }
        let age = ctx.asOf - date
        let ref = EvidenceRef(input: newest.item, line: newest.dateLine, detail: newest.dateSource ?? LocalizedText("\(date)"))
        if let maxAgeDays, age > maxAgeDays {
            return .fail("the latest \(title.en) is \(age) days old (at most \(maxAgeDays) allowed)",
                         "最新的\(title.zh)已有 \(age) 天（要求不超过 \(maxAgeDays) 天）", [ref])
        }
        return .pass("the \(title.en) is \(age) days old", "\(title.zh)距今 \(age) 天", [ref])
    }
}
