import DSToolKit
import FoundationEssentials
import Glibc

/// `--format sarif`: SARIF 2.1.0. A finding inside an archive is located by its chain: the result's
/// artifact URI is the whole chain (`backup.tar.gz!db/users.csv`), and `run.artifacts` lists each
/// link of the chain with `parentIndex` pointing at the archive that holds it. Errors become tool
/// execution notifications. Results are spooled, so memory stays bounded on large runs.
public final class SARIFReportWriter: ReportWriter {
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    let out: ReportStream
    let lang: String
    let encoder = DSJSON.encoder()
    let results = RecordSpool()
    var notifications: [JSONValue] = []
    var ruleIndex: [String: Int] = [:]
    var rules: [JSONValue] = []
    var artifactIndex: [String: Int] = [:]
    var artifacts: [JSONValue] = []

    /// `manifest`: its rules are listed in the driver up front (with their references), so every
    /// rule the plugin can report has a description even when it did not fire.
    public init(out: ReportStream, manifest: PluginManifest?, lang: String) {
        self.out = out; self.lang = lang
        for r in manifest?.rules ?? [] {
            addRule(id: r.id, title: r.title, severity: r.severity, category: manifest?.category, references: r.references, remediation: nil)
        }
    }

    static func level(_ s: Severity) -> String {
        switch s {
        case .critical, .high: return "error"
        case .medium: return "warning"
        case .low, .info: return "note"
        }
    }

    @discardableResult
    func addRule(id: String, title: LocalizedText, severity: Severity, category: String?, references: [String]?,
                 remediation: LocalizedText?) -> Int {
        if let i = ruleIndex[id] { return i }
        var props: [String: JSONValue] = ["title_en": .string(title.en), "title_zh": .string(title.zh), "severity": .string(severity.rawValue)]
        if let category { props["category"] = .string(category) }
        if let references, !references.isEmpty { props["references"] = .array(references.map { .string($0) }) }
        var rule: [String: JSONValue] = [
            "id": .string(id),
            "shortDescription": ["text": .string(title.text(lang))],
            "defaultConfiguration": ["level": .string(Self.level(severity))],
            "properties": .object(props),
        ]
        if let remediation { rule["help"] = ["text": .string(remediation.text(lang))] }
        rules.append(.object(rule))
        ruleIndex[id] = rules.count - 1
        return rules.count - 1
    }

    /// The artifact index of an input, adding it and the archives that hold it.
    func artifact(_ location: Location) -> Int {
        if let i = artifactIndex[location.input] { return i }
        let chain = location.chain ?? [location.input]
        var parent: Int?
        var prefix = ""
        for (n, link) in chain.enumerated() {
            prefix = n == 0 ? link : prefix + "!" + link
            let key = n == chain.count - 1 ? location.input : prefix
            if let i = artifactIndex[key] { parent = i; continue }
            var a: [String: JSONValue] = ["location": ["uri": .string(Self.uri(key))]]
            if let parent { a["parentIndex"] = .int(Int64(parent)) }
            artifacts.append(.object(a))
            artifactIndex[key] = artifacts.count - 1
            parent = artifacts.count - 1
        }
        return parent ?? 0
    }

    public func record(_ accepted: AcceptedRecord) {
        guard let record = accepted.decoded else { return }
        switch record {
        case .finding(let f):
            let ri = addRule(id: f.ruleId, title: f.title, severity: f.severity, category: f.category, references: f.references,
                             remediation: f.remediation)
            // Written straight from the finding, members in sorted order: the bytes JSONEncoder wrote
            // from the same result as nested dictionaries (sorted keys), without building them.
            var w = CanonicalJSONWriter()
            if (try? writeResult(f, ruleIndex: ri, to: &w)) != nil { w.bytes.withUnsafeBytes { results.append($0) } }
        case .error(let e):
            var n: [String: JSONValue] = [
                "level": "error",
                "message": ["text": .string(e.line)],
                "descriptor": ["id": .string(e.code)],
                "locations": [["physicalLocation": ["artifactLocation": ["uri": .string(Self.uri(e.input))]]]],
            ]
            if let o = e.offset { n["properties"] = ["offset": .int(o)] }
            notifications.append(.object(n))
        case .data:
            break
        }
    }

