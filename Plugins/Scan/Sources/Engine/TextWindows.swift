import DSToolKit
import FoundationEssentials

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
    public var isFirst = true
    public var isLast = false
    /// Sequence number within the item.
    public var index = 0
    /// Where the next window's bytes begin (the reader keeps [tailStart, count) for it): lines are
    /// counted up to here for the next window's start. Not set for the last window.
    public var tailStart = 0
    /// Lines are counted by the worker that scans the window, from the window's start (a
    /// `LinePosition.windowStart`), since where the window starts is only known once the windows
    /// before it are counted; the findings are placed when they are emitted, in order.
    /// `lineMarks`: positions at bytes 0, `lineMarkSpacing`, 2 × `lineMarkSpacing`… up to
    /// `tailStart`, so that a finding's line is counted from the mark before it rather than from
    /// the window's start; `linesToTail`: the position at `tailStart`.
    var lineMarks: [LinePosition] = []
    var linesToTail = LinePosition.windowStart
    static let lineMarkSpacing = 16 << 10

    init(capacity: Int, withOffsets: Bool) {
        bytes = [UInt8](repeating: 0, count: capacity)
        offsets = withOffsets ? [UInt64](repeating: 0, count: capacity) : []
    }

    /// Counts the lines of [0, tailStart) from the window's start (`lineMarks`, `linesToTail`); on
    /// the worker, before the window is scanned. The last window keeps no marks.
    func countLinesToTail() {
        lineMarks.removeAll(keepingCapacity: true)
        linesToTail = .windowStart
        guard !isLast else { return }
        var position = LinePosition.windowStart, at = 0
        bytes.withUnsafeBufferPointer { b in
            while true {
                lineMarks.append(position)
                let to = min(tailStart, at + TextWindow.lineMarkSpacing)
                let (lines, column) = LineCounter.advance(b, at, to, column: position.column)
                position = LinePosition(line: position.line + lines, column: column)
                at = to
                if at == tailStart { break }
            }
        }
        linesToTail = position
    }

    /// Raw input offset of decoded byte `i` (i may equal count: the end).
    @inline(__always) public func rawOffset(_ i: Int) -> UInt64 {
        if offsets.isEmpty { return rawBase + UInt64(i) }
        if i < count { return offsets[i] }
        return count > 0 ? offsets[count - 1] + 1 : rawBase
    }
}

/// Reads an item as a sequence of overlapping windows, as decoded text (with raw offsets) or raw
/// bytes. The reader keeps its own copy of each window's tail, so a window may be recycled as
/// soon as it has been scanned.
public struct TextWindowReader {
    public let windowSize: Int
    public let overlapSize: Int
    public let decodeText: Bool
    private let item: InputItem
    private var ended = false
    private var started = false
    private var nextIndex = 0
    private var tail: [UInt8] = []
    private var tailOffsets: [UInt64] = []
    private var tailRawBase: UInt64 = 0
    private var rawRead: UInt64 = 0
    private var markup: MarkupText?

    /// `stripMarkup`: XML parts of office documents; tags are removed so text split across runs
    /// is contiguous again (needs `decodeText` for the offsets).
    public init(item: InputItem, windowSize: Int = 1 << 20, overlapSize: Int = 8 << 10, decodeText: Bool, stripMarkup: Bool = false) {
        precondition(overlapSize * 2 < windowSize)
        precondition(!stripMarkup || decodeText)
        self.item = item; self.windowSize = windowSize; self.overlapSize = overlapSize; self.decodeText = decodeText
        markup = stripMarkup ? MarkupText() : nil
    }

