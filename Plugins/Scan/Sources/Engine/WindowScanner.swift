import CDSToolHyperscan
import DSToolKit
import FoundationEssentials
import Glibc

/// One confirmed hit in a window, before it becomes a Finding.
struct ScanHit {
    enum What { case secret(Int), pii(PIIKind) }
    var what: What
    /// The whole match, and within it the secret value (byte offsets in the window).
    var start: Int
    var end: Int
    var valueStart: Int
    var valueEnd: Int
    var confidence: Double
    var context: String?
}

/// Raw candidates of one scan, reached through a pointer from the Hyperscan callback (class
/// properties would pay a dynamic exclusivity check per report).
struct WindowMatchState {
    var pii: PIICandidateCollector
    let piiCount: Int
    /// Per secret rule: a fixed width (> 0), 0 for leftmost start, -1 when worked out from the end.
    let modes: [Int]
    /// Per secret rule: its `\b` at the end is checked here (SecretRuntime.boundaryAtEnd).
    let boundaryAtEnd: [Bool]
    /// `reported`: the end of the match's first report (`end` may grow past it).
    var secretCandidates: [(rule: Int32, start: Int, end: Int, reported: Int)] = []
    var lastStart: [Int]
    var lastIndex: [Int]

    init(rules: CompiledRuleSet) {
        pii = PIICandidateCollector(patterns: rules.piiPatterns)
        piiCount = rules.piiCount
        modes = rules.secretRuntime.map { rt in
            switch rt.mode {
            case .fixed(let w): return w
            case .som: return 0
            case .tail, .locate: return -1
            }
        }
        boundaryAtEnd = rules.secretRuntime.map(\.boundaryAtEnd)
        lastStart = [Int](repeating: -1, count: rules.secretRules.count)
        lastIndex = [Int](repeating: -1, count: rules.secretRules.count)
        secretCandidates.reserveCapacity(256)
    }

    /// Puts the candidates in the order of their first report's end, then of their rule.
    /// Hyperscan reports in the order of match ends, but orders two patterns' matches at one end
    /// its own way (it changed when trailing `\b`s moved to onMatch); the confirmations and the
    /// order of same-start findings follow this order, so it must not depend on that. No two
    /// candidates share both (one per rule and first end).
    mutating func orderCandidates() {
        var ordered = true
        var k = 1
        while k < secretCandidates.count {
            let a = secretCandidates[k - 1], b = secretCandidates[k]
            if a.reported > b.reported || (a.reported == b.reported && a.rule > b.rule) { ordered = false; break }
            k += 1
        }
        if ordered { return }
        secretCandidates.sort { $0.reported != $1.reported ? $0.reported < $1.reported : $0.rule < $1.rule }
    }

    mutating func reset(_ buffer: UnsafeRawBufferPointer) {
        pii.reset(buffer)
        secretCandidates.removeAll(keepingCapacity: true)
        for i in 0..<lastStart.count { lastStart[i] = -1; lastIndex[i] = -1 }
    }

    /// Whether `\b` holds before byte `to` of the scanned buffer (its ends count as non-word).
    @inline(__always) func isWordBoundary(at to: Int) -> Bool {
        guard let b = pii.base else { return false }
        let before = to > 0 && ByteClass.asciiWord.contains(b[to - 1])
        let after = to < pii.count && ByteClass.asciiWord.contains(b[to])
        return before != after
    }

    @inline(__always)
    mutating func onMatch(_ id: Int, from: Int, to: Int) {
        if id < piiCount { pii.onMatch(id, from: from, to: to); return }
        let r = id - piiCount
        if boundaryAtEnd[r] && !isWordBoundary(at: to) { return }
        let mode = modes[r]
        if mode < 0 {
            // Worked out from the end; one candidate per distinct end.
            if lastStart[r] == to { return }
            lastStart[r] = to
            secretCandidates.append((Int32(r), -1, to, to))
            return
        }
        let start = mode > 0 ? to - mode : from
        if start == lastStart[r], lastIndex[r] >= 0 {
            // The same match from the same start, reported again at a later end: keep the longest.
            secretCandidates[lastIndex[r]].end = max(secretCandidates[lastIndex[r]].end, to)
            return
        }
        lastStart[r] = start
        lastIndex[r] = secretCandidates.count
        secretCandidates.append((Int32(r), start, to, to))
    }
}

