import CDSToolText
import FoundationEssentials
import Glibc

/// Text encodings the input layer recognises.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case utf16le = "utf-16le"
    case utf16be = "utf-16be"
    case gb18030 = "gb18030"
    case binary = "binary"

    /// Guesses the encoding of an item from its first block (the host passes 64 KiB).
    ///
    /// Order: a BOM decides; NUL bytes mean UTF-16 (when they sit on one side of the code units
    /// and the units read as text) or binary; then strict UTF-8; then GB18030 when the non-ASCII
    /// characters are valid and mostly in the common GB2312 area; then UTF-16 without BOM and
    /// without ASCII (pure CJK); anything else that is not control-heavy is read as UTF-8
    /// leniently (bad bytes become U+FFFD), so Latin-1 junk still reaches a scanner.
    /// `atEnd` says the block is the whole item (a character cut at its end is then an error).
    public static func detect(_ head: UnsafeRawBufferPointer, atEnd: Bool) -> TextEncoding {
        let b = head.bindMemory(to: UInt8.self)
        let n = b.count
        if n == 0 { return .utf8 }
        if plainASCIIText(head) { return .utf8 }
        if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return .utf8 }
        if n >= 2, b[0] == 0xFF, b[1] == 0xFE { return .utf16le }
        if n >= 2, b[0] == 0xFE, b[1] == 0xFF { return .utf16be }
        var zerosEven = 0, zerosOdd = 0, controls = 0, high = 0
        for i in 0..<n {
            let c = b[i]
            if c >= 0x80 { high += 1 }
            else if c == 0 { if i & 1 == 0 { zerosEven += 1 } else { zerosOdd += 1 } }
            else if c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D && c != 0x0C && c != 0x1B { controls += 1 }
        }
        if zerosEven + zerosOdd > 0 {
            // ASCII in UTF-16 has a zero high byte: on odd offsets for LE, even ones for BE.
            if zerosOdd > 0 && zerosEven * 20 <= zerosOdd && UTF16Plausibility.check(b, bigEndian: false, strict: false) {
                return .utf16le
            }
            if zerosEven > 0 && zerosOdd * 20 <= zerosEven && UTF16Plausibility.check(b, bigEndian: true, strict: false) {
                return .utf16be
            }
            return .binary
        }
        let textLike = controls * 20 <= n
        if textLike && UTF8Validation.check(b, allowTruncatedEnd: !atEnd).invalid == 0 { return .utf8 }
        if textLike {
            let gb = GB18030Structure.stats(b, allowTruncatedEnd: !atEnd)
            if gb.multibyte > 0 && gb.invalid * 100 <= gb.multibyte && gb.common * 10 >= gb.multibyte * 6 { return .gb18030 }
        }
        // UTF-16 of CJK text without any ASCII has no NUL bytes, many bytes ≥ 0x80 (ASCII text with
        // a few stray bytes has few), and low bytes that may look like control characters.
        if high * 5 >= n {
            if UTF16Plausibility.check(b, bigEndian: false, strict: true) { return .utf16le }
            if UTF16Plausibility.check(b, bigEndian: true, strict: true) { return .utf16be }
        }
        return textLike ? .utf8 : .binary
    }
}

extension TextEncoding {
    /// The common case: no NUL, nothing above 0x7F, and at most one byte in 20 a control character
    /// (below 0x20, other than tab, LF, FF, CR and ESC, as in the full rules). The full rules give
    /// such a block `utf-8` (it has no BOM, no NUL, and pure ASCII is valid UTF-8); false means
    /// only that they must look. In C: 64 bytes a step with AVX2 where the CPU has it, else 16 with
    /// SSE2 (Swift has no movemask; the eight-byte Swift loop cost 2.3 instructions a byte, 3% of a
    /// crypto-audit run, and SSE2 1.5).
    static func plainASCIIText(_ p: UnsafeRawBufferPointer) -> Bool {
        guard let base = p.baseAddress else { return true }
        return dstool_plain_ascii_text(base.assumingMemoryBound(to: UInt8.self), p.count) != 0
    }

