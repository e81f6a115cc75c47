import CDSToolHyperscan
import CDSToolScanBits
import DSToolKit
import FoundationEssentials

/// One piece of personal data found in a buffer.
public struct PIIMatch: Sendable, Hashable {
    public var kind: PIIKind
    /// Byte offsets into the scanned buffer: [start, end).
    public var start: Int
    public var end: Int
    /// 0...1: structure and checksum, raised by context words nearby.
    public var confidence: Double
    /// The context word that raised confidence, if any.
    public var context: String?
    public var range: Range<Int> { start..<end }
}

/// Finds personal data in UTF-8 text: Hyperscan finds candidates, the validators decide.
/// Build one (compiling takes milliseconds) and share it; `makeScanner()` per thread.
public struct PIIMatcher: Sendable {
    public let kinds: Set<PIIKind>
    /// Matches below this confidence (after context) are dropped.
    public var minimumConfidence: Double
    let compiled: PIICompiledSet

    public init(kinds: Set<PIIKind> = Set(PIIKind.allCases), minimumConfidence: Double = 0.5) throws {
        self.kinds = kinds
        self.minimumConfidence = minimumConfidence
        self.compiled = try PIICompiledSet(kinds: kinds)
    }

    /// A scanner for one thread (owns Hyperscan scratch space and buffers).
    public func makeScanner() throws -> PIIScanner { try PIIScanner(matcher: self) }

    /// All matches in `text` (offsets are UTF-8 byte offsets).
    public func matches(in text: String) throws -> [PIIMatch] { try makeScanner().matches(in: text) }
}

/// The patterns for a set of kinds, compiled into one Hyperscan database.
final class PIICompiledSet: @unchecked Sendable {
    let patterns: [PIIPattern]
    let database: HSDatabase?

    init(kinds: Set<PIIKind>) throws {
        patterns = PIIPatterns.selected(kinds)
        let expressions = patterns.enumerated().map { HSExpression($1.expression, flags: $1.flags, id: UInt32($0)) }.filter { !$0.expression.isEmpty }
        database = expressions.isEmpty ? nil : try HSDatabase.cached(expressions)
    }
}

/// A raw candidate: which pattern, and the value's byte range in the scanned buffer.
struct PIICandidate {
    var pattern: Int32
    var start: Int
    var end: Int
}

/// Turns Hyperscan reports into candidate values without allocating per report: one candidate
/// per token however often patterns fire inside it. A struct reached through a pointer from the
/// Hyperscan callback (class properties would pay a dynamic exclusivity check per report); the
/// scan engine embeds one in its own state, its combined database numbering PII patterns first.
struct PIICandidateCollector {
    let patterns: [PIIPattern]
    let extents: [PIIExtent]
    var base: UnsafePointer<UInt8>?
    var count = 0
    var candidates: [PIICandidate] = []
    private var lastEnd: [Int]
    private var lastSOMStart: [Int]
    private var lastSOMIndex: [Int]
    private var lastAddressEnd = -1

    /// Every pattern's kinds in one array, pattern `p`'s at kindBounds[p]..<kindBounds[p + 1]
    /// (the resolver reads them per candidate without retaining a per-pattern array).
    let flatKinds: [PIIKind]
    let kindBounds: [Int32]
    /// Bit n: a digit-run token of n bytes can be one of the digit-run pattern's kinds (no other
    /// length is made a candidate: the validators would refuse it).
    let digitRunTokenLengths: UInt32

    init(patterns: [PIIPattern]) {
        self.patterns = patterns
        extents = patterns.map(\.extent)
        digitRunTokenLengths = patterns.reduce(0) { lengths, p in
            guard case .digitRun = p.extent else { return lengths }
            return p.kinds.reduce(lengths) { $0 | PIIValidators.digitRunLengths($1) }
        }
        var flat: [PIIKind] = [], bounds: [Int32] = [0]
        for p in patterns { flat.append(contentsOf: p.kinds); bounds.append(Int32(flat.count)) }
        flatKinds = flat
        kindBounds = bounds
        lastEnd = [Int](repeating: -1, count: patterns.count)
        lastSOMStart = [Int](repeating: -1, count: patterns.count)
        lastSOMIndex = [Int](repeating: -1, count: patterns.count)
        candidates.reserveCapacity(1024)
    }

