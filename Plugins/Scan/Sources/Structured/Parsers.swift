import CDSToolScanBits
import CDSToolSQLite
import DSToolKit
import FoundationEssentials
import Glibc

/// CSV/TSV (RFC 4180 quoting), streamed: cells go to the table's batch; the first row names the
/// columns unless it looks like data (a value in it is personal data, or a number) or is longer
/// than 64 KiB.
struct DelimitedParser {
    let separator: UInt8
    let table: StructuredScanner.Table
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
    private var state = State.fieldStart
    private var column = 0
    private var row: Int64 = 1
    private var header: [String]?
    private var firstLine: [UInt8] = []
    private var firstLineRaw: [Int64] = []
    private var inHeader = true
    static let maxHeader = 64 << 10

    init(separator: UInt8, table: StructuredScanner.Table) {
        self.separator = separator
        self.table = table
    }

    private func columnName(_ i: Int) -> String {
        if let header, i < header.count, !header[i].isEmpty { return header[i] }
        return "column\(i + 1)"
    }

    /// Table column of each position, looked up once.
    private var positions: [Int] = []
    @inline(__always) private mutating func tableColumn(_ i: Int) -> Int {
        i < positions.count ? positions[i] : newTableColumn(i)
    }
    private mutating func newTableColumn(_ i: Int) -> Int {
        if i >= StructuredScanner.Table.maxColumns { return table.column("(more columns)") }
        while positions.count <= i { positions.append(table.column(columnName(positions.count))) }
        return positions[i]
    }

    /// `rawBase`: the raw offset of b[0] when b[i] is at rawBase + i (no lookup per cell).
    mutating func consume(_ b: UnsafeBufferPointer<UInt8>, raw: (Int) -> Int64, rawBase: Int64? = nil, flush: () throws -> Void) throws {
        var start = 0
        if inHeader {
            while start < b.count && b[start] != 10 && firstLine.count < Self.maxHeader {
                firstLine.append(b[start]); firstLineRaw.append(raw(start)); start += 1
            }
            if start < b.count && b[start] == 10 {
                try decideHeader(complete: true, flush: flush)
                start += 1
                if header == nil { try [UInt8(10)].withUnsafeBufferPointer { try consumeData($0, raw: { _ in 0 }, flush: flush) } }
            } else if firstLine.count >= Self.maxHeader {
                try decideHeader(complete: false, flush: flush)
            } else {
                return
            }
        }
        try consumeData(UnsafeBufferPointer(rebasing: b[start...]), raw: { raw(start + $0) }, rawBase: rawBase.map { $0 + Int64(start) },
                        flush: flush)
    }

