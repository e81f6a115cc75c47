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
        return LocalizedText(en: ks.map { "\(facts.counts[$0]!) \(title($0).en)" }.joined(separator: ", "),
                             zh: ks.map { "\(title($0).zh) \(facts.counts[$0]!) 个" }.joined(separator: "，"))
    }
}

/// The kind of one value (a table cell), on the thread that owns it.
final class PersonalDataClassifier {
    let scanner: PIIScanner
    init(matcher: PIIMatcher) throws { scanner = try matcher.makeScanner() }
    func classify(_ value: String, column: String) -> String? { scanner.classify(value, column: column)?.rawValue }
}

/// Scans the content of items for personal data on worker threads, while the plugin's thread
/// goes on reading. Items are cut into segments at line ends (a value never spans lines), so any
/// worker can take any segment; a line longer than the window is cut between words, with an
/// overlap, and each value is counted in exactly one segment. Counts are per item.
final class PersonalDataScanPool: @unchecked Sendable {
    struct Segment {
        let item: Int
        let bytes: [UInt8]
        /// Count matches starting in countFrom..<countUntil (the rest belong to a neighbour).
        let countFrom: Int
        let countUntil: Int
    }

    let matcher: PIIMatcher
    private let cond = NSCondition()
    private var queue: [Segment] = []
    private var busy = 0
    private var results: [Int: PIFacts] = [:]
    private var failure: Error?
    private var stopping = false
    private var threads: [Thread] = []
    static let maxQueued = 8

    init(matcher: PIIMatcher, workers: Int) throws {
        self.matcher = matcher
        for _ in 0..<max(1, workers) {
            let scanner = try matcher.makeScanner()
            // The threads hold the pool until they exit (after stop() or finish()).
            let t = Thread { [self] in self.work(scanner) }
            t.stackSize = 1 << 20
            threads.append(t)
            t.start()
        }
    }

    func submit(_ s: Segment) {
        cond.lock()
        while queue.count >= Self.maxQueued { cond.wait() }
        queue.append(s)
        cond.broadcast()
        cond.unlock()
    }

    private func work(_ scanner: PIIScanner) {
        var matches: [PIIMatch] = []
        while true {
            cond.lock()
            while queue.isEmpty && !stopping { cond.wait() }
            if queue.isEmpty && stopping { cond.unlock(); return }
            let seg = queue.removeFirst()
            busy += 1
            cond.broadcast()
            cond.unlock()
            var facts = PIFacts()
            matches.removeAll(keepingCapacity: true)
            do {
                try seg.bytes.withUnsafeBytes { try scanner.matches(in: $0, into: &matches) }
                for m in matches where m.start >= seg.countFrom && m.start < seg.countUntil { facts.counts[m.kind.rawValue, default: 0] += 1 }
            } catch {
                cond.lock(); failure = error; cond.unlock()
            }
            cond.lock()
            results[seg.item, default: PIFacts()].add(facts)
            busy -= 1
            cond.broadcast()
            cond.unlock()
        }
    }

    /// Waits for every submitted segment; the counts per item.
    func finish() throws -> [Int: PIFacts] {
        cond.lock()
        while !queue.isEmpty || busy > 0 { cond.wait() }
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

/// Cuts one item's bytes into segments for the pool (on the reading thread).
struct PersonalDataFeeder {
    let pool: PersonalDataScanPool
    let item: Int
    private var pending: [UInt8] = []
    /// Where counting starts in `pending` (after an overlap already counted by the previous segment).
    private var countFrom = 0
    static let window = 1 << 20
    static let overlap = 256

    init(pool: PersonalDataScanPool, item: Int) {
        self.pool = pool; self.item = item
        pending.reserveCapacity(Self.window)
    }

    mutating func feed(_ chunk: UnsafeRawBufferPointer) {
        var rest = chunk
        while !rest.isEmpty {
            let take = min(Self.window - pending.count, rest.count)
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[0..<take]))
            rest = UnsafeRawBufferPointer(rebasing: rest[take...])
            if pending.count >= Self.window { cut() }
        }
    }

    @inline(__always) static func isBoundary(_ c: UInt8) -> Bool {
        c == 32 || c == 9 || c == 44 || c == 59 || c == 34 || c == 39 || c == 124 || c == 13 || c == 10
    }

    private mutating func cut() {
        if let nl = pending.lastIndex(of: 10), nl >= pending.count / 2 {
            pool.submit(.init(item: item, bytes: Array(pending[0...nl]), countFrom: countFrom, countUntil: nl + 1))
            pending.removeSubrange(0...nl)
            countFrom = 0
            return
        }
        // A very long line: the next segment starts `overlap` bytes back; the split point between
        // what this segment and the next count is the first word boundary in that overlap.
        let start = pending.count - Self.overlap
        var boundary = start
        while boundary < pending.count && !Self.isBoundary(pending[boundary]) { boundary += 1 }
        pool.submit(.init(item: item, bytes: pending, countFrom: countFrom, countUntil: boundary))
        pending.removeSubrange(0..<start)
        countFrom = boundary - start
    }

    /// Hands over the rest of the item.
    mutating func finish() {
        if !pending.isEmpty { pool.submit(.init(item: item, bytes: pending, countFrom: countFrom, countUntil: pending.count)) }
        pending = []
    }
}
