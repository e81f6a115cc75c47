import DSToolKit
import Foundation

/// Settings of a run (from the command line).
public struct TraceConfig {
    public var zone: ZoneResolver = .utc
    public var zoneGiven = false
    /// `--year`: the year of the first line of year-less syslog files.
    public var year: Int?
    public var customFormat: NginxLogFormat?
    public var forcedFormat: LogFormat?
    public var fieldMap = FieldMap()
    /// Findings per (rule, source) before the rest are only counted; 0 = no cap.
    public var findingCap = 100
    /// Failures before a success that make it a likely compromise.
    public var failureThreshold = 5
    /// Longest raw text kept per event of interest.
    public var keepRaw = 8192
    public var maxInterest = 2_000_000
    /// A time this far before the latest time already seen in an input is a clock jump.
    public var clockJumpTolerance: Int64 = 300 * 1_000_000
    /// "Now", for inputs without a modification time (stdin).
    public var now: Int64 = Int64(Date().timeIntervalSince1970)
    public init() {}
}

/// What the host knows about an input item.
public struct ItemInfo {
    public var name: String
    public var path: String
    public var chain: [String]
    public var mtime: Int64?
    public init(name: String, path: String? = nil, chain: [String]? = nil, mtime: Int64? = nil) {
        self.name = name; self.path = path ?? name; self.chain = chain ?? [name]; self.mtime = mtime
    }
    func location(line: Int?) -> Location {
        Location(input: name, path: path, chain: chain.count > 1 ? chain : nil, line: line)
    }
}

/// Per-input counts and samples of what could not be read cleanly.
public struct InputDiagnostics {
    public var format: LogFormat?
    public var lines = 0
    public var events = 0
    public var unparsed = 0
    public var unparsedSample: (Int, String)?
    public var binaryLines = 0
    public var mixed: [LogFormat: Int] = [:]
    public var mixedSample: (Int, String)?
    public var truncated = 0
    public var truncatedSample: (Int, String)?
    public var cutLines = 0
    public var nonUTF8 = 0
    public var nonUTF8Sample: (Int, String)?
    public var clockJumps = 0
    public var largestJump: Int64 = 0
    public var clockJumpSample: (Int, String)?
    public var zoneAssumed = 0
    public var firstTime: Int64?
    public var lastTime: Int64?
}

/// The detection pipeline: parses each input, runs every detector on every event, keeps the
/// events of interest, and at the end correlates them into per-source incidents.
public final class TraceEngine {
    public let config: TraceConfig
    /// Copied out of `config` for the per-line path (reading a field of a struct holding
    /// references would retain and release them on every line).
    let clockJumpTolerance: Int64
    public let sigma: SigmaEngine
    let web: WebAttackDetector
    let exfil = ExfilDetector()
    public let indicators: IndicatorSet?
    public let geo: GeoTable?
    public let actors = ActorTable()
    @exclusivity(unchecked) public var database: EventDatabase?
    @exclusivity(unchecked) public internal(set) var interest: [InterestEvent] = []
    @exclusivity(unchecked) public internal(set) var droppedInterest = 0
    @exclusivity(unchecked) public private(set) var inputs: [ItemInfo] = []
    @exclusivity(unchecked) public private(set) var diagnostics: [InputDiagnostics] = []
    @exclusivity(unchecked) public private(set) var totalLines = 0
    @exclusivity(unchecked) public private(set) var totalEvents = 0
    /// Events per format (indexed by LogFormat.rawValue: a dictionary per event costs too much).
    @exclusivity(unchecked) var formatCounts = [Int](repeating: 0, count: LogFormat.allCases.count)
    public var eventsByFormat: [LogFormat: Int] {
        var d: [LogFormat: Int] = [:]
        for f in LogFormat.allCases where formatCounts[f.rawValue] > 0 { d[f] = formatCounts[f.rawValue] }
        return d
    }
    @exclusivity(unchecked) public private(set) var suppressedFindings = 0
    @exclusivity(unchecked) public private(set) var findingCount = 0
    @exclusivity(unchecked) var findingsPerKey: [String: Int] = [:]
    /// Last upload POST per source (for webshell-upload pairing).
    @exclusivity(unchecked) var lastUpload: [String: Int] = [:]

