/// What the Hyperscan pass found in short cells without digits (names, cities, statuses), by
/// their bytes: such cells repeat down a column, and a repeat is counted from the first one's
/// hits instead of being searched again (every city of an export was an address-name literal
/// hit for Hyperscan to report and the matcher to turn down).
///
/// Exact because a cell's own hits depend on its bytes alone: each cell is a line of the batch,
/// no personal-data pattern matches across a newline and candidates and their context stop at
/// one (checked from the patterns when the memo is made, `isExact`); and a secret counts for a
/// cell only when one of its rule's keywords lies inside the cell (isInside), so a cell holding
/// no keyword of any rule has no secret hit (no rule may go without keywords). The first cell of
/// each value is searched as usual; its hits are taken at the tally (`resolve`), and a secret
/// hit counted inside it after all keeps the value out for good.
///
/// Used by the parsing thread alone (the parser and the tally of its batches).
final class CellMemo {
    /// A personal-data hit inside a cell: offsets within the cell, the value's text.
    struct Hit {
        var kind: PIIKind
        var confidence: Double
        var context: String?
        var value: String
    }
    /// The hits of one value (in the order of the batch's hits), and whether it is a plausible
    /// person name (asked of every cell of a name column).
    struct Result {
        var hits: [Hit]
        var value: String
        var isPlausibleName: Bool
    }

    /// Longer cells are searched every time (most are not repeated).
    static let maxLength = 16
    private static let slotCount = 4096
    /// Values kept at most (the table stays sparse enough for short probes).
    private static let maxValues = 3072

    /// Per slot: the value's bytes as two words (see `key`) and its length (0: empty slot).
    private let key0: UnsafeMutablePointer<UInt64>
    private let key1: UnsafeMutablePointer<UInt64>
    private let lengths: UnsafeMutablePointer<Int32>
    /// Per slot: `firstSeen` (its first cell is in a batch not yet counted), `searched` (never
    /// memoised: it holds a keyword, or a secret was found in it), or an index in `results`.
    let states: UnsafeMutablePointer<Int32>
    static let firstSeen: Int32 = -1
    static let searched: Int32 = -2
    /// Slots in use; behind a pointer (a class property would be checked for exclusive access per cell).
    private let used: UnsafeMutablePointer<Int>
    private(set) var results: [Result] = []
    /// Per result, read for every cell counted from the memo without touching `results`:
    /// whether it has hits, and whether it is a plausible person name.
    let resultHasHits: UnsafeMutablePointer<Bool>
    let resultIsName: UnsafeMutablePointer<Bool>
    /// Every keyword of every secret rule (lower-case).
    private let keywords: [[UInt8]]

    /// nil when the rule set does not allow it (see the class comment).
    init?(rules: CompiledRuleSet) {
        guard Self.isExact(rules) else { return nil }
        keywords = rules.secretRuntime.flatMap(\.keywords)
        key0 = .allocate(capacity: Self.slotCount)
        key1 = .allocate(capacity: Self.slotCount)
        lengths = .allocate(capacity: Self.slotCount)
        lengths.initialize(repeating: 0, count: Self.slotCount)
        states = .allocate(capacity: Self.slotCount)
        states.initialize(repeating: Self.searched, count: Self.slotCount)
        used = .allocate(capacity: 1)
        used.initialize(to: 0)
        resultHasHits = .allocate(capacity: Self.maxValues)
        resultHasHits.initialize(repeating: false, count: Self.maxValues)
        resultIsName = .allocate(capacity: Self.maxValues)
        resultIsName.initialize(repeating: false, count: Self.maxValues)
    }

    deinit {
        key0.deallocate(); key1.deallocate(); lengths.deallocate(); states.deallocate(); used.deallocate()
        resultHasHits.deallocate(); resultIsName.deallocate()
    }