    /// `plainASCIIText` without the AVX2 path: what a CPU without AVX2 runs (for tests).
    static func plainASCIITextPortable(_ p: UnsafeRawBufferPointer) -> Bool {
        guard let base = p.baseAddress else { return true }
        return dstool_plain_ascii_text_portable(base.assumingMemoryBound(to: UInt8.self), p.count) != 0
    }

    /// Whether `plainASCIIText` takes the AVX2 path on this CPU.
    static var plainASCIITextUsesAVX2: Bool { dstool_plain_ascii_text_uses_avx2() != 0 }
}

enum UTF16Plausibility {
    /// Whether the bytes read as UTF-16 text: no unpaired surrogates, (almost) no control or
    /// non-characters; `strict` (no ASCII seen) also wants most units to be CJK, kana, Hangul or
    /// full-width forms — what UTF-16 text without any ASCII realistically is. Otherwise (the
    /// caller saw NUL bytes on the ASCII side) the ASCII units must be more than a stray few
    /// (1 in 20), or the rest mostly CJK: a binary header such as "SQLite format 3\0" followed by
    /// high bytes has one NUL at an odd offset and is not UTF-16 text.
    static func check(_ b: UnsafeBufferPointer<UInt8>, bigEndian: Bool, strict: Bool) -> Bool {
        let units = b.count / 2
        if units == 0 { return false }
        var bad = 0, cjk = 0, ascii = 0, i = 0
        var expectLow = false
        while i + 1 < b.count {
            let u = bigEndian ? (UInt32(b[i]) << 8 | UInt32(b[i + 1])) : (UInt32(b[i + 1]) << 8 | UInt32(b[i]))
            i += 2
            if expectLow {
                expectLow = false
                if (0xDC00...0xDFFF).contains(u) { cjk += 2; continue }
                bad += 1
            }
            switch u {
            case 0x09, 0x0A, 0x0C, 0x0D, 0x20...0x7E:
                ascii += 1
            case 0xA0...0x2FFF:
                break
            case 0x3000...0x9FFF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFF00...0xFFEF:
                cjk += 1
            case 0xD800...0xDBFF:
                expectLow = true
            case 0xA000...0xABFF, 0xD7A4...0xD7FF, 0xFB00...0xFDFF, 0xFE00...0xFEFF, 0xFFF0...0xFFFD:
                break
            default:  // controls, unpaired low surrogates, private use, non-characters
                bad += 1
            }
        }
        if bad * 50 > units { return false }
        if strict { return cjk * 10 >= units * 9 }
        return ascii * 20 >= units || (ascii + cjk) * 10 >= units * 9
    }
}

enum GB18030Structure {
    /// Characters of a GB18030 reading: invalid bytes, multibyte characters, and how many of
    /// those lie in the GB2312 area (lead and trail 0xA1–0xFE), where everyday simplified
    /// Chinese text lives; Latin-1 or UTF-16 bytes read as GB18030 rarely land there.
    static func stats(_ b: UnsafeBufferPointer<UInt8>, allowTruncatedEnd: Bool) -> (invalid: Int, multibyte: Int, common: Int) {
        var i = 0, invalid = 0, multi = 0, common = 0
        let n = b.count
        while i < n {
            let len = charLength(b, i, n)
            if len == 0 { invalid += 1; i += 1; continue }
            if len < 0 { if !allowTruncatedEnd { invalid += n - i }; break }
            if len > 1 {
                multi += 1
                if len == 2 && b[i] >= 0xA1 && b[i] <= 0xF7 && b[i + 1] >= 0xA1 { common += 1 }
            }
            i += len
        }
        return (invalid, multi, common)
    }

    /// Length of the GB18030 character at i: 1, 2 or 4; 0 if invalid; -1 if cut off by the end.
    @inline(__always) static func charLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        let c = b[i]
        if c < 0x80 { return 1 }
        if c == 0x80 || c == 0xFF { return 0 }
        if i + 1 >= n { return -1 }
        let d = b[i + 1]
        if (d >= 0x40 && d <= 0x7E) || (d >= 0x80 && d <= 0xFE) { return 2 }
        if d >= 0x30 && d <= 0x39 {
            if i + 2 >= n { return -1 }
            let e = b[i + 2]
            guard e >= 0x81 && e <= 0xFE else { return 0 }
            if i + 3 >= n { return -1 }
            let f = b[i + 3]
            if f >= 0x30 && f <= 0x39 { return 4 }
        }
        return 0
    }
}

