import DSToolKit
import DSToolScan
import Foundation

/// Personal data through the leak-detection engine (DSToolScan): the kinds, the validators and
/// the Hyperscan matcher are the scanner's own, not copies.
enum PersonalData {
    static let kindNames: Set<String> = Set(PIIKind.allCases.map(\.rawValue))
    /// 敏感个人信息 (GB/T 35273-2020 Appendix B): identity documents, bank and card accounts.
    static let sensitiveKinds: Set<String> = Set(PIIKind.allCases.filter { $0.sensitivity == .sensitive }.map(\.rawValue))
    /// Kinds that identify or reach a person and carry a structure or checksum to validate:
    /// the default of the checks. Names and addresses are found by context words, with far less
    /// certainty and at far higher cost per byte; a pack names them when it wants them.
    static let personalKinds: Set<String> = Set(PIIKind.allCases.filter {
        $0.sensitivity >= .personal && $0 != .personName && $0 != .address && $0 != .cnLandline && $0 != .cnPlate
    }.map(\.rawValue))

    static func title(_ kind: String) -> LocalizedText { PIIKind(rawValue: kind)?.title ?? LocalizedText(kind) }

    static func describe(_ facts: PIFacts, kinds: Set<String>?) -> LocalizedText {
        let ks = facts.kinds(in: kinds)
        let en = ks.map { "\(facts.counts[$0]!) \(title($0).en)" }.joined(separator: ", ")
        let zh = ks.map { "\(title($0).zh) \(facts.counts[$0]!) 个" }.joined(separator: "，")
        return facts.complete ? LocalizedText(en: en, zh: zh) : LocalizedText(en: "at least " + en, zh: "至少" + zh)
    }
}

/// The kinds of values (table cells), by validators alone: no Hyperscan database is needed.
final class PersonalDataClassifier {
    let kinds: Set<PIIKind>
    let minimumConfidence: Double
    init(kinds: Set<PIIKind>, minimumConfidence: Double) { self.kinds = kinds; self.minimumConfidence = minimumConfidence }
    /// The classifier for one column's cells (its name is context, weighed once).
    func column(_ name: String) -> PIIColumnClassifier {
        PIIColumnClassifier(column: name, kinds: kinds, minimumConfidence: minimumConfidence)
    }
}

/// Scans the content of items for personal data on worker threads, while the plugin's thread
/// goes on reading. Items are cut into segments at line ends (a value never spans lines), so any
/// worker can take any segment; a line longer than the window is cut between words, with an
/// overlap, and each value is counted in exactly one segment. Counts are per item. Each segment
/// names the matcher (set of kinds) to use: an item's later segments look only for what its open
/// questions still ask.
final class PersonalDataScanPool: @unchecked Sendable {
    struct Segment {
        let item: Int
        /// The segment's place in its item (0, 1, …).
        let index: Int
        let matcher: Int
        /// A window-sized buffer; the segment is its first `count` bytes.
        var bytes: [UInt8]
        let count: Int
        /// Count matches starting in countFrom..<countUntil (the rest belong to a neighbour).
        let countFrom: Int
        let countUntil: Int
    }

    private let cond = NSCondition()
    private var matchers: [PIIMatcher] = []
    private var matcherIndex: [[String]: Int] = [:]
    private var queue: [Segment] = []
    private var busy = 0
    private var results: [Int: PIFacts] = [:]
    /// Per item, what its segments found, summed in segment order: `[i]` covers segments 0...i.
    /// The feeder decides from exactly such a prefix, so where it stops reading an item depends
    /// on the item's bytes alone, never on which worker finished first (evidence counts must be
    /// the same on every run and with any number of jobs).
    private var prefixFacts: [Int: [PIFacts]] = [:]
    /// Segments that finished before an earlier one of the same item, by item and index.
    private var finishedAhead: [Int: [Int: PIFacts]] = [:]
    let workers: Int
    private var failure: Error?
    private var stopping = false
    /// Scanned segments' buffers, for the next segments (no fresh 1 MiB pages per segment).
    private var spareBuffers: [[UInt8]] = []
    /// Other per-item work done off the reading thread (table sampling), and what it returned.
    private var tasks: [(id: Int, work: () -> [(String?, ColumnAccumulator)])] = []
    private var taskResults: [Int: [(String?, ColumnAccumulator)]] = [:]
    private var nextTaskID = 0
    static let maxQueued = 8

