import CDSToolSQLite
import DSToolKit
import FoundationEssentials

/// Tables (SQLite databases, CSV/TSV and JSON-lines files) are reported per column — "users.id_no:
/// 9,812 of 10,000 values are 居民身份证号" — instead of one finding per value; `--per-value`
/// also lists every value.
final class StructuredScanner {
    enum Kind: Equatable {
        case sqlite, delimited(UInt8), jsonLines, sqlDump(SQLDialect)

        /// Items of these kinds may be scanned whole on a worker thread, their windows handed over
        /// by the reader: they report column summaries only. (SQLite needs the file itself; a SQL
        /// dump reports the values of its text one by one, which would be held until its turn.)
        var runsOnWorker: Bool {
            switch self {
            case .delimited, .jsonLines: return true
            case .sqlite, .sqlDump: return false
            }
        }
    }

    let rules: CompiledRuleSet
    let options: ScanOptions
    private var scanner: WindowScanner?
    private var hitBuffer: [ScanHit] = []
    /// Classifies plain number cells apart from the Hyperscan pass; nil when some rule could
    /// match inside such a cell (then every cell is scanned).
    let plainCells: PlainCellClassifier?
    /// Hits of short cells without digits by value (CSV; not when every value is reported).
    let memo: CellMemo?

    /// With more than one job: scans batches on a second thread while this one parses.
    private var background: BackgroundBatchScanner?
    private var pending: (Table, BackgroundBatchScanner.Job)?

    init(rules: CompiledRuleSet, options: ScanOptions) {
        self.rules = rules
        self.options = options
        plainCells = Self.plainCellClassifier(rules)
        memo = plainCells == nil || options.perValue ? nil : CellMemo(rules: rules)
    }

    /// A classifier for plain number cells, when no pattern of the rule set (personal data or
    /// secret) can match inside one, so that leaving them out of the Hyperscan pass loses nothing.
    static func plainCellClassifier(_ rules: CompiledRuleSet) -> PlainCellClassifier? {
        for p in rules.piiPatterns where !p.expression.isEmpty {
            if PatternAlphabet.mayMatch(p.expression, flags: p.flags, within: PlainCell.alphabet) { return nil }
        }
        for r in rules.secretRules where PatternAlphabet.mayMatch(r.pattern, within: PlainCell.alphabet) { return nil }
        let digitRunsOnly = rules.secretRules.isEmpty && !rules.piiPatterns.isEmpty && rules.piiPatterns.allSatisfy {
            if case .digitRun = $0.extent { return true } else { return false }
        }
        return PlainCellClassifier(piiPatterns: rules.piiPatterns, digitRunsOnly: digitRunsOnly, decimalsHoldNothing: decimalsHoldNothing(rules))
    }

    /// Whether a cell of digits with one decimal point and no run of seven digits (an amount, a
    /// price) holds no value under these rules, so that it is only counted: a cell's hits depend
    /// on its own bytes (CellMemo.isExact), every pattern that can match digits and points needs
    /// two points or more, and the searches over bytes need more than such a cell has (seven
    /// digits in a row, four digits before a space or dash, an @).
    static func decimalsHoldNothing(_ rules: CompiledRuleSet) -> Bool {
        guard CellMemo.isExact(rules) else { return false }
        let alphabet = ByteClass("0-9."), point = ByteClass(".")
        for p in rules.piiPatterns {
            if p.expression.isEmpty {
                switch p.extent {
                case .digitRun, .groupedDigits, .emailAddress: continue
                default: return false
                }
            }
            if let fewest = PatternAlphabet.fewest(of: point, in: p.expression, flags: p.flags, within: alphabet), fewest < 2 { return false }
        }
        for r in rules.secretRules {
            if let fewest = PatternAlphabet.fewest(of: point, in: r.pattern, within: alphabet), fewest < 2 { return false }
        }
        return true
    }

    /// A table's batch: plain cells classified apart, and counted without a record when the
    /// tally only adds them up (not when every value is reported).
    private func newBatch() -> CellBatch {
        CellBatch(plainCells: plainCells, recordlessFrom: options.perValue ? .infinity : options.minimumConfidence, memo: memo)
    }

    /// Ends the background thread (if one was started).
    func shutdown() {
        background?.stop()
        background = nil
    }

    static func kind(of item: InputItem) -> Kind? {
        let lower = item.name.lowercased()
        if item.mime.contains("sqlite") || item.magic.hasPrefix("SQLite") { return .sqlite }
        guard item.isText else { return nil }
        if lower.hasSuffix(".csv") || item.mime == "text/csv" { return .delimited(44) }
        if lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") { return .delimited(9) }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonLines }
        return nil
    }