    /// A header cell without the blanks and quotes around it (space, CR, tab, `"`: ASCII, so
    /// trimmed as bytes before decoding, as trimming the decoded text would).
    static func trimmingHeaderBlanks(_ cell: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        @inline(__always) func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0D || b == 0x09 || b == 0x22 }
        var cell = cell
        while let f = cell.first, blank(f) { cell = cell.dropFirst() }
        while let l = cell.last, blank(l) { cell = cell.dropLast() }
        return cell
    }

    /// Header or data? Data is replayed through the cell parser.
    private mutating func decideHeader(complete: Bool, flush: () throws -> Void) throws {
        inHeader = false
        let names = firstLine.split(separator: separator, omittingEmptySubsequences: false).map {
            String(decoding: Self.trimmingHeaderBlanks($0), as: UTF8.self)
        }
        let looksLikeData = !complete || names.contains { v in
            !v.isEmpty && (v.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" } || PIIValidators.classify(v) != nil)
        }
        if !looksLikeData { header = names; row = 1; return }
        let line = firstLine, raws = firstLineRaw
        firstLine = []; firstLineRaw = []
        try line.withUnsafeBufferPointer { try consumeData($0, raw: { raws[$0] }, flush: flush) }
    }

    private mutating func consumeData(_ b: UnsafeBufferPointer<UInt8>, raw rawLookup: (Int) -> Int64, rawBase: Int64? = nil,
                                      flush: () throws -> Void) throws {
        var i = 0
        let n = b.count
        let batch = table.batch
        let affine = rawBase != nil, base = rawBase ?? 0
        @inline(__always) func raw(_ i: Int) -> Int64 { affine ? base + Int64(i) : rawLookup(i) }
        // With a plain-cell classifier, most cells are sorted by their digit bits (sortCellsByDigits).
        let sortsByDigits = batch.plainCells != nil && affine
        var cellEnds = CellEndMask(separator: separator, tracksDigits: sortsByDigits)
        let plainRuns = UnsafeMutablePointer<PlainRun>.allocate(capacity: PlainRun.columns)
        defer { cellEnds.deallocate(); plainRuns.deallocate() }
        // Batch bytes the whole cells below may still add before the batch can be full: each
        // adds at most its length + 1, so the batch is only asked when this runs out (reading
        // its size per cell was a tenth of the parse). Other paths set it to 0: ask again.
        var room = 0
        while i < n {
            let c = b[i]
            switch state {
            case .fieldStart:
                if sortsByDigits && room > 0 {
                    let next = sortCellsByDigits(b, from: i, cellEnds, batch, room: &room, rawBase: base, runs: plainRuns)
                    if next > i {
                        i = next
                        if room <= 0 {
                            if batch.isFull { try flush() }
                            room = batch.room
                        }
                        continue
                    }
                }
                if c == separator { column += 1; i += 1; continue }
                if c == 10 { column = 0; row += 1; if batch.isFull { try flush() }; i += 1; continue }
                if c == 13 { i += 1; continue }
                if c == 34 {
                    room = 0
                    state = .quoted
                    batch.openCell(column: tableColumn(column), row: row, rawOffset: raw(i) + 1)
                } else if affine, let j = cellEnds.cellEnd(b, from: i), j - i < CellBatch.maxCell {
                    // The common case, an unquoted cell that ends in this window: added whole,
                    // without opening, growing and closing it. (Byte i itself ends no cell.)
                    // Decoded text (GB18030, UTF-16) takes the path below, which anchors raw offsets.
                    batch.addCell(UnsafeBufferPointer(rebasing: b[i..<j]), column: tableColumn(column), row: row, rawOffset: raw(i))
                    if b[j] == separator { column += 1 } else { column = 0; row += 1 }
                    room -= j - i + 1
                    i = j + 1
                    if room <= 0 {
                        if batch.isFull { try flush() }
                        room = batch.room
                    }
                    continue
                } else {
                    room = 0
                    state = .unquoted
                    batch.openCell(column: tableColumn(column), row: row, rawOffset: raw(i))
                    batch.append(c)
                }
                i += 1
            case .unquoted:
                // Fast path: copy up to the next separator or newline.
                var j = i
                while j < n && b[j] != separator && b[j] != 10 { j += 1 }
                if j > i {
                    if affine {
                        batch.append(UnsafeBufferPointer(rebasing: b[i..<j]), newlineFree: true)
                    } else {
                        // Trailing blanks (a CR after a closing quote) are trimmed: no anchor for
                        // them, so a value's end stays where its last byte is.
                        var end = j
                        while end > i && (b[end - 1] == 13 || b[end - 1] == 32 || b[end - 1] == 9) { end -= 1 }
                        if end > i { Self.appendDecoded(b, i, end, raw: raw, to: batch) }
                        if j > end { batch.append(UnsafeBufferPointer(rebasing: b[end..<j]), newlineFree: true) }
                    }
                }
                i = j
                if i < n {
                    batch.closeCell()
                    state = .fieldStart
                    if b[i] == separator { column += 1 } else { column = 0; row += 1 }
                    i += 1
                }
                if batch.isFull { try flush() }
            case .quoted:
                var j = i
                while j < n && b[j] != 34 { j += 1 }
                if j > i {
                    if affine { batch.append(UnsafeBufferPointer(rebasing: b[i..<j])) } else { Self.appendDecoded(b, i, j, raw: raw, to: batch) }
                }
                i = j
                if i < n { state = .quoteInQuoted; i += 1 }
                if batch.isFull { try flush() }
            case .quoteInQuoted:
                if c == 34 {
                    // A doubled quote is one byte in the cell: the bytes after it are one raw
                    // byte further on than their place in the cell says.
                    batch.append(34); batch.anchor(raw: raw(i) + 1, line: 0)
                    state = .quoted; i += 1; continue
                }
                // The closing quote: anything up to the separator stays in the cell (lenient).
                state = .unquoted
            }
        }
    }

    /// The unquoted cells from `start` (the first byte of a field) on that end in the block the
    /// mask has loaded, added as `CellBatch.addCell` would add them, but sorted by the mask's
    /// digit bits in one loop over its separator bits rather than by their bytes, one call each:
    /// a cell that can hold no value (no kind takes a plain number of its length; with the
    /// digit-run search alone, no run of digits; a decimal number, see
    /// PlainCellClassifier.decimalsHoldNothing) is only counted, a plain number is classified,
    /// the others go to the Hyperscan bytes. Stops before a cell the byte path must see (empty,
    /// quoted, with spaces to trim, of 64 bytes or more, in a column not met before), at the
    /// block's end, and after the cell that uses up `room`. Returns where parsing goes on.
    /// `rawBase`: the raw offset of b[0] (UTF-8 input, bytes one to one). `runs`: room for
    /// PlainRun.columns runs (see below), all ended before it returns.
    ///
    /// A column's plain hits that are only counted (CellBatch.isRecordless) and follow one another
    /// with one kind and confidence are added as one run (a PlainCount with `repeats`), which
    /// ends at the column's next other hit or general cell and when the loop returns: what
    /// the tally adds for a (column, kind) keeps its order, and other columns' counters are
    /// not its.
    @inline(__always) private mutating func sortCellsByDigits(_ b: UnsafeBufferPointer<UInt8>, from start: Int, _ mask: CellEndMask,
                                                              _ batch: CellBatch, room: inout Int, rawBase: Int64,
                                                              runs: UnsafeMutablePointer<PlainRun>) -> Int {
        let base = mask.base, covered = mask.covered
        guard mask.tracksDigits && start >= base && start < base + covered, let classifier = batch.plainCells else { return start }
        let structural = mask.structuralWords, digitPlane = mask.digitWords, runPlane = mask.runEndWords
        let digitRunsOnly = classifier.digitRunsOnly, decimalsHoldNothing = classifier.decimalsHoldNothing
        let memo = batch.memo, memoTable = memo?.table
        let memoHasHits = memo?.resultHasHits, memoIsName = memo?.resultIsName
        let tables = DigitTables.shared
        var w = (start - base) >> 6
        var ends = structural[w] & (~0 &<< UInt64((start - base) & 63))
        // The loop's state in locals (stored properties and an inout would be written back per cell).
        var i = start, column = self.column, row = self.row, left = room
        // Counted cells are added up here and handed to the batch at the end.
        let counted = batch.countedOnlyStorage
        var countedCells = 0, countedSize = 0, countedColumns = 0
        let separator = self.separator
        // Not read through a closure: its captured locals would live in memory.
        let positions = self.positions, known = positions.count
        // Table columns (below PlainRun.columns) with a run in `runs`.
        var openRuns: UInt64 = 0
        cells: while true {
            while ends == 0 {
                w &+= 1
                guard w &<< 6 < covered else { break cells }
                ends = structural[w]
            }
            let j = base &+ (w &<< 6) &+ ends.trailingZeroBitCount
            let n = j &- i
            guard n > 0 && n < 64 && column < known else { break }
            // A quote, or spaces to trim (tab, CR, space: all below 64), are the byte path's.
            let first = b[i], last = b[j &- 1]
            guard first >= 64 || (Self.specialFirst >> UInt64(first)) & 1 == 0,
                  last >= 64 || (Self.specialLast >> UInt64(last)) & 1 == 0 else { break }
            ends &= ends &- 1
            let tableColumn = positions[column]
            // Every cell counts for its column, here rather than in the batch.
            counted[tableColumn] &+= 1
            if tableColumn >= countedColumns { countedColumns = tableColumn &+ 1 }
            var countOnly = false
            if digitRunsOnly && CellEndMask.bitsBelow64(runPlane, from: i &- base, count: n) == 0 {
                // No run of digits: no value, whether the cell is a plain number or not.
                countOnly = true
            } else {
                let digits = CellEndMask.bitsBelow64(digitPlane, from: i &- base, count: n)
                let all: UInt64 = (1 &<< UInt64(n)) &- 1
                let endsInX = last | 0x20 == 120 && digits | (1 &<< UInt64(n &- 1)) == all
                // The column's bit in `openRuns` (none past PlainRun.columns); not needed for the
                // cells only counted (an ID column, amounts).
                @inline(__always) func runBit() -> UInt64 { tableColumn < PlainRun.columns ? 1 &<< UInt64(tableColumn) : 0 }
                if digits == all || endsInX {
                    let shape = classifier.valueShape(length: n, endsInX: endsInX)
                    if shape >= 0 {
                        // The batch bytes a plain cell would have taken, hit or not.
                        countedSize &+= n &+ 1
                        let cell = UnsafeBufferPointer(start: b.baseAddress! + i, count: n)
                        if let v = classifier.classify(cell, shape: shape, tables) {
                            let runBit = runBit()
                            if openRuns & runBit != 0 && runs[tableColumn].kind == v.kind && runs[tableColumn].confidence == v.confidence {
                                // The open run's hits were recordless, and within this loop a
                                // batch's recordless kinds only grow (isRecordless): so is this one.
                                runs[tableColumn].repeats &+= 1
                            } else if runBit != 0 && batch.isRecordless(kind: v.kind, confidence: v.confidence, column: tableColumn) {
                                if openRuns & runBit != 0 { Self.endRun(runs, tableColumn, &openRuns, batch) }
                                runs[tableColumn] = PlainRun(confidence: v.confidence, repeats: 1, kind: v.kind)
                                openRuns |= runBit
                            } else {
                                if openRuns & runBit != 0 { Self.endRun(runs, tableColumn, &openRuns, batch) }
                                if batch.isRecordless(kind: v.kind, confidence: v.confidence, column: tableColumn) {
                                    batch.addRecordlessHits(column: tableColumn, kind: v.kind, confidence: v.confidence, repeats: 1)
                                } else {
                                    batch.addPlainHit(v, cell, column: Int32(tableColumn), row: row, rawOffset: rawBase &+ Int64(i), line: 0)
                                }
                            }
                        } else {
                            countedCells &+= 1
                        }
                    } else {
                        countOnly = true
                    }
                } else if digits == 0 && n <= CellMemo.maxLength, let memoTable {
                    // A short cell without digits (a name, a city): counted from the memo when
                    // its value was met before; the first of each value is searched.
                    let (slot, found) = memoTable.find(b.baseAddress! + i, n)
                    let isNew = !found && memo!.add(b.baseAddress! + i, n, at: slot)
                    let state = found || isNew ? memoTable.states[slot] : CellMemo.searched
                    let runBit = runBit()
                    if state >= 0 {
                        // A value with no hit that is no person's name (a city, a status) adds to
                        // nothing but its column's count: the tally would pass over its memo cell.
                        if memoHasHits![Int(state)] || memoIsName![Int(state)] {
                            if openRuns & runBit != 0 { Self.endRun(runs, tableColumn, &openRuns, batch) }
                            // Its batch bytes are added up with the counted cells' (addCounted).
                            batch.addMemoCellUncountedUnsized(column: tableColumn, row: row, result: state)
                            countedSize &+= n &+ 1
                        } else {
                            countOnly = true
                        }
                    } else {
                        if openRuns & runBit != 0 { Self.endRun(runs, tableColumn, &openRuns, batch) }
                        batch.addSearchedCellUncounted(UnsafeBufferPointer(rebasing: b[i..<j]), column: tableColumn, row: row, rawOffset: rawBase &+ Int64(i),
                                                       memo: isNew && state == CellMemo.firstSeen ? Int32(slot) : -1)
                    }
                } else if decimalsHoldNothing && Self.isDecimal(digits: digits, all: all, b, i)
                            && CellEndMask.bitsBelow64(runPlane, from: i &- base, count: n) == 0 {
                    // An amount or a price: no pattern or search finds a value in it.
                    countOnly = true
                } else {
                    let runBit = runBit()
                    if openRuns & runBit != 0 { Self.endRun(runs, tableColumn, &openRuns, batch) }
                    batch.addSearchedCellUncounted(UnsafeBufferPointer(rebasing: b[i..<j]), column: tableColumn, row: row, rawOffset: rawBase &+ Int64(i))
                }
            }
            if countOnly {
                countedCells &+= 1
                countedSize &+= n &+ 1
            }
            if b[j] == separator { column &+= 1 } else { column = 0; row &+= 1 }
            i = j &+ 1
            left &-= n &+ 1
            if left <= 0 { break }
        }
        while openRuns != 0 { Self.endRun(runs, openRuns.trailingZeroBitCount, &openRuns, batch) }
        self.column = column
        self.row = row
        room = left
        batch.addCounted(cells: countedCells, size: countedSize, columns: countedColumns)
        return i
    }

    /// Whether the cell at `i` whose digit bits are `digits` (of `all` its bytes) is digits with
    /// one decimal point.
    @inline(__always) private static func isDecimal(digits: UInt64, all: UInt64, _ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        let others = all & ~digits
        return others != 0 && others & (others &- 1) == 0 && b[i &+ others.trailingZeroBitCount] == 46
    }

    /// Adds the run of table column `c` to the batch and marks it ended.
    @inline(__always) private static func endRun(_ runs: UnsafeMutablePointer<PlainRun>, _ c: Int, _ open: inout UInt64, _ batch: CellBatch) {
        let r = runs[c]
        batch.addRecordlessHits(column: c, kind: r.kind, confidence: r.confidence, repeats: r.repeats)
        open &= ~(1 &<< UInt64(c))
    }

    /// Bytes (below 64) the loop leaves to the byte path at a cell's start: quote, tab, CR,
    /// space; and at its end: tab, CR, space.
    private static let specialLast: UInt64 = 1 << 9 | 1 << 13 | 1 << 32
    private static let specialFirst: UInt64 = specialLast | 1 << 34

    /// Appends b[from..<to] of decoded text (raw offsets looked up per byte) to the open cell,
    /// anchoring each byte whose raw offset is not the one after the byte before it (a character
    /// that was two or four bytes in GB18030 is three in UTF-8), so a value after it in the same
    /// cell is reported at its own raw offset. Bytes that map one to one add no anchor.
    @inline(never) static func appendDecoded(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, raw: (Int) -> Int64,
                                             to batch: CellBatch) {
        var segment = from
        var expected = batch.openCellEndRaw
        for k in from..<to {
            let r = raw(k)
            if r != expected {
                if k > segment { batch.append(UnsafeBufferPointer(rebasing: b[segment..<k])) }
                batch.anchor(raw: r, line: 0)
                segment = k
            }
            expected = r + 1
        }
        if to > segment { batch.append(UnsafeBufferPointer(rebasing: b[segment..<to])) }
    }

    mutating func finish() {
        if inHeader && !firstLine.isEmpty { try? decideHeader(complete: false, flush: {}) }
        table.batch.closeCell()
    }
}

