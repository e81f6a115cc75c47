import DSToolKit
import FoundationEssentials

/// What a finding needs to know about the item it was found in (items are only valid until the
/// next one is asked for, and workers run behind the reader).
struct ItemRef: Sendable {
    let sequence: Int
    let name: String
    let path: String
    let chain: [String]
    /// Line and column make sense (decoded text, not binary or stripped markup).
    let hasLines: Bool

    func location(line: Int? = nil, column: Int? = nil, offset: Int64? = nil) -> Location {
        Location(input: name, path: path, chain: chain.count > 1 ? chain : nil, line: line, column: column, offset: offset)
    }
}

/// One window to scan and, once scanned, its findings; or a whole table item (`table`).
final class ScanJob: @unchecked Sendable {
    let item: ItemRef
    /// Until it is scanned: the window is kept for reuse as soon as the scan is over, so that a
    /// job waiting for its turn to be emitted (behind a table still being scanned) holds only
    /// its findings.
    var window: TextWindow?
    let binary: Bool
    let table: TableWork?
    /// The window's place in its item, and the position at its tail (the next window's start),
    /// kept when the window is let go.
    let startsItem: Bool
    let endsItem: Bool
    var linesToTail = LinePosition.windowStart
    var findings: [Finding] = []
    /// Each finding's line and column counted from the window's start (placed at emission, once
    /// the windows before it are counted).
    var findingPositions: [LinePosition] = []
    /// Values found per kind (indexed by PIIKind.ordinal).
    var piiCounts = [Int](repeating: 0, count: PIIKind.count)
    var error: Error?
    var done = false
    init(item: ItemRef, window: TextWindow, binary: Bool) {
        self.item = item; self.window = window; self.binary = binary; table = nil
        startsItem = window.isFirst; endsItem = window.isLast
    }
    init(item: ItemRef, table: TableWork) { self.item = item; window = nil; binary = false; self.table = table; startsItem = true; endsItem = true }
}

/// A table item (CSV/TSV, JSON lines) scanned whole on a worker while the reader thread goes on
/// to the next items, so tables of different files are parsed on different cores. The reader
/// hands the item's windows over through `feed`; what the scan reports is kept, in order, until
/// the item's turn comes (column summaries only: per-value runs stay on the reader thread).
final class TableWork: @unchecked Sendable {
    enum Event { case finding(Finding), error(reason: String, code: String) }
    let kind: StructuredScanner.Kind
    let feed = WindowFeed()
    var events: [Event] = []
    var piiCounts: [PIIKind: Int] = [:]
    var secretCount = 0
    /// The item had input errors.
    var failed = false
    init(kind: StructuredScanner.Kind) { self.kind = kind }
}

/// The windows of one item, handed from the reader thread to the worker scanning it, at most
/// `capacity` at a time (memory stays bounded however long the item is). Four, so that the
/// reader hands a table of up to about 4 MiB over whole and goes on to the next item at once:
/// with two, it waited for the worker to parse the table's first window before it could start
/// the next table, and a worker went idle at every table the other had just taken. Windows are
/// reused once parsed, so the larger feed costs no page faults after the first tables.
final class WindowFeed: @unchecked Sendable {
    let capacity: Int
    private let condition = ConditionLock()
    private var windows: [TextWindow] = []
    private var ended = false
    private var readError: Error?
    private var abandoned = false

    init(capacity: Int = 4) { self.capacity = capacity }

