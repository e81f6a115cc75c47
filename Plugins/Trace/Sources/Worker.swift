import DSToolKit
import Foundation

/// What a worker made of a run of lines: the events worth keeping (in line order), counts and
/// samples for the input diagnostics, and rare-path candidates (by their position in `interest`).
/// The engine merges chunk results in order, so output does not depend on thread timing.
struct ChunkResult {
    var sequence = 0
    var input = 0
    var lines = 0
    var events = 0
    var formatCounts = [Int](repeating: 0, count: LogFormat.allCases.count)
    var diag = InputDiagnostics()
    /// The first timed event's time and line, and the latest time (for clock jumps across chunks).
    var firstTime: (time: Int64, line: Int, sample: String)?
    var maxTime: Int64 = .min
    var interest: [InterestEvent] = []
    var candidates: [(local: Int, pathHash: UInt64, bytes: Int64)] = []
}

/// Lines copied out of the reader for a worker thread.
struct LineChunk {
    var sequence = 0
    var input = 0
    var bytes: [UInt8] = []
    /// (start in bytes, length, line number, stream offset, cut)
    var lines: [(Int32, Int32, Int, Int64, Bool)] = []
}

/// Everything one thread needs to turn lines into detections: its own event, parsers and
/// detectors (Hyperscan scratch, caches and per-source tables are per thread). Workers never
/// emit; the engine does, when it merges their chunk results in order.
final class Worker {
    unowned let engine: TraceEngine
    let event = Event()
    let sigma: SigmaEngine
    let web: WebAttackDetector
    let exfil = ExfilDetector()
    let actors = ActorTable()
    let indicators: IndicatorSet?
    let zone: ZoneResolver
    let clockJumpTolerance: Int64
    let keepRaw: Int
    @exclusivity(unchecked) var detections: [Detection] = []
    @exclusivity(unchecked) var chunk = ChunkResult()
    @exclusivity(unchecked) var lastTime: Int64 = .min
    // The input being read.
    @exclusivity(unchecked) var input = -1
    @exclusivity(unchecked) var format: LogFormat = .accessCombined
    @exclusivity(unchecked) var ctx = ParseContext()
    @exclusivity(unchecked) var parser: LineParser = AccessLogParser() {
        didSet { accessParser = (parser as? AccessLogParser).map { .passUnretained($0) } }
    }
    /// `parser` when it is the access-log parser, and `ctx`, without the retain and release that
    /// calling through the stored references costs on every line (`parser` and `ctx` keep them alive).
    @exclusivity(unchecked) var accessParser: Unmanaged<AccessLogParser>?
    @exclusivity(unchecked) var ctxRef: Unmanaged<ParseContext>?
    @exclusivity(unchecked) var fallback: [LineParser]?
    var database: EventDatabase?

    init(engine: TraceEngine, sigma: SigmaEngine, indicators: IndicatorSet?) throws {
        self.engine = engine
        self.sigma = sigma
        self.web = try WebAttackDetector()
        self.indicators = indicators
        self.zone = engine.config.zone.copy()
        self.clockJumpTolerance = engine.config.clockJumpTolerance
        self.keepRaw = engine.config.keepRaw
        detections.reserveCapacity(16)
    }

    deinit { aheadKeys.deallocate() }

    /// Starts an input: its parser and parse context.
    func begin(input: Int, format: LogFormat, item: ItemInfo) {
        self.input = input
        self.format = format
        ctx = ParseContext(zone: zone, years: engine.yearInference(item), path: item.path, fieldMap: engine.config.fieldMap)
        ctxRef = .passUnretained(ctx)
        parser = Parsers.make(format, customFormat: engine.config.customFormat)
        prefetchSources = format.isWebAccess
        fallback = nil
        lastTime = .min
    }

    /// Hands over what was collected since the last call.
    func take() -> ChunkResult {
        var c = chunk
        c.input = input
        chunk = ChunkResult()
        chunk.input = input
        return c
    }