/// Streaming decoder to UTF-8 with, for each output byte, the raw offset of the first byte of
/// its character. Invalid input becomes U+FFFD, one per bad byte (UTF-8), code unit (UTF-16)
/// or character (GB18030), so offsets stay exact.
public protocol TextStreamDecoder: AnyObject {
    /// Decodes `input` (raw bytes starting at raw offset `base`); appends to `out` and `offsets`.
    /// Bytes of an incomplete character at the end are kept for the next call.
    func decode(_ input: UnsafeRawBufferPointer, base: UInt64, out: inout [UInt8], offsets: inout [UInt64])
    /// Flushes a character left incomplete at the end of the input (as U+FFFD).
    func finish(out: inout [UInt8], offsets: inout [UInt64])
}

public enum TextDecoders {
    public static func make(_ encoding: TextEncoding) -> TextStreamDecoder {
        switch encoding {
        case .utf8, .binary: return UTF8Decoder()
        case .utf16le: return UTF16Decoder(bigEndian: false)
        case .utf16be: return UTF16Decoder(bigEndian: true)
        case .gb18030: return GB18030Decoder()
        }
    }

    /// For text whose first block was all ASCII (no evidence either way): ASCII passes through
    /// until the first other byte, then the encoding is decided on that chunk — GB18030 when it
    /// reads as such, else UTF-8 (leniently).
    public static func makeUndecided() -> TextStreamDecoder { UndecidedDecoder() }

    /// A file or archive entry name from its stored bytes: UTF-8 when valid; else GB18030 when it
    /// reads as such (zip files made on Chinese Windows store CP936 names without the UTF-8
    /// flag); else UTF-8 with U+FFFD for the bad bytes.
    public static func decodeName(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if UTF8Validation.check(bytes, allowTruncatedEnd: false).invalid == 0 { return String(decoding: bytes, as: UTF8.self) }
        let guess = TextEncoding.detect(UnsafeRawBufferPointer(bytes), atEnd: true)
        return decodeAll(Array(bytes), as: guess == .gb18030 ? .gb18030 : .utf8).text
    }

    /// Decodes a whole buffer (for tests and small inputs).
    public static func decodeAll(_ bytes: [UInt8], as encoding: TextEncoding) -> (text: String, offsets: [UInt64]) {
        let d = make(encoding)
        var out = [UInt8](), offsets = [UInt64]()
        bytes.withUnsafeBytes { d.decode($0, base: 0, out: &out, offsets: &offsets) }
        d.finish(out: &out, offsets: &offsets)
        return (String(decoding: out, as: UTF8.self), offsets)
    }
}

/// A decoder's output buffer (UTF-8 bytes and their raw offsets), reused between calls so the
/// hot loops write through plain pointers; handed over to the caller's arrays with one copy.
final class DecodeBuffer {
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private(set) var offsets: UnsafeMutablePointer<UInt64>
    private(set) var capacity: Int

    init(capacity: Int = 1 << 12) {
        self.capacity = capacity
        bytes = .allocate(capacity: capacity)
        offsets = .allocate(capacity: capacity)
    }
    deinit { bytes.deallocate(); offsets.deallocate() }

    /// Makes room for `count` bytes (contents are not kept).
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        bytes.deallocate(); offsets.deallocate()
        capacity = max(count, capacity * 2)
        bytes = .allocate(capacity: capacity)
        offsets = .allocate(capacity: capacity)
    }

    func append(_ count: Int, to out: inout [UInt8], offsets outOffsets: inout [UInt64]) {
        guard count > 0 else { return }
        out.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
        outOffsets.append(contentsOf: UnsafeBufferPointer(start: offsets, count: count))
    }
}

/// The raw bytes to decode in one call: a character left over from the previous call joined
/// with the new input (copied only when there is such a leftover).
struct JoinedInput {
    var carry: [UInt8] = []
    var carryBase: UInt64 = 0
    private var joined: UnsafeMutableRawBufferPointer = .init(start: nil, count: 0)

    mutating func release() { joined.deallocate() }

