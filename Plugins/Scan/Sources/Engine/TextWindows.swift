import DSToolKit
import Foundation

/// A window of an item's (decoded) bytes. Bytes [0, overlap) repeat the end of the previous
/// window so that a match cut by the edge is found whole in the next one; memory stays bounded
/// however long a line or a file is.
public final class TextWindow: @unchecked Sendable {
    public var bytes: [UInt8]
    /// Raw input offset of each byte (text read through the host's decoder); empty for raw reads,
    /// where the raw offset is `rawBase + index`.
    public var offsets: [UInt64]
    public var count = 0
    public var overlap = 0
    /// Raw offset of byte 0 when `offsets` is empty.
    public var rawBase: UInt64 = 0
    /// 1-based line and 0-based column (in characters) of byte 0.
    public var line = 1
    public var column = 0
    public var isFirst = true
    public var isLast = false
    /// Sequence number within the item.
    public var index = 0

    init(capacity: Int, withOffsets: Bool) {
        bytes = [UInt8](repeating: 0, count: capacity)
        offsets = withOffsets ? [UInt64](repeating: 0, count: capacity) : []
    }

    /// Raw input offset of decoded byte `i` (i may equal count: the end).
    @inline(__always) public func rawOffset(_ i: Int) -> UInt64 {
        if offsets.isEmpty { return rawBase + UInt64(i) }
        if i < count { return offsets[i] }
        return count > 0 ? offsets[count - 1] + 1 : rawBase
    }
}

/// Reads an item as a sequence of overlapping windows, as decoded text (with raw offsets) or raw bytes.
public struct TextWindowReader {
    public let windowSize: Int
    public let overlapSize: Int
    public let decodeText: Bool
    private let item: InputItem
    private var previous: TextWindow?
    private var ended = false
    private var nextIndex = 0
    private var rawConsumed: UInt64 = 0

    public init(item: InputItem, windowSize: Int = 1 << 20, overlapSize: Int = 8 << 10, decodeText: Bool) {
        precondition(overlapSize * 2 < windowSize)
        self.item = item; self.windowSize = windowSize; self.overlapSize = overlapSize; self.decodeText = decodeText
    }

    /// The next window, or nil at the end. `reuse` may hand back a window no longer needed.
    public mutating func next(reuse: TextWindow? = nil) throws -> TextWindow? {
        if ended { return nil }
        let w = reuse ?? TextWindow(capacity: windowSize, withOffsets: decodeText)
        if w.bytes.count < windowSize { w.bytes = [UInt8](repeating: 0, count: windowSize) }
        if decodeText && w.offsets.count < windowSize { w.offsets = [UInt64](repeating: 0, count: windowSize) }
        if !decodeText { w.offsets = [] }
        w.index = nextIndex
        var filled = 0
        if let p = previous {
            // Keep the tail of the previous window, starting on a character boundary.
            var keepFrom = max(0, p.count - overlapSize)
            while keepFrom < p.count && p.bytes[keepFrom] & 0xC0 == 0x80 { keepFrom += 1 }
            let keep = p.count - keepFrom
            w.bytes.withUnsafeMutableBufferPointer { dst in
                p.bytes.withUnsafeBufferPointer { src in
                    dst.baseAddress!.update(from: src.baseAddress! + keepFrom, count: keep)
                }
            }
            if decodeText {
                w.offsets.withUnsafeMutableBufferPointer { dst in
                    p.offsets.withUnsafeBufferPointer { src in dst.baseAddress!.update(from: src.baseAddress! + keepFrom, count: keep) }
                }
            }
            w.rawBase = p.rawBase + UInt64(keepFrom)
            let (lines, col) = LineCounter.advance(p.bytes, 0, keepFrom, column: p.column)
            w.line = p.line + lines
            w.column = col
            w.overlap = keep
            w.isFirst = false
            filled = keep
        } else {
            w.rawBase = 0; w.line = 1; w.column = 0; w.overlap = 0; w.isFirst = true
        }
        let start = filled
        while filled < windowSize {
            let n: Int
            if decodeText {
                n = try w.bytes.withUnsafeMutableBufferPointer { b in
                    try w.offsets.withUnsafeMutableBufferPointer { o in
                        try item.readText(into: UnsafeMutableBufferPointer(rebasing: b[filled..<windowSize]), offsets: o.baseAddress! + filled)
                    }
                }
            } else {
                n = try w.bytes.withUnsafeMutableBytes { b in
                    try item.read(into: UnsafeMutableRawBufferPointer(rebasing: b[filled..<windowSize]))
                }
            }
            if n == 0 { ended = true; break }
            filled += n
        }
        w.count = filled
        w.isLast = ended
        if filled == start && !w.isFirst {
            // Nothing new: the previous window was full and the input ended exactly there; rescan
            // its tail as the last window so values touching its end are reported.
            if filled == 0 { return nil }
        }
        nextIndex += 1
        if !ended {
            // The reader keeps this window's tail for the next one; hand out a copy-free reference.
            previous = w
        }
        return w
    }
}

/// Counts lines and columns (in characters) over UTF-8 bytes.
enum LineCounter {
    /// Newlines in b[from..<to] and the column after them, given the column at `from`.
    static func advance(_ b: [UInt8], _ from: Int, _ to: Int, column: Int) -> (lines: Int, column: Int) {
        b.withUnsafeBufferPointer { advance($0, from, to, column: column) }
    }

    static func advance(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, column: Int) -> (lines: Int, column: Int) {
        guard to > from else { return (0, column) }
        var lines = 0
        var lastNewline = -1
        var i = from
        let base = b.baseAddress!
        while i < to {
            guard let p = memchr(base + i, 10, to - i) else { break }
            let at = UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self) - base
            lines += 1
            lastNewline = at
            i = at + 1
        }
        var col = lastNewline >= 0 ? 0 : column
        var k = lastNewline >= 0 ? lastNewline + 1 : from
        while k < to {
            if b[k] & 0xC0 != 0x80 { col += 1 }
            k += 1
        }
        return (lines, col)
    }
}