    /// One table being scanned: its columns and the batch of cells waiting for a pass.
    final class Table {
        let name: String
        var columns: [ColumnStats] = []
        let batch: CellBatch
        /// Tables of one SQL dump share a batch (flushed whenever the table changes).
        init(name: String, batch: CellBatch = CellBatch()) { self.name = name; self.batch = batch }
        private var index: [String: Int] = [:]
        /// Columns beyond this many share one entry (a line of a million separators stays small).
        static let maxColumns = 4096
        static let moreColumns = "(more columns)"
        func column(_ name: String) -> Int {
            if let i = index[name] { return i }
            if columns.count >= Self.maxColumns && name != Self.moreColumns { return column(Self.moreColumns) }
            columns.append(ColumnStats(name: name))
            index[name] = columns.count - 1
            return columns.count - 1
        }
    }

    /// Values found, per kind, and secrets found, in the last item scanned (for its summary).
    private(set) var piiCounts: [PIIKind: Int] = [:]
    private(set) var secretCount = 0
    /// The last item had input errors (a SQL statement that does not parse, a truncated dump).
    private(set) var inputFailed = false

    /// Scans one item whose windows come from `next` (each handed back to `release` once parsed);
    /// errors that do not end the item go to `onError` (reason, code).
    func scan(_ ref: ItemRef, kind: Kind, next: () throws -> TextWindow?, release: (TextWindow) -> Void,
              localPath: () throws -> String, onError: (String, String) -> Void, emit: (Finding) -> Void) throws {
        piiCounts = [:]
        secretCount = 0
        inputFailed = false
        if scanner == nil { scanner = try WindowScanner(rules: rules, minimumConfidence: 0) }
        if background == nil && options.jobs > 1 { background = try BackgroundBatchScanner(rules: rules) }
        // A batch left by an item that failed half-way is not counted.
        if let p = pending { background?.wait(p.1); pending = nil }
        func feed(_ body: (UnsafeBufferPointer<UInt8>, (Int) -> Int64, Int64?) throws -> Void) throws {
            try Self.feed(next: next, release: release, body)
        }
        switch kind {
        case .sqlDump(let dialect):
            let batch = newBatch(), text = CellBatch()
            let textTable = Table(name: "", batch: text)
            var parser = SQLDumpParser(dialect: dialect, batch: batch, text: text)
            func flushText() throws { try scanText(textTable, ref: ref, emit: emit) }
            try feed { bytes, raw, _ in
                try parser.consume(bytes, raw: raw, flush: { try self.flush($0, ref: ref, emit: emit, final: false) }, flushText: flushText)
            }
            parser.finish()
            try flushText()
            let tables = parser.output.tables
            if let last = tables.last { try flush(last, ref: ref, emit: emit, final: false) }
            for t in tables { try flush(t, ref: ref, emit: emit, final: true) }
            inputFailed = !parser.output.errors.isEmpty
            for e in parser.output.errors {
                onError("line \(e.line): \(e.message)", "scan.sql")
            }
            if parser.output.moreErrors > 0 {
                onError("\(parser.output.moreErrors) more statement(s) do not parse", "scan.sql")
            }
        case .sqlite:
            let path = try localPath()
            try SQLiteTables.read(path: path) { table in
                try flush(table, ref: ref, emit: emit, final: true)
            } newTable: { name in Table(name: name, batch: newBatch()) } flush: { table in
                try flush(table, ref: ref, emit: emit, final: false)
            }
        case .delimited(let sep):
            let table = Table(name: Self.baseName(ref.name), batch: newBatch())
            var parser = DelimitedParser(separator: sep, table: table)
            try feed { bytes, raw, rawBase in
                try parser.consume(bytes, raw: raw, rawBase: rawBase) { try flush(table, ref: ref, emit: emit, final: false) }
            }
            parser.finish()
            try flush(table, ref: ref, emit: emit, final: true)
        case .jsonLines:
            let table = Table(name: Self.baseName(ref.name), batch: newBatch())
            var parser = JSONLinesParser(table: table)
            try feed { bytes, raw, _ in
                try parser.consume(bytes, raw: raw) { try flush(table, ref: ref, emit: emit, final: false) }
            }
            parser.finish()
            try flush(table, ref: ref, emit: emit, final: true)
            if parser.badLines > 0 {
                onError("\(parser.badLines) line(s) are not valid JSON (first at line \(parser.firstBadLine)); scanned as text", "scan.jsonl")
            }
        }
    }