    let emitFinding: (Finding) -> Void
    let emitError: (ErrorRecord) -> Void
    let event = Event()
    @exclusivity(unchecked) private var detections: [Detection] = []

    public init(config: TraceConfig, sigma: SigmaEngine, indicators: IndicatorSet? = nil, geo: GeoTable? = nil,
                emitFinding: @escaping (Finding) -> Void, emitError: @escaping (ErrorRecord) -> Void) throws {
        self.config = config
        self.clockJumpTolerance = config.clockJumpTolerance
        self.sigma = sigma
        self.indicators = indicators
        self.geo = geo
        self.web = try WebAttackDetector()
        self.emitFinding = emitFinding
        self.emitError = emitError
        detections.reserveCapacity(16)
    }

    // MARK: inputs

    /// Reads one input through `read` (raw bytes; returns 0 at the end). Returns false when the
    /// input could not be used at all (reported as an error record).
    @discardableResult
    public func process(_ item: ItemInfo, read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) -> Bool {
        let inputIndex = inputs.count
        inputs.append(item)
        diagnostics.append(InputDiagnostics())
        let reader = LineReader(fill: read)
        // The first lines decide the format.
        var head: [(LineReader.Line, [UInt8])] = []
        do {
            while head.count < 64, let l = try reader.next() {
                head.append((l, Array(UnsafeBufferPointer(start: l.base, count: l.count))))
            }
        } catch {
            emitError(ErrorRecord(input: item.name, reason: "cannot read: \(error)", code: "input.read"))
            return false
        }
        let nonBlank = head.map(\.1).filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
        if nonBlank.isEmpty { return true }  // an empty log
        let detected = FormatDetector.detect(head.map(\.1), custom: config.customFormat, forced: config.forcedFormat,
                                             zone: config.zone, path: item.path, fieldMap: config.fieldMap)
        guard let det = detected else {
            let sample = TraceEngine.sample(nonBlank[0])
            let binary = nonBlank.prefix(8).contains { TraceEngine.isBinary($0) }
            emitError(ErrorRecord(input: item.name,
                                  reason: binary ? "binary data, not a text log (first bytes: \(sample))"
                                                 : "not a recognised log format; first line: \(sample)",
                                  code: binary ? "trace.input.binary" : "trace.input.unknown-format"))
            return false
        }
        diagnostics[inputIndex].format = det.format
        let ctx = ParseContext(zone: config.zone, years: yearInference(item), path: item.path, fieldMap: config.fieldMap)
        let parser = Parsers.make(det.format, customFormat: config.customFormat)
        var fallback: [LineParser]?
        var lastTime: Int64 = .min
        func handleLine(_ p: UnsafePointer<UInt8>, _ n: Int, _ number: Int, _ offset: Int64, cut: Bool) {
            totalLines += 1
            diagnostics[inputIndex].lines += 1
            if cut { diagnostics[inputIndex].cutLines += 1 }
            ctx.currentLine = number
            event.lineNumber = number
            event.offset = offset
            switch parser.parse(p, n, event, ctx) {
            case .event, .eventAndPending:
                handleEvent(inputIndex, &lastTime)
            case .pending, .skip:
                break
            case .fail:
                var blank = true
                for i in 0..<n where p[i] != 0x20 && p[i] != 0x09 { blank = false; break }
                if blank { return }
                if fallback == nil {
                    fallback = Parsers.detectionOrder.filter { $0 != det.format && $0 != .mysqlSlow && $0 != .mysqlGeneral }
                        .map { Parsers.make($0) }
                }
                for f in fallback! {
                    if case .event = f.parse(p, n, event, ctx) {
                        diagnostics[inputIndex].mixed[f.format == .accessCombined ? event.format : f.format, default: 0] += 1
                        if diagnostics[inputIndex].mixedSample == nil { diagnostics[inputIndex].mixedSample = (number, TraceEngine.sample(p, n)) }
                        event.lineNumber = number
                        handleEvent(inputIndex, &lastTime)
                        return
                    }
                }
                diagnostics[inputIndex].unparsed += 1
                if TraceEngine.isBinary(UnsafeBufferPointer(start: p, count: n)) { diagnostics[inputIndex].binaryLines += 1 }
                if diagnostics[inputIndex].unparsedSample == nil { diagnostics[inputIndex].unparsedSample = (number, TraceEngine.sample(p, n)) }
            }
        }
        for (l, bytes) in head {
            bytes.withUnsafeBufferPointer { b in handleLine(b.baseAddress ?? UnsafePointer(event.storage), b.count, l.number, l.offset, cut: l.cut) }
        }
        var failed = false
        do {
            while let l = try reader.next() { handleLine(l.base, l.count, l.number, l.offset, cut: l.cut) }
        } catch {
            emitError(ErrorRecord(input: item.name, reason: "read failed after line \(diagnostics[inputIndex].lines): \(error)", code: "input.read"))
            failed = true
        }
        if parser.flush(event, ctx) { handleEvent(inputIndex, &lastTime) }
        reportDiagnostics(inputIndex)
        return !failed
    }