    /// Whether a cell's hits are a function of its bytes under these rules: every secret rule has
    /// keywords; no personal-data pattern can match a newline, and no candidate class holds one
    /// (the candidates of labelled names and addresses extend over Han characters only).
    static func isExact(_ rules: CompiledRuleSet) -> Bool {
        guard rules.secretRuntime.allSatisfy({ !$0.keywords.isEmpty && $0.keywords.allSatisfy { !$0.isEmpty } }) else { return false }
        for p in rules.piiPatterns {
            if mayMatchNewline(p.expression, flags: p.flags) { return false }
            switch p.extent {
            case .token(let cls, _), .emailAddress(let cls, _), .digitRun(let cls):
                if cls.contains(10) { return false }
            case .som, .labelledName, .groupedDigits, .regionAddress:
                break
            }
        }
        return true
    }

    /// Whether a Hyperscan pattern may match a newline, erring towards yes: a newline written
    /// out (byte, \n, \x0a, \cJ), a class escape or a negated set that can hold one, a range
    /// around it ([\t-\r], [\x00-\x7f]), `.` with the dot-all flag; escapes not understood
    /// (octal, \p{..}, \Q) count as may.
    static func mayMatchNewline(_ pattern: String, flags: UInt32) -> Bool {
        let b = Array(pattern.utf8)
        if b.contains(10) { return true }
        /// The byte an atom at `i` stands for (nil: a class escape such as \d, or not a single
        /// byte), where the next atom starts, and whether it may match a newline by itself.
        func atom(_ i: Int) -> (value: Int?, next: Int, newline: Bool) {
            guard b[i] == 92 else { return (Int(b[i]), i + 1, false) }
            guard i + 1 < b.count else { return (nil, i + 1, true) }
            switch b[i + 1] {
            case 116: return (9, i + 2, false)                      // \t
            case 114: return (13, i + 2, false)                     // \r
            case 102: return (12, i + 2, false)                     // \f
            case 101: return (27, i + 2, false)                     // \e
            case 97: return (7, i + 2, false)                       // \a
            case 100, 119, 98, 66, 65, 122, 90, 71: return (nil, i + 2, false)   // \d \w \b \B \A \z \Z \G
            case 120:                                               // \xHH or \x{H...}
                var j = i + 2, v = 0, digits = 0
                let braced = j < b.count && b[j] == 123
                if braced { j += 1 }
                while j < b.count && (braced || digits < 2), let d = Self.hexDigit(b[j]) { v = v * 16 + d; digits += 1; j += 1 }
                if braced { guard j < b.count && b[j] == 125 else { return (nil, j, true) }; j += 1 }
                guard digits > 0 else { return (nil, j, true) }
                return (v, j, v == 10)
            case 48...57, 99, 110, 115, 83, 68, 87, 118, 86, 104, 72, 82, 78, 112, 80, 81, 69, 107, 103:
                return (nil, i + 2, true)
            default: return (Int(b[i + 1]), i + 2, false)           // an escaped punctuation byte
            }
        }
        var i = 0, inSet = false
        while i < b.count {
            let c = b[i]
            if !inSet {
                if c == 91 {                                        // a set opens
                    if i + 1 < b.count && b[i + 1] == 94 { return true }   // [^...]
                    inSet = true
                    i += 1
                    if i < b.count && b[i] == 93 { i += 1 }         // ']' first is a literal
                    continue
                }
                if c == 46 && flags & HSFlag.dotall != 0 { return true }
                let a = atom(i)
                if a.newline { return true }
                i = a.next
                continue
            }
            if c == 93 { inSet = false; i += 1; continue }
            if c == 91 && i + 1 < b.count && b[i + 1] == 58 { return true }   // [:class:]
            let a = atom(i)
            if a.newline { return true }
            // A range: the newline may lie between its ends.
            if a.next + 1 < b.count && b[a.next] == 45 && b[a.next + 1] != 93 {
                let z = atom(a.next + 1)
                if z.newline { return true }
                guard let from = a.value, let to = z.value else { return true }
                if from <= 10 && 10 <= to { return true }
                i = z.next
                continue
            }
            i = a.next
        }
        return false
    }

    private static func hexDigit(_ c: UInt8) -> Int? {
        switch c {
        case 48...57: return Int(c - 48)
        case 65...70: return Int(c - 55)
        case 97...102: return Int(c - 87)
        default: return nil
        }
    }