    mutating func reset(_ buffer: UnsafeRawBufferPointer) {
        base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
        count = buffer.count
        candidates.removeAll(keepingCapacity: true)
        for i in 0..<patterns.count { lastEnd[i] = -1; lastSOMStart[i] = -1; lastSOMIndex[i] = -1 }
        lastAddressEnd = -1
    }

    @inline(__always)
    mutating func onMatch(_ index: Int, from: Int, to: Int) {
        guard let b = base else { return }
        switch extents[index] {
        case .token(let cls, let trim), .emailAddress(let cls, let trim):
            addToken(index, b, endingAt: to, cls, trim: trim)
        case .som:
            if from == lastSOMStart[index], lastSOMIndex[index] >= 0 {
                candidates[lastSOMIndex[index]].end = max(candidates[lastSOMIndex[index]].end, to)
                return
            }
            lastSOMStart[index] = from
            lastSOMIndex[index] = candidates.count
            candidates.append(PIICandidate(pattern: Int32(index), start: from, end: to))
        case .labelledName:
            let s = to - 6
            guard s >= 0 else { return }
            var e = to
            var extra = 0
            while extra < 2, e + 3 <= count, Self.isHan3(b, e) { e += 3; extra += 1 }
            candidates.append(PIICandidate(pattern: Int32(index), start: s, end: e))
        case .digitRun, .groupedDigits:
            return
        case .regionAddress(let width):
            let s = to - width
            // One address however many region names it contains (广东 广东省 深圳市 ...).
            if s < lastAddressEnd { return }
            var i = to, chars = 0, end = -1
            while i < count && chars < 48 {
                let c = b[i]
                if c < 0x80 {
                    guard (c >= 48 && c <= 57) || (c | 0x20 >= 97 && c | 0x20 <= 122) || c == 45 || c == 35 else { break }
                    i += 1
                } else if i + 3 <= count && Self.isHan3(b, i) {
                    if Self.isAddressDetail(b[i], b[i + 1], b[i + 2]) { end = i + 3 }
                    i += 3
                } else { break }
                chars += 1
            }
            guard end > 0 else { return }
            lastAddressEnd = end
            candidates.append(PIICandidate(pattern: Int32(index), start: s, end: end))
        }
    }

    /// The token of `cls` bytes around a match ending at `to`, without trailing `trim` bytes; one
    /// candidate per token however many matches end inside it.
    @inline(__always)
    private mutating func addToken(_ index: Int, _ b: UnsafePointer<UInt8>, endingAt to: Int, _ cls: ByteClass, trim: ByteClass) {
        if to <= lastEnd[index] { return }
        var s = to - 1
        while s > 0 && cls.contains(b[s - 1]) { s -= 1 }
        var e = to
        while e < count && cls.contains(b[e]) { e += 1 }
        lastEnd[index] = e
        var t = e
        while t > s && trim.contains(b[t - 1]) { t -= 1 }
        if t > s { candidates.append(PIICandidate(pattern: Int32(index), start: s, end: t)) }
    }

    /// The candidates no Hyperscan pattern reports (see PIIExtent.digitRun, .groupedDigits,
    /// .emailAddress); called after the Hyperscan pass, or instead of it when there is none.
    mutating func findByteScanned() {
        findDigitRuns()
        findEmailAddresses()
    }

    /// Email addresses: every '@' (found 64 bytes at a time) where `@[A-Za-z0-9-]{1,63}\.[A-Za-z]{2}`
    /// matches; the value is the token around the match, as for a Hyperscan `.token` pattern. The
    /// match from an '@' is unique: the domain label runs to the first byte outside its class,
    /// which must be the '.'.
    mutating func findEmailAddresses() {
        guard let b = base else { return }
        var index = -1
        var cls = ByteClass(), trim = ByteClass()
        for (i, e) in extents.enumerated() { if case .emailAddress(let c, let t) = e { index = i; cls = c; trim = t } }
        guard index >= 0 else { return }
        let n = count
        var i = 0
        while i < n {
            while i + 64 <= n && dstool_scan_contains_byte64(b + i, 64) == 0 { i += 64 }
            while i < n && b[i] != 64 { i += 1 }
            guard i < n else { break }
            var label = 0
            while label <= 63 && i + 1 + label < n && Self.isDomainLabelByte(b[i + 1 + label]) { label += 1 }
            let dot = i + 1 + label
            if label >= 1 && label <= 63 && dot + 2 < n && b[dot] == 46 && Self.isASCIILetter(b[dot + 1]) && Self.isASCIILetter(b[dot + 2]) {
                addToken(index, b, endingAt: dot + 3, cls, trim: trim)
            }
            i += 1
        }
    }

