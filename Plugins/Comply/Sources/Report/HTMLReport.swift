import DSToolKit
import Foundation

/// `--html FILE`: a self-contained report to hand over and sign, in Chinese or English.
enum HTMLReport {
    static func esc(_ s: String) -> String {
        var o = ""
        o.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            case "'": o += "&#39;"
            default: o.append(ch)
            }
        }
        return o
    }

    static func render(_ packs: [PackResult], asOf: Day, inputs: [String], lang: String, generated: Date) -> String {
        let zh = lang.hasPrefix("zh")
        func t(_ en: String, _ z: String) -> String { zh ? z : en }
        func l(_ x: LocalizedText) -> String { esc(x.text(lang)) }
        var h = """
        <!DOCTYPE html>
        <html lang="\(zh ? "zh-CN" : "en")"><head><meta charset="utf-8">
        <title>\(t("dstool compliance report", "dstool 合规检查报告"))</title>
        <style>
        body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
        table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#eee}.pass{color:#17692c}.fail{color:#b00020;font-weight:bold}.manual{color:#8a5a00}.error{color:#7b1fa2}
        .notapplicable{color:#666}.waived{color:#1565c0}.ev{font-family:monospace;font-size:90%}.score{font-size:150%}
        </style></head><body>
        <h1>\(t("Compliance check report", "合规检查报告"))</h1>
        <p>\(t("Evidence", "证据")): \(inputs.map(esc).joined(separator: ", "))<br>
        \(t("Evaluated as of", "评估日")): \(asOf)<br>\(t("Generated", "生成时间")): \(esc(ISO8601DateFormatter().string(from: generated)))</p>

        """
        for p in packs {
            let s = p.score
            h += "<h2>\(l(p.pack.title)) <small>(\(esc(p.pack.id)))</small></h2>\n"
            h += "<p class=\"score\">\(t("Score", "得分")): \(s.score.map { String(format: "%.1f", $0) } ?? "—") / 100</p>\n<p>"
            h += ControlStatus.allCases.map { "<span class=\"\($0.rawValue)\">\(l($0.label))</span> \(s.counts[$0] ?? 0)" }.joined(separator: " · ")
            h += " · <span class=\"waived\">\(t("waived", "已豁免"))</span> \(s.waived)</p>\n"
            h += "<h3>\(t("Clauses", "条款汇总"))</h3>\n<table><tr><th>\(t("Clause", "条款"))</th><th>\(t("Result", "结论"))</th><th>\(t("Controls", "控制项"))</th></tr>\n"
            for c in p.clauses {
                h += "<tr><td>\(l(c.clause.label))</td><td class=\"\(c.status.rawValue)\">\(l(c.status.label))</td><td>\(c.controls.map(esc).joined(separator: ", "))</td></tr>\n"
            }
            h += "</table>\n<h3>\(t("Controls", "控制项"))</h3>\n<table><tr><th>ID</th><th>\(t("Control", "控制项"))</th><th>\(t("Severity", "级别"))</th><th>\(t("Result", "结论"))</th><th>\(t("Evidence", "证据"))</th><th>\(t("Remediation", "整改建议"))</th></tr>\n"
            for r in p.results {
                let cls = r.waived ? "waived" : r.status.rawValue
                let word = r.waived ? t("waived", "已豁免") : l(r.status.label)
                var ev = "<p>\(l(r.reason))</p>"
                if !r.evidence.isEmpty {
                    ev += "<ul class=\"ev\">" + r.evidence.map { "<li>\(esc($0.place)): \(l($0.detail))</li>" }.joined() + "</ul>"
                }
                if let w = r.waiver {
                    ev += "<p class=\"waived\">\(t("Waiver", "豁免")): \(esc(w.justification)) — \(t("until", "有效期至")) \(w.expires)\(r.waiverExpired ? t(" (expired)", "（已过期）") : "")</p>"
                }
                let clauses = r.definition.clauses.map { esc($0.label.text(lang)) }.joined(separator: "<br>")
                h += "<tr><td>\(esc(r.id))</td><td><b>\(l(r.definition.title))</b><br><small>\(clauses)</small></td><td>\(esc(zh ? r.control.severity.zh : r.control.severity.rawValue))</td><td class=\"\(cls)\">\(word)</td><td>\(ev)</td><td>\(l(r.definition.remediation))</td></tr>\n"
            }
            h += "</table>\n"
        }
        h += "<p>\(t("Inspector", "检查人")): ____________ &nbsp; \(t("Enterprise representative", "企业代表")): ____________ &nbsp; \(t("Date", "日期")): ____________</p>\n</body></html>\n"
        return h
    }
}