    /// Hands a window over, waiting while `capacity` are queued; false when the worker no longer
    /// takes them (the item failed), and the window is the caller's again.
    func put(_ w: TextWindow) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while windows.count >= capacity && !abandoned { condition.wait() }
        if abandoned { return false }
        windows.append(w)
        condition.broadcast()
        return true
    }

    /// No more windows; `error` (the reader's) ends the item after the windows queued before it.
    func finish(error: Error?) {
        condition.lock()
        ended = true
        readError = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next window, nil at the end; throws the reader's error.
    func take() throws -> TextWindow? {
        condition.lock()
        defer { condition.unlock() }
        while windows.isEmpty && !ended { condition.wait() }
        if !windows.isEmpty {
            let w = windows.removeFirst()
            condition.broadcast()
            return w
        }
        if let readError { throw readError }
        return nil
    }

    /// The worker stops taking windows: the reader's next put returns false instead of waiting.
    func abandon() {
        condition.lock()
        abandoned = true
        windows.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}

/// Scans items window by window on `jobs` threads and reports findings in input order.
public final class ScanEngine {
    public let options: ScanOptions
    public let rules: CompiledRuleSet
    let baseline: Baseline?
    /// Fingerprints of everything reported (for --write-baseline).
    private var reported: [BaselineEntry] = []
    private var suppressedByBaseline = 0
    private let levelEstimator: DataLevelEstimator

    public init(options: ScanOptions) throws {
        self.options = options
        let secretRules = try RuleCatalog.rules(options: options)
        let kinds = Set(PIIKind.allCases.filter { options.selects(ruleId: $0.ruleId, categories: ["pii", $0.sensitivity.rawValue]) })
        rules = try CompiledRuleSet(secretRules: secretRules, piiKinds: kinds)
        baseline = try options.baselinePath.map { try Baseline.load(path: $0) }
        levelEstimator = options.levelThresholds
    }

    public func run(_ context: PluginContext) throws -> PluginStatus {
        let pool = try WorkerPool(rules: rules, options: options)
        defer { pool.shutdown() }
        var status = PluginStatus.ok
        var pending: [ScanJob] = []
        var sequence = 0
        var itemStats: [Int: ItemStats] = [:]
        /// Where the next text window drained begins (windows are drained in order).
        var windowStart = LinePosition.itemStart
        let structured = StructuredScanner(rules: rules, options: options)
        defer { structured.shutdown() }

        func drain(all: Bool) {
            while let first = pending.first, all || pool.isDone(first) {
                pool.wait(first)
                pending.removeFirst()
                pool.release(first)
                if let table = first.table {
                    var stats = ItemStats(item: first.item)
                    for event in table.events {
                        switch event {
                        case .finding(let f): emitChecked(f, context: context, stats: &stats, count: false)
                        case .error(let reason, let code): context.emitError(input: first.item.name, reason: reason, code: code)
                        }
                    }
                    if table.failed { status = .inputErrors }
                    stats.piiCounts = table.piiCounts
                    stats.secrets = table.secretCount
                    emitSummary(stats, context: context)
                    continue
                }
                if let e = first.error {
                    context.emitError(input: first.item.name, reason: "\(e)", code: "scan.failed")
                    status = .inputErrors
                }
                var stats = itemStats[first.item.sequence] ?? ItemStats(item: first.item)
                if first.item.hasLines {
                    if first.startsItem { windowStart = .itemStart }
                    for i in first.findings.indices {
                        let p = windowStart.then(first.findingPositions[i])
                        first.findings[i].location.line = p.line
                        first.findings[i].location.column = p.column + 1
                    }
                    if !first.endsItem { windowStart = windowStart.then(first.linesToTail) }
                }
                for f in first.findings { emitChecked(f, context: context, stats: &stats) }
                for k in PIIKind.allCases where first.piiCounts[k.ordinal] > 0 { stats.piiCounts[k, default: 0] += first.piiCounts[k.ordinal] }
                if first.endsItem {
                    emitSummary(stats, context: context)
                    itemStats[first.item.sequence] = nil
                } else {
                    itemStats[first.item.sequence] = stats
                }
            }
        }

        /// After a window job is handed over: emits what is done, in order. With a backlog of
        /// windows waiting for the workers, the reader scans the newest itself (it has just read
        /// it: the bytes are still in this core's cache) instead of going to sleep, which on an
        /// idle machine costs a wake-up later. It waits only when `maxPending` jobs or
        /// `maxHeldFindings` findings are held, i.e. behind a table still being scanned.
        func keepUp() {
            drain(all: false)
            while true {
                if pool.runBacklogInline() { drain(all: false); continue }
                guard !pending.isEmpty, pending.count > pool.maxPending || pool.holdsTooManyFindings else { return }
                pool.wait(pending[0])
                drain(all: false)
            }
        }

        while let item = context.nextItem() {
            if context.isCancelled { break }
            if item.isEncrypted || item.isContainer { continue }
            sequence += 1
            do {
                let binary = !item.isText
                let markup = !binary && MarkupText.isMarkup(item)
                // UTF-8 is scanned as it is (raw offsets are exact); other encodings through the host's decoder.
                let decode = !binary && (markup || item.encoding != TextEncoding.utf8.rawValue)
                var reader = TextWindowReader(item: item, windowSize: options.windowSize, overlapSize: options.overlapSize,
                                              decodeText: decode, stripMarkup: markup)
                var kind = StructuredScanner.kind(of: item)
                var first: TextWindow?
                if !binary && !markup && kind != .sqlite && kind != .jsonLines {
                    // SQL dumps are recognised by their first statements, whatever their name or type.
                    first = try pool.nextWindow(&reader)
                    if let w = first, let dialect = (w.bytes.withUnsafeBufferPointer { SQLDialect.sniff(UnsafeBufferPointer(rebasing: $0[0..<w.count])) }) {
                        kind = .sqlDump(dialect)
                    } else if kind == nil, !decode, let w = first,
                              w.bytes.withUnsafeBufferPointer({ CSVSniff.looksLikeCSV(UnsafeBufferPointer(rebasing: $0[0..<min(w.count, CSVSniff.head)])) }) {
                        kind = .delimited(44)
                    }
                }
                if let kind, kind.runsOnWorker, pool.threads > 1, !options.perValue {
                    let ref = ItemRef(sequence: sequence, name: item.name, path: item.path, chain: item.chain, hasLines: false)
                    let table = TableWork(kind: kind)
                    let job = ScanJob(item: ref, table: table)
                    pending.append(job)
                    pool.submit(job)
                    do {
                        var next = first
                        first = nil
                        if next == nil { next = try pool.nextWindow(&reader) }
                        while let w = next {
                            guard table.feed.put(w) else { pool.recycle(w); break }
                            next = try pool.nextWindow(&reader)
                        }
                        table.feed.finish(error: nil)
                    } catch {
                        table.feed.finish(error: error)
                    }
                    drain(all: false)
                    while pending.count > pool.maxInFlight { pool.wait(pending[0]); drain(all: false) }
                    continue
                }
                if let kind {
                    drain(all: true)
                    var stats = ItemStats(item: ItemRef(sequence: sequence, name: item.name, path: item.path, chain: item.chain, hasLines: false))
                    // The windows come from the pool's kept ones and go back to them once parsed: a
                    // table read on this thread would otherwise get a fresh window from the kernel
                    // (a megabyte of new pages to fault in and zero) for every item.
                    let ref = ItemRef(sequence: 0, name: item.name, path: item.path, chain: item.chain, hasLines: false)
                    var unread = first
                    first = nil
                    do {
                        try structured.scan(ref, kind: kind, next: {
                            if let w = unread { unread = nil; return w }
                            return try pool.nextWindow(&reader)
                        }, release: pool.recycle, localPath: { try item.localPath() },
                        onError: { context.emitError(input: item.name, reason: $0, code: $1) }, emit: { f in
                            self.emitChecked(f, context: context, stats: &stats, count: false)
                        })
                    } catch {
                        context.emitError(input: item.name, reason: "\(error)", code: kind == .sqlite ? "scan.sqlite" : "scan.read")
                        status = .inputErrors
                    }
                    if let w = unread { pool.recycle(w) }
                    if structured.inputFailed { status = .inputErrors }
                    stats.piiCounts = structured.piiCounts
                    stats.secrets = structured.secretCount
                    emitSummary(stats, context: context)
                    continue
                }
                let ref = ItemRef(sequence: sequence, name: item.name, path: item.path, chain: item.chain, hasLines: !binary && !markup)
                var produced = false
                while !context.isCancelled {
                    let w: TextWindow?
                    if let f = first { w = f; first = nil } else { w = try pool.nextWindow(&reader) }
                    guard let w else { break }
                    produced = true
                    let job = ScanJob(item: ref, window: w, binary: binary)
                    pending.append(job)
                    pool.submit(job)
                    keepUp()
                }
                if !produced { continue }
            } catch {
                drain(all: true)
                context.emitError(input: item.name, reason: "\(error)", code: "scan.read")
                status = .inputErrors
            }
        }
        drain(all: true)
        if let path = options.writeBaselinePath {
            try Baseline.write(reported, to: path, context: context)
        }
        if suppressedByBaseline > 0 {
            context.log(.info, "\(suppressedByBaseline) finding(s) suppressed by the baseline")
        }
        return status
    }

    /// Baseline filter, then emit; counts go to the item's summary.
    func emitChecked(_ f: Finding, context: PluginContext, stats: inout ItemStats, count: Bool = true) {
        if options.writeBaselinePath != nil {
            reported.append(BaselineEntry(fingerprint: f.fingerprint, ruleId: f.ruleId, input: f.location.input))
        }
        if let baseline, baseline.contains(f.fingerprint) { suppressedByBaseline += 1; return }
        if count {
            if f.category == "pii", let kind = f.properties?["kind"]?.stringValue.flatMap(PIIKind.init(rawValue:)) {
                stats.findingKinds[kind, default: 0] += 1
            } else {
                stats.secrets += 1
            }
        }
        context.emit(f)
    }

    /// The per-input summary: kinds and volumes of personal data, and the estimated data level.
    func emitSummary(_ stats: ItemStats, context: PluginContext, structured: Bool = false) {
        // Windows count every validated value (also those the baseline suppressed); structured
        // inputs report counts through their column findings.
        var counts = stats.piiCounts
        if counts.isEmpty { counts = stats.findingKinds }
        guard !counts.isEmpty || stats.secrets > 0 else { return }
        let estimate = levelEstimator.estimate(counts)
        var kinds: [String: JSONValue] = [:]
        for (k, n) in counts { kinds[k.rawValue] = .int(Int64(n)) }
        let total = counts.values.reduce(0, +)
        let kindText = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }   // ties: stable text
        let en = kindText.map { "\($0.value) \($0.key.title.en)" }.joined(separator: ", ")
        let zh = kindText.map { "\($0.key.title.zh) \($0.value) 条" }.joined(separator: "，")
        let secretsEN = stats.secrets > 0 ? "\(stats.secrets) secret(s)" + (en.isEmpty ? "" : "; ") : ""
        let secretsZH = stats.secrets > 0 ? "密钥凭据 \(stats.secrets) 处" + (zh.isEmpty ? "" : "；") : ""
        // The name comes from the evidence: a newline in it would start a line of its own in the
        // text report (the host keeps this text's layout).
        let name = ControlCharacters.escaped(stats.item.name)
        let text = LocalizedText(
            en: "\(name): \(secretsEN)\(en) — data level \(estimate.level.en) (\(estimate.reason.en))",
            zh: "\(name)：\(secretsZH)\(zh) —— 数据级别 \(estimate.level.rawValue)（\(estimate.reason.zh)）")
        context.emit(DataRecord(kind: "scan.summary", text: text, value: .object([
            "input": .string(stats.item.name),
            "secrets": .int(Int64(stats.secrets)),
            "pii": .object(kinds),
            "pii_total": .int(Int64(total)),
            "data_level": .string(estimate.level.rawValue),
            "data_level_en": .string(estimate.level.en),
            "weighted_volume": .double((estimate.weightedVolume * 100).rounded() / 100),
        ])))
    }
}