    @inline(__always) static func isASCIILetter(_ c: UInt8) -> Bool { (c | 0x20) &- 97 < 26 }
    @inline(__always) static func isDomainLabelByte(_ c: UInt8) -> Bool { isASCIILetter(c) || c &- 48 < 10 || c == 45 }

    /// Finds runs of seven or more digits and adds each, extended over its token class, as a
    /// candidate of the digit-run pattern; and card numbers written in groups of four. Only runs
    /// that can matter are visited: 64 bytes at a time, a bit mask of the digits shows where
    /// seven digits, or exactly four (a group), begin; shorter runs (line numbers, counters,
    /// most configuration values) are skipped without a look.
    /// Digits in a row that make a digit-run candidate (the masks below look for seven).
    @inline(__always) static var minimumDigitRun: Int { 7 }

    mutating func findDigitRuns() {
        guard let b = base else { return }
        var runIndex = -1, groupIndex = -1
        var cls = ByteClass()
        for (i, e) in extents.enumerated() {
            switch e {
            case .digitRun(let c): runIndex = i; cls = c
            case .groupedDigits: groupIndex = i
            default: break
            }
        }
        guard runIndex >= 0 || groupIndex >= 0 else { return }
        let n = count
        let groups = groupIndex >= 0
        var scan = DigitRunScan(b: b, n: n, cls: cls, runIndex: runIndex, groupIndex: groupIndex, tokenLengths: digitRunTokenLengths)
        // Masks cover bytes [block, block + 64); a run may begin in the first 58 of them (its
        // seven digits, or four and the byte after, are then inside the mask).
        var block = 0
        while block + 64 <= n {
            let digits = dstool_scan_digit_bits64(b + block)
            let two = digits & (digits >> 1), four = two & (two >> 2)
            let seven = four & (four >> 3)
            var starts = seven
            // Exactly four digits; the byte before bit 0 is not in the mask and counts as a non-digit.
            if groups { starts |= four & ~(digits >> 4) & ~(digits << 1) }
            starts &= (1 << 58) - 1
            while starts != 0 {
                let bit = starts.trailingZeroBitCount
                let p = block + bit
                // Four digits without a separator after them cannot begin a grouped card number.
                if p >= scan.done && (seven >> UInt64(bit) & 1 != 0 || b[p + 4] == 32 || b[p + 4] == 45) {
                    scan.visit(p, into: &candidates)
                }
                starts &= starts &- 1
                let done = scan.done - block
                if done >= 64 { starts = 0 } else if done > 0 { starts &= ~((1 << UInt64(done)) &- 1) }
            }
            block = max(block + 58, scan.done)
        }
        // The last bytes, one at a time.
        var q = max(block, scan.done)
        while q < n {
            var k = 0
            while q + k < n && k < Self.minimumDigitRun && b[q + k] &- 48 < 10 { k += 1 }
            if k == Self.minimumDigitRun || (groups && k == 4) {
                if q >= scan.done { scan.visit(q, into: &candidates) }
                q = max(q + 1, scan.done)
            } else {
                q += 1
            }
        }
    }

    /// The state of findDigitRuns between visits: runs are visited in order, each once.
    struct DigitRunScan {
        let b: UnsafePointer<UInt8>
        let n: Int
        let cls: ByteClass
        let runIndex: Int
        let groupIndex: Int
        /// Bit n: a token of n bytes can be one of the digit-run pattern's kinds.
        let tokenLengths: UInt32
        /// Bytes before this were visited (it is 0 or just after a run: a non-digit).
        var done = 0
        var lastTokenEnd = -1

