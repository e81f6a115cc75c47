import DSToolKit
import Foundation

/// `--timeline FILE`: one row per event of interest, in time order, as CSV (RFC 4180, as `--format csv`)
/// or JSON lines.
public enum TimelineWriter {
    public static let columns = ["time_utc", "time_original", "zone_assumed", "source", "attributed_by", "user", "host", "format",
                                 "action", "method", "target", "status", "bytes", "severity", "rules", "techniques", "tactics",
                                 "detail", "input", "line", "raw"]

    static func row(_ ev: InterestEvent, _ engine: TraceEngine) -> [String: JSONValue] {
        var r: [String: JSONValue] = [:]
        r["time_utc"] = ev.hasTime ? .string(CivilTime.isoString(micros: ev.time)) : .null
        r["time_original"] = ev.timeText.map { .string($0) } ?? .null
        r["zone_assumed"] = ev.zoneAssumed ? .string(engine.config.zone.name) : .null
        r["source"] = ev.effectiveSource.map { .string($0) } ?? .null
        r["attributed_by"] = ev.attribution.map { .string($0) } ?? .null
        r["user"] = ev.user.map { .string($0) } ?? .null
        r["host"] = ev.host.map { .string($0) } ?? .null
        r["format"] = .string(ev.format.name)
        r["action"] = ev.action == .none ? .null : .string(ev.action.name)
        r["method"] = ev.method.map { .string($0) } ?? .null
        r["target"] = ev.target.map { .string($0) } ?? .null
        r["status"] = ev.status >= 0 ? .int(Int64(ev.status)) : .null
        r["bytes"] = ev.bytes >= 0 ? .int(ev.bytes) : .null
        r["severity"] = ev.maxSeverity.map { .string($0.rawValue) } ?? .null
        r["rules"] = .array(ev.detections.map { .string($0.rule.id) })
        r["techniques"] = .array(ev.techniques.map { .string($0) })
        r["tactics"] = .array(ev.tactics.map { .string($0.name) })
        r["detail"] = .string(ev.detections.isEmpty ? ev.summary : ev.detections.map(\.detail).joined(separator: "; "))
        r["input"] = .string(engine.inputs[ev.input].name)
        r["line"] = .int(Int64(ev.line))
        r["raw"] = .string(EvidenceRedactor.redact(ev.raw))
        return r
    }

    /// A timeline cell as CSV: arrays (rules, techniques, tactics) as space-separated words.
    public static func csvField(_ v: JSONValue) -> String {
        switch v {
        case .null: return ""
        case .string(let x): return CSVField.encode(x)
        case .int(let i): return String(i)
        case .array(let a): return CSVField.encode(a.compactMap(\.stringValue).joined(separator: " "))
        default: return CSVField.encode(DSJSON.string(v))
        }
    }

    public static func write(_ engine: TraceEngine, _ result: TraceResult, jsonl: Bool, to out: (String) throws -> Void) throws {
        if !jsonl { try out(columns.joined(separator: ",") + "\r\n") }
        var buffer = ""
        for i in result.order {
            let r = row(engine.interest[i], engine)
            if jsonl { buffer += DSJSON.string(JSONValue.object(r)) + "\n" }
            else { buffer += columns.map { csvField(r[$0] ?? .null) }.joined(separator: ",") + "\r\n" }
            if buffer.utf8.count > 1 << 20 { try out(buffer); buffer = "" }
        }
        if !buffer.isEmpty { try out(buffer) }
    }
}

/// `--incident-report FILE`: sources ranked by threat, what each did in order (kill chain and
/// events), with the evidence lines; as text, JSON or a self-contained HTML page.
public enum IncidentReport {
    public static let maxEventsPerSource = 200

    static func time(_ t: Int64?) -> String { t.map { CivilTime.isoString(micros: $0) } ?? "?" }