/// Per-item counters for the summary.
struct ItemStats {
    let item: ItemRef
    var piiCounts: [PIIKind: Int] = [:]
    var findingKinds: [PIIKind: Int] = [:]
    var secrets = 0
    init(item: ItemRef) { self.item = item }
}

/// Worker threads, each with its own scanner (Hyperscan scratch), fed windows in order.
final class WorkerPool: @unchecked Sendable {
    let rules: CompiledRuleSet
    let options: ScanOptions
    let threads: Int
    /// Table items in flight (each holds a few windows in its feed).
    let maxInFlight: Int
    /// Jobs held for their turn to be emitted; reached only behind a table. A scanned job holds
    /// only its findings (its window is reused), so the text after a table runs on for as long
    /// as parsing a table of a few megabytes takes: with 8 per thread the other worker had
    /// scanned them all and waited (~6 ms with the ID pattern) before the table was done.
    let maxPending: Int
    /// Findings of scanned jobs not emitted yet, above which the reader waits as well (dense
    /// text behind a slow table would otherwise hold up to `maxPending` windows' findings).
    static let maxHeldFindings = 1 << 16
    /// Guarded by `doneCondition`.
    private var heldFindings = 0
    /// Guards the queue and the kept windows; workers wait on it for jobs.
    private let condition = ConditionLock()
    /// Guards `ScanJob.done`; the reader thread waits on it for a job to end. Apart from
    /// `condition` so that a job's end does not wake idle workers only for them to sleep again
    /// (on an idle machine each wake-up of a halted core costs more than the hand-over itself).
    private let doneCondition = ConditionLock()
    private var queue: [ScanJob] = []
    private var stopping = false
    private var free: [TextWindow] = []
    private var freeDecoded: [TextWindow] = []
    /// Scanner for inline work when there is one job.
    private var inlineScanner: WindowScanner?
    /// The reader's scanner for the backlog it scans itself (more than one job).
    private var readerScanner: WindowScanner?

