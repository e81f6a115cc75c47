import DSToolKit
import Foundation

/// Masks delimited text on several threads: the calling thread cuts the input into batches of
/// whole records (following the reader's quoting rules, so a cut never falls inside a quoted
/// field), each worker masks a batch with its own copy of the engine (cipher contexts are per
/// thread), and the batches are written in order. Counts are merged back into the engine.
/// (Record numbering for k-anonymity and suppression needs one reader: those runs stay serial.)
final class ParallelCSV {
    let engine: MaskEngine
    let options: CSVMasker.Options
    let jobs: Int
    /// Bytes of whole records per batch (tests make it small to cross many batch edges).
    @exclusivity(unchecked) var batchSize = 4 << 20

    @exclusivity(unchecked) private(set) var counts = CSVMasker.Counts()
    @exclusivity(unchecked) private(set) var columnNames: [String] = []

    init(engine: MaskEngine, options: CSVMasker.Options, jobs: Int) {
        self.engine = engine; self.options = options; self.jobs = max(1, jobs)
    }

    /// Finds where records end, with the reader's grammar: a quote opens a quoted field only at
    /// the start of a field; LF outside quotes ends a record (CR ends one too but is no cut point).
    struct Boundaries {
        enum State: UInt8 { case fieldStart, unquoted, quoted, quoteInQuoted }
        var state = State.fieldStart
        let delimiter: UInt8