    static func statusMix(_ s: [Int]) -> String {
        let names = ["other", "1xx", "2xx", "3xx", "4xx", "5xx"]
        return (1..<6).compactMap { s[$0] > 0 ? "\(names[$0]) \(s[$0])" : nil }.joined(separator: ", ") + (s[0] > 0 ? ", other \(s[0])" : "")
    }

    static func location(_ engine: TraceEngine, _ ev: InterestEvent) -> String { "\(engine.inputs[ev.input].name):\(ev.line)" }

    public static func text(_ engine: TraceEngine, _ result: TraceResult, zh: Bool) -> String {
        var o = ""
        o += zh ? "dstool trace 事件报告\n" : "dstool trace incident report\n"
        o += summaryLine(engine, zh: zh) + "\n"
        if engine.diagnostics.contains(where: { $0.zoneAssumed > 0 }) {
            o += zh ? "注意：部分日志未记录时区，已按 \(engine.config.zone.name) 解释（--tz）。\n"
                    : "Note: some logs carry no time zone; their times were read as \(engine.config.zone.name) (--tz).\n"
        }
        o += "\n"
        if result.profiles.isEmpty {
            o += zh ? "未发现可疑来源。\n" : "No suspicious sources found.\n"
            return o
        }
        o += zh ? "按威胁排序的来源\n" : "Sources ranked by threat\n"
        for (rank, p) in result.profiles.enumerated() {
            o += "\n\(rank + 1). \(p.source)  score \(p.score)  \(p.maxSeverity?.rawValue ?? "")\(p.succeeded ? (zh ? "  [攻击可能已成功]" : "  [attack may have succeeded]") : "")\n"
            if let g = p.geo { o += "   \(zh ? "归属" : "origin"): \(g.country) \(g.asn) \(g.organisation)\n" }
            o += "   \(zh ? "时间" : "seen") \(time(p.firstSeen)) → \(time(p.lastSeen))"
            if p.requests > 0 {
                o += "; \(p.requests) \(zh ? "次请求" : "requests"), \(p.distinctPaths) \(zh ? "个不同路径" : "distinct paths"); \(statusMix(p.status)); \(ExfilDetector.human(p.bytesOut)) \(zh ? "外发" : "out")"
            }
            if p.authFailures + p.authSuccesses > 0 {
                o += "; \(zh ? "登录失败" : "login failures") \(p.authFailures), \(zh ? "成功" : "successes") \(p.authSuccesses)"
            }
            o += "\n"
            if !p.users.isEmpty { o += "   \(zh ? "涉及账户" : "accounts"): \(p.users.joined(separator: ", "))\n" }
            if !p.agents.isEmpty { o += "   User-Agent: \(p.agents.joined(separator: " | "))\n" }
            o += "   \(zh ? "杀伤链" : "kill chain"): " + p.stages.map { st in
                "\(zh ? st.tactic.zh : st.tactic.name) (\(time(st.first)), \(st.techniques.joined(separator: " ")))"
            }.joined(separator: " > ") + "\n"
            o += "   \(zh ? "行为（按时间）" : "what it did, in order"):\n"
            for i in p.events.prefix(maxEventsPerSource) {
                let ev = engine.interest[i]
                let sev = ev.maxSeverity.map { "[\($0.rawValue)] " } ?? ""
                o += "     \(ev.hasTime ? CivilTime.isoString(micros: ev.time) : "(no time)")  \(sev)\(ev.summary)  (\(location(engine, ev)))\n"
                if let a = ev.attribution { o += "         \(zh ? "归因" : "attributed"): \(a)\n" }
                o += "         " + TraceEngine.sample(Array(EvidenceRedactor.redact(ev.raw).utf8)) + "\n"
            }
            if p.events.count > maxEventsPerSource {
                o += "     … \(p.events.count - maxEventsPerSource) \(zh ? "条更多事件（见 --timeline）" : "more events (see --timeline)")\n"
            }
        }
        return o
    }