    init(rules: CompiledRuleSet, options: ScanOptions) throws {
        self.rules = rules
        self.options = options
        threads = max(1, options.jobs)
        maxInFlight = threads * 2
        maxPending = threads * 32
        if threads == 1 {
            inlineScanner = try WindowScanner(rules: rules, minimumConfidence: options.minimumConfidence)
        } else {
            for _ in 0..<threads {
                let scanner = try WindowScanner(rules: rules, minimumConfidence: options.minimumConfidence)
                // Workers hold the pool strongly: they exit after shutdown(), and only then release it.
                guard DetachedThread.start(stackSize: 1 << 20, { self.work(scanner) }) else {
                    throw DSToolError.failed("the system refused a worker thread (--jobs \(threads))")
                }
            }
        }
    }

    func submit(_ job: ScanJob) {
        if let s = inlineScanner {
            JobRunner.run(job, scanner: s, options: options, rules: rules)
            if let w = job.window { job.window = nil; recycle(w) }
            markDone(job)
            return
        }
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work(_ scanner: WindowScanner) {
        // Made when the worker is first given a table.
        var structured: StructuredScanner?
        defer { structured?.shutdown() }
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty && stopping { condition.unlock(); return }
            let job = queue.removeFirst()
            condition.unlock()
            if let table = job.table {
                if structured == nil {
                    // Without a background thread of its own (what `jobs` 1 means to it): the
                    // workers already keep every core busy, and a thread more per worker only
                    // added hand-overs (a sleep and a wake-up per cell batch).
                    var alone = options
                    alone.jobs = 1
                    structured = StructuredScanner(rules: rules, options: alone)
                }
                TableRunner.run(job.item, table, structured: structured!, recycle: self.recycle)
            } else {
                JobRunner.run(job, scanner: scanner, options: options, rules: rules)
            }
            if let w = job.window { job.window = nil; recycle(w) }
            markDone(job)
        }
    }

