import Foundation

/// A byte-level CSV reader (RFC 4180 plus the usual variants: any one-byte delimiter, CRLF or
/// LF, quoted fields spanning lines). It never builds strings: a record is a list of byte ranges
/// into its buffer, valid until the next call. Broken input is marked, not fatal: text after a
/// closing quote, or a quote left open at the end, sets `malformed`.
public final class CSVReader {
    public let delimiter: UInt8
    static let quote: UInt8 = 34, cr: UInt8 = 13, lf: UInt8 = 10

    private let source: ByteSource
    @exclusivity(unchecked) private var storage: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var filled = 0
    @exclusivity(unchecked) private var position = 0
    @exclusivity(unchecked) private var atEnd = false

    /// The current record: raw field ranges (quotes included) into `bytes`.
    @exclusivity(unchecked) public private(set) var fieldStarts: [Int] = []
    @exclusivity(unchecked) public private(set) var fieldEnds: [Int] = []
    /// Per field: bit 0 quoted, bit 1 contains doubled quotes.
    @exclusivity(unchecked) public private(set) var fieldFlags: [UInt8] = []
    /// Per quoted field: where its closing quote is (its end if it was never closed).
    @exclusivity(unchecked) private var fieldCloses: [Int] = []
    @exclusivity(unchecked) public private(set) var recordStart = 0
    /// End of the record's content (before its line terminator).
    @exclusivity(unchecked) public private(set) var contentEnd = 0
    /// End of the record including its terminator.
    @exclusivity(unchecked) public private(set) var recordEnd = 0
    @exclusivity(unchecked) public private(set) var malformed: String?
    /// 1-based line number where the record starts.
    @exclusivity(unchecked) public private(set) var line = 0
    @exclusivity(unchecked) private var nextLine = 1
    @exclusivity(unchecked) public private(set) var recordNumber = 0

    public init(source: ByteSource, delimiter: UInt8 = 44, bufferSize: Int = 1 << 20) {
        self.source = source
        self.delimiter = delimiter
        capacity = max(bufferSize, 64)
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    public var bytes: UnsafePointer<UInt8> { UnsafePointer(storage) }
    public var fieldCount: Int { fieldStarts.count }
    /// A blank line (no content at all).
    public var isBlank: Bool { contentEnd == recordStart }

    @inline(__always) public func isQuoted(_ i: Int) -> Bool { fieldFlags[i] & 1 != 0 }

    /// The raw bytes of field `i` as written (quotes included).
    @inline(__always) public func raw(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: storage + fieldStarts[i], count: fieldEnds[i] - fieldStarts[i])
    }