        /// The maximal digit run containing `p` (p >= done): a digit-run candidate when it has
        /// seven digits or more, a grouped card number when it has four and groups follow.
        mutating func visit(_ p: Int, into candidates: inout [PIICandidate]) {
            var start = p
            while start > done && b[start - 1] &- 48 < 10 { start -= 1 }
            var j = p + 1
            while j < n && b[j] &- 48 < 10 { j += 1 }
            let run = j - start
            if run >= PIICandidateCollector.minimumDigitRun && j > lastTokenEnd && runIndex >= 0 {
                var s = start
                while s > 0 && cls.contains(b[s - 1]) { s -= 1 }
                var e = j
                while e < n && cls.contains(b[e]) { e += 1 }
                lastTokenEnd = e
                if e - s >= 8 && e - s <= 19 && tokenLengths >> UInt32(e - s) & 1 != 0 {
                    candidates.append(PIICandidate(pattern: Int32(runIndex), start: s, end: e))
                }
            } else if run == 4 && groupIndex >= 0 && j > lastTokenEnd, let e = PIICandidateCollector.groupedEnd(b, n, start) {
                lastTokenEnd = e
                candidates.append(PIICandidate(pattern: Int32(groupIndex), start: start, end: e))
                j = e
            }
            done = j
        }
    }

    /// dddd sddd sdddd sdddd [s]d{1,3} with one separator (space or dash) throughout; the end, or nil.
    static func groupedEnd(_ b: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int? {
        var i = start + 4
        guard i < n, b[i] == 32 || b[i] == 45 else { return nil }
        let sep = b[i]
        for _ in 0..<3 {
            guard i + 5 <= n, b[i] == sep else { return nil }
            for k in 1...4 where b[i + k] &- 48 >= 10 { return nil }
            i += 5
        }
        // An optional last group of one to three digits.
        var k = i
        if k < n && b[k] == sep { k += 1 }
        var m = k
        while m < n && m - k < 4 && b[m] &- 48 < 10 { m += 1 }
        if m > k && m - k <= 3 && !(m < n && b[m] &- 48 < 10) { return m }
        return i < n && b[i] &- 48 < 10 ? nil : i
    }

    /// 路 街 道 巷 弄 号 村 组 室 栋 幢 楼 厦 (UTF-8 bytes).
    static let addressDetails: Set<UInt32> = Set("路街道巷弄号村组室栋幢楼厦".unicodeScalars.map { s in
        let u = Array(String(s).utf8)
        return UInt32(u[0]) << 16 | UInt32(u[1]) << 8 | UInt32(u[2])
    })
    @inline(__always) static func isAddressDetail(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Bool {
        addressDetails.contains(UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c))
    }

    @inline(__always) static func isHan3(_ b: UnsafePointer<UInt8>, _ i: Int) -> Bool {
        // U+4E00...U+9FA5 is E4 B8 80 ... E9 BE A5 in UTF-8.
        let c = b[i]
        return c >= 0xE4 && c <= 0xE9 && b[i + 1] & 0xC0 == 0x80 && b[i + 2] & 0xC0 == 0x80 && !(c == 0xE4 && b[i + 1] < 0xB8)
    }
}

/// Validates candidates, weighs context, resolves overlaps.
struct PIIResolver {
    let kinds: Set<PIIKind>
    let minimumConfidence: Double