    func yearInference(_ item: ItemInfo) -> YearInference {
        if let y = config.year { return YearInference(referenceYear: y, referenceMonth: 12, forced: true) }
        let (y, m) = config.zone.localYearMonth(utcSeconds: item.mtime ?? config.now)
        return YearInference(referenceYear: y, referenceMonth: m)
    }

    static func isBinary(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var controls = 0
        for c in b where c < 0x20 && c != 0x09 && c != 0x1B { controls += 1; if c == 0 { return true } }
        return controls * 10 > b.count
    }
    static func isBinary(_ b: [UInt8]) -> Bool { b.withUnsafeBufferPointer { isBinary($0) } }

    /// A line for a message: printable, at most 160 characters.
    static func sample(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
        let s = String(decoding: UnsafeBufferPointer(start: p, count: min(n, 480)), as: UTF8.self)
        var out = ""
        for ch in s.unicodeScalars.prefix(160) {
            if ch.value < 0x20 || ch.value == 0x7F { out += String(format: "\\x%02x", ch.value) } else { out.unicodeScalars.append(ch) }
        }
        return s.unicodeScalars.count > 160 ? out + "…" : out
    }
    static func sample(_ b: [UInt8]) -> String { b.withUnsafeBufferPointer { sample($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) } }

    // MARK: events