    static func baseName(_ name: String) -> String {
        let last = name.split(separator: "!").last.map(String.init) ?? name
        return FilePaths.lastComponent(of: last)
    }

    /// Reads the item's text window by window, each byte once (parsers keep their own state, so
    /// the windows' overlap is skipped). `body` gets the raw offset of each byte, and the raw
    /// offset of the first when the others follow it one by one (UTF-8 input: no lookup per cell).
    private static func feed(next: () throws -> TextWindow?, release: (TextWindow) -> Void,
                             _ body: (UnsafeBufferPointer<UInt8>, (Int) -> Int64, Int64?) throws -> Void) throws {
        while let window = try next() {
            let skip = window.isFirst ? 0 : window.overlap
            let count = window.count, base = window.rawBase
            // Raw offsets from locals, not the window's properties (a parser asks once per cell,
            // and each property access of the class would be an exclusivity check).
            try window.bytes.withUnsafeBufferPointer { b in
                let text = UnsafeBufferPointer(rebasing: b[skip..<count])
                if window.offsets.isEmpty {
                    try body(text, { Int64(base) + Int64(skip + $0) }, Int64(base) + Int64(skip))
                } else {
                    try window.offsets.withUnsafeBufferPointer { o in
                        try body(text, { i in
                            let k = skip + i
                            return k < count ? Int64(o[k]) : Int64(count > 0 ? o[count - 1] + 1 : base)
                        }, nil)
                    }
                }
            }
            release(window)
        }
    }

    /// Text of a SQL dump outside its data (comments, DDL, statements that do not parse): every
    /// value found is reported with its line, like text.
    private func scanText(_ table: Table, ref: ItemRef, emit: (Finding) -> Void) throws {
        let batch = table.batch
        defer { batch.reset() }
        guard !batch.cells.isEmpty else { return }
        try finishPending(ref: ref, emit: emit)
        var hits: [ScanHit] = []
        try scanner!.scan(batch.bytes, continuesBefore: false, continuesAfter: false, ownStart: 0, into: &hits)
        hits.sort { $0.valueStart < $1.valueStart }
        for h in hits {
            guard let ci = batch.cellIndex(at: h.valueStart) else { continue }
            let at = batch.source(of: batch.cells[ci], at: h.valueStart)
            let end = batch.source(of: batch.cells[ci], at: h.valueEnd)
            var l = ref.location(line: at.line > 0 ? Int(at.line) : nil, offset: at.raw)
            l.length = Int(end.raw - at.raw)
            let value = String(decoding: batch.bytes[h.valueStart..<h.valueEnd], as: UTF8.self)
            switch h.what {
            case .pii(let kind):
                guard h.confidence >= options.minimumConfidence else { continue }
                piiCounts[kind, default: 0] += 1
                emit(FindingFactory.pii(kind, value: value, confidence: h.confidence, context: h.context, location: l, item: ref, options: options))
            case .secret(let r):
                secretCount += 1
                emit(FindingFactory.secret(rules.secretRules[r], value: value, location: l, item: ref, options: options))
            }
        }
    }

    /// Scans the batched cells, updates the column statistics, and (at the end) reports them.
    func flush(_ table: Table, ref: ItemRef, emit: (Finding) -> Void, final: Bool) throws {
        let batch = table.batch
        if batch.hasCells {
            if let background {
                // The batch is scanned on the background thread while the parser fills the next
                // one; its hits are counted here at the next flush, so counts and findings keep
                // their order.
                let job = background.submit(CellBatch(takingCellsOf: batch))
                try finishPending(ref: ref, emit: emit)
                pending = (table, job)
            } else {
                // One hits array for every batch (grown once, not per batch).
                var hits = hitBuffer
                hitBuffer = []
                hits.removeAll(keepingCapacity: true)
                try scanner!.scan(batch.bytes, continuesBefore: false, continuesAfter: false, ownStart: 0, into: &hits)
                count(hits, in: table, batch: batch, ref: ref, emit: emit)
                hitBuffer = hits
            }
        }
        batch.reset()
        guard final else { return }
        try finishPending(ref: ref, emit: emit)
        for column in table.columns {
            for (k, n) in column.kinds { piiCounts[k, default: 0] += Int(n) }
            secretCount += Int(column.secrets.values.reduce(0, +))
            report(column, table: table, ref: ref, emit: emit)
        }
    }