    /// The bytes to decode and the raw offset of the first one; valid until the next call.
    mutating func begin(_ input: UnsafeRawBufferPointer, base: UInt64) -> (UnsafeBufferPointer<UInt8>, UInt64) {
        if carry.isEmpty { return (input.bindMemory(to: UInt8.self), base) }
        let total = carry.count + input.count
        if joined.count < total {
            joined.deallocate()
            joined = .allocate(byteCount: max(total, 1 << 16), alignment: 8)
        }
        let dst = joined.baseAddress!
        carry.withUnsafeBytes { dst.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        if input.count > 0 { (dst + carry.count).copyMemory(from: input.baseAddress!, byteCount: input.count) }
        let b0 = carryBase
        carry.removeAll(keepingCapacity: true)
        return (UnsafeBufferPointer(start: dst.assumingMemoryBound(to: UInt8.self), count: total), b0)
    }

    /// Keeps b[i...] (an incomplete character) for the next call.
    mutating func keep(_ b: UnsafeBufferPointer<UInt8>, from i: Int, base: UInt64) {
        carry = Array(b[i..<b.count])
        carryBase = base + UInt64(i)
    }
}

/// Writes one scalar as UTF-8 at `k`, every byte mapped to `offset`; returns the new count.
@inline(__always) func putScalar(_ v: UInt32, _ offset: UInt64, _ o: UnsafeMutablePointer<UInt8>,
                                 _ f: UnsafeMutablePointer<UInt64>, _ k: Int) -> Int {
    if v < 0x80 {
        o[k] = UInt8(v); f[k] = offset
        return k + 1
    } else if v < 0x800 {
        o[k] = UInt8(0xC0 | (v >> 6)); o[k + 1] = UInt8(0x80 | (v & 0x3F))
        f[k] = offset; f[k + 1] = offset
        return k + 2
    } else if v < 0x10000 {
        o[k] = UInt8(0xE0 | (v >> 12)); o[k + 1] = UInt8(0x80 | ((v >> 6) & 0x3F)); o[k + 2] = UInt8(0x80 | (v & 0x3F))
        f[k] = offset; f[k + 1] = offset; f[k + 2] = offset
        return k + 3
    } else {
        o[k] = UInt8(0xF0 | (v >> 18)); o[k + 1] = UInt8(0x80 | ((v >> 12) & 0x3F))
        o[k + 2] = UInt8(0x80 | ((v >> 6) & 0x3F)); o[k + 3] = UInt8(0x80 | (v & 0x3F))
        f[k] = offset; f[k + 1] = offset; f[k + 2] = offset; f[k + 3] = offset
        return k + 4
    }
}

/// The part every decoder shares: joining a character cut by the previous chunk, the output
/// buffer, and what a cut character at the very end becomes. Subclasses decode one chunk in `body`.
class ChunkDecoder: TextStreamDecoder {
    var input = JoinedInput()
    let buffer = DecodeBuffer()

    deinit { input.release() }

    final func decode(_ raw: UnsafeRawBufferPointer, base: UInt64, out: inout [UInt8], offsets: inout [UInt64]) {
        let (b, b0) = input.begin(raw, base: base)
        let (count, keepFrom) = body(b, b0)
        if let keepFrom { input.keep(b, from: keepFrom, base: b0) }
        buffer.append(count, to: &out, offsets: &offsets)
    }

    /// Decodes b (raw offset of b[0] is `base`) into `buffer`; returns the byte count and where an
    /// incomplete character at the end starts, if there is one.
    func body(_ b: UnsafeBufferPointer<UInt8>, _ base: UInt64) -> (Int, Int?) { (0, nil) }

    /// A character cut off by the end of the item: ASCII bytes stay, the others become U+FFFD.
    func finish(out: inout [UInt8], offsets: inout [UInt64]) {
        let c = input.carry, b0 = input.carryBase
        input.carry = []
        guard !c.isEmpty else { return }
        buffer.reserve(3 * c.count)
        var k = 0
        for (j, byte) in c.enumerated() {
            k = putScalar(byte < 0x80 ? UInt32(byte) : 0xFFFD, b0 + UInt64(j), buffer.bytes, buffer.offsets, k)
        }
        buffer.append(k, to: &out, offsets: &offsets)
    }
}

final class UTF8Decoder: ChunkDecoder {
    private var atStart: Bool

