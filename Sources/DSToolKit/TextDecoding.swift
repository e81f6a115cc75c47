import Foundation

/// Text encodings the input layer recognises.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case utf16le = "utf-16le"
    case utf16be = "utf-16be"
    case gb18030 = "gb18030"
    case binary = "binary"

    /// Guesses the encoding of an item from its first block: BOM, then UTF-16 by its zero bytes,
    /// then strict UTF-8, then GB18030 (which also covers GBK and GB2312); else binary.
    public static func detect(_ head: UnsafeRawBufferPointer, atEnd: Bool) -> TextEncoding {
        let b = head.bindMemory(to: UInt8.self)
        let n = b.count
        if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return .utf8 }
        if n >= 2, b[0] == 0xFF, b[1] == 0xFE { return .utf16le }
        if n >= 2, b[0] == 0xFE, b[1] == 0xFF { return .utf16be }
        if n == 0 { return .utf8 }
        var zerosEven = 0, zerosOdd = 0, controls = 0
        for i in 0..<n {
            let c = b[i]
            if c == 0 { if i & 1 == 0 { zerosEven += 1 } else { zerosOdd += 1 } }
            else if c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D && c != 0x0C && c != 0x1B { controls += 1 }
        }
        let half = max(n / 2, 1)
        if zerosOdd * 10 > half * 3 && zerosEven * 20 < half { return .utf16le }
        if zerosEven * 10 > half * 3 && zerosOdd * 20 < half { return .utf16be }
        if zerosEven + zerosOdd > 0 || controls * 20 > n { return .binary }
        let utf8 = UTF8Validation.check(b, allowTruncatedEnd: !atEnd)
        if utf8.invalid == 0 { return .utf8 }
        if GB18030Structure.isPlausible(b, allowTruncatedEnd: !atEnd) { return .gb18030 }
        // Mostly UTF-8 with a few bad bytes: decode leniently rather than call it binary.
        return utf8.invalid * 50 < max(utf8.multibyte, 1) ? .utf8 : .binary
    }
}

enum UTF8Validation {
    /// Counts invalid bytes and valid multibyte sequences.
    static func check(_ b: UnsafeBufferPointer<UInt8>, allowTruncatedEnd: Bool) -> (invalid: Int, multibyte: Int) {
        var i = 0, invalid = 0, multibyte = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let len = UTF8Decoder.sequenceLength(c)
            if len == 0 { invalid += 1; i += 1; continue }
            if i + len > n {
                if !allowTruncatedEnd { invalid += n - i }
                break
            }
            if UTF8Decoder.validSequence(b, i, len) { multibyte += 1; i += len } else { invalid += 1; i += 1 }
        }
        return (invalid, multibyte)
    }
}

enum GB18030Structure {
    /// Bytes form GB18030 characters (1, 2 or 4 bytes) with at least one non-ASCII character.
    static func isPlausible(_ b: UnsafeBufferPointer<UInt8>, allowTruncatedEnd: Bool) -> Bool {
        var i = 0, multi = 0
        let n = b.count
        while i < n {
            let len = charLength(b, i, n)
            if len == 0 { return false }
            if len < 0 { return allowTruncatedEnd && multi > 0 }
            if len > 1 { multi += 1 }
            i += len
        }
        return multi > 0
    }

    /// Length of the GB18030 character at i: 1, 2 or 4; 0 if invalid; -1 if cut off by the end.
    @inline(__always) static func charLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        let c = b[i]
        if c < 0x80 { return 1 }
        if c == 0x80 || c == 0xFF { return 0 }
        if i + 1 >= n { return -1 }
        let d = b[i + 1]
        if (0x40...0x7E).contains(d) || (0x80...0xFE).contains(d) { return 2 }
        if (0x30...0x39).contains(d) {
            if i + 3 >= n { return -1 }
            let e = b[i + 2], f = b[i + 3]
            if (0x81...0xFE).contains(e) && (0x30...0x39).contains(f) { return 4 }
        }
        return 0
    }
}

/// Streaming decoder to UTF-8 with, for each output byte, the raw offset of its character.
/// Invalid input becomes U+FFFD, one per bad byte (or code unit), so offsets stay exact.
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

    /// Decodes a whole buffer (for tests and small inputs).
    public static func decodeAll(_ bytes: [UInt8], as encoding: TextEncoding) -> (text: String, offsets: [UInt64]) {
        let d = make(encoding)
        var out = [UInt8](), offsets = [UInt64]()
        bytes.withUnsafeBytes { d.decode($0, base: 0, out: &out, offsets: &offsets) }
        d.finish(out: &out, offsets: &offsets)
        return (String(decoding: out, as: UTF8.self), offsets)
    }
}