    /// Counts the batch scanned on the background thread before the last one.
    private func finishPending(ref: ItemRef, emit: (Finding) -> Void) throws {
        guard let p = pending else { return }
        let (table, job) = p
        pending = nil
        background!.wait(job)
        if let error = job.error { throw error }
        count(job.hits, in: table, batch: job.batch, ref: ref, emit: emit)
    }

    /// Maps a batch's hits to its cells, merges in its plain cells' hits (in cell order, where
    /// the full pass would have found them), and updates the column statistics.
    private func count(_ hits: [ScanHit], in table: Table, batch: CellBatch, ref: ItemRef, emit: (Finding) -> Void) {
        // The columns are taken out of the table while the hits are counted (no exclusivity
        // check on a class property per hit) and put back at the end.
        var tally = BatchTally(scanner: self, table: table, batch: batch, ref: ref)
        // Hits read in place (a copy per hit would retain its context string).
        hits.withUnsafeBufferPointer { tally.count($0, emit: emit) }
        tally.resolveMemo()
        tally.countNameColumns(emit: emit)
        tally.finish()
    }

    /// The counting of one batch. A struct whose state the loops reach through `self` (local
    /// variables captured by nested functions would be checked for exclusive access per use).
    private struct BatchTally {
        let scanner: StructuredScanner
        let table: Table
        let batch: CellBatch
        let ref: ItemRef
        /// The batch's buffers (it is not changed while they are counted).
        let cells: UnsafeBufferPointer<CellBatch.Cell>, bytes: UnsafeBufferPointer<UInt8>
        let plainHits: UnsafeBufferPointer<PlainHit>, plainBytes: UnsafeBufferPointer<UInt8>
        let plainCounts: UnsafeBufferPointer<PlainCount>
        let memoCells: UnsafeBufferPointer<MemoCell>
        let memo: CellMemo?
        /// The memo's per-result flags (raw pointers: read per memo cell).
        let memoHasHits: UnsafeMutablePointer<Bool>?, memoIsName: UnsafeMutablePointer<Bool>?
        /// Hits found in the first cells of memoised values (by memo slot), in hit order; and the
        /// slots whose first cell had a secret after all.
        var memoHits: [Int32: [CellMemo.Hit]] = [:]
        var memoExcluded: [Int32] = []
        var columns: [ColumnStats]
        let names: [String]
        let kindCount = PIIKind.count
        /// Per (column, kind) counters in flat arrays for the hit loop (no uniqueness check of
        /// nested arrays per hit), started from the columns' values and written back after it,
        /// so the sums add up in the same order. Raw pointers (freed by finish()): an array
        /// written through `self` is checked for uniqueness on every write.
        let counts: UnsafeMutablePointer<Int64>
        let sums: UnsafeMutablePointer<Double>
        let nameMatches: UnsafeMutablePointer<Bool>
        let minimumConfidence: Double, perValue: Bool
        /// Hits come mostly in offset order: the next one is looked for next to the last cell.
        var cursor = 0
        /// Plain cells' hits counted so far, and how many of them had a record.
        var nextPlain = 0
        var nextRecord = 0
        /// Memo cells counted so far.
        var nextMemo = 0

        init(scanner: StructuredScanner, table: Table, batch: CellBatch, ref: ItemRef) {
            self.scanner = scanner; self.table = table; self.batch = batch; self.ref = ref
            cells = batch.cells; bytes = batch.bytes
            plainHits = batch.plainHits; plainBytes = batch.plainBytes; plainCounts = batch.plainCounts
            memoCells = batch.memoCells; memo = batch.memo
            memoHasHits = memo?.resultHasHits; memoIsName = memo?.resultIsName
            columns = table.columns
            table.columns = []
            names = columns.map(\.name)
            minimumConfidence = scanner.options.minimumConfidence
            perValue = scanner.options.perValue
            var perColumn = [Int64](repeating: 0, count: columns.count)
            for (c, n) in batch.cellsPerColumn.enumerated() { perColumn[c] += n }
            for i in 0..<perColumn.count { columns[i].values += perColumn[i] }
            let slots = max(columns.count * PIIKind.count, 1)
            counts = .allocate(capacity: slots)
            counts.initialize(repeating: 0, count: slots)
            sums = .allocate(capacity: slots)
            sums.initialize(repeating: 0, count: slots)
            nameMatches = .allocate(capacity: slots)
            nameMatches.initialize(repeating: false, count: slots)
            for (i, c) in columns.enumerated() {
                for k in 0..<kindCount {
                    counts[i * kindCount + k] = c.kindCounts[k]
                    sums[i * kindCount + k] = c.confidenceSums[k]
                    nameMatches[i * kindCount + k] = c.nameMatches[k]
                }
            }
        }