    /// Processes a chunk of copied lines (worker threads).
    func process(_ lines: LineChunk) -> ChunkResult {
        chunk = ChunkResult()
        chunk.sequence = lines.sequence
        chunk.input = lines.input
        lastTime = .min
        lines.bytes.withUnsafeBufferPointer { b in
            let base = b.baseAddress ?? UnsafePointer(event.storage)
            lines.lines.withUnsafeBufferPointer { l in
                let n = l.count
                for k in 0..<n {
                    if prefetchSources {
                        if k == 0 { for j in 0..<min(Worker.entryDistance, n) { actors.prefetchEntry(line: base + Int(l[j].0), Int(l[j].1), key: aheadKeys + (j & 15)) } }
                        let j = k + Worker.entryDistance
                        if j < n { actors.prefetchEntry(line: base + Int(l[j].0), Int(l[j].1), key: aheadKeys + (j & 15)) }
                    }
                    let (start, length, number, offset, cut) = l[k]
                    if prefetchSources { actors.lineAddress = aheadKeys[k & 15] }
                    handleLine(base + Int(start), Int(length), number, offset, cut: cut)
                    if prefetchSources { actors.lineAddress = .none }
                }
            }
        }
        var c = chunk
        c.sequence = lines.sequence
        chunk = ChunkResult()
        return c
    }

    // MARK: lines

    /// Lines ahead whose source entry is prefetched (see `ActorTable.prefetchEntry`): far enough
    /// for a load from memory to arrive, near enough that it is still in the cache when the line comes.
    static let entryDistance = 4
    /// The addresses at the start of the lines ahead (a ring of 16), parsed once for the prefetch
    /// and for `ActorTable.handle`.
    let aheadKeys: UnsafeMutablePointer<ParsedAddress> = {
        let p = UnsafeMutablePointer<ParsedAddress>.allocate(capacity: 16)
        p.initialize(repeating: .none, count: 16)
        return p
    }()
    /// Whether the input's lines start with the client address (access logs).
    @exclusivity(unchecked) var prefetchSources = false

    /// Handles a batch of lines from the reader in order (the serial path), prefetching ahead.
    func handleLines(_ l: UnsafeBufferPointer<LineReader.Line>) {
        let n = l.count
        for k in 0..<n {
            if prefetchSources {
                if k == 0 { for j in 0..<min(Worker.entryDistance, n) { actors.prefetchEntry(line: l[j].base, l[j].count, key: aheadKeys + (j & 15)) } }
                let j = k + Worker.entryDistance
                if j < n { actors.prefetchEntry(line: l[j].base, l[j].count, key: aheadKeys + (j & 15)) }
            }
            let line = l[k]
            if prefetchSources { actors.lineAddress = aheadKeys[k & 15] }
            handleLine(line.base, line.count, line.number, line.offset, cut: line.cut)
            if prefetchSources { actors.lineAddress = .none }
        }
    }

    func handleLine(_ p: UnsafePointer<UInt8>, _ n: Int, _ number: Int, _ offset: Int64, cut: Bool) {
        chunk.lines += 1
        if cut { chunk.diag.cutLines += 1 }
        ctx.currentLine = number
        event.lineNumber = number
        event.offset = offset
        let result: ParseResult
        if let ap = accessParser, let c = ctxRef {
            result = ap._withUnsafeGuaranteedRef { parser in c._withUnsafeGuaranteedRef { parser.parse(p, n, event, $0) } }
        } else {
            result = parser.parse(p, n, event, ctx)
        }
        switch result {
        case .event, .eventAndPending:
            handleEvent()
        case .pending, .skip:
            break
        case .fail:
            var blank = true
            for i in 0..<n where p[i] != 0x20 && p[i] != 0x09 { blank = false; break }
            if blank { return }
            if fallback == nil {
                fallback = Parsers.detectionOrder.filter { $0 != format && $0 != .mysqlSlow && $0 != .mysqlGeneral }.map { Parsers.make($0) }
            }
            for f in fallback! {
                if case .event = f.parse(p, n, event, ctx) {
                    chunk.diag.mixed[f.format == .accessCombined ? event.format : f.format, default: 0] += 1
                    if chunk.diag.mixedSample == nil { chunk.diag.mixedSample = (number, TraceEngine.sample(p, n)) }
                    event.lineNumber = number
                    handleEvent()
                    return
                }
            }
            chunk.diag.unparsed += 1
            if TraceEngine.isBinary(UnsafeBufferPointer(start: p, count: n)) { chunk.diag.binaryLines += 1 }
            if chunk.diag.unparsedSample == nil { chunk.diag.unparsedSample = (number, TraceEngine.sample(p, n)) }
        }
    }

    /// Completes a multi-line record at the end of an input.
    func flush() { if parser.flush(event, ctx) { handleEvent() } }

    // MARK: events