    /// Tells the reader thread (the only one that waits for jobs) that `job` has ended.
    private func markDone(_ job: ScanJob) {
        doneCondition.lock()
        job.done = true
        heldFindings += job.findings.count
        doneCondition.signal()
        doneCondition.unlock()
    }

    /// `job` has been emitted: its findings are no longer held.
    func release(_ job: ScanJob) {
        doneCondition.lock()
        heldFindings -= job.findings.count
        doneCondition.unlock()
    }

    var holdsTooManyFindings: Bool {
        doneCondition.lock()
        defer { doneCondition.unlock() }
        return heldFindings > Self.maxHeldFindings
    }

    /// When more window jobs wait than there are workers, the reader takes the newest and scans
    /// it (see ScanEngine.run's keepUp); true if it did. Tables stay with the workers.
    func runBacklogInline() -> Bool {
        guard inlineScanner == nil else { return false }
        condition.lock()
        guard queue.count > threads, let last = queue.last, last.table == nil else { condition.unlock(); return false }
        let job = queue.removeLast()
        condition.unlock()
        if readerScanner == nil {
            // A scratch could fail to be allocated only for lack of memory: the workers then take the job.
            guard let s = try? WindowScanner(rules: rules, minimumConfidence: options.minimumConfidence) else { submit(job); return false }
            readerScanner = s
        }
        JobRunner.run(job, scanner: readerScanner!, options: options, rules: rules)
        if let w = job.window { job.window = nil; recycle(w) }
        markDone(job)
        return true
    }