/// The separators and newlines of 4 KiB of a window, one bit per byte, found in one pass that
/// the compiler vectorises: the unquoted cell starting at `from` ends at the lowest set bit at or
/// after it, so a cell costs a bit scan rather than a byte loop whose exit mispredicts on every
/// cell length. (Quotes need no bit: only a cell's first byte can open one, and the parser looks
/// at that byte itself.) With `tracksDigits`, the same 4 KiB also get a bit per digit and a bit
/// per end of a run of `PIICandidateCollector.minimumDigitRun` digits, so that the parser knows
/// from a few bit operations whether a cell is a plain number or can hold a digit-run value.
struct CellEndMask {
    let separator: UInt8
    let separatorBytes: UInt64
    let tracksDigits: Bool
    static let words = 64
    /// Bit k of words[w] is window byte base + 64 * w + k; digit bits from words[Self.words],
    /// run-end bits from words[2 * Self.words].
    private let words: UnsafeMutablePointer<UInt64>
    /// Window index of words[0] bit 0, and how many bytes from there the words cover.
    private(set) var base = 0
    private(set) var covered = 0

    init(separator: UInt8, tracksDigits: Bool = false) {
        self.separator = separator
        self.tracksDigits = tracksDigits
        separatorBytes = UInt64(separator) &* 0x0101_0101_0101_0101
        words = .allocate(capacity: 3 * Self.words)
    }