    func handleEvent() {
        let e = event
        chunk.events += 1
        chunk.formatCounts[e.format.rawValue] += 1
        if e.truncated {
            chunk.diag.truncated += 1
            if chunk.diag.truncatedSample == nil { chunk.diag.truncatedSample = (e.lineNumber, TraceEngine.sample(e.storage, e.rawLength)) }
        }
        if e.hasTime {
            if e.zoneAssumed { chunk.diag.zoneAssumed += 1 }
            if chunk.firstTime == nil { chunk.firstTime = (e.time, e.lineNumber, TraceEngine.sample(e.storage, e.rawLength)) }
            if lastTime != .min && e.time < lastTime &- clockJumpTolerance {
                chunk.diag.clockJumps += 1
                if lastTime - e.time > chunk.diag.largestJump {
                    chunk.diag.largestJump = lastTime - e.time
                    chunk.diag.clockJumpSample = (e.lineNumber, TraceEngine.sample(e.storage, e.rawLength))
                }
            }
            if e.time > lastTime { lastTime = e.time }
            if e.time > chunk.maxTime { chunk.maxTime = e.time }
            if chunk.diag.firstTime.map({ e.time < $0 }) ?? true { chunk.diag.firstTime = e.time }
            if chunk.diag.lastTime.map({ e.time > $0 }) ?? true { chunk.diag.lastTime = e.time }
        }
        if Worker.hasHighBytes(e.storage, e.rawLength) && !ByteOps.isValidUTF8(e.storage, 0, e.rawLength) {
            chunk.diag.nonUTF8 += 1
            if chunk.diag.nonUTF8Sample == nil { chunk.diag.nonUTF8Sample = (e.lineNumber, TraceEngine.sample(e.storage, e.rawLength)) }
        }

        if !detections.isEmpty { detections.removeAll(keepingCapacity: true) }
        // The source's entry is looked up first: its memory load (often a cache miss) then
        // overlaps with the detectors' work instead of stalling in the middle of it.
        let source = actors.handle(e)
        let isWeb = e.has(.uri) || (e.has(.request) && e.services.contains(.webserver))
        // Loads from the big tables the web detectors use start now and overlap with Sigma.
        if isWeb {
            if let pathHash = e.pathHash() {
                exfil.prefetch(pathHash: pathHash)
                actors.prefetchRegister(source: source, pathHash: pathHash)
            }
            web.prefetch(e)
        }
        sigma.evaluate(e)
        var feedsCorrelation = false
        for ri in sigma.matched {
            let r = sigma.rules[ri]
            if r.generate { detections.append(Detection(r.traceRule, detail: "Sigma rule '\(r.title)'")) }
            if !r.correlations.isEmpty { feedsCorrelation = true }
        }
        if feedsCorrelation {
            for ri in sigma.matched where !sigma.rules[ri].correlations.isEmpty {
                sigma.correlationState.prefetch(ruleIndex: ri, rule: sigma.rules[ri], e)
            }
        }
        if isWeb {
            web.detect(e, into: &detections)
            if e.format.isWebAccess || e.services.contains(.access) {
                exfil.detect(e, source: source, actors: actors, into: &detections)
            }
        }
        if e.authAction != .none { AuthRules.detect(e, into: &detections) }
        if e.format == .mysqlSlow { exfil.detectQuery(e, into: &detections) }
        indicators?.detect(e, into: &detections)
        actors.update(source, e)

        let isCandidate = isWeb && exfil.isCandidate(e)
        let uploadPost = isWeb && WebAttackDetector.isUploadRequest(e)
        if !detections.isEmpty || e.authAction != .none || isCandidate || uploadPost {
            var ev = InterestEvent(e, input: input, detections: detections, keepRaw: keepRaw)
            ev.isUpload = uploadPost
            chunk.interest.append(ev)
            if isCandidate, let pathHash = e.pathHash() {
                chunk.candidates.append((chunk.interest.count - 1, pathHash, e.byteCount))
            }
        }
        if isWeb && actors.isLargestResponse(source, e.byteCount) { actors.noteLargeResponse(source, e, input: input) }
        if feedsCorrelation {
            for ri in sigma.matched where !sigma.rules[ri].correlations.isEmpty {
                sigma.correlationState.record(ruleIndex: ri, rule: sigma.rules[ri], e, input: UInt32(input))
            }
        }
        database?.insert(e, input: input, detections: detections)
    }

    @inline(__always) static func hasHighBytes(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        let raw = UnsafeRawPointer(p)
        // 32 bytes per test: lines are a few hundred bytes and nearly all ASCII.
        while i + 32 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
            if w & 0x8080_8080_8080_8080 != 0 { return true }
            i += 32
        }
        while i + 8 <= n {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return true }
            i += 8
        }
        // The last bytes as one word ending at the end (it overlaps bytes already tested).
        if i < n && n >= 8 { return raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 }
        while i < n { if p[i] >= 0x80 { return true }; i += 1 }
        return false
    }
}