@inline(__always) func appendScalar(_ v: UInt32, at offset: UInt64, _ out: inout [UInt8], _ offsets: inout [UInt64]) {
    if v < 0x80 {
        out.append(UInt8(v)); offsets.append(offset)
    } else if v < 0x800 {
        out.append(UInt8(0xC0 | (v >> 6))); out.append(UInt8(0x80 | (v & 0x3F)))
        offsets.append(offset); offsets.append(offset)
    } else if v < 0x10000 {
        out.append(UInt8(0xE0 | (v >> 12))); out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        offsets.append(offset); offsets.append(offset); offsets.append(offset)
    } else {
        out.append(UInt8(0xF0 | (v >> 18))); out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
        out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        offsets.append(offset); offsets.append(offset); offsets.append(offset); offsets.append(offset)
    }
}

final class UTF8Decoder: TextStreamDecoder {
    private var carry: [UInt8] = []
    private var carryBase: UInt64 = 0
    private var atStart = true

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

    func decode(_ input: UnsafeRawBufferPointer, base: UInt64, out: inout [UInt8], offsets: inout [UInt64]) {
        if !carry.isEmpty {
            let joined = carry + Array(input.bindMemory(to: UInt8.self))
            let b0 = carryBase
            carry = []
            joined.withUnsafeBytes { decodeBody($0, base: b0, out: &out, offsets: &offsets) }
        } else {
            decodeBody(input, base: base, out: &out, offsets: &offsets)
        }
    }

    private func decodeBody(_ input: UnsafeRawBufferPointer, base: UInt64, out: inout [UInt8], offsets: inout [UInt64]) {
        let b = input.bindMemory(to: UInt8.self)
        let n = b.count
        var i = 0
        if atStart && n > 0 {
            if n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3; atStart = false }
            else if n >= 3 || (b[0] != 0xEF) { atStart = false }
            else { carry = Array(b); carryBase = base; return }
        }
        out.reserveCapacity(out.count + n); offsets.reserveCapacity(offsets.count + n)
        while i < n {
            let c = b[i]
            if c < 0x80 { out.append(c); offsets.append(base + UInt64(i)); i += 1; continue }
            let len = UTF8Decoder.sequenceLength(c)
            if len == 0 { appendScalar(0xFFFD, at: base + UInt64(i), &out, &offsets); i += 1; continue }
            if i + len > n {
                // Could be a character cut by the chunk boundary: keep it if it is a valid prefix.
                var prefixOK = true
                for k in (i + 1)..<n where b[k] & 0xC0 != 0x80 { prefixOK = false }
                if prefixOK { carry = Array(b[i..<n]); carryBase = base + UInt64(i); return }
                appendScalar(0xFFFD, at: base + UInt64(i), &out, &offsets); i += 1; continue
            }
            if UTF8Decoder.validSequence(b, i, len) {
                for k in 0..<len { out.append(b[i + k]); offsets.append(base + UInt64(i)) }
                i += len
            } else {
                appendScalar(0xFFFD, at: base + UInt64(i), &out, &offsets); i += 1
            }
        }
    }

    func finish(out: inout [UInt8], offsets: inout [UInt64]) {
        if carry.isEmpty { return }
        // A lone partial BOM at the very start is text, not a BOM.
        let c = carry; let b0 = carryBase
        carry = []
        atStart = false
        c.withUnsafeBytes { p in
            let b = p.bindMemory(to: UInt8.self)
            for k in 0..<b.count {
                if b[k] < 0x80 { out.append(b[k]); offsets.append(b0 + UInt64(k)) }
                else { appendScalar(0xFFFD, at: b0 + UInt64(k), &out, &offsets) }
            }
        }
    }
}

final class UTF16Decoder: TextStreamDecoder {
    private let bigEndian: Bool
    private var carry: [UInt8] = []
    private var carryBase: UInt64 = 0
    private var pendingHigh: (unit: UInt32, offset: UInt64)?
    private var atStart = true

    init(bigEndian: Bool) { self.bigEndian = bigEndian }

