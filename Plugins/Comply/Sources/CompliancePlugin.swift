import DSToolKit
import Foundation

/// `dstool comply`: checks an evidence folder against rule packs, control by control.
public enum CompliancePlugin: DSToolPlugin {
    public static var manifestJSON: String { embeddedManifestJSON }
    /// The evidence of the last run in this process (tests look at counts the report rounds off).
    nonisolated(unsafe) static var lastEvidence: Evidence?

    public static func run(_ context: PluginContext) throws -> PluginStatus {
        let req = context.request
        let lang = req.lang
        let asOf: Day
        if let s = req.value("as-of") {
            guard let d = Day(s) else { throw DSToolError.usage("--as-of: '\(s)' is not a date YYYY-MM-DD") }
            asOf = d
        } else {
            asOf = Day.today()
        }
        let sampleRows = try req.int("sample-rows", default: 1000)
        guard sampleRows > 0 else { throw DSToolError.usage("--sample-rows must be a positive whole number") }

        // Everything about the rules is checked before a byte of evidence is read.
        let library: PackLibrary
        var packs: [RulePack] = []
        var waivers: [Waiver] = []
        do {
            library = try PackLibrary.builtin()
            let names = req.values("pack").isEmpty ? ["cn-data-security"] : req.values("pack")
            for n in names { packs.append(try library.loadPack(n, cwd: req.cwd)) }
            if let w = req.value("waivers") {
                let path = w.hasPrefix("/") ? w : (req.cwd as NSString).appendingPathComponent(w)
                waivers = try WaiverFile.load(path: path, display: w, knownControls: Set(library.controlIds))
            }
        } catch let e as PackError {
            throw DSToolError.usage(e.description)
        }

        if req.flag("list") {
            for p in packs { emitListing(p, context) }
            return .ok
        }
        guard !req.inputs.isEmpty else { throw DSToolError.usage("give the evidence folder (or files) to check, e.g. dstool comply --pack cn-data-security DIR") }
        if req.value("html") == "-" { throw DSToolError.usage("--html needs a file name (standard output carries the report)") }

        var needs = EvidenceNeeds()
        for p in packs { needs.merge(p.needs) }
        let started = Date()
        let collector = try EvidenceCollector(needs: needs, sampleRows: sampleRows, roots: req.inputs, asOf: asOf,
                                              workers: max(1, req.jobs))
        var ownErrors = 0
        collector.reportError = { input, reason in
            ownErrors += 1
            context.emitError(input: input, reason: reason, code: "comply.evidence")
        }
        var count: UInt64 = 0
        while let item = context.nextItem() {
            if context.isCancelled { break }
            collector.add(item)
            count += 1
            if count % 64 == 0 { context.progress(done: count, total: 0, label: item.name) }
        }
        try collector.finish()
        lastEvidence = collector.evidence

        let ectx = EvaluationContext(asOf: asOf)
        let results = packs.map { Evaluator.evaluate($0, evidence: collector.evidence, context: ectx, waivers: waivers) }
        let root = req.inputs.joined(separator: " ")
        for p in results {
            context.emit(DataRecord(kind: "pack", text: ResultRecords.packText(p, asOf: asOf),
                                    value: ResultRecords.packValue(p, asOf: asOf, inputs: req.inputs)))
            for r in p.results {
                context.emit(DataRecord(kind: "control", text: ResultRecords.controlText(r), value: ResultRecords.controlValue(r)))
            }
            for r in p.results where r.status == .fail && !r.waived {
                context.emit(ResultRecords.finding(r, root: root))
            }
            for (i, c) in p.clauses.enumerated() {
                var text = ResultRecords.clauseText(c)
                if i == 0 { text = LocalizedText(en: "\nBy clause:\n" + text.en, zh: "\n按条款汇总：\n" + text.zh) }
                context.emit(DataRecord(kind: "clause", text: text, value: ResultRecords.clauseValue(p.pack.id, c)))
            }
        }
        let ended = Date()
        if let html = req.value("html") {
            let out = try context.openOutput(html, replace: true)
            do {
                try out.write(HTMLReport.render(results, asOf: asOf, inputs: req.inputs, lang: lang, generated: ended))
                try out.commit()
            } catch { out.abort(); throw error }
        }
        if req.format == "xccdf" {
            let doc = XCCDFReport.document(results, asOf: asOf, inputs: req.inputs, started: started, ended: ended, lang: lang)
            let out = try context.openOutput("-")
            try out.write(DSJSON.string(doc, pretty: true) + "\n")
            try out.commit()
        }
        return ownErrors > 0 ? .inputErrors : .ok
    }

    /// `--list`: the controls of each pack with their clauses (no evidence read).
    static func emitListing(_ p: RulePack, _ context: PluginContext) {
        context.emit(DataRecord(kind: "pack", text: LocalizedText(en: "\(p.id): \(p.title.en) (\(p.controls.count) controls)",
                                                                  zh: "\(p.id)：\(p.title.zh)（\(p.controls.count) 项控制）"),
                                value: ["pack": .string(p.id), "title": ResultRecords.json(p.title), "controls": .int(Int64(p.controls.count))]))
        for c in p.controls {
            let d = c.definition.value
            let clauses = d.clauses.map(\.id).joined(separator: "; ")
            context.emit(DataRecord(kind: "control-definition",
                                    text: LocalizedText(en: "  \(d.id)  [\(c.severity.rawValue)]  \(d.title.en)  — \(clauses)",
                                                        zh: "  \(d.id)  [\(c.severity.zh)]  \(d.title.zh)  — \(d.clauses.map { $0.label.zh }.joined(separator: "；"))"),
                                    value: ["pack": .string(p.id), "control": .string(d.id), "title": ResultRecords.json(d.title),
                                            "severity": .string(c.severity.rawValue), "clauses": .array(d.clauses.map { .string($0.id) }),
                                            "description": ResultRecords.json(d.description), "remediation": ResultRecords.json(d.remediation)]))
        }
    }
}
