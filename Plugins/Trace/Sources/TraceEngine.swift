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
    /// The Sigma engine of the first worker (rules, correlations, load errors).
    public var sigma: SigmaEngine { workers[0].sigma }
    /// Rare-path candidates and, after `finish`, every worker's path counts.
    let exfil = ExfilDetector()
    public let indicators: IndicatorSet?
    public let geo: GeoTable?
    /// Per-source statistics (after `finish`, every worker's merged in).
    public var actors: ActorTable { workers[0].actors }
    @exclusivity(unchecked) var workers: [Worker] = []
    @exclusivity(unchecked) var pool: WorkerPool?
    @exclusivity(unchecked) var maxTimeByInput: [Int: Int64] = [:]
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

    let emitFinding: (Finding) -> Void
    let emitError: (ErrorRecord) -> Void

    /// `threads` workers split the lines of inputs whose format allows it (one: everything in order).
    public init(config: TraceConfig, sigma: SigmaEngine, indicators: IndicatorSet? = nil, geo: GeoTable? = nil, threads: Int = 1,
                emitFinding: @escaping (Finding) -> Void, emitError: @escaping (ErrorRecord) -> Void) throws {
        self.config = config
        self.clockJumpTolerance = config.clockJumpTolerance
        self.indicators = indicators
        self.geo = geo
        self.emitFinding = emitFinding
        self.emitError = emitError
        workers = [try Worker(engine: self, sigma: sigma, indicators: indicators)]
        for _ in 1..<max(1, threads) {
            workers.append(try Worker(engine: self, sigma: SigmaEngine(sharing: sigma), indicators: indicators?.forThread()))
        }
    }

    deinit { pool?.stop() }

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
        var failed = false
        if workers.count > 1 && database == nil && TraceEngine.parallelFormats.contains(det.format) {
            failed = !processInParallel(inputIndex, det.format, item, head, reader)
        } else {
            let w = workers[0]
            w.database = database
            w.begin(input: inputIndex, format: det.format, item: item)
            for (l, bytes) in head {
                bytes.withUnsafeBufferPointer { b in w.handleLine(b.baseAddress ?? UnsafePointer(w.event.storage), b.count, l.number, l.offset, cut: l.cut) }
            }
            do {
                var n = 0
                var batch: [LineReader.Line] = []
                batch.reserveCapacity(256)
                while true {
                    try reader.nextBatch(&batch, limit: 256)
                    if batch.isEmpty { break }
                    batch.withUnsafeBufferPointer { w.handleLines($0) }
                    n += batch.count
                    if n >= 16384 { merge(w.take(), boundary: false); n = 0 }
                }
            } catch {
                failed = true
                readFailed(inputIndex, error)
            }
            w.flush()
            merge(w.take(), boundary: false)
        }
        reportDiagnostics(inputIndex)
        return !failed
    }

    /// Formats whose parsers keep no state between lines: their lines can be split among threads.
    static let parallelFormats: Set<LogFormat> = [.accessCombined, .accessCommon, .accessCustom, .nginxError, .apacheError,
                                                  .syslog5424, .journald, .auditd, .jsonLines]

    func readFailed(_ input: Int, _ error: Error) {
        emitError(ErrorRecord(input: inputs[input].name, reason: "read failed after line \(diagnostics[input].lines): \(error)", code: "input.read"))
    }

    /// Copies lines into chunks for the worker threads and merges their results in order.
    private func processInParallel(_ inputIndex: Int, _ format: LogFormat, _ item: ItemInfo,
                                   _ head: [(LineReader.Line, [UInt8])], _ reader: LineReader) -> Bool {
        let pool = self.pool ?? WorkerPool(workers: workers)
        self.pool = pool
        pool.setInput(inputIndex, format: format, item: item)
        var sequence = 0
        var next = 0
        var chunk = LineChunk(sequence: 0, input: inputIndex)
        chunk.bytes.reserveCapacity(2 << 20)
        chunk.lines.reserveCapacity(16384)
        func add(_ p: UnsafePointer<UInt8>, _ n: Int, _ l: LineReader.Line) {
            chunk.lines.append((Int32(chunk.bytes.count), Int32(n), l.number, l.offset, l.cut))
            chunk.bytes.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
            if chunk.lines.count >= 16384 || chunk.bytes.count >= 2 << 20 { flushChunk() }
        }
        func flushChunk() {
            guard !chunk.lines.isEmpty else { return }
            chunk.sequence = sequence
            sequence += 1
            pool.submit(chunk) { [unowned self] in self.mergeReady(pool, &next) }
            if let reused = pool.takeSpare() {
                chunk = reused
                chunk.sequence = sequence; chunk.input = inputIndex
            } else {
                chunk = LineChunk(sequence: sequence, input: inputIndex)
                chunk.bytes.reserveCapacity(2 << 20)
                chunk.lines.reserveCapacity(16384)
            }
        }
        for (l, bytes) in head { bytes.withUnsafeBufferPointer { add($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count, l) } }
        var ok = true
        do {
            while let l = try reader.next() { add(l.base, l.count, l) }
        } catch {
            ok = false
            readFailed(inputIndex, error)
        }
        flushChunk()
        while next < sequence {
            pool.waitFor(next)
            mergeReady(pool, &next)
        }
        return ok
    }

    private func mergeReady(_ pool: WorkerPool, _ next: inout Int) {
        while let r = pool.result(next) {
            merge(r, boundary: true)
            next += 1
        }
    }

    /// Adds a chunk's results: counts, diagnostics, and its events of interest (whose findings
    /// are emitted here, in input order).
    func merge(_ c: ChunkResult, boundary: Bool) {
        totalLines += c.lines
        totalEvents += c.events
        for i in 0..<formatCounts.count { formatCounts[i] += c.formatCounts[i] }
        var d = diagnostics[c.input]
        let x = c.diag
        d.lines += c.lines; d.events += c.events; d.cutLines += x.cutLines; d.unparsed += x.unparsed; d.binaryLines += x.binaryLines
        d.truncated += x.truncated; d.nonUTF8 += x.nonUTF8; d.zoneAssumed += x.zoneAssumed; d.clockJumps += x.clockJumps
        if d.unparsedSample == nil { d.unparsedSample = x.unparsedSample }
        if d.truncatedSample == nil { d.truncatedSample = x.truncatedSample }
        if d.nonUTF8Sample == nil { d.nonUTF8Sample = x.nonUTF8Sample }
        if d.mixedSample == nil { d.mixedSample = x.mixedSample }
        for (f, n) in x.mixed { d.mixed[f, default: 0] += n }
        if x.largestJump > d.largestJump { d.largestJump = x.largestJump; d.clockJumpSample = x.clockJumpSample }
        if let t = x.firstTime { d.firstTime = min(d.firstTime ?? t, t) }
        if let t = x.lastTime { d.lastTime = max(d.lastTime ?? t, t) }
        // A chunk that starts well before the time reached by the chunks before it is a jump too.
        let before = maxTimeByInput[c.input] ?? .min
        if boundary, let f = c.firstTime, before != .min, f.time < before &- config.clockJumpTolerance {
            d.clockJumps += 1
            if before - f.time > d.largestJump { d.largestJump = before - f.time; d.clockJumpSample = (f.line, f.sample) }
        }
        maxTimeByInput[c.input] = max(before, c.maxTime)
        diagnostics[c.input] = d
        var map = [Int](repeating: -1, count: c.interest.count)
        for (k, ev) in c.interest.enumerated() {
            if interest.count < config.maxInterest {
                interest.append(ev)
                map[k] = interest.count - 1
                for det in ev.detections { emit(det, interest[interest.count - 1]) }
            } else {
                droppedInterest += 1
                for det in ev.detections { emit(det, ev) }
            }
        }
        for cand in c.candidates where map[cand.local] >= 0 {
            exfil.consider(pathHash: cand.pathHash, bytes: cand.bytes, interest: map[cand.local])
        }
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

    /// `names` as bytes (made once, not per parameter).
    static let nameBytes: [[UInt8]] = names.map { Array($0.utf8) }

    public static func redact(_ s: String) -> String {
        guard s.utf8.contains(0x3D) else { return s }
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
                for nb in nameBytes {
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