/// Scans windows on one thread: one Hyperscan pass for every rule, then the confirmations
/// (validators, keywords, entropy, placeholders, inline allow comments).
final class WindowScanner {
    let rules: CompiledRuleSet
    let scratch: HSScratch?
    let state: UnsafeMutablePointer<WindowMatchState>
    let resolver: PIIResolver
    private var piiMatches: [PIIMatch] = []
    private var histogram = [Int](repeating: 0, count: 256)
    private var allowCache = InlineAllow.Cache()
    /// Only printable ASCII may form a secret (binary items, where any byte can follow a keyword).
    var printableOnly = false

    init(rules: CompiledRuleSet, minimumConfidence: Double) throws {
        self.rules = rules
        scratch = try rules.database?.makeScratch()
        state = UnsafeMutablePointer<WindowMatchState>.allocate(capacity: 1)
        state.initialize(to: WindowMatchState(rules: rules))
        resolver = PIIResolver(kinds: rules.piiKinds, minimumConfidence: minimumConfidence)
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Hits in `buffer` (a window): values cut by a window edge are left to the neighbour, values
    /// ending before `ownStart` were reported with the previous window.
    func scan(_ buffer: UnsafeBufferPointer<UInt8>, continuesBefore: Bool, continuesAfter: Bool, ownStart: Int,
              columnContext: String? = nil, into hits: inout [ScanHit]) throws {
        guard buffer.count > 0 else { return }
        state.pointee.reset(UnsafeRawBufferPointer(buffer))
        allowCache = InlineAllow.Cache()
        if let db = rules.database, let scratch {
            try db.scan(UnsafeRawBufferPointer(buffer), scratch: scratch, context: UnsafeMutableRawPointer(state),
                        handler: windowMatchHandler)
        }
        state.pointee.pii.findByteScanned()
        state.pointee.orderCandidates()
        let first = hits.count
        for c in state.pointee.secretCandidates {
            guard let hit = confirmSecret(Int(c.rule), c.start, c.end, buffer) else { continue }
            // Ownership by the final end (after extension), so a value cut by the window end is
            // reported by the next window, exactly once.
            if hit.end < ownStart { continue }
            if continuesBefore && hit.start == 0 { continue }
            if continuesAfter && hit.end >= buffer.count { continue }
            hits.append(hit)
        }
        if !state.pointee.pii.candidates.isEmpty {
            piiMatches.removeAll(keepingCapacity: true)
            resolver.resolve(state.pointee.pii, buffer: buffer, continuesBefore: continuesBefore, continuesAfter: continuesAfter,
                             ownStart: ownStart, columnContext: columnContext, into: &piiMatches)
            // Locals for the loop: a class property read or modified per match pays a dynamic
            // exclusivity check.
            let printable = printableOnly
            var cache = allowCache
            for m in piiMatches {
                if printable && !isPrintable(buffer, m.start, m.end) { continue }
                if cache.isAllowed(buffer, m.start) { continue }
                hits.append(ScanHit(what: .pii(m.kind), start: m.start, end: m.end, valueStart: m.start, valueEnd: m.end,
                                    confidence: m.confidence, context: m.context))
            }
            allowCache = cache
        }
        dropGenericOverlaps(&hits, from: first)
    }

    private func isPrintable(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        for i in s..<e where b[i] < 0x20 || b[i] > 0x7E { return false }
        return true
    }

    func confirmSecret(_ r: Int, _ matchStart: Int, _ matchEnd: Int, _ b: UnsafeBufferPointer<UInt8>) -> ScanHit? {
        let rule = rules.secretRules[r]
        let rt = rules.secretRuntime[r]
        var start = matchStart, end = matchEnd
        let vs: Int, ve: Int
        if case .locate(let locator) = rt.mode {
            guard let found = locator.find(b, matchEnd) else { return nil }
            start = found.start; end = found.end; vs = found.valueStart; ve = found.valueEnd
        } else if case .tail = rt.mode, let cls = rt.extend {
            // The value runs backwards from the match end over its class; '=' only as trailing padding.
            var s = matchEnd
            var seenNonPad = false
            while s > 0 && matchEnd - s < CompiledRuleSet.maxMatchWidth {
                let c = b[s - 1]
                guard cls.contains(c) else { break }
                if c == 61 { if seenNonPad { break } } else { seenNonPad = true }
                s -= 1
            }
            let limit = min(b.count, s + CompiledRuleSet.maxMatchWidth)
            while end < limit && cls.contains(b[end]) { end += 1 }
            var e = end
            while e > s && (b[e - 1] == 34 || b[e - 1] == 39 || b[e - 1] == 44 || b[e - 1] == 59) { e -= 1 }
            start = s; vs = s; ve = e
        } else {
            guard start >= 0 else { return nil }
            if let cls = rt.extend {
                let limit = min(b.count, start + CompiledRuleSet.maxMatchWidth)
                while end < limit && cls.contains(b[end]) { end += 1 }
            }
            guard let (s, e) = SecretExtraction.extract(rule.secret, b, start, end) else { return nil }
            vs = s; ve = e
        }
        guard ve > vs else { return nil }
        if printableOnly && !isPrintable(b, vs, ve) { return nil }
        if Placeholders.isPlaceholder(b, vs, ve) { return nil }
        if rule.isGeneric && Placeholders.isIdentifier(b, vs, ve) { return nil }
        let keywords = rt.keywords
        if !keywords.isEmpty {
            let from = max(0, start - rule.keywordWindow)
            guard keywords.contains(where: { ByteSearch.containsCaseless(b, from, end, $0) }) else { return nil }
        }
        if rule.minEntropy != nil || rule.maxEntropy != nil {
            let h = entropy(b, vs, ve)
            if let mn = rule.minEntropy, h < mn { return nil }
            if let mx = rule.maxEntropy, h > mx { return nil }
        }
        if allowCache.isAllowed(b, start) { return nil }
        return ScanHit(what: .secret(r), start: start, end: end, valueStart: vs, valueEnd: ve, confidence: 0.9, context: nil)
    }

    /// Shannon entropy in bits per byte.
    func entropy(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Double {
        let n = e - s
        guard n > 0 else { return 0 }
        for i in s..<e { histogram[Int(b[i])] += 1 }
        var h = 0.0
        for i in s..<e {
            let c = histogram[Int(b[i])]
            if c > 0 {
                let p = Double(c) / Double(n)
                h -= p * log2(p)
                histogram[Int(b[i])] = 0
            }
        }
        return h
    }

    /// A generic rule (password = ...) on the same value as a specific one yields to it; the
    /// same value found by two personal-data kinds is resolved by the matcher already.
    private func dropGenericOverlaps(_ hits: inout [ScanHit], from first: Int) {
        guard hits.count - first > 1 else { return }
        // Secret hits are few, PII hits many (a table batch): only secrets are compared with all
        // hits, and PII hits (sorted, not overlapping, as the resolver leaves them) are found by a
        // binary search; the pairwise loops below when they are not in that order.
        var secrets: [Int] = []
        var piiFrom = -1, piiSorted = true
        for i in first..<hits.count {
            if case .secret = hits[i].what {
                secrets.append(i)
                if piiFrom >= 0 { piiSorted = false }
            } else {
                if piiFrom < 0 { piiFrom = i } else if hits[i].valueStart < hits[i - 1].valueEnd { piiSorted = false }
            }
        }
        if secrets.isEmpty { return }
        if !piiSorted { secrets = Array(first..<hits.count) }
        var drop = Set<Int>()
        // The same value found by two specific rules: the one listed first in the registry reports it.
        for i in secrets {
            guard case .secret(let ri) = hits[i].what, !rules.secretRules[ri].isGeneric else { continue }
            for j in secrets where j != i {
                if case .secret(let rj) = hits[j].what, !rules.secretRules[rj].isGeneric, rj < ri,
                   hits[j].valueStart == hits[i].valueStart, hits[j].valueEnd == hits[i].valueEnd {
                    drop.insert(i)
                }
            }
        }
        for i in secrets {
            guard case .secret(let ri) = hits[i].what, rules.secretRules[ri].isGeneric else { continue }
            if piiSorted && piiFrom >= 0 && !drop.contains(i) {
                // The first PII hit ending after this value starts: it overlaps if it starts before the value ends.
                var lo = piiFrom, hi = hits.count
                while lo < hi {
                    let mid = (lo + hi) >> 1
                    if hits[mid].valueEnd <= hits[i].valueStart { lo = mid + 1 } else { hi = mid }
                }
                if lo < hits.count && hits[lo].valueStart < hits[i].valueEnd { drop.insert(i) }
            }
            for j in secrets where j != i {
                let other = hits[j]
                let overlaps = other.valueStart < hits[i].valueEnd && hits[i].valueStart < other.valueEnd
                guard overlaps else { continue }
                if case .secret(let rj) = other.what {
                    if !rules.secretRules[rj].isGeneric || (j < i && rules.secretRules[rj].isGeneric && !drop.contains(j)) { drop.insert(i) }
                } else {
                    drop.insert(i)
                }
            }
        }
        guard !drop.isEmpty else { return }
        hits = hits.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
    }
}

private let windowMatchHandler: match_event_handler = { id, from, to, _, ctx in
    ctx!.assumingMemoryBound(to: WindowMatchState.self).pointee.onMatch(Int(id), from: Int(from), to: Int(to))
    return 0
}

enum ByteSearch {
    /// ASCII-caseless search of `w` (lower-case) in b[s..<e].
    @inline(__always) static func containsCaseless(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ w: [UInt8]) -> Bool {
        let n = w.count
        guard n > 0, e - s >= n else { return false }
        let first = w[0]
        var i = s
        while i + n <= e {
            var c = b[i]
            if c >= 65 && c <= 90 { c |= 0x20 }
            if c == first {
                var k = 1
                while k < n {
                    var d = b[i + k]
                    if d >= 65 && d <= 90 { d |= 0x20 }
                    if d != w[k] { break }
                    k += 1
                }
                if k == n { return true }
            }
            i += 1
        }
        return false
    }
}

/// `dstool:allow` on a line suppresses findings on that line (like gitleaks:allow).
enum InlineAllow {
    static let marker = Array("dstool:allow".utf8)

    /// Remembers the last line looked at: many values on one line cost one search.
    struct Cache {
        var lineStart = -1
        var lineEnd = -1
        var allowed = false
        mutating func isAllowed(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> Bool {
            if at >= lineStart && at < lineEnd { return allowed }
            var s = at
            while s > 0 && at - s < 2048 && b[s - 1] != 10 { s -= 1 }
            var e = at
            while e < b.count && e - at < 2048 && b[e] != 10 { e += 1 }
            lineStart = s; lineEnd = e
            allowed = ByteSearch.containsCaseless(b, s, e, marker)
            return allowed
        }
    }
    static func isAllowed(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> Bool {
        var s = at
        while s > 0 && at - s < 2048 && b[s - 1] != 10 { s -= 1 }
        var e = at
        while e < b.count && e - at < 2048 && b[e] != 10 { e += 1 }
        return ByteSearch.containsCaseless(b, s, e, marker)
    }
}

/// Values that are documentation, templates or redactions, not secrets.
enum Placeholders {
    static let words: [[UInt8]] = [
        "example", "xxxxx", "*****", "changeme", "change_me", "your_", "your-", "yourpass", "<your", "placeholder", "dummy",
        "sample", "redacted", "${", "{{", "%(", "$(", "#{", "todo", "fixme", "replace", "insert", "process.env", "os.environ",
        "getenv", "secretkeyref", "********", "foobared",
    ].map { Array($0.utf8) }

    /// A value made of letters, dots, underscores and hyphens only (`self.password`,
    /// `config.db_pass`): in code, a reference to a variable rather than a password.
    static func isIdentifier(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        for i in s..<e {
            let c = b[i]
            let letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
            if !(letter || c == 46 || c == 95 || c == 45) { return false }
        }
        return true
    }

    static let wordFirstBytes = PIIContext.firstByteClass(words)

    static func isPlaceholder(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        // One pass over the value, trying only the words that begin with the byte at hand.
        if PIIContext.containsAny(words, first: wordFirstBytes, b, s, e) { return true }
        // <value> is a template slot.
        if b[s] == 60 && b[e - 1] == 62 { return true }
        // One repeated character (aaaaaaaa, 00000000) is a filler.
        let first = b[s]
        var same = true
        for i in s..<e where b[i] != first { same = false; break }
        return same
    }
}

/// Cuts the secret out of a rule's match.
enum SecretExtraction {
    static func extract(_ part: SecretPart, _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int)? {
        switch part {
        case .whole:
            return (start, end)
        case .afterAssignment:
            var i = start
            // = or : or the full-width ：(EF BC 9A)
            while i < end && b[i] != 61 && b[i] != 58 && !(b[i] == 0xEF && i + 2 < end && b[i + 1] == 0xBC && b[i + 2] == 0x9A) { i += 1 }
            guard i < end else { return nil }
            i += b[i] == 0xEF ? 3 : 1
            while i < end && (b[i] == 61 || b[i] == 62 || b[i] == 58) { i += 1 }   // => := ==
            return trimmed(b, i, end)
        case .after(let literals):
            for literal in literals.split(separator: "|") {
                let w = Array(literal.lowercased().utf8)
                var i = start
                while i + w.count <= end {
                    if ByteSearch.containsCaseless(b, i, i + w.count, w) { return trimmed(b, i + w.count, end) }
                    i += 1
                }
            }
            return nil
        case .lastToken:
            var e = end
            while e > start && (b[e - 1] == 34 || b[e - 1] == 39 || b[e - 1] == 96) { e -= 1 }
            var s = e
            while s > start {
                let c = b[s - 1]
                if c == 32 || c == 9 || c == 34 || c == 39 || c == 96 || c == 58 || c == 44 || c == 10 { break }
                s -= 1
            }
            return e > s ? (s, e) : nil
        case .urlPassword:
            // scheme://user:password@host — the password runs from the colon after the user to the last @.
            var i = start
            while i + 2 < end && !(b[i] == 58 && b[i + 1] == 47 && b[i + 2] == 47) { i += 1 }
            guard i + 2 < end else { return nil }
            var colon = i + 3
            while colon < end && b[colon] != 58 && b[colon] != 64 { colon += 1 }
            guard colon < end, b[colon] == 58 else { return nil }
            var at = end - 1
            while at > colon && b[at] != 64 { at -= 1 }
            guard at > colon + 1 else { return nil }
            return (colon + 1, at)
        }
    }

    private static func trimmed(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> (Int, Int)? {
        var s = s, e = e
        func quoteOrSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 34 || c == 39 || c == 96 }
        while s < e && quoteOrSpace(b[s]) { s += 1 }
        while e > s && (quoteOrSpace(b[e - 1]) || b[e - 1] == 44 || b[e - 1] == 59) { e -= 1 }
        return e > s ? (s, e) : nil
    }
}