    /// One SARIF result: keys in byte order at every level, as in the sorted-keys encoding.
    func writeResult(_ f: Finding, ruleIndex: Int, to w: inout CanonicalJSONWriter) throws {
        let l = f.location
        try w.beginObject()
        w.key("level"); w.string(Self.level(f.severity))
        w.key("locations")
        try w.beginArray()
        try w.beginObject()
        w.key("physicalLocation")
        try w.beginObject()
        w.key("artifactLocation")
        try w.beginObject()
        w.key("index"); w.int(artifact(l))
        w.key("uri"); w.string(uri(for: l.input))
        w.endObject()
        let startLine = l.line.flatMap { $0 > 0 ? $0 : nil }
        let endLine = l.line != nil ? l.endLine.flatMap { $0 > 0 ? $0 : nil } : nil
        let startColumn = l.line != nil ? l.column.flatMap { $0 > 0 ? $0 : nil } : nil
        let byteOffset = l.offset.flatMap { $0 >= 0 ? $0 : nil }
        let byteLength = l.offset != nil ? l.length.flatMap { $0 >= 0 ? $0 : nil } : nil
        if startLine != nil || endLine != nil || startColumn != nil || byteOffset != nil || byteLength != nil {
            w.key("region")
            try w.beginObject()
            if let v = byteLength { w.key("byteLength"); w.int(v) }
            if let v = byteOffset { w.key("byteOffset"); w.int(v) }
            if let v = endLine { w.key("endLine"); w.int(v) }
            if let v = startColumn { w.key("startColumn"); w.int(v) }
            if let v = startLine { w.key("startLine"); w.int(v) }
            w.endObject()
        }
        w.endObject()
        w.endObject()
        w.endArray()
        w.key("message")
        try w.beginObject()
        w.key("text"); w.string(f.message?.text(lang) ?? f.title.text(lang))
        w.endObject()
        w.key("partialFingerprints")
        try w.beginObject()
        w.key("dstool/v1"); w.string(f.fingerprint)
        w.endObject()
        w.key("properties")
        try w.beginObject()
        w.key("category"); w.string(f.category)
        if let v = l.chain { w.key("chain"); try w.write(v) }
        if let v = l.columnName { w.key("column_name"); w.string(v) }
        if let v = f.confidence { w.key("confidence"); try w.double(v) }
        if let v = f.cwe { w.key("cwe"); try w.write(v) }
        if let v = f.dataLevel { w.key("data_level"); w.string(v.rawValue) }
        if let v = f.properties { w.key("details"); try w.write(v) }
        if let v = f.evidence { w.key("evidence"); w.string(v) }
        if let v = f.references { w.key("references"); try w.write(v) }
        if let v = l.row { w.key("row"); w.int(v) }
        w.key("severity"); w.string(f.severity.rawValue)
        if let v = l.table { w.key("table"); w.string(v) }
        w.endObject()
        w.key("ruleId"); w.string(f.ruleId)
        w.key("ruleIndex"); w.int(ruleIndex)
        w.endObject()
    }