    func deallocate() { words.deallocate() }

    /// Index of the separator or newline that ends the unquoted cell at `from`, nil when the
    /// cell runs past the end of `b`. Always called with the same `b`.
    @inline(__always) mutating func cellEnd(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var at = from
        while at < b.count {
            if at < base || at >= base + covered { load(b, at) }
            let offset = at - base
            var w = offset >> 6
            var found = words[w] & (~0 &<< UInt64(offset & 63))
            while found == 0 {
                w += 1
                guard w << 6 < covered else { break }
                found = words[w]
            }
            if found != 0 { return base + w << 6 + found.trailingZeroBitCount }
            at = base + covered
        }
        return nil
    }

    /// The separator bits (words[w] for the block's word w), the digit bits and the run-end bits.
    var structuralWords: UnsafeMutablePointer<UInt64> { words }
    var digitWords: UnsafeMutablePointer<UInt64> { words + Self.words }
    var runEndWords: UnsafeMutablePointer<UInt64> { words + 2 * Self.words }

    /// Bits `from..<from + count` (count 1...64) of the digit bits (`runs` false) or of the
    /// run-end bits, bit 0 for byte `from`; nil when the bytes are not all in the loaded block
    /// (a run that started before it would be missed) or digits are not tracked.
    @inline(__always) func digitBits(from: Int, count: Int, runs: Bool) -> UInt64? {
        let offset = from - base
        guard tracksDigits && offset >= 0 && offset + count <= covered else { return nil }
        return Self.bits(runs ? runEndWords : digitWords, from: offset, count: count)
    }