    private func handleEvent(_ inputIndex: Int, _ lastTime: inout Int64) {
        let e = event
        totalEvents += 1
        formatCounts[e.format.rawValue] += 1
        diagnostics[inputIndex].events += 1
        if e.truncated {
            diagnostics[inputIndex].truncated += 1
            if diagnostics[inputIndex].truncatedSample == nil { diagnostics[inputIndex].truncatedSample = (e.lineNumber, TraceEngine.sample(e.storage, e.rawLength)) }
        }
        if e.hasTime {
            if e.zoneAssumed { diagnostics[inputIndex].zoneAssumed += 1 }
            if lastTime != .min && e.time < lastTime &- clockJumpTolerance {
                diagnostics[inputIndex].clockJumps += 1
                if lastTime - e.time > diagnostics[inputIndex].largestJump {
                    diagnostics[inputIndex].largestJump = lastTime - e.time
                    diagnostics[inputIndex].clockJumpSample = (e.lineNumber, TraceEngine.sample(e.storage, e.rawLength))
                }
            }
            if e.time > lastTime { lastTime = e.time }
            if diagnostics[inputIndex].firstTime.map({ e.time < $0 }) ?? true { diagnostics[inputIndex].firstTime = e.time }
            if diagnostics[inputIndex].lastTime.map({ e.time > $0 }) ?? true { diagnostics[inputIndex].lastTime = e.time }
        }
        if TraceEngine.hasHighBytes(e.storage, e.rawLength) && !ByteOps.isValidUTF8(e.storage, 0, e.rawLength) {
            diagnostics[inputIndex].nonUTF8 += 1
            if diagnostics[inputIndex].nonUTF8Sample == nil { diagnostics[inputIndex].nonUTF8Sample = (e.lineNumber, TraceEngine.sample(e.storage, e.rawLength)) }
        }

        detections.removeAll(keepingCapacity: true)
        sigma.evaluate(e)
        var feedsCorrelation = false
        for ri in sigma.matched {
            let r = sigma.rules[ri]
            if r.generate { detections.append(Detection(r.traceRule, detail: "Sigma rule '\(r.title)'")) }
            if !r.correlations.isEmpty { feedsCorrelation = true }
        }
        let source = actors.handle(e)
        let isWeb = e.has(.uri) || (e.has(.request) && e.services.contains(.webserver))
        if isWeb {
            web.detect(e, into: &detections)
            if e.format.isWebAccess || e.services.contains(.access) {
                exfil.detect(e, sourceMean: actors.sizeMean(source), sourceStd: actors.sizeStd(source), sourceCount: actors.sizeCount(source),
                             into: &detections)
            }
        }
        if e.authAction != .none { AuthRules.detect(e, into: &detections) }
        if e.format == .mysqlSlow { exfil.detectQuery(e, into: &detections) }
        indicators?.detect(e, into: &detections)
        actors.update(source, e)

        let isCandidate = isWeb && exfil.isCandidate(e)
        let uploadPost = isWeb && WebAttackDetector.isUploadRequest(e)
        var interestIndex = -1
        if !detections.isEmpty || e.authAction != .none || isCandidate || uploadPost {
            interestIndex = keep(e, inputIndex)
        }
        if isCandidate && interestIndex >= 0 { exfil.consider(e, interest: interestIndex) }
        if isWeb && actors.isLargestResponse(source, e.byteCount) { actors.noteLargeResponse(source, e, input: inputIndex) }
        // An upload POST followed by a webshell access from the same source: the upload is the webshell's.
        if uploadPost, interestIndex >= 0, let src = e.string(.srcIP) { lastUpload[src] = interestIndex }
        if isWeb, web.sawWebshell, e.statusCode < 400, let src = e.string(.srcIP), let up = lastUpload[src],
           up < interest.count, !interest[up].detections.contains(where: { $0.rule.id == WebAttackDetector.webshellUpload.id }),
           e.time - interest[up].time <= 3600 * 1_000_000 {
            let d = Detection(WebAttackDetector.webshellUpload, detail: "uploaded by \(interest[up].method ?? "POST") \(interest[up].target ?? "?"), then requested as \(e.string(.path) ?? "?")")
            interest[up].detections.append(d)
            emit(d, interest[up])
            lastUpload[src] = nil
        }
        if feedsCorrelation {
            for ri in sigma.matched where !sigma.rules[ri].correlations.isEmpty {
                sigma.correlationState.record(ruleIndex: ri, rule: sigma.rules[ri], e, input: UInt32(inputIndex))
            }
        }
        if interestIndex >= 0 {
            for d in detections { emit(d, interest[interestIndex]) }
        } else if !detections.isEmpty {
            // Not kept (memory cap): still report.
            let snapshot = InterestEvent(e, input: inputIndex, detections: detections, keepRaw: config.keepRaw)
            for d in detections { emit(d, snapshot) }
        }
        database?.insert(e, input: inputIndex, detections: detections)
    }

