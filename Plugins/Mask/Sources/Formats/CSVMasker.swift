import DSToolKit

/// Masks delimited text record by record: fields without a rule are copied byte for byte
/// (their quoting untouched), ruled fields are unquoted, masked and written back quoted as
/// needed. Rows with no rules at all are copied whole.
final class CSVMasker {
    struct Options {
        var delimiter: UInt8 = 44
        var header = true
        /// The file's stem, for `table.column` rules.
        var table: String?
    }

    struct Counts {
        var records = 0
        var malformed = 0
        var suppressed = 0
        var firstMalformedLine: Int?
        var firstMalformedReason: String?
    }

    let engine: MaskEngine
    let options: Options
    /// Collects quasi-identifier groups (pass one of suppression, or the report).
    @exclusivity(unchecked) var kAnonymity: KAnonymity?
    @exclusivity(unchecked) var quasiNames: [FieldName] = []
    /// Records (numbered from 1) to leave out of the output.
    @exclusivity(unchecked) var suppress: Set<Int> = []
    @exclusivity(unchecked) private(set) var counts = Counts()
    @exclusivity(unchecked) private(set) var columnNames: [String] = []

    @exclusivity(unchecked) private var columnRule: [MaskRule?] = []
    @exclusivity(unchecked) private var subjectColumn: [Int?] = []
    @exclusivity(unchecked) private var subjectRule: [MaskRule?] = []
    @exclusivity(unchecked) private var quasiColumns: [Int] = []
    @exclusivity(unchecked) private var anyRule = false
    /// Per column: the index of its rule in engine.rules when its cells may be deferred, else -1.
    @exclusivity(unchecked) private var deferredRule: [Int] = []

    init(engine: MaskEngine, options: Options) {
        self.engine = engine
        self.options = options
    }

    /// Where this part of the input starts (worker threads mask batches of records).
    @exclusivity(unchecked) var lineOffset = 0
    @exclusivity(unchecked) var recordOffset = 0
    /// Columns already named (a worker's batch has no header row).
    @exclusivity(unchecked) private var prebound = false

    /// Names the columns and binds rules to them.
    func bind(names: [String]) {
        prebound = true
        columnNames = names
        columnRule = names.indices.map { i in engine.rules.first { $0.name.matches(column: names[i], position: i, table: options.table) } }
        for r in columnRule.compactMap({ $0 }) { r.matchedSomewhere = true }
        func column(_ f: FieldName) -> Int? { names.indices.first { f.matches(column: names[$0], position: $0, table: options.table) } }
        subjectColumn = columnRule.map { r in r?.subject.flatMap(column) }
        subjectRule = subjectColumn.map { c in c.flatMap { columnRule[$0] } }
        quasiColumns = quasiNames.compactMap(column)
        anyRule = columnRule.contains { $0 != nil }
        deferredRule = columnRule.indices.map { i in
            guard let r = columnRule[i], subjectColumn[i] == nil, engine.defers(r) else { return -1 }
            return engine.rules.firstIndex { $0 === r } ?? -1
        }
    }

    /// The quasi-identifier names that match no column (reported as a usage problem).
    var unmatchedQuasi: [String] {
        quasiNames.filter { q in !columnNames.indices.contains { q.matches(column: columnNames[$0], position: $0, table: options.table) } }.map(\.text)
    }