    /// `bits` for count 1...63 (no special case for a whole word).
    @inline(__always) static func bitsBelow64(_ plane: UnsafeMutablePointer<UInt64>, from offset: Int, count: Int) -> UInt64 {
        let w = offset &>> 6, shift = offset & 63
        var bits = plane[w] &>> UInt64(shift)
        if shift &+ count > 64 { bits |= plane[w &+ 1] &<< UInt64(64 &- shift) }
        return bits & ((1 &<< UInt64(count)) &- 1)
    }

    /// Bits `offset..<offset + count` (count 1...64) of a plane; the range must be covered.
    @inline(__always) static func bits(_ plane: UnsafeMutablePointer<UInt64>, from offset: Int, count: Int) -> UInt64 {
        let w = offset &>> 6, shift = offset & 63
        var bits = plane[w] &>> UInt64(shift)
        // The next word only when the range reaches into it (then it is covered).
        if shift &+ count > 64 { bits |= plane[w &+ 1] &<< UInt64(64 &- shift) }
        return count == 64 ? bits : bits & ((1 &<< UInt64(count)) &- 1)
    }

    private mutating func load(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) {
        base = at
        let whole = min(Self.words, (b.count - at) >> 6)
        Self.fill(words, UnsafeRawPointer(b.baseAddress! + at), whole, separatorBytes)
        if tracksDigits { Self.fillDigits(digitWords, UnsafeRawPointer(b.baseAddress! + at), whole) }
        covered = whole << 6
        var used = whole
        if whole < Self.words && at + covered < b.count {
            // The window's last bytes, fewer than 64: bits past its end stay clear.
            var bits: UInt64 = 0, digits: UInt64 = 0
            var k = 0
            while at + covered + k < b.count {
                let c = b[at + covered + k]
                if c == separator || c == 10 { bits |= 1 &<< UInt64(k) }
                if c &- 48 < 10 { digits |= 1 &<< UInt64(k) }
                k += 1
            }
            words[whole] = bits
            words[Self.words + whole] = digits
            covered += k
            used += 1
        }
        if tracksDigits { Self.fillRunEnds(runEndWords, from: digitWords, used) }
    }