        /// Writes the counters back and returns the columns to the table.
        mutating func finish() {
            for i in 0..<columns.count {
                for k in 0..<kindCount {
                    columns[i].kindCounts[k] = counts[i * kindCount + k]
                    columns[i].confidenceSums[k] = sums[i * kindCount + k]
                }
            }
            counts.deallocate(); sums.deallocate(); nameMatches.deallocate()
            table.columns = columns
        }

        mutating func cellIndex(at offset: Int) -> Int? {
            var k = cursor
            if k < cells.count && offset >= Int(cells[k].start) {
                while k < cells.count && offset >= Int(cells[k].end) && k - cursor < 16 { k += 1 }
                if k < cells.count && offset >= Int(cells[k].start) && offset < Int(cells[k].end) { cursor = k; return k }
            }
            guard let found = batch.cellIndex(at: offset) else { return nil }
            cursor = found
            return found
        }

        /// Counts one personal-data value of `cell`; false when its confidence is too low.
        mutating func countPII(_ kind: PIIKind, confidence: Double, cell: CellBatch.Cell, value: () -> String,
                               location: () -> Location, emit: (Finding) -> Void) -> Bool {
            var conf = confidence
            let col = Int(cell.column)
            let slot = col * kindCount + kind.ordinal
            if nameMatches[slot] { conf = min(0.99, conf + PIIContext.boost(kind)) }
            guard conf >= minimumConfidence else { return false }
            if counts[slot] == 0 { columns[col].samples[kind] = value(); columns[col].firstRow[kind] = cell.row }
            counts[slot] += 1
            sums[slot] += conf
            if perValue {
                emit(FindingFactory.pii(kind, value: value(), confidence: conf, context: nil, location: location(),
                                        item: ref, options: scanner.options, extra: ["column_scope": .string(names[col])]))
            }
            return true
        }

        /// Counts the hits of plain cells that come before general cell `upTo`.
        mutating func countPlainCells(before upTo: Int, emit: (Finding) -> Void) {
            // The loop's state in locals: the counters are stored through raw pointers, after
            // which the struct's fields would be loaded again for every cell.
            let (plainCounts, counts, sums, nameMatches) = (plainCounts, counts, sums, nameMatches)
            let (kindCount, perValue, minimumConfidence) = (kindCount, perValue, minimumConfidence)
            var next = nextPlain, records = nextRecord
            defer { nextPlain = next; nextRecord = records }
            while next < plainCounts.count {
                let v = plainCounts[next]
                guard Int(v.order) <= upTo else { return }
                next += 1
                let slot = Int(v.column) &* kindCount &+ v.kind.ordinal
                // Most cells only add to the counters; the value is read for a sample or per value.
                // (A hit without a record comes after one of its column and kind that counted.)
                if !v.hasRecord || (!perValue && counts[slot] > 0) {
                    if v.hasRecord { records += 1 }
                    let conf = nameMatches[slot] ? min(0.99, v.confidence + PIIContext.boost(v.kind)) : v.confidence
                    guard conf >= minimumConfidence else { continue }
                    counts[slot] += Int64(v.repeats)
                    // One by one: the sum is the one the hits' own additions make.
                    var sum = sums[slot]
                    for _ in 0..<v.repeats { sum += conf }
                    sums[slot] = sum
                    continue
                }
                let cell = plainHits[records].cell
                records += 1
                let value = plainBytes[Int(cell.start)..<Int(cell.end)]
                let (scanner, ref, table, name) = (scanner, ref, table, names[Int(cell.column)])
                _ = countPII(v.kind, confidence: v.confidence, cell: cell, value: { String(decoding: value, as: UTF8.self) },
                             location: { scanner.plainCellLocation(ref, table, name, cell) }, emit: emit)
            }
        }
        mutating func count(_ hits: UnsafeBufferPointer<ScanHit>, emit: (Finding) -> Void) {
            // Each cell counts once per kind (or rule).
            var lastCellKind: (Int, Int) = (-1, -1)
            for hi in hits.indices {
                let h = hits.baseAddress! + hi
                guard let ci = cellIndex(at: h.pointee.valueStart) else { continue }
                let cell = cells[ci]
                let col = Int(cell.column)
                let (bytes, scanner, ref, table, batch, name) = (bytes, scanner, ref, table, batch, names[col])
                func value() -> String { String(decoding: bytes[h.pointee.valueStart..<h.pointee.valueEnd], as: UTF8.self) }
                func location() -> Location {
                    scanner.cellLocation(ref, table, batch, name, cell, offsetInCell: h.pointee.valueStart - Int(cell.start),
                                         length: h.pointee.valueEnd - h.pointee.valueStart)
                }
                switch h.pointee.what {
                case .pii(let kind):
                    countPlainCells(before: ci, emit: emit)
                    countMemoCells(before: ci, emit: emit)
                    if cell.memo >= 0 {
                        memoHits[cell.memo, default: []].append(CellMemo.Hit(kind: kind, confidence: h.pointee.confidence,
                                                                              context: h.pointee.context, value: value()))
                    }
                    if lastCellKind == (ci, kind.ordinal) { continue }
                    if countPII(kind, confidence: h.pointee.confidence, cell: cell, value: value, location: location, emit: emit) {
                        lastCellKind = (ci, kind.ordinal)
                    }
                case .secret(let r):
                    guard scanner.isInside(h.pointee, cell, rule: r, bytes) else { continue }
                    if cell.memo >= 0 { memoExcluded.append(cell.memo) }
                    if lastCellKind == (ci, 1000 + r) { continue }
                    lastCellKind = (ci, 1000 + r)
                    columns[col].secrets[r, default: 0] += 1
                    if columns[col].secretSamples[r] == nil {
                        columns[col].secretSamples[r] = value()
                        columns[col].secretFirstRow[r] = cell.row
                    }
                    if perValue {
                        emit(FindingFactory.secret(scanner.rules.secretRules[r], value: value(), location: location(), item: ref,
                                                   options: scanner.options))
                    }
                }
            }
            countPlainCells(before: Int.max, emit: emit)
            countMemoCells(before: Int.max, emit: emit)
        }

