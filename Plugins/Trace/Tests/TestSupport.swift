import DSToolKit
import Foundation
import XCTest
@testable import DSToolTrace

/// Parses one line with a format's parser; nil unless it yields an event.
func parseLine(_ line: String, _ format: LogFormat, ctx: ParseContext = ParseContext(), custom: NginxLogFormat? = nil) -> Event? {
    let parser = Parsers.make(format, customFormat: custom)
    let e = Event()
    let bytes = Array(line.utf8)
    let r = bytes.withUnsafeBufferPointer { parser.parse($0.baseAddress ?? UnsafePointer(e.storage), $0.count, e, ctx) }
    if case .event = r { return e }
    return nil
}

/// Parses several lines with one parser (multi-line formats); returns the events in order.
func parseLines(_ lines: [String], _ format: LogFormat, ctx: ParseContext = ParseContext()) -> [[String: String]] {
    let parser = Parsers.make(format)
    let e = Event()
    var out: [[String: String]] = []
    func snapshot() -> [String: String] {
        var d: [String: String] = [:]
        for (k, v) in e.allFields() { d[k] = v }
        d["@raw"] = e.rawString
        d["@line"] = String(e.lineNumber)
        if e.hasTime { d["@time"] = CivilTime.isoString(micros: e.time) }
        if e.authAction != .none { d["@auth"] = e.authAction.name }
        return d
    }
    for (i, l) in lines.enumerated() {
        ctx.currentLine = i + 1
        e.lineNumber = i + 1
        let bytes = Array(l.utf8)
        let r = bytes.withUnsafeBufferPointer { parser.parse($0.baseAddress ?? UnsafePointer(e.storage), $0.count, e, ctx) }
        switch r {
        case .event, .eventAndPending: out.append(snapshot())
        default: break
        }
    }
    if parser.flush(e, ctx) { out.append(snapshot()) }
    return out
}

/// What a run of the engine produced.
struct EngineRun {
    let engine: TraceEngine
    let findings: [Finding]
    let errors: [ErrorRecord]
    let result: TraceResult
    func rules() -> [String] { findings.map(\.ruleId) }
    func findings(_ rule: String) -> [Finding] { findings.filter { $0.ruleId == rule } }
}

/// Runs the engine over in-memory inputs (name, text), with the built-in rules and optional extra rule texts.
func runEngine(_ inputs: [(String, String)], config: TraceConfig = TraceConfig(), builtin: Bool = true,
               extraRules: [String] = [], indicators: IndicatorSet? = nil, mtime: Int64? = 1_705_708_800, threads: Int = 1) throws -> EngineRun {
    let atoms = SigmaAtoms()
    let loader = SigmaLoader(atoms: atoms)
    var loaded = SigmaLoader.Loaded()
    if builtin { for (n, t) in BuiltinRules.files { loader.load(yaml: t, file: n, builtin: true, into: &loaded) } }
    for (i, t) in extraRules.enumerated() { loader.load(yaml: t, file: "rule\(i).yml", into: &loaded) }
    let sigma = SigmaEngine(loaded: loaded, atoms: atoms)
    var findings: [Finding] = []
    var errors: [ErrorRecord] = []
    let engine = try TraceEngine(config: config, sigma: sigma, indicators: indicators, threads: threads, emitFinding: { findings.append($0) },
                                 emitError: { errors.append($0) })
    for (name, text) in inputs {
        let data = Array(text.utf8)
        var pos = 0
        engine.process(ItemInfo(name: name, mtime: mtime)) { buf in
            let n = min(buf.count, data.count - pos)
            if n > 0 { data.withUnsafeBytes { buf.baseAddress!.copyMemory(from: $0.baseAddress! + pos, byteCount: n) } }
            pos += n
            return n
        }
    }
    let result = engine.finish()
    return EngineRun(engine: engine, findings: findings, errors: errors + sigma.loadErrors.map {
        ErrorRecord(input: "\($0.file):\($0.line)", reason: $0.message, code: "trace.rule.invalid")
    }, result: result)
}

/// A scratch folder removed at the end of the test.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trace-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
}

/// An access-log line in the combined format.
func accessLine(_ ip: String, request: String, time: String = "15/Jan/2024:10:00:00 +0000", status: Int = 200, bytes: Int = 512,
                referer: String = "-", agent: String = "Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0") -> String {
    "\(ip) - - [\(time)] \"\(request)\" \(status) \(bytes) \"\(referer)\" \"\(agent)\""
}