    func isDone(_ job: ScanJob) -> Bool {
        doneCondition.lock()
        defer { doneCondition.unlock() }
        return job.done
    }

    /// Waits for `job` (checked under the lock: a job that ends before the wait is not missed).
    func wait(_ job: ScanJob) {
        doneCondition.lock()
        while !job.done { doneCondition.wait() }
        doneCondition.unlock()
    }


    /// Keeps a window for reuse. Every window is kept: their number is bounded by what the
    /// pipeline holds at once (jobs in flight, and the windows queued for tables on workers), and
    /// a window freed and allocated again costs the kernel a megabyte of fresh zeroed pages.
    func recycle(_ w: TextWindow) {
        condition.lock()
        keep(w)
        condition.unlock()
    }

    /// `recycle` with the lock held.
    private func keep(_ w: TextWindow) {
        if w.offsets.isEmpty { free.append(w) } else { freeDecoded.append(w) }
    }

    /// The reader's next window, read into a kept window when there is one; at the end of the
    /// item (nil) or on a read error, the kept window is kept again rather than dropped.
    func nextWindow(_ reader: inout TextWindowReader) throws -> TextWindow? {
        let spare = takeFree(decode: reader.decodeText)
        do {
            if let w = try reader.next(reuse: spare) { return w }
        } catch {
            if let spare { recycle(spare) }
            throw error
        }
        if let spare { recycle(spare) }
        return nil
    }