        /// Counts the hits of memo cells that come before general cell `upTo`, as the hit loop
        /// above counts those of their value's first cell (one per kind per cell).
        mutating func countMemoCells(before upTo: Int, emit: (Finding) -> Void) {
            while nextMemo < memoCells.count {
                let m = memoCells[nextMemo]
                guard Int(m.order) <= upTo else { return }
                nextMemo += 1
                // Most values (names, cities) have no hit.
                guard memoHasHits![Int(m.result)] else { continue }
                let cell = CellBatch.Cell(start: 0, end: 0, column: m.column, row: m.row, rawOffset: -1)
                var lastKind = -1
                for hit in memo!.results[Int(m.result)].hits {
                    if lastKind == hit.kind.ordinal { continue }
                    let (scanner, ref, table, name) = (scanner, ref, table, names[Int(m.column)])
                    // The location is asked for per value only, when there is no memo.
                    if countPII(hit.kind, confidence: hit.confidence, cell: cell, value: { hit.value },
                                location: { scanner.plainCellLocation(ref, table, name, cell) }, emit: emit) {
                        lastKind = hit.kind.ordinal
                    }
                }
            }
        }

        /// Hands the memo the hits of its values' first cells in this batch.
        mutating func resolveMemo() {
            guard let memo else { return }
            for ci in batch.memoFirsts {
                let cell = cells[Int(ci)]
                memo.resolve(cell.memo, value: UnsafeBufferPointer(rebasing: bytes[Int(cell.start)..<Int(cell.end)]),
                             hits: memoHits[cell.memo] ?? [])
            }
            for slot in memoExcluded { memo.exclude(slot) }
        }