    /// `continuesBefore`/`continuesAfter`: the buffer is a window of a longer input, so values
    /// touching its edges may be cut and are left to the neighbouring window.
    /// `ownStart`: matches ending before it were reported with the previous window.
    func resolve(_ collector: borrowing PIICandidateCollector, buffer: UnsafeBufferPointer<UInt8>, continuesBefore: Bool = false,
                 continuesAfter: Bool = false, ownStart: Int = 0, columnContext: String? = nil, into out: inout [PIIMatch]) {
        let first = out.count
        let word = ByteClass.asciiWord
        var hits = PIIContextHits()
        // Per pattern, looked up once per call rather than copying the pattern (and retaining
        // its arrays) per candidate.
        collector.patterns.withUnsafeBufferPointer { patterns in
        collector.flatKinds.withUnsafeBufferPointer { flatKinds in
        collector.kindBounds.withUnsafeBufferPointer { kindBounds in
        for c in collector.candidates {
            if c.end < ownStart { continue }
            if continuesBefore && c.start == 0 { continue }
            if continuesAfter && c.end >= buffer.count { continue }
            let pattern = patterns.baseAddress! + Int(c.pattern)
            // Alphanumeric neighbours mean the value is part of a longer identifier.
            if c.start > 0 && word.contains(buffer[c.start - 1]) && !isNameOrSOM(pattern.pointee.extent) { continue }
            if c.end < buffer.count && word.contains(buffer[c.end]) { continue }
            let kinds = UnsafeBufferPointer(rebasing: flatKinds[Int(kindBounds[Int(c.pattern)])..<Int(kindBounds[Int(c.pattern) + 1])])
            // user:password@host is a URL's credentials, not an email address.
            if kinds.contains(.email) && (c.start > 0 && buffer[c.start - 1] == 58 || isURLUserinfo(buffer, c.start)) { continue }
            let value = UnsafeBufferPointer(rebasing: buffer[c.start..<c.end])
            var best: PIIMatch?
            // The value's window on its line, and the kind-independent context answers, found
            // once per value rather than once per kind it could be.
            var window: ContextWindow?
            var negative: Bool?
            var general: Bool?
            for kind in kinds {
                guard var conf = PIIValidators.confidence(kind, value) else { continue }
                var word: String?
                if window == nil { window = ContextWindow(buffer, c.start, c.end) }
                if let w = contextWord(kind, buffer, window!, c.start, c.end, columnContext, &hits) {
                    conf = min(0.99, conf + PIIContext.boost(kind)); word = w
                } else {
                    let weighsNegative = PIIContext.weighsNegative(kind)
                    if weighsNegative && negative == nil { negative = hasNegativeContext(buffer, c.start, &hits) }
                    if weighsNegative && negative! {
                        conf -= 0.45
                    } else {
                        if general == nil { general = hasGeneralContext(buffer, window!, c.start, &hits) }
                        if general! { conf = min(0.99, conf + 0.05) }
                    }
                }
                if kind == .personName { conf = min(0.99, conf + 0.25) }   // found after a label
                if conf > (best?.confidence ?? -1) {
                    best = PIIMatch(kind: kind, start: c.start, end: c.end, confidence: conf, context: word)
                }
            }
            if let best, best.confidence >= minimumConfidence { out.append(best) }
        }
        }
        }
        }
        resolveOverlaps(&out, from: first)
    }

    /// Whether `start` lies in a URL's authority (`scheme://user:pass@host`): after `://` with no
    /// '/', '?', '#' or space in between, so the '@' ends userinfo rather than an email's local part.
    private func isURLUserinfo(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        var i = start - 1
        let limit = max(2, start - 512)
        while i >= limit {
            let c = b[i]
            if c == 47 { return b[i - 1] == 47 && b[i - 2] == 58 }   // the '//' of '://'
            if c <= 32 || c == 63 || c == 35 || c == 34 || c == 39 || c == 60 || c == 62 { return false }
            i -= 1
        }
        return false
    }

    @inline(__always) private func isNameOrSOM(_ extent: PIIExtent) -> Bool {
        switch extent {
        case .token, .digitRun, .groupedDigits, .emailAddress: return false
        default: return true
        }
    }

