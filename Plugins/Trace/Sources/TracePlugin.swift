import DSToolKit
import Foundation

/// `dstool trace`: attack tracing over logs (see README, "dstool trace").
public enum TracePlugin: DSToolPlugin {
    public static var manifestJSON: String { embeddedManifestJSON }

    /// Builds the run's settings from the options; usage errors name the option.
    public static func config(_ r: PluginRequest) throws -> TraceConfig {
        var c = TraceConfig()
        if let tz = r.value("tz") {
            guard let z = ZoneResolver.parse(tz) else {
                throw DSToolError.usage("--tz: '\(tz)' is not a time zone (use UTC, +08:00, or a name such as Asia/Shanghai)")
            }
            c.zone = z; c.zoneGiven = true
        }
        if let y = r.value("year") {
            guard let v = Int(y), v >= 1970, v <= 9999 else { throw DSToolError.usage("--year: '\(y)' is not a year") }
            c.year = v
        }
        if let f = r.value("log-format") {
            do { c.customFormat = try NginxLogFormat(f) } catch { throw DSToolError.usage("--log-format: \(error)") }
        }
        if let t = r.value("log-type") {
            guard let f = LogFormat.named(t.lowercased()) else {
                throw DSToolError.usage("--log-type: '\(t)' is not one of \(LogFormat.allCases.map(\.name).joined(separator: ", "))")
            }
            if f == .accessCustom && c.customFormat == nil { throw DSToolError.usage("--log-type access-custom needs --log-format") }
            c.forcedFormat = f
        }
        if let m = r.value("field-map") {
            var spec = m
            if FileManager.default.fileExists(atPath: m) {
                guard let text = try? String(contentsOfFile: m, encoding: .utf8) else { throw DSToolError.usage("--field-map: cannot read \(m)") }
                spec = text.contains("\n") ? text : text + "\n"
            }
            do { c.fieldMap = try FieldMap.parse(spec) } catch { throw DSToolError.usage("--field-map: \(error)") }
        }
        c.findingCap = try r.int("finding-cap", default: 100)
        if c.findingCap < 0 { throw DSToolError.usage("--finding-cap: must be 0 or more") }
        c.failureThreshold = try r.int("failures", default: 5)
        if c.failureThreshold < 1 { throw DSToolError.usage("--failures: must be 1 or more") }
        return c
    }

    static func outputKind(_ path: String, option: String?, allowed: [String], byExtension: [String: String], name: String) throws -> String {
        if let o = option?.lowercased() {
            guard allowed.contains(o) else { throw DSToolError.usage("--\(name): '\(o)' is not one of \(allowed.joined(separator: ", "))") }
            return o
        }
        let ext = (path as NSString).pathExtension.lowercased()
        return byExtension[ext] ?? allowed[0]
    }