        /// Names are found in free text only after a label; in a column named for names, a cell
        /// that is a plausible Chinese name is one.
        mutating func countNameColumns(emit: (Finding) -> Void) {
            guard scanner.rules.piiKinds.contains(.personName) else { return }
            let nameColumns = (0..<columns.count).filter { columns[$0].nameMatches[PIIKind.personName.ordinal] }
            guard !nameColumns.isEmpty else { return }
            let conf = 0.85
            guard conf >= minimumConfidence else { return }
            do {
                let b = bytes
                for i in nameColumns {
                    let slot = i * kindCount + PIIKind.personName.ordinal
                    // Memo cells are counted in their place among the others (the first name is
                    // the sample): cell ci after the memo cells whose order is at most ci.
                    var m = 0
                    for ci in 0...cells.count {
                        while m < memoCells.count && Int(memoCells[m].order) <= ci {
                            let memoCell = memoCells[m]
                            m += 1
                            guard Int(memoCell.column) == i && memoIsName![Int(memoCell.result)] else { continue }
                            if counts[slot] == 0 {
                                columns[i].samples[.personName] = memo!.results[Int(memoCell.result)].value
                                columns[i].firstRow[.personName] = memoCell.row
                            }
                            counts[slot] += 1
                            sums[slot] += conf
                        }
                        guard ci < cells.count && Int(cells[ci].column) == i else { continue }
                        let cell = cells[ci]
                        let v = UnsafeBufferPointer(rebasing: b[Int(cell.start)..<Int(cell.end)])
                        guard ChineseSurnames.isPlausibleName(v) else { continue }
                        if counts[slot] == 0 { columns[i].samples[.personName] = String(decoding: v, as: UTF8.self); columns[i].firstRow[.personName] = cell.row }
                        counts[slot] += 1
                        sums[slot] += conf
                        if perValue {
                            emit(FindingFactory.pii(.personName, value: String(decoding: v, as: UTF8.self), confidence: conf, context: names[i],
                                                    location: scanner.cellLocation(ref, table, batch, names[i], cell, offsetInCell: 0, length: v.count),
                                                    item: ref, options: scanner.options))
                        }
                    }
                }
            }
        }
    }

    /// A secret counts for a cell when its match, and the keyword that confirmed it, lie inside
    /// the cell: the batch joins cells with newlines, which patterns such as `password\s*:`
    /// would otherwise read across (a value of one column confirmed by a word in another).
    fileprivate func isInside(_ hit: ScanHit, _ cell: CellBatch.Cell, rule r: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(cell.start), end = Int(cell.end)
        guard hit.start >= start && hit.end <= end else { return false }
        let keywords = rules.secretRuntime[r].keywords
        if keywords.isEmpty { return true }
        let from = max(start, hit.start - rules.secretRules[r].keywordWindow)
        return keywords.contains { ByteSearch.containsCaseless(bytes, from, hit.end, $0) }
    }

    /// A plain cell's location: its bytes are the source bytes (no escape, no newline).
    fileprivate func plainCellLocation(_ ref: ItemRef, _ table: Table, _ columnName: String, _ cell: CellBatch.Cell) -> Location {
        var l = ref.location(line: cell.line > 0 ? Int(cell.line) : nil, offset: cell.rawOffset >= 0 ? cell.rawOffset : nil)
        l.table = table.name
        l.columnName = columnName
        l.row = cell.row
        l.length = Int(cell.end - cell.start)
        return l
    }

    fileprivate func cellLocation(_ ref: ItemRef, _ table: Table, _ batch: CellBatch, _ columnName: String, _ cell: CellBatch.Cell, offsetInCell: Int, length: Int) -> Location {
        let at = batch.source(of: cell, at: Int(cell.start) + offsetInCell)
        var l = ref.location(line: at.line > 0 ? Int(at.line) : nil, offset: at.raw >= 0 ? at.raw : nil)
        l.table = table.name
        l.columnName = columnName
        l.row = cell.row
        let end = batch.source(of: cell, at: Int(cell.start) + offsetInCell + length)
        l.length = at.raw >= 0 ? Int(end.raw - at.raw) : length
        return l
    }

    /// One finding per (column, kind) and per (column, secret rule).
    private func report(_ column: ColumnStats, table: Table, ref: ItemRef, emit: (Finding) -> Void) {
        let scope = "\(table.name).\(column.name)"
        for (kind, n) in column.kinds.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }) {
            var l = ref.location()
            l.table = table.name
            l.columnName = column.name
            l.row = column.firstRow[kind]
            let avg = column.confidenceSums[kind.ordinal] / Double(n)
            let msg = LocalizedText(
                en: "\(scope): \(Self.grouped(n)) of \(Self.grouped(column.values)) values are \(kind.title.en)",
                zh: "\(scope)：\(Self.grouped(column.values)) 个值中有 \(Self.grouped(n)) 个为\(kind.title.zh)")
            let sample = column.samples[kind] ?? ""
            var f = FindingFactory.pii(kind, value: sample, confidence: avg, context: nil, location: l, item: ref, options: options,
                                       extra: ["matched": .int(n), "values": .int(column.values),
                                               "ratio": .double((Double(n) / Double(max(column.values, 1)) * 1000).rounded() / 1000),
                                               "scope": .string("column")])
            f.message = msg
            // The finding stands for the whole column, so its level is that of the column's own
            // volume (a column of 2 million ID numbers is important data by itself), not one value's.
            f.dataLevel = options.levelThresholds.estimate([kind: Int(n)]).level
            f.fingerprint = Fingerprint.make(ruleId: kind.ruleId, location: l, evidence: "column")
            emit(f)
        }
        for (r, n) in column.secrets.sorted(by: { $0.key < $1.key }) {
            let rule = rules.secretRules[r]
            var l = ref.location()
            l.table = table.name
            l.columnName = column.name
            l.row = column.secretFirstRow[r]
            var f = FindingFactory.secret(rule, value: column.secretSamples[r] ?? "", location: l, item: ref, options: options)
            f.message = LocalizedText(en: "\(scope): \(Self.grouped(n)) of \(Self.grouped(column.values)) values hold a \(rule.title.en)",
                                      zh: "\(scope)：\(Self.grouped(column.values)) 个值中有 \(Self.grouped(n)) 个含\(rule.title.zh)")
            f.fingerprint = Fingerprint.make(ruleId: rule.ruleId, location: l, evidence: "column")
            if case .object(var p) = f.properties ?? .object([:]) {
                p["matched"] = .int(n); p["values"] = .int(column.values); p["scope"] = .string("column")
                f.properties = .object(p)
            }
            emit(f)
        }
    }

    static func grouped(_ n: Int64) -> String {
        let s = String(n)
        var out = ""
        for (i, ch) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }
}

