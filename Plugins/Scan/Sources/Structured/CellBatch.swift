import DSToolKit
import FoundationEssentials
import Glibc

/// Cells of a table (CSV, JSONL, SQLite) gathered into one buffer, one cell per line, so that a
/// single Hyperscan pass covers thousands of cells; hits are mapped back to cells by offset.
final class CellBatch {
    struct Cell {
        var start: Int32
        var end: Int32
        var column: Int32
        /// The CellMemo slot whose first cell this is (its hits are taken at the tally), or -1.
        var memo: Int32 = -1
        var row: Int64
        var rawOffset: Int64
        /// 1-based line of the cell's first byte; 0 when not known (CSV, SQLite).
        var line: Int64 = 0
        /// A plain cell's place among the others: how many cells of `cells` came before it.
        var order: Int32 = 0
    }
    /// Where batch byte `pos` (and the bytes after it, `stride` raw bytes each) came from: a
    /// parser adds one after each escape that changed the length, each raw newline inside a
    /// cell, and at hex-encoded values, so a hit's offset and line stay exact.
    struct Anchor {
        var pos: Int32
        var stride: Int32
        var raw: Int64
        var line: Int64
    }
    static let capacity = 1 << 20
    /// Longer cells are cut into pieces of this size (bounded memory for a 2 GB field).
    static let maxCell = 256 << 10

    /// The mutable state, behind a pointer: parsers touch it for every cell, and stored
    /// properties of a class would pay a dynamic exclusivity check on each access.
    struct State {
        var bytes: TrivialBuffer<UInt8>
        var cells: TrivialBuffer<Cell>
        var openStart = -1
        var openColumn: Int32 = 0
        var openRow: Int64 = 0
        var openRaw: Int64 = 0
        var openLine: Int64 = 0
        var anchors: TrivialBuffer<Anchor>
        /// Plain number cells (see PlainCell), classified as they come and kept apart from
        /// `bytes`: those that are personal data (start and end index `plainBytes`), and the
        /// column of each of the others (only counted).
        var plainHits: TrivialBuffer<PlainHit>
        var plainBytes: TrivialBuffer<UInt8>
        var plainOthers: TrivialBuffer<Int32>
        /// Every plain cell that is personal data, in order: what the tally adds up. Only those
        /// with `hasRecord` have a `plainHits` entry (and bytes), in the same order.
        var plainCounts: TrivialBuffer<PlainCount>
        /// Columns that `kindsCounted` has bits for (0..<kindsCountedColumns).
        var kindsCountedColumns = 0
        /// Cells counted from the memo (not in `bytes`), in order; and the `cells` that are the
        /// first of their value (their hits go to the memo at the tally).
        var memoCells: TrivialBuffer<MemoCell>
        var memoFirsts: TrivialBuffer<Int32>
        /// The bytes plain cells would have taken in `bytes`: batches end where they did when
        /// every cell went there (what is reported per value comes batch by batch).
        var plainSize = 0
        /// Cells only counted (no list entry), and the columns `cellsPerColumn` has counts for
        /// (0..<countedColumns).
        var countedCells = 0
        var countedColumns = 0

        /// Empty buffers, sized once for a whole batch (with a classifier, for its plain cells too).
        init(plainCells: Bool) {
            bytes = TrivialBuffer(capacity: CellBatch.capacity + CellBatch.maxCell + 1)
            cells = TrivialBuffer(capacity: CellBatch.capacity / 16)
            anchors = TrivialBuffer(capacity: 16)
            plainHits = TrivialBuffer(capacity: plainCells ? CellBatch.capacity / 8 : 1)
            plainBytes = TrivialBuffer(capacity: plainCells ? CellBatch.capacity + 1 : 1)
            plainOthers = TrivialBuffer(capacity: plainCells ? CellBatch.capacity / 4 : 1)
            plainCounts = TrivialBuffer(capacity: plainCells ? CellBatch.capacity / 8 : 1)
            memoCells = TrivialBuffer(capacity: plainCells ? CellBatch.capacity / 8 : 1)
            memoFirsts = TrivialBuffer(capacity: 16)
        }