    /// The raw bytes of the whole record, terminator included.
    public var rawRecord: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage + recordStart, count: recordEnd - recordStart) }
    public var terminator: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage + contentEnd, count: recordEnd - contentEnd) }

    /// The value of field `i`: unquoted, doubled quotes undone (into `scratch` only when needed).
    /// The result is valid until `scratch` or the reader changes.
    @inline(__always)
    public func value(_ i: Int, scratch: ScratchBytes) -> UnsafeBufferPointer<UInt8> {
        let s = fieldStarts[i], e = fieldEnds[i], f = fieldFlags[i]
        if f & 1 == 0 { return UnsafeBufferPointer(start: storage + s, count: e - s) }
        // Quoted: content runs to the closing quote (text after it, when malformed, is appended).
        let close = fieldCloses[i]
        if f & 2 == 0 && close == e - 1 { return UnsafeBufferPointer(start: storage + s + 1, count: close - s - 1) }
        scratch.removeAll()
        var k = s + 1
        while k < close {
            let c = storage[k]
            scratch.append(c)
            k += (c == CSVReader.quote && k + 1 < close && storage[k + 1] == CSVReader.quote) ? 2 : 1
        }
        if close + 1 < e { scratch.append(UnsafeBufferPointer(start: storage + close + 1, count: e - close - 1)) }
        return scratch.buffer
    }

    /// Reads the next record; false at the end of the input.
    public func next() throws -> Bool {
        while true {
            if position >= filled {
                if atEnd { return false }
                try refill()
                continue
            }
            if parse() { return true }
            // The record runs past the buffer: read more (growing the buffer if it is full).
            if atEnd { _ = parse(final: true); return true }
            try refill()
        }
    }

    private func refill() throws {
        if try !BufferRefill.refill(&storage, capacity: &capacity, filled: &filled, position: &position, from: source) { atEnd = true }
    }

    /// Parses one record at `position`. Returns false if it needs bytes beyond `filled`
    /// (unless `final`, when the end of the input ends the record).
    private func parse(final: Bool = false) -> Bool {
        fieldStarts.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        fieldFlags.removeAll(keepingCapacity: true)
        fieldCloses.removeAll(keepingCapacity: true)
        malformed = nil
        let b = storage, end = filled, d = delimiter
        var i = position
        var newlines = 0
        while true {
            let start = i
            var flags: UInt8 = 0
            var close = 0
            if i < end && b[i] == CSVReader.quote {
                flags = 1
                i += 1
                var closed = false
                while true {
                    guard let q = memchr(b + i, Int32(CSVReader.quote), end - i) else {
                        newlines += countNewlines(b, i, end)
                        i = end
                        break
                    }
                    let j = b.distance(to: q.assumingMemoryBound(to: UInt8.self))
                    newlines += countNewlines(b, i, j)
                    if j + 1 < end && b[j + 1] == CSVReader.quote { flags |= 2; i = j + 2; continue }
                    if j + 1 == end && !final { return false }
                    close = j
                    i = j + 1
                    closed = true
                    break
                }
                if !closed {
                    if !final { return false }
                    close = end
                    malformed = "quoted field never closed"
                } else if i < end && b[i] != d && b[i] != CSVReader.lf && b[i] != CSVReader.cr {
                    malformed = "text after a closing quote"
                    while i < end && b[i] != d && b[i] != CSVReader.lf && b[i] != CSVReader.cr { i += 1 }
                    if i == end && !final { return false }
                }
            } else {
                while i < end {
                    let c = b[i]
                    if c == d || c == CSVReader.lf || c == CSVReader.cr { break }
                    i += 1
                }
                if i == end && !final { return false }
            }
            fieldStarts.append(start)
            fieldEnds.append(i)
            fieldFlags.append(flags)
            fieldCloses.append(close)
            if i >= end {
                contentEnd = i; recordEnd = i
                break
            }
            let c = b[i]
            if c == d { i += 1; continue }
            contentEnd = i
            if c == CSVReader.lf {
                recordEnd = i + 1
            } else if i + 1 < end {
                recordEnd = b[i + 1] == CSVReader.lf ? i + 2 : i + 1
            } else {
                if !final { return false }
                recordEnd = i + 1
            }
            newlines += 1
            break
        }
        recordStart = position
        position = recordEnd
        line = nextLine
        nextLine += newlines
        recordNumber += 1
        return true
    }

    @inline(__always) private func countNewlines(_ b: UnsafeMutablePointer<UInt8>, _ from: Int, _ to: Int) -> Int {
        var n = 0
        var k = from
        while k < to {
            guard let p = memchr(b + k, Int32(CSVReader.lf), to - k) else { break }
            n += 1
            k = b.distance(to: p.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return n
    }
}

/// Writes CSV fields: quoted when they contain the delimiter, a quote or a line break (or when
/// the original was quoted), quotes doubled.
enum CSVWriter {
    @inline(__always)
    static func needsQuotes(_ v: UnsafeBufferPointer<UInt8>, delimiter: UInt8) -> Bool {
        for c in v where c == delimiter || c == CSVReader.quote || c == CSVReader.lf || c == CSVReader.cr { return true }
        return false
    }

    @inline(__always)
    static func writeField(_ v: UnsafeBufferPointer<UInt8>, delimiter: UInt8, forceQuotes: Bool, to sink: ByteSink) {
        if !forceQuotes && !needsQuotes(v, delimiter: delimiter) { sink.append(v); return }
        sink.append(CSVReader.quote)
        for c in v {
            if c == CSVReader.quote { sink.append(CSVReader.quote) }
            sink.append(c)
        }
        sink.append(CSVReader.quote)
    }
}

/// A growable byte buffer with stable storage between mutations (scratch space for values).
public final class ScratchBytes {
    @exclusivity(unchecked) private var storage: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) public private(set) var count = 0

    public init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }
    deinit { storage.deallocate() }

    @inline(__always) public func removeAll() { count = 0 }
    @inline(__always) private func reserve(_ extra: Int) {
        if count + extra <= capacity { return }
        var c = capacity * 2
        while c < count + extra { c *= 2 }
        let s = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        s.update(from: storage, count: count)
        storage.deallocate()
        storage = s
        capacity = c
    }
    @inline(__always) public func append(_ b: UInt8) { reserve(1); storage[count] = b; count += 1 }
    @inline(__always) public func append(_ b: UnsafeBufferPointer<UInt8>) {
        guard b.count > 0 else { return }
        reserve(b.count); (storage + count).update(from: b.baseAddress!, count: b.count); count += b.count
    }
    public var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: count) }
}