    /// The value's bytes as two words and a length: bytes 0..<8 and n-8..<n for 8 to 16 bytes,
    /// 0..<4 and n-4..<n for 4 to 7, each byte below that (together with n, one value each).
    @inline(__always) static func key(_ p: UnsafePointer<UInt8>, _ n: Int) -> (UInt64, UInt64) {
        let raw = UnsafeRawPointer(p)
        if n >= 8 {
            return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        }
        if n >= 4 {
            return (UInt64(raw.loadUnaligned(as: UInt32.self)), UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)))
        }
        return (UInt64(p[0]) | UInt64(p[n >> 1]) << 8 | UInt64(p[n - 1]) << 16, 0)
    }

    /// The memo's table by raw pointers, for the parser's loop over cells (a class reference
    /// there is retained and released per cell).
    struct Table {
        let key0: UnsafeMutablePointer<UInt64>
        let key1: UnsafeMutablePointer<UInt64>
        let lengths: UnsafeMutablePointer<Int32>
        let states: UnsafeMutablePointer<Int32>

        /// The slot holding the value p[0..<n] (1...maxLength bytes), or the empty slot where it
        /// goes (`found` false).
        @inline(__always) func find(_ p: UnsafePointer<UInt8>, _ n: Int) -> (slot: Int, found: Bool) {
            let (k0, k1) = CellMemo.key(p, n)
            var s = Int(truncatingIfNeeded: ((k0 &* 0x9E37_79B9_7F4A_7C15) ^ (k1 &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(n)) &>> 52)
            while true {
                let length = lengths[s]
                if length == 0 { return (s, false) }
                if Int(length) == n && key0[s] == k0 && key1[s] == k1 { return (s, true) }
                s = (s &+ 1) & (CellMemo.slotCount - 1)
            }
        }
    }
    var table: Table { Table(key0: key0, key1: key1, lengths: lengths, states: states) }

    /// The slot of the value p[0..<n] (1...maxLength bytes), added as `firstSeen` when new
    /// (`isNew`) — or as `searched` when it holds a keyword; slot -1 when new and the table is full.
    func slot(_ p: UnsafePointer<UInt8>, _ n: Int) -> (slot: Int, isNew: Bool) {
        let (s, found) = table.find(p, n)
        if found { return (s, false) }
        return add(p, n, at: s) ? (s, true) : (-1, false)
    }

    /// Adds the value p[0..<n] in the empty slot `s` that `Table.find` gave; false when the
    /// memo is full.
    @inline(never) func add(_ p: UnsafePointer<UInt8>, _ n: Int, at s: Int) -> Bool {
        guard used.pointee < Self.maxValues else { return false }
        used.pointee += 1
        let (k0, k1) = Self.key(p, n)
        key0[s] = k0; key1[s] = k1; lengths[s] = Int32(n)
        let cell = UnsafeBufferPointer(start: p, count: n)
        states[s] = keywords.contains { ByteSearch.containsCaseless(cell, 0, n, $0) } ? Self.searched : Self.firstSeen
        return true
    }

    /// Records the hits found in the first cell of the value in `slot` (its bytes `value`).
    func resolve(_ slot: Int32, value: UnsafeBufferPointer<UInt8>, hits: [Hit]) {
        guard states[Int(slot)] == Self.firstSeen else { return }
        let r = results.count
        states[Int(slot)] = Int32(r)
        let isName = ChineseSurnames.isPlausibleName(value)
        results.append(Result(hits: hits, value: String(decoding: value, as: UTF8.self), isPlausibleName: isName))
        resultHasHits[r] = !hits.isEmpty
        resultIsName[r] = isName
    }

    /// A secret was counted inside the value's first cell after all: it is searched from now on.
    func exclude(_ slot: Int32) {
        states[Int(slot)] = Self.searched
    }
}

/// A cell counted from the memo: where it was, and which of the memo's results it has.
struct MemoCell {
    /// How many cells of the batch's `cells` came before it (its place among the Hyperscan hits).
    var order: Int32
    var column: Int32
    var result: Int32
    var row: Int64
}
