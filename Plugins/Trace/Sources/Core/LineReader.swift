import Foundation

/// Splits a byte stream into lines without copying them: a line is a pointer into the reader's
/// buffer, valid until the next call. Handles CRLF, a last line without newline, and lines longer
/// than `maxLine` (cut there, the rest of the line skipped, and counted).
public final class LineReader {
    public struct Line {
        public let base: UnsafePointer<UInt8>
        public let count: Int
        public let number: Int
        /// Byte offset of the line in the stream.
        public let offset: Int64
        /// The line was longer than maxLine and was cut.
        public let cut: Bool
    }

    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    public let maxLine: Int
    @exclusivity(unchecked) private var start = 0
    @exclusivity(unchecked) private var end = 0
    @exclusivity(unchecked) private var eof = false
    @exclusivity(unchecked) private var lineNumber = 0
    @exclusivity(unchecked) private var consumed: Int64 = 0   // stream offset of buffer[start]
    @exclusivity(unchecked) private var skippingRest = false
    @exclusivity(unchecked) public private(set) var cutLines = 0
    private let fill: (UnsafeMutableRawBufferPointer) throws -> Int

    /// `fill` reads up to the buffer's size and returns the count, 0 at the end.
    public init(chunkSize: Int = 1 << 20, maxLine: Int = 64 << 10, fill: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) {
        self.maxLine = maxLine
        capacity = chunkSize + maxLine
        buffer = .allocate(capacity: capacity)
        self.fill = fill
    }
    deinit { buffer.deallocate() }

    /// The next line, or nil at the end of the stream.
    public func next() throws -> Line? { try next(refill: true) }

    /// Up to `limit` lines into `lines` (emptied first): the first may need a read, the rest are
    /// what the buffer already holds, so all of them stay valid until the next call. Empty at the end.
    public func nextBatch(_ lines: inout [Line], limit: Int) throws {
        lines.removeAll(keepingCapacity: true)
        guard let first = try next(refill: true) else { return }
        lines.append(first)
        while lines.count < limit, let l = try next(refill: false) { lines.append(l) }
    }

    /// `refill` false: nil instead of reading when the buffer holds no further complete line.
    private func next(refill: Bool) throws -> Line? {
        while true {
            if start < end {
                let nl = ByteOps.find(UnsafePointer(buffer), start, end, 0x0A)
                if nl < end {
                    let s = start
                    start = nl + 1
                    let off = consumed
                    consumed += Int64(nl + 1 - s)
                    if skippingRest { skippingRest = false; continue }
                    lineNumber += 1
                    var len = nl - s
                    if len > maxLine { cutLines += 1; return Line(base: UnsafePointer(buffer + s), count: maxLine, number: lineNumber, offset: off, cut: true) }
                    if len > 0 && buffer[s + len - 1] == 0x0D { len -= 1 }
                    return Line(base: UnsafePointer(buffer + s), count: len, number: lineNumber, offset: off, cut: false)
                }
                if end - start >= maxLine && !skippingRest {
                    // No newline within maxLine: hand out the first maxLine bytes, skip to the next newline.
                    let s = start
                    start += maxLine
                    let off = consumed
                    consumed += Int64(maxLine)
                    skippingRest = true
                    lineNumber += 1
                    cutLines += 1
                    return Line(base: UnsafePointer(buffer + s), count: maxLine, number: lineNumber, offset: off, cut: true)
                }
                if skippingRest {
                    consumed += Int64(end - start)
                    start = end
                }
            }
            if eof {
                if start < end {
                    let s = start
                    let len0 = end - start
                    start = end
                    let off = consumed
                    consumed += Int64(len0)
                    lineNumber += 1
                    var len = len0
                    if len > 0 && buffer[s + len - 1] == 0x0D { len -= 1 }
                    return Line(base: UnsafePointer(buffer + s), count: len, number: lineNumber, offset: off, cut: false)
                }
                return nil
            }
            if !refill { return nil }
            // Move the partial line to the front and read more after it.
            if start > 0 {
                let rest = end - start
                if rest > 0 { buffer.update(from: buffer + start, count: rest) }
                start = 0; end = rest
            }
            let room = capacity - end
            let n = try fill(UnsafeMutableRawBufferPointer(start: buffer + end, count: room))
            if n == 0 { eof = true } else { end += n }
        }
    }
}