    func takeFree(decode: Bool) -> TextWindow? {
        condition.lock()
        defer { condition.unlock() }
        return decode ? freeDecoded.popLast() : free.popLast()
    }

    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Scans a table item on a worker thread, as the reader thread would (same findings and errors,
/// kept in order for the item's turn).
enum TableRunner {
    static func run(_ item: ItemRef, _ table: TableWork, structured: StructuredScanner, recycle: (TextWindow) -> Void) {
        do {
            try structured.scan(item, kind: table.kind, next: { try table.feed.take() }, release: recycle,
                                localPath: { preconditionFailure("SQLite databases are scanned on the reader thread") },
                                onError: { table.events.append(.error(reason: $0, code: $1)) },
                                emit: { table.events.append(.finding($0)) })
        } catch {
            table.events.append(.error(reason: "\(error)", code: "scan.read"))
            table.failed = true
        }
        // After an error the reader stops handing windows over.
        table.feed.abandon()
        if structured.inputFailed { table.failed = true }
        table.piiCounts = structured.piiCounts
        table.secretCount = structured.secretCount
    }
}

/// Scans one window and turns its hits into findings (on a worker thread).
enum JobRunner {
    static func run(_ job: ScanJob, scanner: WindowScanner, options: ScanOptions, rules: CompiledRuleSet) {
        let w = job.window!
        // Counted before the scan, so that the next window's start is known even if this one fails.
        if job.item.hasLines { w.countLinesToTail(); job.linesToTail = w.linesToTail }
        var hits: [ScanHit] = []
        scanner.printableOnly = job.binary
        do {
            try w.bytes.withUnsafeBufferPointer { b in
                try scanner.scan(UnsafeBufferPointer(rebasing: b[0..<w.count]), continuesBefore: !w.isFirst,
                                 continuesAfter: !w.isLast, ownStart: w.overlap, into: &hits)
            }
        } catch {
            job.error = error
            return
        }
        guard !hits.isEmpty else { return }
        hits.sort { $0.start < $1.start }
        // Lines and columns from the window's start (see TextWindow.lineMarks).
        var lineAt = 0, position = LinePosition.windowStart
        job.findings.reserveCapacity(hits.count)
        if job.item.hasLines { job.findingPositions.reserveCapacity(hits.count) }
        for h in hits {
            if job.item.hasLines {
                // From the line mark before the value, when it is past the last position.
                let mark = h.valueStart / TextWindow.lineMarkSpacing
                if mark < w.lineMarks.count && mark * TextWindow.lineMarkSpacing > lineAt {
                    lineAt = mark * TextWindow.lineMarkSpacing
                    position = w.lineMarks[mark]
                }
                let (dl, col) = LineCounter.advance(w.bytes, lineAt, h.valueStart, column: position.column)
                position = LinePosition(line: position.line + dl, column: col)
                lineAt = h.valueStart
                job.findingPositions.append(position)
            }
            let value = String(decoding: w.bytes[h.valueStart..<h.valueEnd], as: UTF8.self)
            let raw = w.rawOffset(h.valueStart)
            // Line and column are placed when the finding is emitted (ScanEngine.run's drain).
            var location = job.item.location(offset: Int64(raw))
            location.length = Int(w.rawOffset(h.valueEnd) - raw)
            switch h.what {
            case .pii(let kind):
                job.piiCounts[kind.ordinal] += 1
                job.findings.append(FindingFactory.pii(kind, value: value, confidence: h.confidence, context: h.context,
                                                       location: location, item: job.item, options: options))
            case .secret(let r):
                job.findings.append(FindingFactory.secret(rules.secretRules[r], value: value, location: location,
                                                          item: job.item, options: options))
            }
        }
    }
}

/// Findings in the shared schema.
enum FindingFactory {
    static func pii(_ kind: PIIKind, value: String, confidence: Double, context: String?, location: Location,
                    item: ItemRef, options: ScanOptions, extra: [String: JSONValue] = [:]) -> Finding {
        let fingerprint = Fingerprint.make(ruleId: kind.ruleId, location: item.location(), evidence: value)
        var props: [String: JSONValue] = ["kind": .string(kind.rawValue), "sensitivity": .string(kind.sensitivity.rawValue)]
        if let context { props["context"] = .string(context) }
        for (k, v) in extra { props[k] = v }
        return Finding(ruleId: kind.ruleId, title: kind.title, category: "pii", severity: kind.defaultSeverity,
                       confidence: (confidence * 100).rounded() / 100, dataLevel: kind.baseDataLevel, location: location,
                       evidence: options.showSecrets ? value : Redaction.redact(value), fingerprint: fingerprint,
                       references: kind.references, properties: .object(props))
    }

    static func secret(_ rule: SecretRule, value: String, location: Location, item: ItemRef, options: ScanOptions) -> Finding {
        let fingerprint = Fingerprint.make(ruleId: rule.ruleId, location: item.location(), evidence: value)
        return Finding(ruleId: rule.ruleId, title: rule.title, category: "secret", severity: rule.severity, confidence: 0.9,
                       dataLevel: nil, location: location,
                       evidence: options.showSecrets ? value : Redaction.redact(value), fingerprint: fingerprint,
                       references: rule.references.isEmpty ? SecretRule.defaultReferences : rule.references,
                       cwe: ["CWE-798"], remediation: rule.remediation ?? SecretRule.defaultRemediation,
                       properties: .object(["rule_category": .string(rule.category)]))
    }
}