    /// `atStart`: a BOM may come first (not when decoding takes over in the middle of an item).
    init(atStart: Bool = true) { self.atStart = atStart }

    @inline(__always) static func sequenceLength(_ c: UInt8) -> Int {
        switch c {
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 0
        }
    }

    @inline(__always) static func validSequence(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ len: Int) -> Bool {
        let c = b[i], d = b[i + 1]
        guard d & 0xC0 == 0x80 else { return false }
        switch len {
        case 2: return true
        case 3:
            if c == 0xE0 && d < 0xA0 { return false }
            if c == 0xED && d > 0x9F { return false }
            return b[i + 2] & 0xC0 == 0x80
        default:
            if c == 0xF0 && d < 0x90 { return false }
            if c == 0xF4 && d > 0x8F { return false }
            return b[i + 2] & 0xC0 == 0x80 && b[i + 3] & 0xC0 == 0x80
        }
    }

    /// Whether b[i..<n] (shorter than its sequence) can still become a valid character.
    @inline(__always) static func validPrefix(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ n: Int) -> Bool {
        let c = b[i]
        if i + 1 < n {
            let d = b[i + 1]
            if d & 0xC0 != 0x80 { return false }
            if (c == 0xE0 && d < 0xA0) || (c == 0xED && d > 0x9F) || (c == 0xF0 && d < 0x90) || (c == 0xF4 && d > 0x8F) { return false }
        }
        if i + 2 < n && b[i + 2] & 0xC0 != 0x80 { return false }
        return true
    }

    override func body(_ b: UnsafeBufferPointer<UInt8>, _ base: UInt64) -> (Int, Int?) {
        let n = b.count
        var i = 0
        if atStart && n > 0 {
            if n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3; atStart = false }
            else if n >= 3 || b[0] != 0xEF || (n == 2 && b[1] != 0xBB) { atStart = false }
            else { return (0, 0) }  // maybe a BOM cut short: wait for more
        }
        buffer.reserve(3 * n)
        let o = buffer.bytes, f = buffer.offsets
        var k = 0
        let p = b.baseAddress!
        while i < n {
            // Eight ASCII bytes at a time.
            if i + 8 <= n {
                let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                if w & 0x8080_8080_8080_8080 == 0 {
                    (o + k).update(from: p + i, count: 8)
                    let off = base + UInt64(i)
                    for j in 0..<8 { f[k + j] = off + UInt64(j) }
                    k += 8; i += 8
                    continue
                }
            }
            let c = p[i]
            if c < 0x80 { o[k] = c; f[k] = base + UInt64(i); k += 1; i += 1; continue }
            let len = UTF8Decoder.sequenceLength(c)
            if len == 0 { k = putScalar(0xFFFD, base + UInt64(i), o, f, k); i += 1; continue }
            if i + len > n {
                // A character cut by the end of this chunk: keep it for the next one.
                if UTF8Decoder.validPrefix(b, i, n) { return (k, i) }
                k = putScalar(0xFFFD, base + UInt64(i), o, f, k); i += 1; continue
            }
            if UTF8Decoder.validSequence(b, i, len) {
                let off = base + UInt64(i)
                for j in 0..<len { o[k + j] = p[i + j]; f[k + j] = off }
                k += len; i += len
            } else {
                k = putScalar(0xFFFD, base + UInt64(i), o, f, k); i += 1
            }
        }
        return (k, nil)
    }

    override func finish(out: inout [UInt8], offsets: inout [UInt64]) {
        atStart = false
        super.finish(out: &out, offsets: &offsets)  // a cut character, or a lone partial BOM
    }
}

final class UTF16Decoder: ChunkDecoder {
    private let bigEndian: Bool
    private var pendingHigh: (unit: UInt32, offset: UInt64)?
    private var atStart = true

    init(bigEndian: Bool) { self.bigEndian = bigEndian }