    /// Keeps, among overlapping matches, the most confident (then the longest).
    private func resolveOverlaps(_ out: inout [PIIMatch], from first: Int) {
        guard out.count - first > 1 else { return }
        // Already in order without overlaps (the common case: cells, sparse text): nothing to do.
        var ordered = true
        for i in (first + 1)..<out.count where out[i].start < out[i - 1].end { ordered = false; break }
        if ordered { return }
        var slice = Array(out[first...])
        slice.sort { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var kept: [PIIMatch] = []
        kept.reserveCapacity(slice.count)
        for m in slice {
            if let last = kept.last, m.start < last.end {
                if m.confidence > last.confidence || (m.confidence == last.confidence && m.end - m.start > last.end - last.start) {
                    kept[kept.count - 1] = m
                }
                continue
            }
            kept.append(m)
        }
        out.removeSubrange(first...)
        out.append(contentsOf: kept)
    }

    /// Where a value's context lies: up to 48 bytes before it and 16 after, on its line.
    struct ContextWindow {
        let start: Int
        let end: Int
        init(_ b: UnsafeBufferPointer<UInt8>, _ valueStart: Int, _ valueEnd: Int) {
            var s = valueStart
            while s > 0 && valueStart - s < 48 && b[s - 1] != 10 { s -= 1 }
            var e = valueEnd
            while e < b.count && e - valueEnd < 16 && b[e] != 10 { e += 1 }
            start = s; end = e
        }
    }

    /// A context word for `kind` within 48 bytes before the value (same line) or 16 after: the
    /// first in the window (before the value, then after it), and at one offset the first in
    /// the kind's list.
    func contextWord(_ kind: PIIKind, _ b: UnsafeBufferPointer<UInt8>, _ window: ContextWindow, _ start: Int, _ end: Int, _ column: String?,
                     _ hits: inout PIIContextHits) -> String? {
        let s = window.start
        let e = window.end
        // A value alone on its line (a table cell) has no context: the word tables are not touched.
        if column == nil && s == start && e == end { return nil }
        let words = PIIContext.words(kind)
        if let column {
            let lower = Array(column.lowercased().utf8)
            for w in words where contains(lower[...], w) { return String(decoding: w, as: UTF8.self) }
        }
        hits.cover(b, s, e)
        let list = PIIContextHits.list(kind)
        if let w = hits.firstWord(words, list, b, s, start) ?? hits.firstWord(words, list, b, end, e) {
            return String(decoding: w, as: UTF8.self)
        }
        return nil
    }

    /// A negative word (订单号, serial...) in the 24 bytes before the value, on its line.
    func hasNegativeContext(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ hits: inout PIIContextHits) -> Bool {
        var s = start
        while s > 0 && start - s < 24 && b[s - 1] != 10 { s -= 1 }
        if s == start { return false }
        hits.cover(b, s, start)
        return hits.firstWord(PIIContext.negative, PIIContextHits.negativeList, b, s, start) != nil
    }

    /// A general word (密码, password…) in the window before the value.
    func hasGeneralContext(_ b: UnsafeBufferPointer<UInt8>, _ window: ContextWindow, _ start: Int, _ hits: inout PIIContextHits) -> Bool {
        if window.start == start { return false }
        hits.cover(b, window.start, start)
        return hits.firstWord(PIIContext.general, PIIContextHits.generalList, b, window.start, start) != nil
    }

    private func contains(_ hay: ArraySlice<UInt8>, _ w: [UInt8]) -> Bool {
        guard hay.count >= w.count else { return false }
        var i = hay.startIndex
        while i + w.count <= hay.endIndex {
            if hay[i] == w[0] && hay[i..<(i + w.count)].elementsEqual(w) { return true }
            i += 1
        }
        return false
    }
}

/// Where context words start in the stretch of a buffer that values' windows have covered so
/// far. Each byte of a window is looked at once for all word lists (every kind's, the negative
/// and the general words) instead of once per value, kind and list whose window holds it:
/// values on one row share most of their windows, and a row of phone numbers and IDs was
/// scanned a dozen times. A lookup then tries a list's words only at the offsets where one of
/// them matches, so it answers what scanning its window byte by byte answers.
struct PIIContextHits {
    /// Bits of the word lists: a kind's list is `1 << kind.ordinal`.
    static let negativeList: UInt32 = 1 << 30
    static let generalList: UInt32 = 1 << 31
    @inline(__always) static func list(_ kind: PIIKind) -> UInt32 { 1 << UInt32(kind.ordinal) }

    /// Every word of every list once, with the lists it is in, grouped by first byte:
    /// `words[wordsFrom[c]..<wordsFrom[c + 1]]` start with byte c.
    struct WordIndex {
        let words: [[UInt8]]
        let lists: [UInt32]
        let wordsFrom: [Int]
        /// Bit `triple(c0, c1, c2)` is set when some word starts with the bytes c0 c1 c2 (a
        /// two-byte word with any c2): most letters and nearly every Chinese lead byte start some
        /// word, and whole Chinese characters sharing a word's first two bytes are common (地 and
        /// 场, 在, 城), but few three-byte starts are a word's.
        let firstTriples: [UInt64]