    /// The bits of `count` words from `p`: 64 bytes per word, compared sixteen at a time with
    /// SSE2 and gathered with movemask (CDSToolScanBits; Swift's SIMD types gathered the flags
    /// with multiplications, three times the instructions).
    @inline(never) static func fill(_ words: UnsafeMutablePointer<UInt64>, _ p: UnsafeRawPointer, _ count: Int, _ separatorBytes: UInt64) {
        let bytes = p.assumingMemoryBound(to: UInt8.self), separator = UInt8(truncatingIfNeeded: separatorBytes)
        for w in 0..<count { words[w] = dstool_scan_cell_end_bits64(bytes + w &* 64, separator) }
    }

    /// The digit bits of `count` words from `p`, the same way (a second loop: one computing both
    /// was no faster).
    @inline(never) static func fillDigits(_ words: UnsafeMutablePointer<UInt64>, _ p: UnsafeRawPointer, _ count: Int) {
        let bytes = p.assumingMemoryBound(to: UInt8.self)
        for w in 0..<count { words[w] = dstool_scan_digit_bits64(bytes + w &* 64) }
    }

    /// Bit k set where byte k ends a run of `minimumDigitRun` digits that lies in the block: the
    /// digit bits ANDed with themselves shifted by 1...run-1 bytes, carried across words.
    @inline(never) static func fillRunEnds(_ runs: UnsafeMutablePointer<UInt64>, from digits: UnsafeMutablePointer<UInt64>, _ count: Int) {
        var previous: UInt64 = 0
        for w in 0..<count {
            let d = digits[w]
            var r = d
            for k in 1..<PIICandidateCollector.minimumDigitRun {
                r &= (d &<< UInt64(k)) | (previous &>> UInt64(64 - k))
            }
            runs[w] = r
            previous = d
        }
    }

}

/// JSON lines: every string or number value becomes a cell whose column is its key path
/// (`user.phone`, `tags[]`); \uXXXX escapes are decoded (Chinese is often escaped). A line that
/// is not JSON is scanned whole, as column `(line)`.
struct JSONLinesParser {
    let table: StructuredScanner.Table
    private(set) var badLines = 0
    private(set) var firstBadLine: Int64 = 0
    private var line: Int64 = 1
    private var current: [UInt8] = []
    private var currentRaw: [Int64] = []

    init(table: StructuredScanner.Table) { self.table = table }

    /// A line longer than this is not parsed: it is scanned as text, in bounded memory.
    static let maxLine = 8 << 20
    private var overflow = false