    init(workers: Int) {
        self.workers = max(1, workers)
        for _ in 0..<self.workers {
            // The threads hold the pool until they exit (after stop() or finish()).
            let t = Thread { [self] in self.work() }
            t.stackSize = 1 << 20
            t.start()
        }
    }

    /// The matcher for these kinds (compiled once per distinct set).
    func matcher(for kinds: Set<String>) throws -> Int {
        let key = kinds.sorted()
        cond.lock()
        if let i = matcherIndex[key] { cond.unlock(); return i }
        cond.unlock()
        let m = try PIIMatcher(kinds: Set(kinds.compactMap(PIIKind.init(rawValue:))), minimumConfidence: 0.5)
        cond.lock(); defer { cond.unlock() }
        if let i = matcherIndex[key] { return i }
        matchers.append(m)
        matcherIndex[key] = matchers.count - 1
        return matchers.count - 1
    }

    /// Runs `work` on a worker; its result is collected by `finish()` under the returned id.
    func submitTask(_ work: @escaping () -> [(String?, ColumnAccumulator)]) -> Int {
        cond.lock(); defer { cond.unlock() }
        while tasks.count >= Self.maxQueued { cond.wait() }
        let id = nextTaskID
        nextTaskID += 1
        tasks.append((id, work))
        cond.broadcast()
        return id
    }

    /// The result of a task once `finish()` has returned.
    func taskResult(_ id: Int) -> [(String?, ColumnAccumulator)] {
        cond.lock(); defer { cond.unlock() }
        return taskResults[id] ?? []
    }

    func submit(_ s: Segment) {
        cond.lock()
        while queue.count >= Self.maxQueued { cond.wait() }
        queue.append(s)
        cond.broadcast()
        cond.unlock()
    }

    /// A buffer of `count` bytes for the next segment (its contents are overwritten), reused
    /// when one is spare.
    func takeBuffer(count: Int) -> [UInt8] {
        cond.lock()
        let spare = spareBuffers.popLast()
        cond.unlock()
        if let spare, spare.count == count { return spare }
        return [UInt8](repeating: 0, count: count)
    }

    /// What an item's first `segments` segments found, once they are scanned.
    func facts(_ item: Int, firstSegments segments: Int) -> PIFacts {
        guard segments > 0 else { return PIFacts() }
        cond.lock(); defer { cond.unlock() }
        while (prefixFacts[item]?.count ?? 0) < segments { cond.wait() }
        return prefixFacts[item]![segments - 1]
    }

    /// Adds a scanned segment's facts to its item's prefix sums (with any later segments that
    /// were waiting for it). Called with `cond` locked.
    private func recordInOrder(item: Int, index: Int, _ facts: PIFacts) {
        guard index == prefixFacts[item]?.count ?? 0 else {
            finishedAhead[item, default: [:]][index] = facts
            return
        }
        var next = facts
        while true {
            var sum = prefixFacts[item]?.last ?? PIFacts()
            sum.add(next)
            prefixFacts[item, default: []].append(sum)
            guard let ahead = finishedAhead[item]?.removeValue(forKey: prefixFacts[item]!.count) else { break }
            next = ahead
        }
    }

    /// The reading thread's own scanners (see `scanHere`); only that thread touches them.
    private var hereScanners: [Int: PIIScanner] = [:]
    private var hereMatches: [PIIMatch] = []