    static func summaryLine(_ engine: TraceEngine, zh: Bool) -> String {
        let formats = engine.eventsByFormat.sorted { $0.value > $1.value }.map { "\($0.key.name) \($0.value)" }.joined(separator: ", ")
        return zh ? "输入 \(engine.inputs.count) 个，行 \(engine.totalLines)，事件 \(engine.totalEvents)（\(formats)）；时间均为 UTC"
                  : "\(engine.inputs.count) inputs, \(engine.totalLines) lines, \(engine.totalEvents) events (\(formats)); times in UTC"
    }

    public static func json(_ engine: TraceEngine, _ result: TraceResult) -> String {
        var sources: [JSONValue] = []
        for (rank, p) in result.profiles.enumerated() {
            var o: [String: JSONValue] = [
                "rank": .int(Int64(rank + 1)), "source": .string(p.source), "score": .int(Int64(p.score)),
                "first_seen": p.firstSeen.map { .string(time($0)) } ?? .null, "last_seen": p.lastSeen.map { .string(time($0)) } ?? .null,
                "requests": .int(Int64(p.requests)), "distinct_paths": .int(Int64(p.distinctPaths)),
                "status": .object(["1xx": .int(Int64(p.status[1])), "2xx": .int(Int64(p.status[2])), "3xx": .int(Int64(p.status[3])),
                                   "4xx": .int(Int64(p.status[4])), "5xx": .int(Int64(p.status[5])), "other": .int(Int64(p.status[0]))]),
                "bytes_out": .int(p.bytesOut), "auth_failures": .int(Int64(p.authFailures)), "auth_successes": .int(Int64(p.authSuccesses)),
                "users": .array(p.users.map { .string($0) }), "user_agents": .array(p.agents.map { .string($0) }),
                "techniques": .array(p.techniques.map { .string($0) }), "succeeded": .bool(p.succeeded),
                "severity": p.maxSeverity.map { .string($0.rawValue) } ?? .null,
                "kill_chain": .array(p.stages.map { st in
                    .object(["tactic": .string(st.tactic.name), "tactic_id": .string(st.tactic.id), "first": .string(time(st.first)),
                             "last": .string(time(st.last)), "techniques": .array(st.techniques.map { .string($0) }),
                             "rules": .array(st.rules.map { .string($0) }), "events": .int(Int64(st.events))])
                }),
                "events_total": .int(Int64(p.events.count)),
                "events": .array(p.events.prefix(1000).map { i in .object(TimelineWriter.row(engine.interest[i], engine)) }),
            ]
            if let g = p.geo {
                o["geo"] = .object(["network": .string(g.network), "country": .string(g.country), "asn": .string(g.asn), "organisation": .string(g.organisation)])
            }
            sources.append(.object(o))
        }
        let doc: JSONValue = .object([
            "tool": "dstool trace",
            "inputs": .int(Int64(engine.inputs.count)), "lines": .int(Int64(engine.totalLines)), "events": .int(Int64(engine.totalEvents)),
            "zone": .string(engine.config.zone.name),
            "sources": .array(sources),
        ])
        return DSJSON.string(doc, pretty: true) + "\n"
    }