    /// The next window, or nil at the end. `reuse` may hand back a window no longer needed.
    public mutating func next(reuse: TextWindow? = nil) throws -> TextWindow? {
        if ended { return nil }
        let w = reuse ?? TextWindow(capacity: windowSize, withOffsets: decodeText)
        if w.bytes.count < windowSize { w.bytes = [UInt8](repeating: 0, count: windowSize) }
        if decodeText && w.offsets.count < windowSize { w.offsets = [UInt64](repeating: 0, count: windowSize) }
        if !decodeText { w.offsets = [] }
        w.index = nextIndex
        w.isFirst = !started
        w.tailStart = 0
        let keep = tail.count
        if keep > 0 {
            w.bytes.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: tail, count: keep) }
            if decodeText { w.offsets.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: tailOffsets, count: keep) } }
        }
        w.rawBase = tailRawBase
        w.overlap = keep
        var filled = keep
        // Decoded text comes in whole characters: a window is full when the next one (up to four
        // bytes of UTF-8) may not fit, or the host's read fails ("buffer smaller than one character").
        let room = decodeText ? windowSize - 3 : windowSize
        while filled < room {
            if decodeText {
                let got = try w.bytes.withUnsafeMutableBufferPointer { b in
                    try w.offsets.withUnsafeMutableBufferPointer { o in
                        try item.readText(into: UnsafeMutableBufferPointer(rebasing: b[filled..<windowSize]), offsets: o.baseAddress! + filled)
                    }
                }
                if got == 0 { ended = true; break }
                if markup != nil {
                    filled += w.bytes.withUnsafeMutableBufferPointer { b in
                        w.offsets.withUnsafeMutableBufferPointer { o in markup!.strip(b.baseAddress! + filled, o.baseAddress! + filled, got) }
                    }
                } else {
                    filled += got
                }
            } else {
                let got = try w.bytes.withUnsafeMutableBytes { b in
                    try item.read(into: UnsafeMutableRawBufferPointer(rebasing: b[filled..<windowSize]))
                }
                if got == 0 { ended = true; break }
                filled += got
            }
        }
        w.count = filled
        w.isLast = ended
        if started && filled == keep && ended {
            // Nothing new: the input ended exactly at the previous window's end. Its tail was left
            // to this window; rescan it as the last window.
            if keep == 0 { return nil }
        }
        started = true
        nextIndex += 1
        if !ended { saveTail(w) }
        return w
    }

    /// Keeps the last `overlapSize` bytes (from a character boundary) for the next window.
    private mutating func saveTail(_ w: TextWindow) {
        var from = max(0, w.count - overlapSize)
        while from < w.count && w.bytes[from] & 0xC0 == 0x80 { from += 1 }
        tail = Array(w.bytes[from..<w.count])
        tailOffsets = decodeText ? Array(w.offsets[from..<w.count]) : []
        tailRawBase = w.rawBase + UInt64(from)
        w.tailStart = from
    }
}

/// Removes XML tags from the parts of office documents (.docx, .xlsx, .pptx, .odt, .ods...),
/// in place, keeping the raw offsets of the bytes that stay. Block ends (paragraphs, cells,
/// rows, shared strings) become a newline, so values in neighbouring cells do not run together.
struct MarkupText {
    private var inTag = false
    private var tagName: [UInt8] = []
    private var nameDone = false
    private var closing = false
    private var selfClosing = false

    static let blockTags: Set<[UInt8]> = Set(["p", "tc", "tr", "si", "c", "row", "br", "tab", "cr", "table-cell", "table-row", "h",
                                              "list-item", "line-break", "v", "t:p", "text:p"].map { Array($0.utf8) })

    /// Whether an item is markup worth stripping: XML inside an office container, or an XML part.
    static func isMarkup(_ item: InputItem) -> Bool {
        guard item.name.lowercased().hasSuffix(".xml") else { return false }
        let office = [".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".docm", ".xlsm", ".pptm"]
        return item.chain.dropLast().contains { c in office.contains { c.lowercased().hasSuffix($0) } }
    }

    /// Strips tags from n bytes at p (offsets alongside); returns the bytes kept.
    mutating func strip(_ p: UnsafeMutablePointer<UInt8>, _ o: UnsafeMutablePointer<UInt64>, _ n: Int) -> Int {
        var out = 0
        for i in 0..<n {
            let c = p[i]
            if inTag {
                if c == 62 {   // >
                    inTag = false
                    let isBlock = MarkupText.blockTags.contains(localName(tagName))
                    if isBlock && (closing || selfClosing) { p[out] = 10; o[out] = o[i]; out += 1 }
                    continue
                }
                if !nameDone {
                    if c == 47 && tagName.isEmpty { closing = true }
                    else if c == 32 || c == 9 || c == 10 || c == 13 || c == 47 { nameDone = true; if c == 47 { selfClosing = true } }
                    else { tagName.append(c) }
                } else if c == 47 { selfClosing = true } else if c != 32 { selfClosing = false }
                continue
            }
            if c == 60 {   // <
                inTag = true; tagName.removeAll(keepingCapacity: true); nameDone = false; closing = false; selfClosing = false
                continue
            }
            p[out] = c; o[out] = o[i]; out += 1
        }
        return out
    }

    private func localName(_ name: [UInt8]) -> [UInt8] {
        if let colon = name.lastIndex(of: 58) { return Array(name[(colon + 1)...]) }
        return name
    }
}

/// A 1-based line and 0-based column (in characters); or, counted from the start of a window
/// whose own position is not known yet, the lines since that start and the column (characters
/// since the start itself when no line has ended yet).
struct LinePosition: Equatable {
    var line: Int
    var column: Int