    public static func run(_ context: PluginContext) throws -> PluginStatus {
        let r = context.request
        let config = try config(r)
        // Indicators and GeoIP are small configuration files read directly.
        var indicators: IndicatorSet?
        let iocFiles = r.values("ioc")
        if !iocFiles.isEmpty {
            let set = IndicatorSet()
            for f in iocFiles {
                guard let text = try? String(contentsOfFile: f, encoding: .utf8) else { throw DSToolError.usage("--ioc: cannot read \(f)") }
                set.add(text: text, list: f)
            }
            do { try set.finish() } catch { throw DSToolError.usage("--ioc: \(error)") }
            for p in set.problems { context.emitError(input: "--ioc", reason: p, code: "trace.ioc.invalid") }
            indicators = set
        }
        var geo: GeoTable?
        if let g = r.value("geoip") {
            guard let text = try? String(contentsOfFile: g, encoding: .utf8) else { throw DSToolError.usage("--geoip: cannot read \(g)") }
            let t = GeoTable(text: text, name: g)
            for p in t.problems.prefix(20) { context.emitError(input: "--geoip", reason: p, code: "trace.geoip.invalid") }
            geo = t
        }
        let sigma = SigmaEngine.load(builtin: !r.flag("no-builtin-rules"), dirs: r.values("rules"))
        for e in sigma.loadErrors {
            context.emitError(input: "\(e.file):\(e.line)", reason: "Sigma rule skipped: \(e.message)", code: "trace.rule.invalid")
        }
        // Outputs are opened first so that a bad path fails before hours of parsing.
        var timeline: PluginOutput?
        var timelineJSONL = false
        if let t = r.value("timeline") {
            timelineJSONL = try outputKind(t, option: r.value("timeline-format"), allowed: ["csv", "jsonl"],
                                           byExtension: ["jsonl": "jsonl", "ndjson": "jsonl", "json": "jsonl"], name: "timeline-format") == "jsonl"
            timeline = try context.openOutput(t, replace: true)
        }
        var report: PluginOutput?
        var reportKind = "text"
        if let p = r.value("incident-report") {
            reportKind = try outputKind(p, option: r.value("incident-format"), allowed: ["text", "json", "html"],
                                        byExtension: ["json": "json", "html": "html", "htm": "html"], name: "incident-format")
            report = try context.openOutput(p, replace: true)
        }

        // Lines of large single-line logs are split among --jobs threads (the database is written in order).
        let threads = r.value("db") == nil ? max(1, min(r.jobs, 64)) : 1
        let engine = try TraceEngine(config: config, sigma: sigma, indicators: indicators, geo: geo, threads: threads,
                                     emitFinding: { context.emit($0) }, emitError: { context.emit($0) })
        if let dbPath = r.value("db") {
            do {
                engine.database = try EventDatabase(path: dbPath) { [unowned engine] i in
                    (engine.inputs[i].name, engine.inputs[i].path, engine.diagnostics[i].format?.name ?? "")
                }
            } catch { throw DSToolError.usage("--db: \(error)") }
        }

        var status = PluginStatus.ok
        var containerTimes: [Int: Int64] = [:]
        var done: UInt64 = 0
        var cancelled = false
        while let item = context.nextItem() {
            if context.isCancelled { cancelled = true; break }
            if item.isContainer { if let m = item.mtime { containerTimes[item.depth] = m }; continue }
            if item.isEncrypted { continue }  // the host reported it
            var mtime = item.mtime
            if mtime == nil { mtime = (0..<item.depth).reversed().compactMap { containerTimes[$0] }.first }
            let info = ItemInfo(name: item.name, path: item.path, chain: item.chain, mtime: mtime)
            let raw = item.encoding == "utf-8" || item.encoding == "binary"
            let ok = engine.process(info) { buf in
                if context.isCancelled { cancelled = true; return 0 }
                if raw { return try item.read(into: buf) }
                return try item.readText(into: buf.bindMemory(to: UInt8.self))
            }
            if !ok { status = .inputErrors }
            done += 1
            context.progress(done: done, total: 0, label: item.name)
        }
        let result = engine.finish()

        if let t = timeline {
            try TimelineWriter.write(engine, result, jsonl: timelineJSONL) { try t.write($0) }
            try t.commit()
        }
        if let out = report {
            switch reportKind {
            case "json": try out.write(IncidentReport.json(engine, result))
            case "html": try out.write(IncidentReport.html(engine, result, zh: r.isChinese))
            default: try out.write(IncidentReport.text(engine, result, zh: r.isChinese))
            }
            try out.commit()
        }
        if let db = engine.database {
            do { try db.finish(profiles: result.profiles) } catch {
                context.emitError(input: r.value("db") ?? "--db", reason: "\(error)", code: "trace.db.write")
                status = .inputErrors
            }
        }
        emitSummary(context, engine, result)
        if cancelled { return .inputErrors }
        return status
    }

    static func emitSummary(_ context: PluginContext, _ engine: TraceEngine, _ result: TraceResult) {
        let zh = context.request.isChinese
        for (rank, p) in result.profiles.prefix(50).enumerated() {
            let chain = p.stages.map { zh ? $0.tactic.zh : $0.tactic.name }.joined(separator: " > ")
            let line = "\(rank + 1). \(p.source) score \(p.score) [\(p.maxSeverity?.rawValue ?? "")] \(IncidentReport.time(p.firstSeen)) → \(IncidentReport.time(p.lastSeen)): \(chain)"
            context.emit(DataRecord(kind: "trace.source", text: LocalizedText(line),
                                    value: ["rank": .int(Int64(rank + 1)), "source": .string(p.source), "score": .int(Int64(p.score)),
                                            "kill_chain": .array(p.stages.map { .string($0.tactic.name) }),
                                            "techniques": .array(p.techniques.map { .string($0) }),
                                            "first_seen": p.firstSeen.map { .string(IncidentReport.time($0)) } ?? .null,
                                            "last_seen": p.lastSeen.map { .string(IncidentReport.time($0)) } ?? .null,
                                            "events": .int(Int64(p.events.count))]))
        }
        var formats: [String: JSONValue] = [:]
        for (f, n) in engine.eventsByFormat { formats[f.name] = .int(Int64(n)) }
        let text = IncidentReport.summaryLine(engine, zh: zh)
            + "; \(engine.sigma.rules.count) Sigma rules (\(engine.sigma.correlations.count) correlations)"
            + (engine.suppressedFindings > 0 ? "; \(engine.suppressedFindings) further findings counted, not listed (--finding-cap)" : "")
            + (engine.droppedInterest > 0 ? "; \(engine.droppedInterest) events of interest not kept (memory limit)" : "")
            + (engine.actors.overflow > 0 ? "; \(engine.actors.overflow) events from sources beyond the profile limit" : "")
        context.emit(DataRecord(kind: "trace.summary", text: LocalizedText(text),
                                value: ["inputs": .int(Int64(engine.inputs.count)), "lines": .int(Int64(engine.totalLines)),
                                        "events": .int(Int64(engine.totalEvents)), "formats": .object(formats),
                                        "sigma_rules": .int(Int64(engine.sigma.rules.count)),
                                        "correlation_rules": .int(Int64(engine.sigma.correlations.count)),
                                        "findings": .int(Int64(engine.findingCount)),
                                        "findings_not_listed": .int(Int64(engine.suppressedFindings)),
                                        "sources": .int(Int64(result.profiles.count)),
                                        "zone": .string(engine.config.zone.name)]))
    }
}