    mutating func consume(_ b: UnsafeBufferPointer<UInt8>, raw: (Int) -> Int64, flush: () throws -> Void) throws {
        var i = 0
        while i < b.count {
            var j = i
            while j < b.count && b[j] != 10 { j += 1 }
            if overflow {
                table.batch.append(UnsafeBufferPointer(rebasing: b[i..<j]))
                if table.batch.isFull { try flush() }
            } else {
                current.append(contentsOf: b[i..<j])
                if currentRaw.isEmpty && j > i { currentRaw.append(raw(i)) }
                if current.count > Self.maxLine {
                    overflow = true
                    if badLines == 0 { firstBadLine = line }
                    badLines += 1
                    table.batch.openCell(column: table.column("(line)"), row: line, rawOffset: currentRaw.first ?? 0)
                    current.withUnsafeBufferPointer { table.batch.append($0) }
                    current.removeAll(keepingCapacity: false)
                    if table.batch.isFull { try flush() }
                }
            }
            if j < b.count {
                if overflow {
                    table.batch.closeCell(); overflow = false; currentRaw.removeAll(); line += 1
                } else {
                    endLine()
                }
                if table.batch.isFull { try flush() }
            }
            i = j + 1
        }
    }

    mutating func finish() {
        if overflow { table.batch.closeCell(); overflow = false } else if !current.isEmpty { endLine() }
    }

    private mutating func endLine() {
        let rawStart = currentRaw.first ?? 0
        let ok = current.withUnsafeBufferPointer { p -> Bool in
            var s = JSONCells(bytes: p, table: table, row: line, rawStart: rawStart)
            return s.parseLine()
        }
        if !ok {
            if badLines == 0 { firstBadLine = line }
            badLines += 1
            table.batch.openCell(column: table.column("(line)"), row: line, rawOffset: rawStart)
            current.withUnsafeBufferPointer { table.batch.append($0) }
            table.batch.closeCell()
        }
        current.removeAll(keepingCapacity: true)
        currentRaw.removeAll(keepingCapacity: true)
        line += 1
    }
}

/// A small JSON reader for one line: emits scalar values as cells, checks the syntax.
struct JSONCells {
    let bytes: UnsafeBufferPointer<UInt8>
    let table: StructuredScanner.Table
    let row: Int64
    let rawStart: Int64
    var i = 0
    var depth = 0
    var path: [String] = []

    init(bytes: UnsafeBufferPointer<UInt8>, table: StructuredScanner.Table, row: Int64, rawStart: Int64) {
        self.bytes = bytes; self.table = table; self.row = row; self.rawStart = rawStart
    }

    mutating func parseLine() -> Bool {
        let mark = table.batch.mark
        skipSpace()
        if i == bytes.count { return true }   // blank line
        let ok = value() && { skipSpace(); return i == bytes.count }()
        if !ok {
            // Undo the cells of a line that turned out not to be JSON.
            table.batch.rollback(to: mark)
        }
        return ok
    }

    mutating func skipSpace() { while i < bytes.count, bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 13 { i += 1 } }

    mutating func value() -> Bool {
        skipSpace()
        guard i < bytes.count, depth < 64 else { return false }
        switch bytes[i] {
        case 123: return object()
        case 91: return array()
        case 34: return string(emit: true)
        default: return scalar()
        }
    }

    var columnName: String { path.isEmpty ? "(value)" : path.joined(separator: ".") }