        init() {
            var listsOfWord: [[UInt8]: UInt32] = [:]
            for kind in PIIKind.allCases {
                for w in PIIContext.words(kind) { listsOfWord[w, default: 0] |= PIIContextHits.list(kind) }
            }
            for w in PIIContext.negative { listsOfWord[w, default: 0] |= PIIContextHits.negativeList }
            for w in PIIContext.general { listsOfWord[w, default: 0] |= PIIContextHits.generalList }
            let sorted = listsOfWord.keys.sorted { $0.lexicographicallyPrecedes($1) }
            words = sorted
            lists = sorted.map { listsOfWord[$0]! }
            var from = [Int](repeating: sorted.count, count: 257)
            for (k, w) in sorted.enumerated().reversed() { from[Int(w[0])] = k }
            // Bytes no word starts with begin where the next byte's words begin.
            for c in stride(from: 255, through: 0, by: -1) where from[c] > from[c + 1] { from[c] = from[c + 1] }
            wordsFrom = from
            var triples = [UInt64](repeating: 0, count: 1024)
            for w in sorted {
                precondition(w.count >= 2, "context words have at least two bytes")
                let thirds: [UInt8] = w.count >= 3 ? [w[2]] : Array(0...255).map { PIIContextHits.lower($0) }
                for c2 in thirds {
                    let t = PIIContextHits.triple(w[0], w[1], c2)
                    triples[t >> 6] |= 1 << UInt64(t & 63)
                }
            }
            firstTriples = triples
        }
    }
    static let index = WordIndex()

    /// The covered stretch [from, to): `offsets` holds, in order, every offset in it where a word
    /// of some list matches (the word may run past `to`), `lists` the lists whose words match there.
    private(set) var from = 0
    private(set) var to = 0
    private(set) var offsets: [Int] = []
    private(set) var lists: [UInt32] = []

    /// Makes [s, e) covered: extends the covered stretch when s lies in it or at its end,
    /// otherwise starts a new one at s.
    mutating func cover(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) {
        if s < from || s > to {
            from = s; to = s
            offsets.removeAll(keepingCapacity: true)
            lists.removeAll(keepingCapacity: true)
        }
        guard e > to else { return }
        let index = Self.index
        // A word needs two bytes: none starts at the buffer's last byte. The filter reads three.
        let last = min(e, b.count - 1)
        let filtered = min(e, b.count - 2)
        var i = to
        index.firstTriples.withUnsafeBufferPointer { triples in
            while i < last {
                let c = Self.lower(b[i])
                if i < filtered {
                    let t = Self.triple(c, Self.lower(b[i + 1]), Self.lower(b[i + 2]))
                    if triples[t >> 6] & (1 << UInt64(t & 63)) == 0 { i += 1; continue }
                }
                var found: UInt32 = 0
                for k in index.wordsFrom[Int(c)]..<index.wordsFrom[Int(c) + 1] {
                    let w = index.words[k]
                    if i + w.count <= b.count && ByteSearch.containsCaseless(b, i, i + w.count, w) { found |= index.lists[k] }
                }
                if found != 0 { offsets.append(i); lists.append(found) }
                i += 1
            }
        }
        to = e
    }

    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c &- 65 < 26 ? c | 0x20 : c }
    /// Three bytes hashed to 16 bits (collisions only cost a word comparison).
    @inline(__always) static func triple(_ c0: UInt8, _ c1: UInt8, _ c2: UInt8) -> Int {
        ((Int(c0) << 8 | Int(c1)) ^ (Int(c2) &* 0x9E5)) & 0xFFFF
    }

    /// The first of `words` (list `list`) lying wholly in b[s..<e], by offset then by order in
    /// `words`; [s, e) must be covered.
    func firstWord(_ words: [[UInt8]], _ list: UInt32, _ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> [UInt8]? {
        // The first hit at or after s (binary search: a long line's stretch holds many).
        var lo = 0
        var hi = offsets.count
        while lo < hi {
            let mid = (lo &+ hi) >> 1
            if offsets[mid] < s { lo = mid + 1 } else { hi = mid }
        }
        var k = lo
        while k < offsets.count && offsets[k] < e {
            if lists[k] & list != 0 {
                let i = offsets[k]
                var c = b[i]
                if c >= 65 && c <= 90 { c |= 0x20 }
                for w in words where i + w.count <= e && w[0] == c && ByteSearch.containsCaseless(b, i, i + w.count, w) { return w }
            }
            k += 1
        }
        return nil
    }
}

/// Scans buffers for personal data on one thread.
public final class PIIScanner {
    let matcher: PIIMatcher
    let scratch: HSScratch?
    /// Reached by the Hyperscan callback through its pointer.
    let collector: UnsafeMutablePointer<PIICandidateCollector>
    let resolver: PIIResolver