    /// Scans `bytes` on the calling thread (the reading thread: one feeder at a time) and records
    /// what starts before `countUntil` as segment `index` of `item`; returns the item's prefix.
    func scanHere(item: Int, index: Int, matcher: Int, _ bytes: UnsafeRawBufferPointer, countUntil: Int) throws -> PIFacts {
        if hereScanners[matcher] == nil {
            cond.lock(); let m = matchers[matcher]; cond.unlock()
            hereScanners[matcher] = try m.makeScanner()
        }
        hereMatches.removeAll(keepingCapacity: true)
        try hereScanners[matcher]!.matches(in: bytes, into: &hereMatches)
        var facts = PIFacts()
        for m in hereMatches where m.start < countUntil { facts.counts[m.kind.rawValue, default: 0] += 1 }
        cond.lock(); defer { cond.unlock() }
        results[item, default: PIFacts()].add(facts)
        recordInOrder(item: item, index: index, facts)
        return prefixFacts[item]![index]
    }

    /// The item was not scanned to its end, or not for every kind to its end: its counts are lower bounds.
    func markIncomplete(_ item: Int) {
        cond.lock(); results[item, default: PIFacts()].complete = false; cond.unlock()
    }

    private func work() {
        var scanners: [Int: PIIScanner] = [:]
        var matches: [PIIMatch] = []
        while true {
            cond.lock()
            while queue.isEmpty && tasks.isEmpty && !stopping { cond.wait() }
            if queue.isEmpty && tasks.isEmpty && stopping { cond.unlock(); return }
            if !tasks.isEmpty {
                let task = tasks.removeFirst()
                busy += 1
                cond.broadcast()
                cond.unlock()
                let result = task.work()
                cond.lock()
                taskResults[task.id] = result
                busy -= 1
                cond.broadcast()
                cond.unlock()
                continue
            }
            var seg = queue.removeFirst()
            let matcher = matchers[seg.matcher]
            busy += 1
            cond.broadcast()
            cond.unlock()
            var facts = PIFacts()
            matches.removeAll(keepingCapacity: true)
            do {
                if scanners[seg.matcher] == nil { scanners[seg.matcher] = try matcher.makeScanner() }
                let scanner = scanners[seg.matcher]!
                try seg.bytes.withUnsafeBytes { try scanner.matches(in: UnsafeRawBufferPointer(rebasing: $0[0..<seg.count]), into: &matches) }
                for m in matches where m.start >= seg.countFrom && m.start < seg.countUntil { facts.counts[m.kind.rawValue, default: 0] += 1 }
            } catch {
                cond.lock(); failure = error; cond.unlock()
            }
            var buffer: [UInt8] = []
            swap(&buffer, &seg.bytes)
            cond.lock()
            if spareBuffers.count < Self.maxQueued { spareBuffers.append(buffer) }
            results[seg.item, default: PIFacts()].add(facts)
            recordInOrder(item: seg.item, index: seg.index, facts)
            busy -= 1
            cond.broadcast()
            cond.unlock()
        }
    }

    /// Waits for every submitted segment; the counts per item.
    func finish() throws -> [Int: PIFacts] {
        cond.lock()
        while !queue.isEmpty || !tasks.isEmpty || busy > 0 { cond.wait() }
        stopping = true
        cond.broadcast()
        let r = results
        let f = failure
        cond.unlock()
        if let f { throw f }
        return r
    }

    /// Lets the workers exit once the queue is empty (also on paths that never call finish()).
    func stop() {
        cond.lock(); stopping = true; cond.broadcast(); cond.unlock()
    }
}

/// Cuts one item's bytes into segments for the pool (on the reading thread), and stops once
/// every question asked of the item is answered. The item is read straight into the segment
/// being filled: the reading thread copies no byte of it (only an unfinished last line moves to
/// the next segment).
struct PersonalDataFeeder {
    let pool: PersonalDataScanPool
    let item: Int
    private var open: [ScanQuestion]
    private var matcher: Int
    private var kinds: Set<String>
    /// The segment being filled: always `window` bytes long, of which the first `filled` hold the item.
    private var pending: [UInt8]
    private var filled = 0
    /// Where counting starts in `pending` (after an overlap already counted by the previous segment).
    private var countFrom = 0
    private var submitted = 0
    /// Every question is answered: the rest of the item need not be scanned.
    private(set) var answered = false
    /// Some kinds are no longer looked for (their questions were answered)...
    private var narrowed = false
    /// ...and bytes were scanned without them, or bytes were not scanned at all: counts are lower bounds.
    private var narrowedBeforeEnd = false
    private var leftUnscanned = false
    static let window = 1 << 20
    /// The item's first bytes are scanned on the reading thread, for every kind asked: most items
    /// with personal data answer their questions there, so the rest is scanned (on the workers)
    /// only for what is still asked. Waiting for a worker's answer instead would stall reading,
    /// and not waiting had a whole second window scanned for every kind.
    static let probe = 16 << 10
    static let overlap = 256
    /// A decoding read needs room for one whole character.
    static let minimumRead = 4