        func deallocate() {
            bytes.deallocate(); cells.deallocate(); anchors.deallocate()
            plainHits.deallocate(); plainBytes.deallocate(); plainOthers.deallocate(); plainCounts.deallocate()
            memoCells.deallocate(); memoFirsts.deallocate()
        }
    }
    private let s: UnsafeMutablePointer<State>
    /// Classifies plain number cells, which then stay out of the Hyperscan buffer; nil: every
    /// cell goes into it.
    let plainCells: PlainCellClassifier?
    /// plainCells.digitRunsOnly, read per cell without retaining the classifier.
    private let digitRunsOnly: Bool
    /// Per column, the batch's cells (searched, plain, and those `addCell` only counts: plain
    /// numbers that are nothing, cells that cannot hold a value), counted as they are added, so
    /// the tally need not walk the cell lists for the columns' value counts. (A rollback takes
    /// its cells off again; `addCell`'s counted-only cells are never rolled back.)
    private let countedOnly: UnsafeMutablePointer<Int64>
    /// Where a parser that counts cells itself adds them up (then `addCounted`).
    var countedOnlyStorage: UnsafeMutablePointer<Int64> { countedOnly }
    private static let countedOnlyCapacity = StructuredScanner.Table.maxColumns + 1
    /// A plain hit of at least this confidence whose column already has a hit of its kind in
    /// the batch (of at least this confidence too) gets no record: the tally only adds it up.
    /// The tally's confidence floor (every such hit counts: a column name only raises
    /// confidence), or infinity when every hit needs its record (values reported one by one).
    let recordlessFrom: Double
    /// Per column, bit `kind.ordinal` set once a plain hit of that kind of at least
    /// `recordlessFrom` was added to the batch (the first, with a record, sets the column's
    /// sample when it is the table's first).
    private let kindsCounted: UnsafeMutablePointer<UInt32>

    /// Hits of short cells without digits by their bytes (the CSV cell sorter's; nil: every
    /// such cell is searched).
    let memo: CellMemo?