    mutating func object() -> Bool {
        i += 1; depth += 1
        defer { depth -= 1 }
        skipSpace()
        if i < bytes.count && bytes[i] == 125 { i += 1; return true }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == 34 else { return false }
            var key: [UInt8] = []
            guard readString(into: &key) else { return false }
            skipSpace()
            guard i < bytes.count, bytes[i] == 58 else { return false }
            i += 1
            path.append(String(decoding: key, as: UTF8.self))
            let ok = value()
            path.removeLast()
            guard ok else { return false }
            skipSpace()
            guard i < bytes.count else { return false }
            if bytes[i] == 44 { i += 1; continue }
            if bytes[i] == 125 { i += 1; return true }
            return false
        }
    }

    mutating func array() -> Bool {
        i += 1; depth += 1
        defer { depth -= 1 }
        skipSpace()
        if i < bytes.count && bytes[i] == 93 { i += 1; return true }
        path.append((path.popLast() ?? "") + "[]")
        defer { let p = path.removeLast(); path.append(String(p.dropLast(2))) }
        while true {
            guard value() else { return false }
            skipSpace()
            guard i < bytes.count else { return false }
            if bytes[i] == 44 { i += 1; continue }
            if bytes[i] == 93 { i += 1; return true }
            return false
        }
    }

    mutating func string(emit: Bool) -> Bool {
        let start = i + 1
        table.batch.openCell(column: table.column(columnName), row: row, rawOffset: rawStart + Int64(start))
        var scratch: [UInt8] = []
        let ok = readString(into: &scratch)
        scratch.withUnsafeBufferPointer { table.batch.append($0) }
        table.batch.closeCell()
        return ok
    }

    /// Reads a string at `i` (on its opening quote), decoding escapes.
    mutating func readString(into out: inout [UInt8]) -> Bool {
        i += 1
        while i < bytes.count {
            let c = bytes[i]
            if c == 34 { i += 1; return true }
            if c == 92 {
                guard i + 1 < bytes.count else { return false }
                let e = bytes[i + 1]
                i += 2
                switch e {
                case 110: out.append(10)
                case 116: out.append(9)
                case 114: out.append(13)
                case 98, 102: out.append(32)
                case 117:
                    guard var v = hex4() else { return false }
                    if (0xD800...0xDBFF).contains(v), i + 1 < bytes.count, bytes[i] == 92, bytes[i + 1] == 117 {
                        i += 2
                        guard let lo = hex4(), (0xDC00...0xDFFF).contains(lo) else { return false }
                        v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                    }
                    out.append(contentsOf: Array(String(UnicodeScalar(v).map(Character.init) ?? "\u{FFFD}").utf8))
                default: out.append(e)
                }
                continue
            }
            out.append(c)
            i += 1
        }
        return false
    }

    mutating func hex4() -> UInt32? {
        guard i + 4 <= bytes.count else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = bytes[i + k]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: return nil
            }
            v = v << 4 | d
        }
        i += 4
        return v
    }

    mutating func scalar() -> Bool {
        let s = i
        while i < bytes.count, ![44, 93, 125, 32, 9, 13].contains(bytes[i]) { i += 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[s..<i]), as: UTF8.self)
        if text == "true" || text == "false" || text == "null" { return true }
        guard !text.isEmpty, Double(text) != nil else { return false }
        // Numbers: long ones are identifiers (phones, card numbers written as JSON numbers).
        table.batch.openCell(column: table.column(columnName), row: row, rawOffset: rawStart + Int64(s))
        table.batch.append(UnsafeBufferPointer(rebasing: bytes[s..<i]))
        table.batch.closeCell()
        return true
    }
}

/// Reads every table of an SQLite database, read-only and immutable (the evidence is never
/// touched: no journal, no WAL, no locks).
enum SQLiteTables {
    struct SQLiteError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    static func read(path: String, done: (StructuredScanner.Table) throws -> Void,
                     newTable: (String) -> StructuredScanner.Table, flush: (StructuredScanner.Table) throws -> Void) throws {
        var db: OpaquePointer?
        let escaped = path.replacing("%", with: "%25").replacing("?", with: "%3f").replacing("#", with: "%23")
        let rc = sqlite3_open_v2("file:" + escaped + "?immutable=1", &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nil)
        defer { sqlite3_close(db) }
        guard rc == SQLITE_OK, let db else { throw SQLiteError(message: "cannot open the SQLite database: \(message(db))") }
        var tables: [String] = []
        try query(db, "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name") { stmt in
            if let t = sqlite3_column_text(stmt, 0) { tables.append(String(cString: t)) }
        }
        for name in tables {
            let table = newTable(name)
            var columns: [Int] = []
            var row: Int64 = 0
            let quoted = "\"" + name.replacing("\"", with: "\"\"") + "\""
            try query(db, "SELECT * FROM \(quoted)") { stmt in
                if columns.isEmpty {
                    for c in 0..<sqlite3_column_count(stmt) {
                        columns.append(table.column(sqlite3_column_name(stmt, c).map { String(cString: $0) } ?? "column\(c + 1)"))
                    }
                }
                row += 1
                for (c, col) in columns.enumerated() {
                    let type = sqlite3_column_type(stmt, Int32(c))
                    guard type == SQLITE_TEXT || type == SQLITE_INTEGER || type == SQLITE_BLOB else { continue }
                    guard let p = sqlite3_column_text(stmt, Int32(c)) else { continue }
                    let n = Int(sqlite3_column_bytes(stmt, Int32(c)))
                    table.batch.openCell(column: col, row: row, rawOffset: -1)
                    table.batch.append(UnsafeBufferPointer(start: p, count: min(n, 16 << 20)))
                    table.batch.closeCell()
                }
                if table.batch.isFull { try flush(table) }
            }
            try done(table)
        }
    }

    private static func message(_ db: OpaquePointer?) -> String {
        db.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "unknown error"
    }

    private static func query(_ db: OpaquePointer, _ sql: String, _ row: (OpaquePointer) throws -> Void) throws {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
            throw SQLiteError(message: "not a readable SQLite database: \(message(db))")
        }
        defer { sqlite3_finalize(stmt) }
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_ROW { try row(stmt); continue }
            if rc == SQLITE_DONE { return }
            throw SQLiteError(message: "not a readable SQLite database: \(message(db))")
        }
    }
}