    init(pool: PersonalDataScanPool, item: Int, questions: [ScanQuestion]) throws {
        self.pool = pool; self.item = item; open = questions
        kinds = questions.reduce(into: Set<String>()) { $0.formUnion($1.kinds) }
        matcher = try pool.matcher(for: kinds)
        pending = pool.takeBuffer(count: Self.window)
    }

    /// Room left in the segment being filled.
    var free: Int { Self.window - filled }

    /// Reads the item's next bytes (at most `free`, at least `minimumRead` of room) with `source`
    /// directly into the segment; `seen` gets them before they go to a worker. Returns the count.
    mutating func read(from source: (UnsafeMutableRawBufferPointer) throws -> Int,
                       seen: (UnsafeRawBufferPointer) -> Void) throws -> Int {
        precondition(free >= Self.minimumRead)
        let at = filled
        let n = try pending.withUnsafeMutableBytes { try source(UnsafeMutableRawBufferPointer(rebasing: $0[at...])) }
        guard n > 0 else { return 0 }
        pending.withUnsafeBytes { seen(UnsafeRawBufferPointer(rebasing: $0[at..<(at + n)])) }
        filled += n
        if filled >= Self.window { try cut() }
        return n
    }

    /// Copies bytes read elsewhere into the segments.
    mutating func feed(_ chunk: UnsafeRawBufferPointer) throws {
        var rest = chunk
        while !rest.isEmpty && !answered {
            let take = min(free, rest.count)
            let at = filled
            pending.withUnsafeMutableBytes { UnsafeMutableRawBufferPointer(rebasing: $0[at..<(at + take)]).copyMemory(from: UnsafeRawBufferPointer(rebasing: rest[0..<take])) }
            filled += take
            rest = UnsafeRawBufferPointer(rebasing: rest[take...])
            if filled >= Self.window { try cut() }
        }
        if answered && !rest.isEmpty { leftUnscanned = true }
    }

    @inline(__always) static func isBoundary(_ c: UInt8) -> Bool {
        c == 32 || c == 9 || c == 44 || c == 59 || c == 34 || c == 39 || c == 124 || c == 13 || c == 10
    }

    /// Drops the questions answered by every segment submitted so far but the last (which a
    /// worker may still be scanning while this thread reads on), and looks only for the kinds
    /// still asked about.
    private mutating func narrow() throws {
        guard submitted > 1 else { return }
        narrow(by: pool.facts(item, firstSegments: submitted - 1))
        if !answered { try useMatcherForOpenKinds() }
    }

    private mutating func narrow(by facts: PIFacts) {
        open.removeAll { facts.count(of: $0.kinds) >= $0.minValues }
        if open.isEmpty { answered = true }
    }

    private mutating func useMatcherForOpenKinds() throws {
        let k = open.reduce(into: Set<String>()) { $0.formUnion($1.kinds) }
        if k != kinds { kinds = k; matcher = try pool.matcher(for: k); narrowed = true }
    }

    /// Scans the item's first `probe` bytes here (see `probe`) as its segment 0; the workers
    /// count from where it stopped. Cut like a segment: after the last line end in its second
    /// half, else at a split in its last `overlap` bytes (the scan sees up to `probe` bytes; the
    /// worker's segment starts at the item's start, so it sees everything before the split).
    private mutating func scanProbe(_ bytes: [UInt8], count: Int) throws {
        let end = min(count, Self.probe)
        var until = end
        if end < count {
            if let nl = Self.lastLineEnd(bytes, inSecondHalfOf: end) {
                until = nl + 1
            } else {
                until = Self.split(bytes, end: end)
            }
        }
        let facts = try bytes.withUnsafeBytes {
            try pool.scanHere(item: item, index: 0, matcher: matcher, UnsafeRawBufferPointer(rebasing: $0[0..<end]), countUntil: until)
        }
        submitted = 1
        countFrom = until
        narrow(by: facts)
        if !answered { try useMatcherForOpenKinds() }
    }