    static let itemStart = LinePosition(line: 1, column: 0)
    static let windowStart = LinePosition(line: 0, column: 0)

    /// Where `relative`, counted from this position, is.
    func then(_ relative: LinePosition) -> LinePosition {
        relative.line > 0 ? LinePosition(line: line + relative.line, column: relative.column)
                          : LinePosition(line: line, column: column + relative.column)
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
        // Eight bytes at a time (a call per line costs more than the lines are long): for
        // v = x ^ '\n'*8, ((v & 0x7F..) + 0x7F..) | v has a byte's high bit clear exactly where x is '\n'.
        // Per-byte 0/1 flags are added up in the word's byte lanes (no popcount: the baseline
        // x86-64 target has no POPCNT instruction) and folded before a lane can overflow.
        let raw = UnsafeRawPointer(base)
        // 64 bytes at a time first (four SSE2 compares into four lane counters, so that they do
        // not wait on each other): each lane counts its newlines, up to 255 rounds before the
        // lanes are added up.
        let newline = SIMD16<UInt8>(repeating: 10), one = SIMD16<UInt8>(repeating: 1)
        while i &+ 64 <= to {
            var l0 = SIMD16<UInt8>(), l1 = SIMD16<UInt8>(), l2 = SIMD16<UInt8>(), l3 = SIMD16<UInt8>()
            var rounds = 0
            while rounds < 255 && i &+ 64 <= to {
                l0 &+= one.replacing(with: 0, where: raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self) .!= newline)
                l1 &+= one.replacing(with: 0, where: raw.loadUnaligned(fromByteOffset: i &+ 16, as: SIMD16<UInt8>.self) .!= newline)
                l2 &+= one.replacing(with: 0, where: raw.loadUnaligned(fromByteOffset: i &+ 32, as: SIMD16<UInt8>.self) .!= newline)
                l3 &+= one.replacing(with: 0, where: raw.loadUnaligned(fromByteOffset: i &+ 48, as: SIMD16<UInt8>.self) .!= newline)
                i &+= 64
                rounds &+= 1
            }
            let sums = SIMD16<UInt16>(truncatingIfNeeded: l0) &+ SIMD16<UInt16>(truncatingIfNeeded: l1)
                &+ SIMD16<UInt16>(truncatingIfNeeded: l2) &+ SIMD16<UInt16>(truncatingIfNeeded: l3)
            lines &+= Int(sums.wrappedSum())
        }
        while i + 8 <= to {
            var lanes: UInt64 = 0
            var rounds = 0
            while rounds < 255 && i + 8 <= to {
                let v = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
                let nonzero = ((v & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | v
                lanes &+= (~nonzero & 0x8080_8080_8080_8080) >> 7
                i += 8
                rounds += 1
            }
            let pairs = (lanes & 0x00FF_00FF_00FF_00FF) &+ ((lanes >> 8) & 0x00FF_00FF_00FF_00FF)
            lines += Int((pairs &* 0x0001_0001_0001_0001) >> 48)
        }
        while i < to { if base[i] == 10 { lines += 1 }; i += 1 }
        if lines > 0 {
            var k = to - 1
            while base[k] != 10 { k -= 1 }
            lastNewline = k
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