        /// The offset just after the last record end in b[from..<b.count], or nil; counts the LFs
        /// scanned (`newlines`) and those before the cut (`newlinesAtCut`).
        /// With `first`, stops at the first record end.
        mutating func lastCut(_ b: UnsafeBufferPointer<UInt8>, from: Int, newlines: inout Int, newlinesAtCut: inout Int,
                              first: Bool = false) -> Int? {
            var cut: Int?
            var i = from
            let n = b.count
            // Common case: no quote at all in what is left, outside a quoted field. Then every LF
            // ends a record, and the state after the block depends only on its last byte.
            if !first, i < n, state != .quoted, state != .quoteInQuoted, memchr(b.baseAddress! + i, 34, n - i) == nil {
                var k = i
                while k < n, let p = memchr(b.baseAddress! + k, 10, n - k) {
                    let at = b.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
                    newlines += 1
                    cut = at + 1
                    k = at + 1
                }
                if cut != nil { newlinesAtCut = newlines }
                let last = b[n - 1]
                state = (last == delimiter || last == 10 || last == 13) ? .fieldStart : .unquoted
                return cut
            }
            while i < n {
                let c = b[i]
                switch state {
                case .quoted:
                    // Jump to the next quote; count the line breaks inside the field.
                    guard let q = memchr(b.baseAddress! + i, 34, n - i) else {
                        var k = i
                        while let p = memchr(b.baseAddress! + k, 10, n - k) { newlines += 1; k = b.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self)) + 1 }
                        return cut
                    }
                    let j = b.baseAddress!.distance(to: q.assumingMemoryBound(to: UInt8.self))
                    var k = i
                    while k < j, let p = memchr(b.baseAddress! + k, 10, j - k) { newlines += 1; k = b.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self)) + 1 }
                    state = .quoteInQuoted
                    i = j + 1
                    continue
                case .quoteInQuoted:
                    if c == 34 { state = .quoted; i += 1; continue }
                    state = .unquoted
                    continue  // re-read c as text after the closing quote
                case .fieldStart:
                    if c == 34 { state = .quoted; i += 1; continue }
                    fallthrough
                case .unquoted:
                    if c == delimiter { state = .fieldStart }
                    else if c == 10 {
                        state = .fieldStart; newlines += 1; cut = i + 1; newlinesAtCut = newlines
                        if first { return cut }
                    }
                    else if c == 13 { state = .fieldStart }
                    else { state = .unquoted }
                }
                i += 1
            }
            return cut
        }
    }

    func run(_ source: ByteSource, to sink: ByteSink?, input: String) throws {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(batchSize * 2)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var scanner = Boundaries(delimiter: options.delimiter)
        var scanned = 0
        var atEnd = false
        var line = 1
        var headerDone = !options.header

        // Workers: one engine copy and masker each.
        let engines = try (0..<jobs).map { _ in try engine.copy() }
        var maskers: [CSVMasker] = []

        /// Reads until `buffer` holds at least `want` bytes of whole records; returns their end.
        func fill(_ want: Int) throws -> (cut: Int, newlines: Int) {
            var newlines = 0
            var lastCut = 0
            var lastNewlines = 0
            while true {
                var atCut = 0
                if let c = buffer.withUnsafeBufferPointer({ scanner.lastCut($0, from: scanned, newlines: &newlines, newlinesAtCut: &atCut) }) {
                    lastCut = c; lastNewlines = atCut
                }
                scanned = buffer.count
                if (lastCut >= want && lastCut > 0) || atEnd { break }
                let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
                if n == 0 { atEnd = true } else { buffer.append(contentsOf: chunk[0..<n]) }
            }
            if atEnd && lastCut < buffer.count { return (buffer.count, newlines) }
            return (lastCut, lastNewlines)
        }

        func take(_ cut: Int) -> [UInt8] {
            let batch = Array(buffer[0..<cut])
            buffer.removeSubrange(0..<cut)
            scanned = buffer.count
            // Rescan what is left (the scanner state after `cut` is fieldStart: a record ended there).
            scanner.state = .fieldStart
            scanned = 0
            return batch
        }

        // The header record, named on this thread.
        if !headerDone {
            var (cut, nl) = try fill(1)
            var probe = Boundaries(delimiter: options.delimiter)
            var all = 0, atFirst = 0
            if let first = buffer.withUnsafeBufferPointer({ probe.lastCut($0, from: 0, newlines: &all, newlinesAtCut: &atFirst, first: true) }) {
                cut = first; nl = atFirst
            }
            let head = take(cut)
            let first = CSVMasker(engine: engine, options: options)
            try first.run(MemorySource(head), to: sink, input: input)
            columnNames = first.columnNames
            line += nl
            headerDone = true
        }
        var named = options.header
        while true {
            // Up to `jobs` batches, masked in parallel, written in order.
            var batches: [(bytes: [UInt8], line: Int)] = []
            while batches.count < jobs {
                let (cut, nl) = try fill(batchSize)
                if cut == 0 { break }
                batches.append((take(cut), line))
                line += nl
            }
            if batches.isEmpty { break }
            if maskers.isEmpty {
                if !named {
                    // No header: name the columns from the first record's field count.
                    let probe = CSVReader(source: MemorySource(batches[0].bytes), delimiter: options.delimiter)
                    _ = try probe.next()
                    columnNames = (0..<probe.fieldCount).map { "#\($0 + 1)" }
                    named = true
                }
                var o = options
                o.header = false
                maskers = engines.map { e in
                    let m = CSVMasker(engine: e, options: o)
                    m.bind(names: columnNames)
                    return m
                }
            }
            var outputs = [ByteSink?](repeating: nil, count: batches.count)
            var failures = [Error?](repeating: nil, count: batches.count)
            let lock = NSLock()
            DispatchQueue.concurrentPerform(iterations: batches.count) { k in
                let m = maskers[k]
                m.lineOffset = batches[k].line - 1
                let out = ByteSink()
                do { try m.run(MemorySource(batches[k].bytes), to: sink == nil ? nil : out, input: input) }
                catch { lock.lock(); failures[k] = error; lock.unlock() }
                lock.lock(); outputs[k] = out; lock.unlock()
            }
            if let f = failures.compactMap({ $0 }).first { throw f }
            for o in outputs { if let o, let sink { sink.append(o.buffer); try sink.maybeFlush() } }
        }
        try sink?.flush()
        // Merge what the workers counted.
        for m in maskers {
            counts.records += m.counts.records
            counts.malformed += m.counts.malformed
            counts.suppressed += m.counts.suppressed
            if let l = m.counts.firstMalformedLine, l < (counts.firstMalformedLine ?? Int.max) {
                counts.firstMalformedLine = l; counts.firstMalformedReason = m.counts.firstMalformedReason
            }
        }
        for e in engines {
            for (mine, theirs) in zip(engine.rules, e.rules) {
                mine.masked += theirs.masked; mine.invalid += theirs.invalid; mine.nulls += theirs.nulls
                mine.matchedSomewhere = mine.matchedSomewhere || theirs.matchedSomewhere
            }
        }
    }
}