    private mutating func submit(_ bytes: [UInt8], count: Int, until: Int) throws {
        if submitted == 0 { try scanProbe(bytes, count: count) }
        try narrow()
        guard countFrom < until else { return }
        if answered { leftUnscanned = true; return }
        if narrowed { narrowedBeforeEnd = true }
        pool.submit(.init(item: item, index: submitted, matcher: matcher, bytes: bytes, count: count, countFrom: countFrom, countUntil: until))
        submitted += 1
    }

    /// The last line end in bytes[end / 2 ..< end], if any (a segment is cut there). Only that
    /// half is searched, 16 bytes at a time: binary items (SQLite pages) have few line ends, and
    /// a byte-by-byte search back through a whole window took a twentieth of the reading thread.
    static func lastLineEnd(_ bytes: [UInt8], inSecondHalfOf end: Int) -> Int? {
        let from = end / 2
        return bytes.withUnsafeBytes { p -> Int? in
            let newline = SIMD16<UInt8>(repeating: 10)
            var i = end
            while i - 16 >= from && !any(p.loadUnaligned(fromByteOffset: i - 16, as: SIMD16<UInt8>.self) .== newline) { i -= 16 }
            while i > from {
                i -= 1
                if p[i] == 10 { return i }
            }
            return nil
        }
    }

    /// Where a line longer than a window is split between what a segment ending at `end` counts
    /// (values starting before) and what the next one counts: the first word boundary in the
    /// last `overlap` bytes (no value spans one). Without one (CJK text written without spaces, a
    /// run of letters) a value may run across `end`: the split is then `overlap` bytes before
    /// `end`, so this segment sees whole every value it counts (values are shorter than
    /// `overlap`), and the next segment starts another `overlap` bytes back (see `cut`), so it
    /// sees every value it counts with what precedes it.
    static func split(_ bytes: [UInt8], end: Int) -> Int {
        var at = end - overlap
        while at < end && !isBoundary(bytes[at]) { at += 1 }
        return at < end ? at : end - overlap
    }

    /// Hands the full segment to the pool and starts the next one with what must carry over.
    private mutating func cut() throws {
        let end = filled
        let nl = Self.lastLineEnd(pending, inSecondHalfOf: end)
        // At a line end: the segment takes the buffer itself; only the unfinished last line is
        // copied. A very long line: the segment counts values starting before `split`, the next
        // one those from it on, and starts `overlap` bytes before `end` (before the split when it
        // is not at a word boundary).
        let atLineEnd = nl != nil
        let until = atLineEnd ? nl! + 1 : Self.split(pending, end: end)
        let atWordBoundary = !atLineEnd && Self.isBoundary(pending[until])
        let carryFrom = atLineEnd ? until : atWordBoundary ? end - Self.overlap : until - Self.overlap
        var next = pool.takeBuffer(count: Self.window)
        let carried = end - carryFrom
        next.withUnsafeMutableBytes { dst in
            pending.withUnsafeBytes { dst.baseAddress!.copyMemory(from: $0.baseAddress! + carryFrom, byteCount: carried) }
        }
        let segment = pending
        pending = next
        filled = carried
        try submit(segment, count: atLineEnd ? carryFrom : end, until: atLineEnd ? carryFrom : until)
        countFrom = atLineEnd ? 0 : until - carryFrom
    }

    /// Hands over the rest of the item (`reachedEnd`: the whole item was read).
    mutating func finish(reachedEnd: Bool) throws {
        if filled > 0 {
            // Bytes an earlier answer left unscanned (carried over from the last cut), or the rest.
            if answered { leftUnscanned = true } else { try submit(pending, count: filled, until: filled) }
        }
        pending = []
        filled = 0
        if leftUnscanned || narrowedBeforeEnd || !reachedEnd { pool.markIncomplete(item) }
    }
}