    static func esc(_ s: String) -> String {
        var o = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            case "'": o += "&#39;"
            default:
                if c.value < 0x20 && c != "\n" && c != "\t" { o += String(format: "\\x%02x", c.value) } else { o.unicodeScalars.append(c) }
            }
        }
        return o
    }

    public static func html(_ engine: TraceEngine, _ result: TraceResult, zh: Bool) -> String {
        var o = """
        <!DOCTYPE html>
        <html lang="\(zh ? "zh" : "en")"><head><meta charset="utf-8"><title>dstool trace</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
        td,th{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;font-size:90%}th{background:#f3f3f3;text-align:left}
        .ev{font-family:ui-monospace,monospace;font-size:85%;white-space:pre-wrap;word-break:break-all;color:#444}
        .critical{color:#fff;background:#8b0000}.high{color:#fff;background:#c0392b}.medium{background:#f39c12}.low{background:#f7dc6f}.info{background:#eee}
        .chain span{display:inline-block;border:1px solid #999;border-radius:3px;padding:.1em .4em;margin:.1em}
        </style></head><body>
        <h1>\(zh ? "攻击溯源事件报告" : "Incident report")</h1>
        <p>\(esc(summaryLine(engine, zh: zh)))</p>

        """
        if result.profiles.isEmpty { o += "<p>\(zh ? "未发现可疑来源。" : "No suspicious sources found.")</p>" }
        else {
            o += "<h2>\(zh ? "按威胁排序的来源" : "Sources ranked by threat")</h2><table><tr><th>#</th><th>\(zh ? "来源" : "source")</th><th>score</th><th>\(zh ? "级别" : "severity")</th><th>\(zh ? "首次" : "first seen")</th><th>\(zh ? "最后" : "last seen")</th><th>\(zh ? "杀伤链" : "kill chain")</th></tr>\n"
            for (rank, p) in result.profiles.enumerated() {
                let sev = p.maxSeverity?.rawValue ?? ""
                o += "<tr><td>\(rank + 1)</td><td><a href=\"#s\(rank + 1)\">\(esc(p.source))</a></td><td>\(p.score)</td><td class=\"\(sev)\">\(sev)</td><td>\(time(p.firstSeen))</td><td>\(time(p.lastSeen))</td><td>\(esc(p.stages.map { zh ? $0.tactic.zh : $0.tactic.name }.joined(separator: " > ")))</td></tr>\n"
            }
            o += "</table>\n"
            for (rank, p) in result.profiles.enumerated() {
                o += "<h3 id=\"s\(rank + 1)\">\(rank + 1). \(esc(p.source)) — score \(p.score)\(p.succeeded ? (zh ? "（攻击可能已成功）" : " (attack may have succeeded)") : "")</h3>\n<p>"
                if let g = p.geo { o += "\(esc(g.country)) \(esc(g.asn)) \(esc(g.organisation))<br>" }
                o += "\(time(p.firstSeen)) → \(time(p.lastSeen))"
                if p.requests > 0 { o += "; \(p.requests) requests, \(p.distinctPaths) distinct paths; \(esc(statusMix(p.status))); \(esc(ExfilDetector.human(p.bytesOut))) out" }
                if p.authFailures + p.authSuccesses > 0 { o += "; login failures \(p.authFailures), successes \(p.authSuccesses)" }
                if !p.users.isEmpty { o += "<br>\(zh ? "涉及账户" : "accounts"): \(esc(p.users.joined(separator: ", ")))" }
                if !p.agents.isEmpty { o += "<br>User-Agent: \(esc(p.agents.joined(separator: " | ")))" }
                o += "</p><p class=\"chain\">" + p.stages.map { "<span>\(esc(zh ? $0.tactic.zh : $0.tactic.name)) \(time($0.first)) \(esc($0.techniques.joined(separator: " ")))</span>" }.joined(separator: " › ") + "</p>\n"
                o += "<table><tr><th>\(zh ? "时间 (UTC)" : "time (UTC)")</th><th>\(zh ? "级别" : "severity")</th><th>\(zh ? "事件" : "what")</th><th>\(zh ? "位置" : "where")</th></tr>\n"
                for i in p.events.prefix(maxEventsPerSource) {
                    let ev = engine.interest[i]
                    let sev = ev.maxSeverity?.rawValue ?? ""
                    o += "<tr><td>\(ev.hasTime ? CivilTime.isoString(micros: ev.time) : "")</td><td class=\"\(sev)\">\(sev)</td><td>\(esc(ev.summary))"
                    if let a = ev.attribution { o += "<br><i>\(esc(a))</i>" }
                    o += "<div class=\"ev\">\(esc(EvidenceRedactor.redact(ev.raw)))</div></td><td>\(esc(location(engine, ev)))</td></tr>\n"
                }
                o += "</table>\n"
                if p.events.count > maxEventsPerSource { o += "<p>… \(p.events.count - maxEventsPerSource) more events (see --timeline)</p>\n" }
            }
        }
        o += "</body></html>\n"
        return o
    }
}
