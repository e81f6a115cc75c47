import DSToolKit
import Foundation

/// The records a run emits, so every host format (text, json, jsonl, sarif, csv) carries the results.
enum ResultRecords {
    static func json(_ t: LocalizedText) -> JSONValue { ["en": .string(t.en), "zh": .string(t.zh)] }

    static func evidenceJSON(_ r: EvidenceRef) -> JSONValue {
        var o: [String: JSONValue] = ["input": .string(r.input), "detail": json(r.detail)]
        if let l = r.line { o["line"] = .int(Int64(l)) }
        if let t = r.table { o["table"] = .string(t) }
        if let c = r.column { o["column"] = .string(c) }
        return .object(o)
    }

    static func controlValue(_ r: ControlResult) -> JSONValue {
        let d = r.definition
        var o: [String: JSONValue] = [
            "pack": .string(r.pack), "control": .string(r.id), "title": json(d.title), "severity": .string(r.control.severity.rawValue),
            "status": .string(r.status.rawValue), "reason": json(r.reason), "clauses": .array(d.clauses.map { .string($0.id) }),
            "evidence": .array(r.evidence.map(evidenceJSON)), "remediation": json(d.remediation), "waived": .bool(r.waived),
        ]
        if let w = r.waiver {
            var wo: [String: JSONValue] = ["justification": .string(w.justification), "expires": .string(w.expires.description),
                                           "expired": .bool(r.waiverExpired)]
            if let a = w.approvedBy { wo["approved_by"] = .string(a) }
            o["waiver"] = .object(wo)
        }
        return .object(o)
    }

    static func statusWord(_ s: ControlStatus, waived: Bool, _ lang: String) -> String {
        if waived { return lang.hasPrefix("zh") ? "已豁免" : "WAIVED" }
        return lang.hasPrefix("zh") ? s.label.zh : s.rawValue.uppercased()
    }

    static func controlText(_ r: ControlResult) -> LocalizedText {
        func line(_ lang: String) -> String {
            let zh = lang.hasPrefix("zh")
            let word = statusWord(r.status, waived: r.waived, lang)
            let pad = String(repeating: " ", count: max(0, (zh ? 8 : 14) - (zh ? word.count * 2 : word.count)))
            var s = "\(word)\(pad)\(r.id)  \(r.definition.title.text(lang))\n        \(r.reason.text(lang))"
            for e in r.evidence.prefix(3) { s += "\n          \(e.place)  \(e.detail.text(lang))" }
            if r.evidence.count > 3 { s += zh ? "\n          ……另有 \(r.evidence.count - 3) 项证据" : "\n          … \(r.evidence.count - 3) more" }
            if let w = r.waiver {
                s += zh ? "\n        豁免：\(w.justification)（有效期至 \(w.expires)\(r.waiverExpired ? "，已过期" : "")）"
                        : "\n        waiver: \(w.justification) (until \(w.expires)\(r.waiverExpired ? ", expired" : ""))"
            }
            return s
        }
        return LocalizedText(en: line("en"), zh: line("zh"))
    }

    static func finding(_ r: ControlResult, root: String) -> Finding {
        let d = r.definition
        let first = r.evidence.first { $0.input != "…" }
        let location = Location(input: first?.input ?? root, line: first?.line, table: first?.table, columnName: first?.column)
        let evidence = r.evidence.prefix(5).map { "\($0.place): \($0.detail.en)" }.joined(separator: "; ")
        return Finding(ruleId: r.id, title: d.title, message: r.reason, category: "compliance-check", severity: r.control.severity,
                       location: location, evidence: evidence.isEmpty ? nil : evidence,
                       fingerprint: Fingerprint.make(ruleId: "comply/\(r.pack)/\(r.id)", location: location, evidence: ""),
                       references: d.clauses.map(\.id), remediation: d.remediation,
                       properties: ["pack": .string(r.pack), "status": .string(r.status.rawValue),
                                    "evidence": .array(r.evidence.map(evidenceJSON))])
    }

    static func clauseValue(_ pack: String, _ c: ClauseRollup) -> JSONValue {
        var counts: [String: JSONValue] = [:]
        for s in ControlStatus.allCases { counts[s.rawValue] = .int(Int64(c.counts[s] ?? 0)) }
        counts["waived"] = .int(Int64(c.waived))
        return ["pack": .string(pack), "clause": .string(c.clause.id), "label": json(c.clause.label), "status": .string(c.status.rawValue),
                "counts": .object(counts), "controls": .array(c.controls.map { .string($0) })]
    }

    static func clauseText(_ c: ClauseRollup) -> LocalizedText {
        func line(_ lang: String) -> String {
            let counts = ControlStatus.allCases.compactMap { s -> String? in
                guard let n = c.counts[s], n > 0 else { return nil }
                return lang.hasPrefix("zh") ? "\(s.label.zh) \(n)" : "\(n) \(s.rawValue)"
            } + (c.waived > 0 ? [lang.hasPrefix("zh") ? "已豁免 \(c.waived)" : "\(c.waived) waived"] : [])
            return "  \(statusWord(c.status, waived: false, lang))  \(c.clause.label.text(lang))  (\(counts.joined(separator: ", ")))"
        }
        return LocalizedText(en: line("en"), zh: line("zh"))
    }

    static func packValue(_ p: PackResult, asOf: Day, inputs: [String]) -> JSONValue {
        var counts: [String: JSONValue] = [:]
        for s in ControlStatus.allCases { counts[s.rawValue] = .int(Int64(p.score.counts[s] ?? 0)) }
        counts["waived"] = .int(Int64(p.score.waived))
        return ["pack": .string(p.pack.id), "title": json(p.pack.title), "as_of": .string(asOf.description),
                "inputs": .array(inputs.map { .string($0) }), "controls": .int(Int64(p.results.count)), "counts": .object(counts),
                "score": p.score.score.map { .double($0) } ?? .null, "pass_rate": p.score.passRate.map { .double($0) } ?? .null]
    }

    static func packText(_ p: PackResult, asOf: Day) -> LocalizedText {
        func line(_ lang: String) -> String {
            let zh = lang.hasPrefix("zh")
            let s = p.score
            let score = s.score.map { String(format: "%.1f", $0) } ?? (zh ? "无" : "n/a")
            let counts = ControlStatus.allCases.map { st in zh ? "\(st.label.zh) \(s.counts[st] ?? 0)" : "\(s.counts[st] ?? 0) \(st.rawValue)" }
                + [zh ? "已豁免 \(s.waived)" : "\(s.waived) waived"]
            return zh ? "合规检查：\(p.pack.title.zh)（\(p.pack.id)），评估日 \(asOf)\n得分 \(score)/100；共 \(p.results.count) 项控制：\(counts.joined(separator: "，"))\n"
                      : "Compliance check: \(p.pack.title.en) (\(p.pack.id)), as of \(asOf)\nScore \(score)/100; \(p.results.count) controls: \(counts.joined(separator: ", "))\n"
        }
        return LocalizedText(en: line("en"), zh: line("zh"))
    }
}