extension PIIContext {
    /// Whether a column (or field) name, lower-cased, carries a context word for `kind`.
    static func columnMatches(_ kind: PIIKind, _ lowerName: String) -> Bool {
        let name = Array(lowerName.utf8)
        return words(kind).contains { w in
            name.count >= w.count && (0...(name.count - w.count)).contains { name[$0..<($0 + w.count)].elementsEqual(w) }
        }
    }
}

/// One thread with its own scanner that scans cell batches handed over by the parsing thread.
final class BackgroundBatchScanner: @unchecked Sendable {
    final class Job: @unchecked Sendable {
        let batch: CellBatch
        var hits: [ScanHit] = []
        var error: Error?
        var done = false
        init(batch: CellBatch) { self.batch = batch }
    }
    private let condition = ConditionLock()
    private var queue: [Job] = []
    private var stopping = false

    init(rules: CompiledRuleSet) throws {
        let scanner = try WindowScanner(rules: rules, minimumConfidence: 0)
        // The thread holds this object until stop().
        guard DetachedThread.start(stackSize: 1 << 20, { self.run(scanner) }) else {
            throw DSToolError.failed("the system refused a thread for table cells")
        }
    }

    func submit(_ batch: CellBatch) -> Job {
        let job = Job(batch: batch)
        condition.lock()
        queue.append(job)
        condition.broadcast()
        condition.unlock()
        return job
    }

    func wait(_ job: Job) {
        condition.lock()
        while !job.done { condition.wait() }
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func run(_ scanner: WindowScanner) {
        // The last batch's hit count: the next hits array is sized once.
        var lastHits = 0
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty { condition.unlock(); return }
            let job = queue.removeFirst()
            condition.unlock()
            var hits: [ScanHit] = []
            hits.reserveCapacity(lastHits + lastHits / 4)
            do {
                try scanner.scan(job.batch.bytes, continuesBefore: false, continuesAfter: false, ownStart: 0, into: &hits)
            } catch {
                job.error = error
            }
            lastHits = hits.count
            condition.lock()
            job.hits = hits
            job.done = true
            condition.broadcast()
            condition.unlock()
        }
    }
}

/// CSV without a .csv name, recognised from its first lines the way libmagic's is_csv does (the
/// manifest asks the host not to run libmagic on text, which cost more than scanning it): the
/// first lines up to the tenth have the same number (at least one) of commas outside quotes,
/// and there are more than two of them.
enum CSVSniff {
    static let lines = 10
    /// Bytes looked at (the host's detection head).
    static let head = 64 << 10

    static func looksLikeCSV(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var fields = 0, first = 0, newlines = 0
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            i += 1
            switch c {
            case 34:   // a quoted field: up to the quote not followed by another
                var quote = false
                while i < n {
                    let d = b[i]
                    i += 1
                    if d != 34 { if quote { i -= 1; break }; continue }
                    quote.toggle()
                }
            case 44:
                fields += 1
            case 10:
                newlines += 1
                if newlines == lines { return first != 0 && first == fields }
                if first == 0 {
                    if fields == 0 { return false }
                    first = fields
                } else if first != fields {
                    return false
                }
                fields = 0
            default:
                break
            }
        }
        return first != 0 && newlines > 2
    }
}