    override func body(_ b: UnsafeBufferPointer<UInt8>, _ base: UInt64) -> (Int, Int?) {
        let n = b.count
        var i = 0
        if atStart && n >= 2 {
            atStart = false
            if bigEndian ? (b[0] == 0xFE && b[1] == 0xFF) : (b[0] == 0xFF && b[1] == 0xFE) { i = 2 }
        }
        buffer.reserve(3 * (n / 2) + 8)
        let o = buffer.bytes, f = buffer.offsets
        var k = 0
        let hiShift: UInt32 = bigEndian ? 8 : 0, loShift: UInt32 = bigEndian ? 0 : 8
        while i + 1 < n {
            let unit = UInt32(b[i]) << hiShift | UInt32(b[i + 1]) << loShift
            let off = base + UInt64(i)
            i += 2
            if unit < 0x80 && pendingHigh == nil { o[k] = UInt8(unit); f[k] = off; k += 1; continue }
            if let high = pendingHigh {
                pendingHigh = nil
                if unit >= 0xDC00 && unit <= 0xDFFF {
                    k = putScalar(0x10000 + ((high.unit - 0xD800) << 10) + (unit - 0xDC00), high.offset, o, f, k)
                    continue
                }
                k = putScalar(0xFFFD, high.offset, o, f, k)
            }
            if unit >= 0xD800 && unit <= 0xDBFF { pendingHigh = (unit, off); continue }
            if unit >= 0xDC00 && unit <= 0xDFFF { k = putScalar(0xFFFD, off, o, f, k); continue }
            k = putScalar(unit, off, o, f, k)
        }
        return (k, i < n ? i : nil)
    }

    override func finish(out: inout [UInt8], offsets: inout [UInt64]) {
        buffer.reserve(8)
        var k = 0
        if let high = pendingHigh { k = putScalar(0xFFFD, high.offset, buffer.bytes, buffer.offsets, k); pendingHigh = nil }
        if !input.carry.isEmpty { k = putScalar(0xFFFD, input.carryBase, buffer.bytes, buffer.offsets, k); input.carry = [] }
        buffer.append(k, to: &out, offsets: &offsets)
    }
}

/// GB18030's mapping, taken from glibc's iconv once per process (so the decoder agrees with
/// iconv) and kept as tables: two-byte codes, and the four-byte codes of the BMP range. Four-byte codes
/// beyond the BMP are arithmetic (0x90308130 is U+10000, linearly).
enum GB18030Tables {
    /// Scalar of lead (0x81–0xFE) and trail (0x40–0xFE): index (lead - 0x81) * 191 + trail - 0x40; 0 if none.
    static let twoByte: [UInt32] = build(count: 126 * 191) { index in
        [UInt8(0x81 + index / 191), UInt8(0x40 + index % 191)]
    }
    /// Scalar of the four-byte codes 0x81308130–0x8431A439 by their linear index; 0 if none.
    static let fourByteBMP: [UInt32] = build(count: 39420) { linear in
        [UInt8(0x81 + linear / 12600), UInt8(0x30 + linear / 1260 % 10), UInt8(0x81 + linear / 10 % 126), UInt8(0x30 + linear % 10)]
    }

    private static func build(count: Int, code: (Int) -> [UInt8]) -> [UInt32] {
        var table = [UInt32](repeating: 0, count: count)
        let cd = iconv_open("UTF-32LE", "GB18030")
        guard cd != iconv_t(bitPattern: -1) else { return table }
        defer { iconv_close(cd) }
        var out = [UInt8](repeating: 0, count: 8)
        for index in 0..<count {
            var bytes = code(index)
            if bytes.count == 2 && bytes[1] == 0x7F { continue }
            let ok = bytes.withUnsafeMutableBytes { inRaw -> Bool in
                out.withUnsafeMutableBytes { outRaw -> Bool in
                    var inPtr: UnsafeMutablePointer<CChar>? = inRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
                    var inLeft = inRaw.count
                    var outPtr: UnsafeMutablePointer<CChar>? = outRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
                    var outLeft = outRaw.count
                    let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    if r == -1 { _ = iconv(cd, nil, nil, nil, nil) }
                    return r != -1 && inLeft == 0 && outLeft == 4
                }
            }
            let v = UInt32(out[0]) | UInt32(out[1]) << 8 | UInt32(out[2]) << 16 | UInt32(out[3]) << 24
            if ok && v > 0 && v <= 0x10FFFF { table[index] = v }  // a few two-byte codes map beyond the BMP
        }
        return table
    }
}