    @inline(__always) static func hasHighBytes(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return true }
            i += 8
        }
        while i < n { if p[i] >= 0x80 { return true }; i += 1 }
        return false
    }

    private func keep(_ e: Event, _ inputIndex: Int) -> Int {
        guard interest.count < config.maxInterest else { droppedInterest += 1; return -1 }
        interest.append(InterestEvent(e, input: inputIndex, detections: detections, keepRaw: config.keepRaw))
        return interest.count - 1
    }

    // MARK: findings

    func emit(_ d: Detection, _ ev: InterestEvent, evidence: String? = nil, extra: [String: JSONValue] = [:]) {
        let source = ev.effectiveSource ?? ""
        if config.findingCap > 0 {
            let key = d.rule.id + "\u{1}" + source
            let n = findingsPerKey[key, default: 0] + 1
            findingsPerKey[key] = n
            if n > config.findingCap { suppressedFindings += 1; return }
        }
        findingCount += 1
        emitFinding(finding(d, ev, evidence: evidence, extra: extra))
    }

    func finding(_ d: Detection, _ ev: InterestEvent, evidence: String?, extra: [String: JSONValue]) -> Finding {
        let item = inputs[ev.input]
        var props: [String: JSONValue] = ["detail": .string(d.detail), "format": .string(ev.format.name)]
        if ev.hasTime {
            props["time"] = .string(CivilTime.isoString(micros: ev.time))
            if ev.zoneAssumed { props["zone_assumed"] = .string(config.zone.name) }
        }
        if let t = ev.timeText { props["time_original"] = .string(t) }
        if let s = ev.effectiveSource { props["source"] = .string(s) }
        if let a = ev.attribution { props["attribution"] = .string(a) }
        if let u = ev.user { props["user"] = .string(u) }
        if let h = ev.host { props["host"] = .string(h) }
        if let m = ev.method { props["method"] = .string(m) }
        if let t = ev.target { props["target"] = .string(t) }
        if ev.status >= 0 { props["status"] = .int(Int64(ev.status)) }
        if ev.bytes >= 0 { props["bytes"] = .int(ev.bytes) }
        if !d.rule.techniques.isEmpty { props["techniques"] = .array(d.rule.techniques.map { .string($0) }) }
        if let t = d.rule.tactic { props["tactic"] = .string(t.name) }
        for (k, v) in extra { props[k] = v }
        let ev2 = evidence ?? EvidenceRedactor.redact(ev.raw)
        var refs = d.rule.techniques.map { "ATT&CK \($0)" }
        refs += d.rule.references
        let where_ = ev.effectiveSource.map { " from \($0)" } ?? ""
        return Finding(ruleId: d.rule.id, title: d.rule.title,
                       message: LocalizedText(en: "\(d.rule.title.en)\(where_): \(d.detail)", zh: "\(d.rule.title.zh)\(where_)：\(d.detail)"),
                       category: d.rule.category, severity: d.severity, location: item.location(line: ev.line),
                       evidence: ev2, references: refs.isEmpty ? nil : refs, cwe: d.rule.cwe.isEmpty ? nil : d.rule.cwe,
                       remediation: d.rule.remediation, properties: .object(props))
    }

    func reportDiagnostics(_ i: Int) {
        let d = diagnostics[i]
        let item = inputs[i]
        func note(_ rule: TraceRule, _ msg: String, _ sample: (Int, String)?, _ props: [String: JSONValue]) {
            var p = props
            p["format"] = .string(d.format?.name ?? "unknown")
            findingCount += 1
            emitFinding(Finding(ruleId: rule.id, title: rule.title, message: LocalizedText(msg), category: rule.category,
                                severity: rule.severity, location: item.location(line: sample?.0), evidence: sample?.1,
                                properties: .object(p)))
        }
        if d.unparsed > 0 {
            note(TraceRules.unparsed,
                 "\(d.unparsed) of \(d.lines) lines could not be parsed as \(d.format?.name ?? "?") or another format\(d.binaryLines > 0 ? " (\(d.binaryLines) binary)" : "")",
                 d.unparsedSample, ["count": .int(Int64(d.unparsed)), "binary": .int(Int64(d.binaryLines))])
        }
        if !d.mixed.isEmpty {
            let list = d.mixed.sorted { $0.value > $1.value }.map { "\($0.value) \($0.key.name)" }.joined(separator: ", ")
            note(TraceRules.mixed, "mostly \(d.format?.name ?? "?"), but also \(list)", d.mixedSample,
                 ["formats": .object(Dictionary(uniqueKeysWithValues: d.mixed.map { ($0.key.name, JSONValue.int(Int64($0.value))) }))])
        }
        if d.truncated > 0 {
            note(TraceRules.truncated, "\(d.truncated) lines were cut short or interleaved; what they held was used", d.truncatedSample,
                 ["count": .int(Int64(d.truncated))])
        }
        if d.cutLines > 0 {
            note(TraceRules.overlong, "\(d.cutLines) lines were longer than 64 KiB and were read up to that length", nil, ["count": .int(Int64(d.cutLines))])
        }
        if d.nonUTF8 > 0 {
            note(TraceRules.nonUTF8, "\(d.nonUTF8) lines hold bytes that are not UTF-8 (shown as U+FFFD)", d.nonUTF8Sample, ["count": .int(Int64(d.nonUTF8))])
        }
        if d.clockJumps > 0 {
            note(TraceRules.clockJump,
                 "\(d.clockJumps) events are more than \(config.clockJumpTolerance / 60_000_000) minutes earlier than an event before them (largest jump \(d.largestJump / 1_000_000) s); the timeline is sorted by time regardless",
                 d.clockJumpSample, ["count": .int(Int64(d.clockJumps)), "largest_seconds": .int(d.largestJump / 1_000_000)])
        }
    }
}