    /// A URI reference for an input chain: percent-encoded UTF-8; `!` kept as the chain separator,
    /// `:` encoded so that no name reads as a URI scheme.
    static func uri(_ input: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(input.utf8.count)
        for b in input.utf8 {
            if uriAllowed[Int(b)] { out.append(b) } else { out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]] }
        }
        return String(decoding: out, as: UTF8.self)
    }
    /// The bytes kept as they are: CharacterSet.urlPathAllowed without "?#[]@:%" (SARIFTests
    /// compare with Foundation's addingPercentEncoding).
    static let uriAllowed: [Bool] = {
        var allowed = [Bool](repeating: false, count: 256)
        for b in "!$&'()*+,-./0123456789=ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~".utf8 { allowed[Int(b)] = true }
        return allowed
    }()

    /// `uri(input)`, remembered for the last input (findings of one input come one after another).
    func uri(for input: String) -> String {
        // Bytes, not String equality: canonically equivalent names are encoded differently.
        if let last = lastURI, last.input.utf8.elementsEqual(input.utf8) { return last.uri }
        let u = Self.uri(input)
        lastURI = (input, u)
        return u
    }
    var lastURI: (input: String, uri: String)?

    /// Writes this run's SARIF `run` object (results streamed from the spool).
    func writeRun(_ run: RunInfo, to stream: ReportStream) throws {
        var invocation: [String: JSONValue] = [
            "executionSuccessful": .bool(run.exitCode.map { $0 == 0 || $0 == 1 } ?? true),
            "commandLine": .string(ShellQuote.join(run.commandLine)),
            "arguments": .array(run.commandLine.dropFirst().map { .string($0) }),
            "startTimeUtc": .string(run.started),
            "endTimeUtc": .string(run.ended ?? run.started),
            "exitCode": .int(Int64(run.exitCode ?? 0)),
            "machine": .string(run.host),
            "account": .string(run.operator),
            "toolExecutionNotifications": .array(notifications),
        ]
        if !run.targets.isEmpty {
            invocation["properties"] = ["targets": .array(run.targets.map { t -> JSONValue in
                var o: [String: JSONValue] = ["input": .string(t.input)]
                if let s = t.size { o["size"] = .int(s) }
                if let d = t.sha256 { o["sha256"] = .string(d) }
                if let d = t.sm3 { o["sm3"] = .string(d) }
                return .object(o)
            })]
        }
        var driverProps: [String: JSONValue] = [:]
        if let p = run.plugin {
            driverProps["plugin"] = .string(p.id)
            driverProps["plugin_version"] = .string(p.version)
            if let s = p.sha256 { driverProps["plugin_sha256"] = .string(s) }
        }
        var runObject: [String: JSONValue] = [
            "tool": ["driver": [
                "name": "dstool",
                "semanticVersion": .string(run.toolVersion),
                "version": .string(run.toolVersion),
                "rules": .array(rules),
                "properties": .object(driverProps),
            ]],
            "invocations": [.object(invocation)],
            "artifacts": .array(artifacts),
            "columnKind": "unicodeCodePoints",
        ]
        if let c = run.caseRecord {
            runObject["properties"] = ["case": ["file": .string(c.file), "run": .int(c.run), "sha256": .string(c.sha256), "sm3": .string(c.sm3)]]
        }
        // The run object without its results, then `"results":[…]` spliced in before its closing brace.
        var head = try encoder.encode(JSONValue.object(runObject))
        head.removeLast()
        stream.write(head)
        stream.write(Data(",\"results\":[".utf8))
        try results.drain(to: stream)
        stream.write(Data("]}".utf8))
    }

    /// The SARIF log around run objects written by `body`.
    static func writeLog(to stream: ReportStream, runs: [(ReportStream) throws -> Void]) throws {
        stream.write(Data("{\"$schema\":\"\(schemaURI)\",\"runs\":[".utf8))
        for (i, r) in runs.enumerated() {
            if i > 0 { stream.write(Data(",".utf8)) }
            try r(stream)
        }
        stream.write(Data("],\"version\":\"2.1.0\"}\n".utf8))
    }

    public func finish(run: RunInfo) throws {
        try Self.writeLog(to: out, runs: [{ try self.writeRun(run, to: $0) }])
        try out.close()
    }
}

/// Command lines for display: arguments with spaces or shell characters in single quotes.
public enum ShellQuote {
    public static func quote(_ arg: String) -> String {
        if !arg.isEmpty && arg.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }) { return arg }
        // Scalar by scalar: a quote followed by a combining mark is still a quote to the shell.
        var out = "'"
        for u in arg.unicodeScalars { if u == "'" { out += "'\\''" } else { out.unicodeScalars.append(u) } }
        return out + "'"
    }
    public static func join(_ args: [String]) -> String { args.map(quote).joined(separator: " ") }
}