/// GB18030 (and so GBK and GB2312): character boundaries from the structure, scalars from
/// GB18030Tables; a code that maps to nothing becomes one U+FFFD for the whole character.
final class GB18030Decoder: ChunkDecoder {
    private let twoByte = GB18030Tables.twoByte
    private var fourByteBMP: [UInt32]?  // built on the first such character

    override func body(_ b: UnsafeBufferPointer<UInt8>, _ base: UInt64) -> (Int, Int?) {
        let n = b.count
        buffer.reserve(3 * n + 8)
        let o = buffer.bytes, f = buffer.offsets
        var k = 0, i = 0
        while i < n {
            let c = b[i]
            let off = base + UInt64(i)
            if c < 0x80 { o[k] = c; f[k] = off; k += 1; i += 1; continue }
            let len = GB18030Structure.charLength(b, i, n)
            if len < 0 { return (k, i) }  // cut by the end of the chunk
            if len == 0 { k = putScalar(0xFFFD, off, o, f, k); i += 1; continue }
            var v: UInt32 = 0
            if len == 2 {
                v = twoByte[(Int(c) - 0x81) * 191 + Int(b[i + 1]) - 0x40]
            } else {
                let linear = ((Int(c) - 0x81) * 10 + Int(b[i + 1]) - 0x30) * 1260 + (Int(b[i + 2]) - 0x81) * 10 + Int(b[i + 3]) - 0x30
                if linear < 39420 {
                    if fourByteBMP == nil { fourByteBMP = GB18030Tables.fourByteBMP }
                    v = fourByteBMP![linear]
                } else if linear >= 189_000 && linear <= 189_000 + 0xFFFFF {
                    v = UInt32(0x10000 + linear - 189_000)
                }
            }
            k = putScalar(v == 0 ? 0xFFFD : v, off, o, f, k)
            i += len
        }
        return (k, nil)
    }
}

/// ASCII until proven otherwise (see TextDecoders.makeUndecided). The choice is made on the
/// first `window` bytes from the first non-ASCII byte (or all of them, if the item ends sooner),
/// so it does not depend on how the reads were cut.
final class UndecidedDecoder: TextStreamDecoder {
    static let window = 1024
    private var inner: TextStreamDecoder?
    private var pending: [UInt8] = []
    private var pendingBase: UInt64 = 0

    func decode(_ input: UnsafeRawBufferPointer, base: UInt64, out: inout [UInt8], offsets: inout [UInt64]) {
        if let inner { inner.decode(input, base: base, out: &out, offsets: &offsets); return }
        let b = input.bindMemory(to: UInt8.self)
        if pending.isEmpty {
            guard let first = b.firstIndex(where: { $0 >= 0x80 }) else {
                out.append(contentsOf: b)
                offsets.append(contentsOf: (0..<UInt64(b.count)).lazy.map { base + $0 })
                return
            }
            out.append(contentsOf: b[..<first])
            offsets.append(contentsOf: (0..<UInt64(first)).lazy.map { base + $0 })
            pending = Array(b[first...])
            pendingBase = base + UInt64(first)
        } else {
            pending.append(contentsOf: b)
        }
        if pending.count >= Self.window { decide(atEnd: false, out: &out, offsets: &offsets) }
    }

    private func decide(atEnd: Bool, out: inout [UInt8], offsets: inout [UInt64]) {
        let evidence = pending.prefix(Self.window)
        let encoding = evidence.withUnsafeBytes { TextEncoding.detect($0, atEnd: atEnd && pending.count <= Self.window) }
        let chosen: TextStreamDecoder = encoding == .gb18030 ? GB18030Decoder() : UTF8Decoder(atStart: false)
        inner = chosen
        pending.withUnsafeBytes { chosen.decode($0, base: pendingBase, out: &out, offsets: &offsets) }
        pending = []
    }

    func finish(out: inout [UInt8], offsets: inout [UInt64]) {
        if inner == nil && !pending.isEmpty { decide(atEnd: true, out: &out, offsets: &offsets) }
        inner?.finish(out: &out, offsets: &offsets)
    }
}
