import DSToolKit
import Foundation

/// `--format sarif`: SARIF 2.1.0. Locations inside archives keep their chain in the artifact URI
/// (`backup.tar.gz!db/users.csv`) and in properties.chain; errors become tool notifications.
public final class SARIFReportWriter: ReportWriter {
    let out: ReportStream
    let manifest: PluginManifest
    let lang: String
    var results: [JSONValue] = []
    var notifications: [JSONValue] = []
    var ruleIndex: [String: Int] = [:]
    var rules: [JSONValue] = []

    public init(out: ReportStream, manifest: PluginManifest, lang: String) {
        self.out = out; self.manifest = manifest; self.lang = lang
    }

    static func level(_ s: Severity) -> String {
        switch s {
        case .critical, .high: return "error"
        case .medium: return "warning"
        case .low, .info: return "note"
        }
    }

    func ruleIdx(_ f: Finding) -> Int {
        if let i = ruleIndex[f.ruleId] { return i }
        var rule: [String: JSONValue] = [
            "id": .string(f.ruleId),
            "name": .string(f.ruleId),
            "shortDescription": ["text": .string(f.title.text(lang))],
            "defaultConfiguration": ["level": .string(Self.level(f.severity))],
            "properties": ["title_zh": .string(f.title.zh), "title_en": .string(f.title.en), "category": .string(f.category)],
        ]
        if let rem = f.remediation { rule["help"] = ["text": .string(rem.text(lang))] }
        rules.append(.object(rule))
        ruleIndex[f.ruleId] = rules.count - 1
        return rules.count - 1
    }

    public func record(_ record: Record, raw: Data) {
        switch record {
        case .finding(let f):
            var region: [String: JSONValue] = [:]
            if let l = f.location.line, l > 0 { region["startLine"] = .int(Int64(l)) }
            if let c = f.location.column, c > 0 { region["startColumn"] = .int(Int64(c)) }
            if let o = f.location.offset, o >= 0 { region["byteOffset"] = .int(o) }
            if let n = f.location.length, n >= 0, f.location.offset != nil { region["byteLength"] = .int(Int64(n)) }
            var physical: [String: JSONValue] = ["artifactLocation": ["uri": .string(Self.uri(f.location.input))]]
            if !region.isEmpty { physical["region"] = .object(region) }
            var props: [String: JSONValue] = ["severity": .string(f.severity.rawValue), "category": .string(f.category)]
            if let c = f.location.chain { props["chain"] = .array(c.map { .string($0) }) }
            if let t = f.location.table { props["table"] = .string(t) }
            if let c = f.location.columnName { props["column_name"] = .string(c) }
            if let r = f.location.row { props["row"] = .int(r) }
            if let e = f.evidence { props["evidence"] = .string(e) }
            if let d = f.dataLevel { props["data_level"] = .string(d.rawValue) }
            if let c = f.confidence { props["confidence"] = .double(c) }
            if let refs = f.references { props["references"] = .array(refs.map { .string($0) }) }
            if let cwe = f.cwe { props["cwe"] = .array(cwe.map { .string($0) }) }
            if let p = f.properties { props["details"] = p }
            let result: JSONValue = [
                "ruleId": .string(f.ruleId),
                "ruleIndex": .int(Int64(ruleIdx(f))),
                "level": .string(Self.level(f.severity)),
                "message": ["text": .string(f.message?.text(lang) ?? f.title.text(lang))],
                "locations": [["physicalLocation": .object(physical)]],
                "partialFingerprints": ["dstool/v1": .string(f.fingerprint)],
                "properties": .object(props),
            ]
            results.append(result)
        case .error(let e):
            notifications.append([
                "level": "error",
                "message": ["text": .string(e.line)],
                "descriptor": ["id": .string(e.code)],
                "locations": [["physicalLocation": ["artifactLocation": ["uri": .string(Self.uri(e.input))]]]],
            ])
        case .data:
            break
        }
    }

    /// A relative URI reference for an input chain (percent-encoded; `!` kept as the chain separator).
    static func uri(_ input: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#[]@")
        return input.addingPercentEncoding(withAllowedCharacters: allowed) ?? input
    }

    public func finish(run: RunInfo) throws {
        let invocation: JSONValue = [
            "executionSuccessful": .bool((run.exitCode ?? 0) != 3 && (run.exitCode ?? 0) != 2),
            "commandLine": .string(run.commandLine.joined(separator: " ")),
            "startTimeUtc": .string(run.started),
            "endTimeUtc": .string(run.ended ?? run.started),
            "exitCode": .int(Int64(run.exitCode ?? 0)),
            "toolExecutionNotifications": .array(notifications),
        ]
        let doc: JSONValue = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": [
                    "name": "dstool",
                    "semanticVersion": .string(run.toolVersion),
                    "informationUri": "https://example.invalid/dstool",
                    "rules": .array(rules),
                    "properties": ["plugin": .string(manifest.id), "plugin_version": .string(manifest.version)],
                ]],
                "invocations": [invocation],
                "results": .array(results),
                "columnKind": "unicodeCodePoints",
            ]],
        ]
        var data = try DSJSON.encode(doc, pretty: true)
        data.append(10)
        out.write(data)
        try out.close()
    }
}

/// `--format csv`: one row per finding (RFC 4180 quoting); errors are not rows.
public final class CSVReportWriter: ReportWriter {
    let out: ReportStream
    let lang: String
    public static let header = ["severity", "rule_id", "title", "input", "line", "column", "table", "column_name", "row",
                                "evidence", "data_level", "confidence", "fingerprint"]

    public init(out: ReportStream, lang: String) {
        self.out = out; self.lang = lang
        out.write(Self.header.joined(separator: ",") + "\r\n")
    }

    static func field(_ s: String) -> String {
        // A leading = + - @ would be a formula in a spreadsheet: quote and prefix it.
        var v = s
        if let first = v.first, "=+-@\t\r".contains(first) { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || v != s {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }

    public func record(_ record: Record, raw: Data) {
        guard case .finding(let f) = record else { return }
        let cols: [String] = [
            f.severity.rawValue, f.ruleId, f.message?.text(lang) ?? f.title.text(lang), f.location.input,
            f.location.line.map(String.init) ?? "", f.location.column.map(String.init) ?? "",
            f.location.table ?? "", f.location.columnName ?? "", f.location.row.map(String.init) ?? "",
            f.evidence ?? "", f.dataLevel?.rawValue ?? "", f.confidence.map { String($0) } ?? "", f.fingerprint,
        ]
        out.write(cols.map(Self.field).joined(separator: ",") + "\r\n")
    }

    public func finish(run: RunInfo) throws { try out.close() }
}

/// A one-line progress bar on stderr (only when stderr is a terminal).
final class ProgressBar: @unchecked Sendable {
    private var last = Date.distantPast
    private let lock = NSLock()
    func update(done: UInt64, total: UInt64, label: String) {
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(last) > 0.1 else { return }
        last = now
        var line: String
        if total > 0 {
            let frac = min(Double(done) / Double(total), 1)
            let width = 30
            let filled = Int(frac * Double(width))
            line = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] \(Int(frac * 100))%"
        } else {
            line = "\(done)"
        }
        let shortLabel = label.count > 40 ? "…" + label.suffix(39) : label
        line += " " + shortLabel
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }
    static func clear() { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
}