/// Evidence lines keep attack payloads but not plain credentials: the values of parameters
/// named like passwords or tokens are masked when they look like a credential (letters, digits
/// and a few symbols) rather than a payload.
public enum EvidenceRedactor {
    static let names = ["password", "passwd", "pwd", "pass", "token", "secret", "api_key", "apikey", "access_token",
                        "auth_token", "session_id", "sessionid", "jsessionid", "phpsessid", "sid"]

    public static func redact(_ s: String) -> String {
        guard s.contains("=") else { return s }
        let b = Array(s.utf8)
        var i = 0
        var changed = false
        var result: [UInt8] = []
        result.reserveCapacity(b.count)
        while i < b.count {
            result.append(b[i])
            // At a parameter start: after ?, &, ; or space.
            if (b[i] == 0x3F || b[i] == 0x26 || b[i] == 0x3B || b[i] == 0x20) && i + 1 < b.count {
                var matched = 0
                for n in names {
                    let nb = Array(n.utf8)
                    if i + 1 + nb.count < b.count && b[i + 1 + nb.count] == 0x3D {
                        var ok = true
                        for k in 0..<nb.count where ByteOps.lower(b[i + 1 + k]) != nb[k] { ok = false; break }
                        if ok { matched = nb.count; break }
                    }
                }
                if matched > 0 {
                    let vs = i + 2 + matched
                    var ve = vs
                    var plain = true
                    while ve < b.count && b[ve] != 0x26 && b[ve] != 0x20 && b[ve] != 0x22 && b[ve] != 0x3B {
                        let c = b[ve]
                        if !(ByteOps.isDigit(c) || (ByteOps.lower(c) >= 0x61 && ByteOps.lower(c) <= 0x7A) || c == 0x2D || c == 0x5F || c == 0x2E || c == 0x7E) { plain = false }
                        ve += 1
                    }
                    if plain && ve - vs >= 4 {
                        result.append(contentsOf: b[(i + 1)..<vs])
                        let v = String(decoding: b[vs..<ve], as: UTF8.self)
                        result.append(contentsOf: Array(Redaction.redact(v, keepFirst: 2, keepLast: 0).utf8))
                        i = ve
                        changed = true
                        continue
                    }
                }
            }
            i += 1
        }
        return changed ? String(decoding: result, as: UTF8.self) : s
    }
}