    func run(_ source: ByteSource, to sink: ByteSink?, input: String) throws {
        let reader = CSVReader(source: source, delimiter: options.delimiter)
        let d = options.delimiter
        let valueScratch = ScratchBytes(), subjectScratch = ScratchBytes()
        var out: [UInt8] = []
        var restoredSubject: [UInt8] = []
        let restoredScratch = ScratchBytes()
        var key = QuasiKey()
        var bound = prebound
        var dataRecord = recordOffset
        out.reserveCapacity(256)
        // FF1 cells wait in chunks for the batch cipher (not with k-anonymity: its keys need
        // each record's masked values as it is read).
        let deferred: DeferredCells? = sink != nil && kAnonymity == nil && engine.batchesCells ? DeferredCells(engine: engine) : nil
        func render(_ result: MaskEngine.CellResult, _ o: UnsafeBufferPointer<UInt8>, _ raw: UnsafeBufferPointer<UInt8>,
                    _ quoted: UInt8, _ sink: ByteSink) {
            switch result {
            case .replaced: CSVWriter.writeField(o, delimiter: d, forceQuotes: quoted != 0, to: sink)
            case .unchanged: sink.append(raw)
            case .removed: break
            }
        }
        func flushPoint() throws {
            guard let sink else { return }
            if let deferred, !deferred.mayFlush(sink) { try deferred.resolve(into: sink, render: render) }
            try sink.maybeFlush()
        }

        while try reader.next() {
            if !bound {
                bound = true
                if options.header {
                    var names: [String] = []
                    for i in 0..<reader.fieldCount {
                        var name = String(decoding: reader.value(i, scratch: valueScratch), as: UTF8.self)
                        if i == 0 && name.hasPrefix("\u{FEFF}") { name.removeFirst() }
                        names.append(name.trimmingCharacters(in: .whitespaces))
                    }
                    bind(names: names)
                    if let m = reader.malformed { try malformedRow(reader, m, input: input) }
                    sink?.append(reader.rawRecord)
                    continue
                }
                bind(names: (0..<reader.fieldCount).map { "#\($0 + 1)" })
            }
            if reader.isBlank { sink?.append(reader.rawRecord); continue }
            dataRecord += 1
            counts.records += 1
            let ragged = reader.fieldCount != columnNames.count
            if ragged || reader.malformed != nil {
                let why = reader.malformed ?? "\(reader.fieldCount) fields where the header has \(columnNames.count)"
                try malformedRow(reader, why, input: input)
                if engine.onInvalid == .redact {
                    if suppress.contains(dataRecord) { counts.suppressed += 1; continue }
                    if let sink {
                        for i in 0..<reader.fieldCount {
                            if i > 0 { sink.append(d) }
                            sink.append(MaskEngine.redaction)
                        }
                        sink.append(reader.terminator)
                    }
                    if let kAnonymity { key.reset(); for _ in quasiColumns { key.add(MaskEngine.redaction) }; kAnonymity.add(key: key.bytes, record: dataRecord) }
                    continue
                }
            }
            if suppress.contains(dataRecord) { counts.suppressed += 1; continue }
            if !anyRule && kAnonymity == nil {
                sink?.append(reader.rawRecord)
                try flushPoint()
                continue
            }
            key.reset()
            for i in 0..<reader.fieldCount {
                if i > 0 { sink?.append(d) }
                let rule = i < columnRule.count ? columnRule[i] : nil
                let isQuasi = kAnonymity != nil && quasiColumns.contains(i)
                guard let rule else {
                    sink?.append(reader.raw(i))
                    if isQuasi { key.add(reader.value(i, scratch: valueScratch)) }
                    continue
                }
                let value = reader.value(i, scratch: valueScratch)
                if value.isEmpty {
                    sink?.append(reader.raw(i))
                    if isQuasi { key.add(value) }
                    continue
                }
                if let deferred, let sink, i < deferredRule.count, deferredRule[i] >= 0 {
                    deferred.add(rule: deferredRule[i], value: value, raw: reader.raw(i), style: reader.isQuoted(i) ? 1 : 0, sink: sink)
                    continue
                }
                var context = ValueContext.none
                if let sc = subjectColumn[i], sc < reader.fieldCount {
                    let subject = reader.value(sc, scratch: subjectScratch)
                    if engine.direction == .unmask, let sr = subjectRule[i], sr.strategy.isReversible {
                        // The offset was chosen from the subject's original value: restore it first.
                        restoredSubject.removeAll(keepingCapacity: true)
                        if sr.strategy.unmask(subject, .none, into: &restoredSubject) != .written {
                            restoredSubject.removeAll(); restoredSubject.append(contentsOf: subject)
                        }
                        restoredScratch.removeAll()
                        restoredSubject.withUnsafeBufferPointer { restoredScratch.append($0) }
                        context.subject = restoredScratch.buffer
                    } else {
                        context.subject = subject
                    }
                }
                out.removeAll(keepingCapacity: true)
                let result: MaskEngine.CellResult
                do {
                    result = try engine.apply(rule, value, context, into: &out, where: "line \(reader.line + lineOffset), column \(columnNames[i])")
                } catch let f as InputFailure {
                    throw InputFailure(reason: f.reason, line: reader.line + lineOffset)
                }
                switch result {
                case .replaced:
                    if let sink { out.withUnsafeBufferPointer { CSVWriter.writeField($0, delimiter: d, forceQuotes: reader.isQuoted(i), to: sink) } }
                    if isQuasi { key.add(out) }
                case .unchanged:
                    sink?.append(reader.raw(i))
                    if isQuasi { key.add(reader.value(i, scratch: valueScratch)) }
                case .removed:
                    if isQuasi { key.addNull() }
                }
            }
            if let kAnonymity { kAnonymity.add(key: key.bytes, record: dataRecord) }
            sink?.append(reader.terminator)
            try flushPoint()
        }
        if let deferred, let sink { try deferred.resolve(into: sink, render: render) }
        try sink?.flush()
    }

    private func malformedRow(_ reader: CSVReader, _ why: String, input: String) throws {
        counts.malformed += 1
        let line = reader.line + lineOffset
        if counts.firstMalformedLine == nil { counts.firstMalformedLine = line; counts.firstMalformedReason = why }
        if engine.onInvalid == .fail {
            throw InputFailure(reason: "line \(line): \(why) (--on-invalid fail)", line: line)
        }
    }
}