    init(matcher: PIIMatcher) throws {
        self.matcher = matcher
        scratch = try matcher.compiled.database?.makeScratch()
        collector = UnsafeMutablePointer<PIICandidateCollector>.allocate(capacity: 1)
        collector.initialize(to: PIICandidateCollector(patterns: matcher.compiled.patterns))
        resolver = PIIResolver(kinds: matcher.kinds, minimumConfidence: matcher.minimumConfidence)
    }

    deinit {
        collector.deinitialize(count: 1)
        collector.deallocate()
    }

    public func matches(in text: String) throws -> [PIIMatch] {
        var t = text
        return try t.withUTF8 { try matches(in: UnsafeRawBufferPointer($0)) }
    }

    /// Matches in a UTF-8 buffer. `columnContext` (a column or field name) counts as a context word.
    public func matches(in buffer: UnsafeRawBufferPointer, columnContext: String? = nil) throws -> [PIIMatch] {
        var out: [PIIMatch] = []
        try matches(in: buffer, columnContext: columnContext, into: &out)
        return out
    }

    public func matches(in buffer: UnsafeRawBufferPointer, columnContext: String? = nil, into out: inout [PIIMatch]) throws {
        try matches(inWindow: buffer, continuesBefore: false, continuesAfter: false, ownStart: 0, columnContext: columnContext, into: &out)
    }

    /// Matches in one window of a longer text: values cut by a window edge are left to the
    /// neighbouring window, and values ending before `ownStart` (the overlap with the previous
    /// window) were already reported there.
    public func matches(inWindow buffer: UnsafeRawBufferPointer, continuesBefore: Bool, continuesAfter: Bool, ownStart: Int,
                        columnContext: String? = nil, into out: inout [PIIMatch]) throws {
        guard let db = matcher.compiled.database, let scratch, buffer.count > 0 else {
            guard buffer.count > 0 else { return }
            // Only kinds found without Hyperscan were asked for: no Hyperscan database at all.
            collector.pointee.reset(buffer)
            collector.pointee.findByteScanned()
            resolver.resolve(collector.pointee, buffer: buffer.bindMemory(to: UInt8.self), continuesBefore: continuesBefore,
                             continuesAfter: continuesAfter, ownStart: ownStart, columnContext: columnContext, into: &out)
            return
        }
        collector.pointee.reset(buffer)
        try db.scan(buffer, scratch: scratch, context: UnsafeMutableRawPointer(collector), handler: piiMatchHandler)
        collector.pointee.findByteScanned()
        resolver.resolve(collector.pointee, buffer: buffer.bindMemory(to: UInt8.self), continuesBefore: continuesBefore,
                         continuesAfter: continuesAfter, ownStart: ownStart, columnContext: columnContext, into: &out)
    }

    /// The kind of a whole value with its column name as context (nil below `minimumConfidence`).
    public func classify(_ value: String, column: String? = nil) -> PIIKind? {
        PIIValidators.classify(value, column: column, minimumConfidence: matcher.minimumConfidence, kinds: matcher.kinds)
    }
}

private let piiMatchHandler: match_event_handler = { id, from, to, _, ctx in
    ctx!.assumingMemoryBound(to: PIICandidateCollector.self).pointee.onMatch(Int(id), from: Int(from), to: Int(to))
    return 0
}

extension PIIValidators {
    /// Classification with a column (or field) name as context and a confidence floor.
    public static func classify(_ value: String, column: String?, minimumConfidence: Double = 0.4,
                                kinds: Set<PIIKind> = Set(PIIKind.allCases)) -> PIIKind? {
        PIIColumnClassifier(column: column, kinds: kinds, minimumConfidence: minimumConfidence).classify(value)
    }
}