    func decode(_ input: UnsafeRawBufferPointer, base: UInt64, out: inout [UInt8], offsets: inout [UInt64]) {
        var bytes = carry
        let b0 = carry.isEmpty ? base : carryBase
        bytes.append(contentsOf: input.bindMemory(to: UInt8.self))
        carry = []
        let n = bytes.count
        var i = 0
        if atStart && n >= 2 {
            atStart = false
            let bom: (UInt8, UInt8) = bigEndian ? (0xFE, 0xFF) : (0xFF, 0xFE)
            if bytes[0] == bom.0 && bytes[1] == bom.1 { i = 2 }
        }
        while i + 1 < n {
            let unit = bigEndian ? (UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])) : (UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i]))
            let off = b0 + UInt64(i)
            i += 2
            if let high = pendingHigh {
                pendingHigh = nil
                if (0xDC00...0xDFFF).contains(unit) {
                    appendScalar(0x10000 + ((high.unit - 0xD800) << 10) + (unit - 0xDC00), at: high.offset, &out, &offsets)
                    continue
                }
                appendScalar(0xFFFD, at: high.offset, &out, &offsets)
            }
            if (0xD800...0xDBFF).contains(unit) { pendingHigh = (unit, off); continue }
            if (0xDC00...0xDFFF).contains(unit) { appendScalar(0xFFFD, at: off, &out, &offsets); continue }
            appendScalar(unit, at: off, &out, &offsets)
        }
        if i < n { carry = [bytes[i]]; carryBase = b0 + UInt64(i) }
    }

    func finish(out: inout [UInt8], offsets: inout [UInt64]) {
        if let high = pendingHigh { appendScalar(0xFFFD, at: high.offset, &out, &offsets); pendingHigh = nil }
        if !carry.isEmpty { appendScalar(0xFFFD, at: carryBase, &out, &offsets); carry = [] }
    }
}

/// GB18030 through glibc's iconv: we find character boundaries ourselves (the structure is simple),
/// let iconv convert runs of valid characters, and walk both sides to map offsets.
final class GB18030Decoder: TextStreamDecoder {
    private var carry: [UInt8] = []
    private var carryBase: UInt64 = 0
    private let cd: iconv_t?
    private var scratch = [UInt8](repeating: 0, count: 1 << 16)

    init() {
        let h = iconv_open("UTF-8", "GB18030")
        cd = (h == iconv_t(bitPattern: -1)) ? nil : h
    }
    deinit { if let cd { iconv_close(cd) } }

    func decode(_ input: UnsafeRawBufferPointer, base: UInt64, out: inout [UInt8], offsets: inout [UInt64]) {
        var bytes = carry
        let b0 = carry.isEmpty ? base : carryBase
        bytes.append(contentsOf: input.bindMemory(to: UInt8.self))
        carry = []
        bytes.withUnsafeBufferPointer { b in
            let n = b.count
            var i = 0
            var runStart = 0
            var runLengths: [Int] = []
            func flushRun(_ end: Int) {
                if end > runStart { convert(b, runStart, end, runLengths, base: b0, &out, &offsets) }
                runLengths.removeAll(keepingCapacity: true)
            }
            while i < n {
                let len = GB18030Structure.charLength(b, i, n)
                if len < 0 { flushRun(i); carry = Array(b[i..<n]); carryBase = b0 + UInt64(i); return }
                if len == 0 {
                    flushRun(i)
                    appendScalar(0xFFFD, at: b0 + UInt64(i), &out, &offsets)
                    i += 1; runStart = i
                    continue
                }
                if len == 1 && runLengths.isEmpty && i == runStart {
                    // Fast path for ASCII outside a run.
                    out.append(b[i]); offsets.append(b0 + UInt64(i)); i += 1; runStart = i; continue
                }
                runLengths.append(len); i += len
                if runLengths.count >= 4096 { flushRun(i); runStart = i }
            }
            flushRun(n)
        }
    }

    private func convert(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ lengths: [Int], base: UInt64,
                         _ out: inout [UInt8], _ offsets: inout [UInt64]) {
        guard let cd else {
            var off = start
            for len in lengths { appendScalar(0xFFFD, at: base + UInt64(off), &out, &offsets); off += len }
            return
        }
        // Convert character by character groups: on a conversion failure fall back per character.
        var off = start
        var idx = 0
        while idx < lengths.count {
            let charStart = off
            let len = lengths[idx]
            var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: b.baseAddress! + charStart).assumingMemoryBound(to: CChar.self)
            var inLeft = len
            let produced: Int = scratch.withUnsafeMutableBufferPointer { sp in
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(sp.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = sp.count
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                if r == -1 { _ = iconv(cd, nil, nil, nil, nil); return -1 }
                return sp.count - outLeft
            }
            if produced <= 0 {
                appendScalar(0xFFFD, at: base + UInt64(charStart), &out, &offsets)
            } else {
                for k in 0..<produced { out.append(scratch[k]); offsets.append(base + UInt64(charStart)) }
            }
            off += len
            idx += 1
        }
        _ = end
    }

    func finish(out: inout [UInt8], offsets: inout [UInt64]) {
        for k in 0..<carry.count { appendScalar(0xFFFD, at: carryBase + UInt64(k), &out, &offsets) }
        carry = []
    }
}