    /// `recordlessFrom`: see the property (the default keeps a record of every plain hit).
    init(plainCells: PlainCellClassifier? = nil, recordlessFrom: Double = .infinity, memo: CellMemo? = nil) {
        self.plainCells = plainCells
        self.recordlessFrom = recordlessFrom
        self.memo = plainCells == nil ? nil : memo
        precondition(PIIKind.count <= 32, "kindsCounted has 32 bits per column")
        digitRunsOnly = plainCells?.digitRunsOnly ?? false
        countedOnly = .allocate(capacity: Self.countedOnlyCapacity)
        countedOnly.initialize(repeating: 0, count: Self.countedOnlyCapacity)
        kindsCounted = .allocate(capacity: Self.countedOnlyCapacity)
        kindsCounted.initialize(repeating: 0, count: Self.countedOnlyCapacity)
        s = UnsafeMutablePointer<State>.allocate(capacity: 1)
        s.initialize(to: State(plainCells: plainCells != nil))
    }
    /// Takes `other`'s cells (for a scan on another thread), leaving `other` with new buffers
    /// that hold only its open cell, as `reset()` leaves it.
    init(takingCellsOf other: CellBatch) {
        plainCells = other.plainCells
        recordlessFrom = other.recordlessFrom
        memo = other.memo
        digitRunsOnly = other.digitRunsOnly
        // Only the parser's batch adds plain cells: this one's bits stay clear.
        kindsCounted = .allocate(capacity: Self.countedOnlyCapacity)
        kindsCounted.initialize(repeating: 0, count: Self.countedOnlyCapacity)
        s = UnsafeMutablePointer<State>.allocate(capacity: 1)
        s.initialize(to: other.s.pointee)
        countedOnly = .allocate(capacity: Self.countedOnlyCapacity)
        countedOnly.initialize(repeating: 0, count: Self.countedOnlyCapacity)
        countedOnly.update(from: other.countedOnly, count: other.s.pointee.countedColumns)
        // The open cell continues in `other`: its bytes and anchors move to the new buffers.
        let taken = s.pointee
        var fresh = State(plainCells: plainCells != nil)
        fresh.openColumn = taken.openColumn; fresh.openRow = taken.openRow
        fresh.openRaw = taken.openRaw; fresh.openLine = taken.openLine
        if taken.openStart >= 0 {
            let st = taken.openStart
            fresh.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: taken.bytes.buffer[st...]))
            fresh.openStart = 0
            for a in taken.anchors.buffer where Int(a.pos) >= st {
                var moved = a
                moved.pos -= Int32(st)
                fresh.anchors.append(moved)
            }
        }
        other.s.pointee = fresh
        other.countedOnly.update(repeating: 0, count: taken.countedColumns)
        other.kindsCounted.update(repeating: 0, count: taken.kindsCountedColumns)
    }

    deinit {
        countedOnly.deallocate()
        kindsCounted.deallocate()
        s.pointee.deallocate()
        s.deinitialize(count: 1)
        s.deallocate()
    }

    /// The batch's buffers, valid until the next change to the batch.
    var bytes: UnsafeBufferPointer<UInt8> { s.pointee.bytes.buffer }
    var cells: UnsafeBufferPointer<Cell> { s.pointee.cells.buffer }
    var plainBytes: UnsafeBufferPointer<UInt8> { s.pointee.plainBytes.buffer }
    var plainHits: UnsafeBufferPointer<PlainHit> { s.pointee.plainHits.buffer }
    var plainOthers: UnsafeBufferPointer<Int32> { s.pointee.plainOthers.buffer }
    var plainCounts: UnsafeBufferPointer<PlainCount> { s.pointee.plainCounts.buffer }
    var memoCells: UnsafeBufferPointer<MemoCell> { s.pointee.memoCells.buffer }
    var memoFirsts: UnsafeBufferPointer<Int32> { s.pointee.memoFirsts.buffer }
    var isFull: Bool { s.pointee.bytes.count + s.pointee.plainSize >= Self.capacity }
    /// How far the batch is from full.
    var room: Int { Self.capacity - s.pointee.bytes.count - s.pointee.plainSize }
    var hasCells: Bool {
        !s.pointee.cells.isEmpty || !s.pointee.plainCounts.isEmpty || !s.pointee.plainOthers.isEmpty || s.pointee.countedCells > 0
            || !s.pointee.memoCells.isEmpty
    }
    /// The batch's cells per column, for columns 0..<count.
    var cellsPerColumn: UnsafeBufferPointer<Int64> { UnsafeBufferPointer(start: countedOnly, count: s.pointee.countedColumns) }
    var isEmpty: Bool { !hasCells && s.pointee.openStart < 0 }

    /// Starts a cell; bytes are appended with `append` until `closeCell`.
    @inline(__always) func openCell(column: Int, row: Int64, rawOffset: Int64, line: Int64 = 0) {
        s.pointee.openStart = s.pointee.bytes.count
        s.pointee.openColumn = Int32(column); s.pointee.openRow = row; s.pointee.openRaw = rawOffset; s.pointee.openLine = line
    }

    var hasOpenCell: Bool { s.pointee.openStart >= 0 }
    /// Bytes of the open cell so far.
    var openLength: Int { s.pointee.openStart >= 0 ? s.pointee.bytes.count - s.pointee.openStart : 0 }
    /// Byte `i` of the open cell.
    func openByte(_ i: Int) -> UInt8 { s.pointee.bytes[s.pointee.openStart + i] }

    /// The bytes appended from here on start at raw offset `raw` on `line`, `stride` raw bytes each.
    func anchor(raw: Int64, line: Int64, stride: Int = 1) {
        guard s.pointee.openStart >= 0 else { return }
        let pos = Int32(s.pointee.bytes.count)
        if let last = s.pointee.anchors.last, last.pos == pos { s.pointee.anchors.removeLast() }
        s.pointee.anchors.append(Anchor(pos: pos, stride: Int32(stride), raw: raw, line: line))
    }

    /// Raw offset and line of batch byte `pos` in a cell starting at `cellStart` (raw `cellRaw`, `cellLine`).
    private func source(_ pos: Int, cellStart: Int, cellRaw: Int64, cellLine: Int64) -> (raw: Int64, line: Int64) {
        if cellRaw < 0 { return (-1, cellLine) }
        let plain = (cellRaw + Int64(pos - cellStart), cellLine)
        // Most cells have no anchor (no escape, no newline): the common case costs one comparison.
        guard let last = s.pointee.anchors.last, Int(last.pos) >= cellStart else { return plain }
        let anchors = s.pointee.anchors.buffer
        var lo = 0, hi = anchors.count - 1, found = -1
        while lo <= hi {
            let mid = (lo + hi) >> 1
            if Int(anchors[mid].pos) <= pos { found = mid; lo = mid + 1 } else { hi = mid - 1 }
        }
        if found >= 0 && Int(anchors[found].pos) >= cellStart {
            let a = anchors[found]
            return (a.raw + Int64(pos - Int(a.pos)) * Int64(a.stride), a.line)
        }
        return plain
    }

    /// The raw offset the next byte appended to the open cell is taken to have (-1 when no
    /// cell is open).
    var openCellEndRaw: Int64 {
        let st = s.pointee.openStart
        guard st >= 0 else { return -1 }
        return source(s.pointee.bytes.count, cellStart: st, cellRaw: s.pointee.openRaw, cellLine: s.pointee.openLine).raw
    }

    /// Raw offset and line of batch byte `pos` inside `cell`.
    func source(of cell: Cell, at pos: Int) -> (raw: Int64, line: Int64) {
        source(pos, cellStart: Int(cell.start), cellRaw: cell.rawOffset, cellLine: cell.line)
    }

    /// Drops the open cell (a NULL, a keyword, an introducer such as `_binary`).
    func discardOpenCell() {
        let st = s.pointee.openStart
        guard st >= 0 else { return }
        s.pointee.bytes.truncate(to: st)
        while let a = s.pointee.anchors.last, Int(a.pos) >= st { s.pointee.anchors.removeLast() }
        s.pointee.openStart = -1
    }

    /// Adds a whole cell with no newline and no escape (an unquoted CSV cell): the same as
    /// openCell, append and closeCell, in one step.
    @inline(__always) func addCell(_ p: UnsafeBufferPointer<UInt8>, column: Int, row: Int64, rawOffset: Int64) {
        var a = 0, e = p.count
        while a < e && (p[a] == 32 || p[a] == 9 || p[a] == 13) { a += 1 }
        while e > a && (p[e - 1] == 32 || p[e - 1] == 9 || p[e - 1] == 13) { e -= 1 }
        guard e > a else { return }
        let cell = UnsafeBufferPointer(rebasing: p[a..<e])
        if digitRunsOnly && e - a < PlainCellClassifier.shortestValue {
            // Too short for a plain value (classify) and for a digit run in a cell that is not
            // all digits: what the two tests below would conclude, without running them.
            countValue(column: column, length: e - a)
        } else if plainCells != nil && PlainCell.isPlain(cell.baseAddress!, e - a) {
            addPlainCell(cell, column: column, row: row, rawOffset: rawOffset + Int64(a))
        } else if digitRunsOnly && !PlainCell.hasDigitRun(cell.baseAddress!, e - a) {
            countValue(column: column, length: e - a)
        } else {
            addSearchedCell(cell, column: column, row: row, rawOffset: rawOffset + Int64(a))
        }
    }

    /// Adds a trimmed plain cell (PlainCell.isPlain) of a batch with a classifier: its hit, if it
    /// is personal data, or its count.
    @inline(__always) func addPlainCell(_ p: UnsafeBufferPointer<UInt8>, column: Int, row: Int64, rawOffset: Int64) {
        if !addPlainCell(p, column: Int32(column), row: row, rawOffset: rawOffset, line: 0) {
            s.pointee.countedCells += 1
        }
        countColumn(column)
        s.pointee.plainSize += p.count + 1
    }

    /// Accounts for cells a parser counted in `countedOnlyStorage` (columns: one past the highest
    /// it counted in; cells: those it only counted), and the batch bytes they would have taken.
    @inline(__always) func addCounted(cells: Int, size: Int, columns: Int) {
        s.pointee.countedCells += cells
        s.pointee.plainSize += size
        if columns > s.pointee.countedColumns { s.pointee.countedColumns = columns }
    }

    /// Counts a trimmed cell that can hold no value (a digit-run-only batch, no run in the cell).
    @inline(__always) func countValue(column: Int, length: Int) {
        countOnly(column)
        s.pointee.plainSize += length + 1
    }

    /// Adds a trimmed cell with no newline to the bytes Hyperscan searches.
    @inline(__always) func addSearchedCell(_ p: UnsafeBufferPointer<UInt8>, column: Int, row: Int64, rawOffset: Int64) {
        addSearchedCellUncounted(p, column: column, row: row, rawOffset: rawOffset)
        countColumn(column)
    }

    /// addSearchedCell for a parser that counts the cell's column itself (`countedOnlyStorage`);
    /// `memo`: the CellMemo slot it is the first cell of, or -1.
    @inline(__always) func addSearchedCellUncounted(_ p: UnsafeBufferPointer<UInt8>, column: Int, row: Int64, rawOffset: Int64,
                                                    memo: Int32 = -1) {
        let start = s.pointee.bytes.count
        if memo >= 0 { s.pointee.memoFirsts.append(Int32(s.pointee.cells.count)) }
        s.pointee.cells.append(Cell(start: Int32(start), end: Int32(start + p.count), column: Int32(column), memo: memo, row: row,
                                    rawOffset: rawOffset, line: 0))
        s.pointee.bytes.appendCell(p)
        s.pointee.bytes.append(10)
    }

    /// Adds a cell counted from the memo's result `result` (its column counted by the parser, as
    /// for addSearchedCellUncounted, and its batch bytes, its length + 1, added up by the parser
    /// and handed over with addCounted's `size`).
    @inline(__always) func addMemoCellUncountedUnsized(column: Int, row: Int64, result: Int32) {
        s.pointee.memoCells.append(MemoCell(order: Int32(s.pointee.cells.count), column: Int32(column), result: result, row: row))
    }

    /// Adds a plain cell that is personal data to the plain hits; false when it is nothing.
    @inline(__always) private func addPlainCell(_ p: UnsafeBufferPointer<UInt8>, column: Int32, row: Int64, rawOffset: Int64, line: Int64) -> Bool {
        guard let v = plainCells!.classify(p, .shared) else { return false }
        if isRecordless(kind: v.kind, confidence: v.confidence, column: Int(column)) {
            addRecordlessHits(column: Int(column), kind: v.kind, confidence: v.confidence, repeats: 1)
        } else {
            addPlainHit(v, p, column: column, row: row, rawOffset: rawOffset, line: line)
        }
        return true
    }

    /// Whether a plain hit is only counted, without a record: most hits of a column are of the
    /// kind its first hit in the batch was (that one has the record, for the column's sample).
    @inline(__always) func isRecordless(kind: PIIKind, confidence: Double, column: Int) -> Bool {
        confidence >= recordlessFrom && kindsCounted[column] & (1 &<< UInt32(kind.ordinal)) != 0
    }

    /// Adds `repeats` plain hits without a record (isRecordless) of one column, kind and
    /// confidence that are the column's hits one after another, all before the next general cell.
    @inline(__always) func addRecordlessHits(column: Int, kind: PIIKind, confidence: Double, repeats: Int32) {
        s.pointee.plainCounts.append(PlainCount(confidence: confidence, order: Int32(truncatingIfNeeded: s.pointee.cells.count), repeats: repeats,
                                                column: UInt16(truncatingIfNeeded: column), kind: kind, hasRecord: false))
    }

    /// Adds the plain hit `v` of cell `p` that is not recordless: counted with a record (its bytes
    /// and place kept), which is the column's first of its kind when its confidence is high enough.
    @inline(never) func addPlainHit(_ v: (kind: PIIKind, confidence: Double), _ p: UnsafeBufferPointer<UInt8>, column: Int32, row: Int64,
                                    rawOffset: Int64, line: Int64) {
        let order = Int32(s.pointee.cells.count)
        if v.confidence >= recordlessFrom {
            kindsCounted[Int(column)] |= 1 &<< UInt32(v.kind.ordinal)
            if Int(column) >= s.pointee.kindsCountedColumns { s.pointee.kindsCountedColumns = Int(column) + 1 }
        }
        s.pointee.plainCounts.append(PlainCount(confidence: v.confidence, order: order, repeats: 1, column: UInt16(column), kind: v.kind,
                                                hasRecord: true))
        let start = s.pointee.plainBytes.count
        let cell = Cell(start: Int32(start), end: Int32(start + p.count), column: column, row: row,
                        rawOffset: rawOffset, line: line, order: order)
        s.pointee.plainHits.append(PlainHit(cell: cell, kind: v.kind, confidence: v.confidence))
        s.pointee.plainBytes.appendCell(p)
    }

    @inline(__always) private func countOnly(_ column: Int) {
        countColumn(column)
        s.pointee.countedCells += 1
    }

    @inline(__always) private func countColumn(_ column: Int) {
        countedOnly[column] += 1
        if column >= s.pointee.countedColumns { s.pointee.countedColumns = column + 1 }
    }

    @inline(__always) func append(_ c: UInt8) {
        withUnsafeBytes(of: c) { append($0.bindMemory(to: UInt8.self)) }
    }

    /// Appends bytes of the open cell. `newlineFree`: the caller knows there is no newline in
    /// them (an unquoted CSV cell), so they are not searched for one.
    func append(_ p: UnsafeBufferPointer<UInt8>, newlineFree: Bool = false) {
        if newlineFree && p.count <= Self.maxCell - (s.pointee.bytes.count - s.pointee.openStart) - 1 {
            s.pointee.bytes.appendCell(p)
            return
        }
        var rest = p
        while !rest.isEmpty {
            let room = Self.maxCell - (s.pointee.bytes.count - s.pointee.openStart)
            let n = min(room, rest.count)
            let from = s.pointee.bytes.count
            s.pointee.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: rest[0..<n]))
            // One cell per line in the batch: a newline inside a cell becomes a space.
            do {
                let b = s.pointee.bytes.base, count = s.pointee.bytes.count
                var i = from
                while i < count {
                    guard let q = memchr(b + i, 10, count - i) else { break }
                    let at = UnsafeMutableRawPointer(q).assumingMemoryBound(to: UInt8.self) - b
                    b[at] = 32
                    i = at + 1
                }
            }
            rest = UnsafeBufferPointer(rebasing: rest[n...])
            if s.pointee.bytes.count - s.pointee.openStart >= Self.maxCell { splitOpenCell() }
        }
    }

    private func splitOpenCell() {
        let st = s.pointee.openStart
        let end = source(s.pointee.bytes.count, cellStart: st, cellRaw: s.pointee.openRaw, cellLine: s.pointee.openLine)
        let stride = s.pointee.anchors.last.map { Int($0.pos) >= st ? Int($0.stride) : 1 } ?? 1
        closeCell()
        openCell(column: Int(s.pointee.openColumn), row: s.pointee.openRow, rawOffset: end.raw, line: end.line)
        if stride != 1 { anchor(raw: end.raw, line: end.line, stride: stride) }
    }

    func closeCell() {
        let st = s.pointee.openStart
        guard st >= 0 else { return }
        // Trim surrounding spaces: whole-cell values compare cleanly.
        let (cs, ce): (Int, Int) = { (b: UnsafeBufferPointer<UInt8>) in
            var a = st, e = b.count
            while a < e && (b[a] == 32 || b[a] == 9 || b[a] == 13) { a += 1 }
            while e > a && (b[e - 1] == 32 || b[e - 1] == 9 || b[e - 1] == 13) { e -= 1 }
            return (a, e)
        }(s.pointee.bytes.buffer)
        // A plain cell without anchors (no escape, no newline, no hex) moves to the plain cells.
        if ce > cs && plainCells != nil && (s.pointee.anchors.last.map { Int($0.pos) < st } ?? true)
            && PlainCell.isPlain(s.pointee.bytes.base + cs, ce - cs) {
            let raw = s.pointee.openRaw < 0 ? -1 : s.pointee.openRaw + Int64(cs - st)
            let line = s.pointee.openLine
            let hit = addPlainCell(UnsafeBufferPointer(start: s.pointee.bytes.base + cs, count: ce - cs), column: s.pointee.openColumn,
                                   row: s.pointee.openRow, rawOffset: raw, line: line)
            if !hit { s.pointee.plainOthers.append(s.pointee.openColumn) }
            countColumn(Int(s.pointee.openColumn))
            // Spaces around the value stayed in `bytes`, with the newline.
            s.pointee.plainSize += s.pointee.bytes.count - st + 1
            s.pointee.bytes.truncate(to: st)
            s.pointee.openStart = -1
            return
        }
        if ce > cs {
            let at = source(cs, cellStart: st, cellRaw: s.pointee.openRaw, cellLine: s.pointee.openLine)
            s.pointee.cells.append(Cell(start: Int32(cs), end: Int32(ce), column: s.pointee.openColumn, row: s.pointee.openRow,
                                        rawOffset: at.raw, line: at.line))
            s.pointee.bytes.append(10)
            countColumn(Int(s.pointee.openColumn))
        } else {
            s.pointee.bytes.truncate(to: st)
            while let a = s.pointee.anchors.last, Int(a.pos) >= st { s.pointee.anchors.removeLast() }
        }
        s.pointee.openStart = -1
    }

    /// Empties the batch after a scan, keeping a cell still being read (it continues in the next batch).
    func reset() {
        s.pointee.cells.removeAll()
        s.pointee.plainHits.removeAll()
        s.pointee.plainBytes.removeAll()
        s.pointee.plainOthers.removeAll()
        s.pointee.plainCounts.removeAll()
        s.pointee.memoCells.removeAll()
        s.pointee.memoFirsts.removeAll()
        s.pointee.plainSize = 0
        kindsCounted.update(repeating: 0, count: s.pointee.kindsCountedColumns)
        s.pointee.kindsCountedColumns = 0
        countedOnly.update(repeating: 0, count: s.pointee.countedColumns)
        s.pointee.countedColumns = 0
        s.pointee.countedCells = 0
        let st = s.pointee.openStart
        if st >= 0 {
            s.pointee.bytes.keepTail(from: st)
            s.pointee.openStart = 0
            var kept = 0
            for k in 0..<s.pointee.anchors.count where Int(s.pointee.anchors[k].pos) >= st {
                var a = s.pointee.anchors[k]
                a.pos -= Int32(st)
                s.pointee.anchors[kept] = a
                kept += 1
            }
            s.pointee.anchors.truncate(to: kept)
        } else {
            s.pointee.bytes.removeAll()
            s.pointee.anchors.removeAll()
        }
    }

    /// A point to come back to (a JSON line that turns out not to be JSON).
    struct Mark {
        var cells: Int; var bytes: Int; var plainHits: Int; var plainBytes: Int; var plainOthers: Int; var plainSize: Int; var plainCounts: Int
        var memoCells: Int; var memoFirsts: Int
    }
    var mark: Mark {
        Mark(cells: s.pointee.cells.count, bytes: s.pointee.bytes.count, plainHits: s.pointee.plainHits.count,
             plainBytes: s.pointee.plainBytes.count, plainOthers: s.pointee.plainOthers.count, plainSize: s.pointee.plainSize,
             plainCounts: s.pointee.plainCounts.count, memoCells: s.pointee.memoCells.count, memoFirsts: s.pointee.memoFirsts.count)
    }
    func rollback(to m: Mark) {
        for c in s.pointee.cells.buffer[m.cells...] { countedOnly[Int(c.column)] -= 1 }
        for h in s.pointee.plainCounts.buffer[m.plainCounts...] { countedOnly[Int(h.column)] -= Int64(h.repeats) }
        for h in s.pointee.memoCells.buffer[m.memoCells...] { countedOnly[Int(h.column)] -= 1 }
        s.pointee.memoCells.truncate(to: m.memoCells)
        s.pointee.memoFirsts.truncate(to: m.memoFirsts)
        if s.pointee.plainCounts.count > m.plainCounts {
            // A kind whose first hit is taken off gets a record for its next hit again.
            kindsCounted.update(repeating: 0, count: s.pointee.kindsCountedColumns)
            s.pointee.kindsCountedColumns = 0
            s.pointee.plainCounts.truncate(to: m.plainCounts)
        }
        for c in s.pointee.plainOthers.buffer[m.plainOthers...] { countedOnly[Int(c)] -= 1 }
        s.pointee.cells.truncate(to: m.cells)
        s.pointee.bytes.truncate(to: m.bytes)
        s.pointee.plainHits.truncate(to: m.plainHits)
        s.pointee.plainBytes.truncate(to: m.plainBytes)
        s.pointee.plainOthers.truncate(to: m.plainOthers)
        s.pointee.plainSize = m.plainSize
        while let a = s.pointee.anchors.last, Int(a.pos) >= m.bytes { s.pointee.anchors.removeLast() }
        s.pointee.openStart = -1
    }

    /// The cell containing byte `offset` (cells are in offset order).
    func cellIndex(at offset: Int) -> Int? {
        let cells = s.pointee.cells.buffer
        var lo = 0, hi = cells.count - 1
        while lo <= hi {
            let mid = (lo + hi) >> 1
            let c = cells[mid]
            if offset < Int(c.start) { hi = mid - 1 } else if offset >= Int(c.end) { lo = mid + 1 } else { return mid }
        }
        return nil
    }
}

/// What is known about one column after the scan.
struct ColumnStats {
    var name: String
    /// Per PIIKind.ordinal: the column's name is a context word for that kind.
    let nameMatches: [Bool]
    var values: Int64 = 0
    /// Indexed by PIIKind.ordinal.
    var kindCounts = [Int64](repeating: 0, count: PIIKind.count)
    var confidenceSums = [Double](repeating: 0, count: PIIKind.count)
    var samples: [PIIKind: String] = [:]
    var firstRow: [PIIKind: Int64] = [:]
    var kinds: [PIIKind: Int64] {
        var d: [PIIKind: Int64] = [:]
        for k in PIIKind.allCases where kindCounts[k.ordinal] > 0 { d[k] = kindCounts[k.ordinal] }
        return d
    }
    var secrets: [Int: Int64] = [:]
    var secretSamples: [Int: String] = [:]
    var secretFirstRow: [Int: Int64] = [:]
    init(name: String) {
        self.name = name
        let lower = name.lowercased()
        nameMatches = PIIKind.allCases.map { PIIContext.columnMatches($0, lower) }
    }
}
