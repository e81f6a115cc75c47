import FoundationEssentials
import Glibc

/// The byte rules of canonical JSON strings and numbers, on raw memory, shared by the writer and
/// the template's exact-size encoder: only `"`, `\` and C0 controls are escaped (\b \f \n \r \t
/// short forms, lowercase \u00xx for the rest), everything else (non-ASCII, DEL) is copied.
enum CanonicalJSONBytes {
    /// How many leading bytes of `u` need no escaping: eight at a time while none does (paths,
    /// texts and most evidence have none, so a clean string costs one pass of word tests), the
    /// last bytes in one overlapping word, and the first byte that does found from the word's mask.
    @inline(__always)
    static func cleanPrefixLength(_ u: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = u.baseAddress else { return 0 }
        let n = u.count
        var i = 0
        while n - i >= 8 {
            let special = CanonicalRecordScanner.quoteBackslashOrControl(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            if special != 0 { return i + (special.trailingZeroBitCount >> 3) }
            i += 8
        }
        if i == n { return n }
        if n >= 8 {
            // Its first bytes were found clean above, so the lowest flagged byte is the first.
            let special = CanonicalRecordScanner.quoteBackslashOrControl(UnsafeRawPointer(base + n - 8).loadUnaligned(as: UInt64.self))
            return special == 0 ? n : n - 8 + (special.trailingZeroBitCount >> 3)
        }
        while i < n, !needsEscape(base[i]) { i += 1 }
        return i
    }

    @inline(__always) static func needsEscape(_ b: UInt8) -> Bool {
        b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\")
    }

    /// The length of `u` escaped, quotes not included.
    static func escapedLength(_ u: UnsafeBufferPointer<UInt8>) -> Int {
        var i = cleanPrefixLength(u)
        var length = u.count
        while i < u.count {
            let b = u[i]
            if needsEscape(b) { length += hasShortForm(b) ? 1 : 5 }
            i += 1
        }
        return length
    }

    /// Whether a byte that needs escaping has a two-byte form (`\"`, `\\`, \b \t \n \f \r).
    @inline(__always) static func hasShortForm(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == 0x08 || b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D
    }

    /// Writes `u` escaped at `out` (room for `escapedLength(u)` bytes); returns the bytes written.
    static func writeEscaped(_ u: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) -> Int {
        guard let base = u.baseAddress else { return 0 }
        let clean = cleanPrefixLength(u)
        memcpy(out, base, clean)
        var o = clean
        for i in clean..<u.count {
            let b = base[i]
            if !needsEscape(b) { out[o] = b; o += 1; continue }
            o += writeEscape(b, to: out + o)
        }
        return o
    }

    /// The escape of one byte that needs one; returns its length (2 or 6).
    @inline(__always) static func writeEscape(_ b: UInt8, to out: UnsafeMutablePointer<UInt8>) -> Int {
        out[0] = UInt8(ascii: "\\")
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out[1] = b
        case 0x08: out[1] = UInt8(ascii: "b")
        case 0x0C: out[1] = UInt8(ascii: "f")
        case 0x0A: out[1] = UInt8(ascii: "n")
        case 0x0D: out[1] = UInt8(ascii: "r")
        case 0x09: out[1] = UInt8(ascii: "t")
        default:
            out[1] = UInt8(ascii: "u"); out[2] = UInt8(ascii: "0"); out[3] = UInt8(ascii: "0")
            out[4] = hexDigit(b >> 4); out[5] = hexDigit(b & 15)
            return 6
        }
        return 2
    }

    @inline(__always) static func hexDigit(_ v: UInt8) -> UInt8 {
        v < 10 ? UInt8(ascii: "0") &+ v : UInt8(ascii: "a") &+ (v &- 10)
    }

    /// Decimal digits of `v`'s magnitude.
    @inline(__always) static func digitCount(_ v: UInt64) -> Int {
        var n = 1
        var m = v
        while m >= 10 { m /= 10; n += 1 }
        return n
    }

    /// `v` in decimal at `out`; returns its length.
    static func writeInteger(_ v: Int64, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var o = 0
        if v < 0 { out[0] = UInt8(ascii: "-"); o = 1 }
        var mag = v.magnitude
        let n = digitCount(mag)
        var k = o + n
        repeat {
            k -= 1
            out[k] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: mag % 10)
            mag /= 10
        } while mag != 0
        return o + n
    }

    @inline(__always) static func integerLength(_ v: Int64) -> Int { (v < 0 ? 1 : 0) + digitCount(v.magnitude) }

    /// Whether `a`'s UTF-8 sorts before `b`'s, byte by byte (the writer's key order): memcmp
    /// instead of a generic walk over two UTF8Views.
    static func utf8Precedes(_ a: String, _ b: String) -> Bool {
        withUTF8(a) { ua in
            withUTF8(b) { ub in
                let n = min(ua.count, ub.count)
                let c = n == 0 ? 0 : memcmp(ua.baseAddress!, ub.baseAddress!, n)
                return c < 0 || (c == 0 && ua.count < ub.count)
            }
        }
    }

    /// The UTF-8 of `s` in contiguous memory for the duration of `body` (native strings in place).
    @inline(__always)
    static func withUTF8<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let r = try s.utf8.withContiguousStorageIfAvailable(body) { return r }
        var copy = s
        return try copy.withUTF8(body)
    }
}

/// A finite double as the canonical writer writes it (Swift's shortest round-trip text, without a
/// trailing ".0"), held inline. Confidences (0.9, 0.75…) and small whole numbers are formatted
/// without `description` (a String and ~900 instructions); every other value goes through it.
struct CanonicalDoubleText {
    /// Up to 32 bytes; the longest `description` of a Double is 24 ("-2.2250738585072014e-308").
    private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private(set) var count = 0

    init(_ d: Double) {
        withUnsafeMutableBytes(of: &storage) { raw in
            let out = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            count = Self.format(d, to: out)
        }
    }

    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeBytes(of: storage) { raw in body(UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count)) }
    }

    static func format(_ d: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        // 0.0001 ≤ d < 1 with at most six decimals: d is then the double nearest k / 10^n for the
        // smallest such n, and the shortest text that reads back as d is "0." and k's n digits
        // (no other n-digit decimal lies within half an ulp: ulps here are below 1e-16).
        // Below 0.0001 Swift switches to exponents ("1e-05").
        if d >= 0.0001 && d < 1 {
            var scale = 1.0
            for n in 1...6 {
                scale *= 10
                let k = (d * scale).rounded()
                if k / scale == d {
                    out[0] = UInt8(ascii: "0"); out[1] = UInt8(ascii: ".")
                    var v = UInt64(k)
                    for at in stride(from: n + 1, through: 2, by: -1) {
                        out[at] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
                        v /= 10
                    }
                    return n + 2
                }
            }
        }
        // Whole numbers are printed in full (with ".0", dropped) up to 2^53; exponents start later.
        if d.magnitude < 1e15 && d == d.rounded(.towardZero) && !(d == 0 && d.sign == .minus) {
            return CanonicalJSONBytes.writeInteger(Int64(d), to: out)
        }
        var text = d.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text.withUTF8 { u in
            memcpy(out, u.baseAddress!, u.count)
            return u.count
        }
    }
}

/// Where the template's encoder sends bytes: first a counter (the exact size), then the writer
/// into an array of that size. Both take the same calls, so the two passes cannot disagree.
protocol CanonicalByteSink {
    mutating func raw(_ u: UnsafeBufferPointer<UInt8>)
    mutating func raw(_ s: StaticString)
    /// A string value, quoted and escaped.
    mutating func quoted(_ u: UnsafeBufferPointer<UInt8>)
    mutating func integer(_ v: Int64)
    /// 16 digest bytes (in memory order) as a quoted 32-digit lowercase hex string.
    mutating func hexString(_ digest: (UInt64, UInt64))
}

extension CanonicalByteSink {
    @inline(__always) mutating func quoted(_ s: String) { CanonicalJSONBytes.withUTF8(s) { quoted($0) } }

    /// A location object, members in the writer's order (see `CanonicalJSONWriter.write(Location)`).
    mutating func location(_ l: Location) {
        var comma = false
        raw("{")
        if let v = l.chain {
            member("\"chain\":", &comma)
            raw("[")
            for (n, e) in v.enumerated() {
                if n > 0 { raw(",") }
                quoted(e)
            }
            raw("]")
        }
        if let v = l.column { member("\"column\":", &comma); integer(Int64(v)) }
        if let v = l.columnName { member("\"column_name\":", &comma); quoted(v) }
        if let v = l.endLine { member("\"end_line\":", &comma); integer(Int64(v)) }
        member("\"input\":", &comma); quoted(l.input)
        if let v = l.length { member("\"length\":", &comma); integer(Int64(v)) }
        if let v = l.line { member("\"line\":", &comma); integer(Int64(v)) }
        if let v = l.offset { member("\"offset\":", &comma); integer(v) }
        if let v = l.path { member("\"path\":", &comma); quoted(v) }
        if let v = l.row { member("\"row\":", &comma); integer(v) }
        if let v = l.table { member("\"table\":", &comma); quoted(v) }
        raw("}")
    }

    /// `"key":`, after a comma unless it is the object's first member.
    @inline(__always) mutating func member(_ quotedKeyAndColon: StaticString, _ comma: inout Bool) {
        if comma { raw(",") }
        comma = true
        raw(quotedKeyAndColon)
    }
}

/// Counts the bytes the writer would write.
struct CanonicalByteCounter: CanonicalByteSink {
    var count = 0
    @inline(__always) mutating func raw(_ u: UnsafeBufferPointer<UInt8>) { count += u.count }
    @inline(__always) mutating func raw(_ s: StaticString) { count += s.utf8CodeUnitCount }
    @inline(__always) mutating func quoted(_ u: UnsafeBufferPointer<UInt8>) { count += 2 + CanonicalJSONBytes.escapedLength(u) }
    @inline(__always) mutating func integer(_ v: Int64) { count += CanonicalJSONBytes.integerLength(v) }
    @inline(__always) mutating func hexString(_ digest: (UInt64, UInt64)) { count += 34 }
}

/// Writes into memory sized by `CanonicalByteCounter` for the same calls.
struct CanonicalPointerWriter: CanonicalByteSink {
    let start: UnsafeMutablePointer<UInt8>
    var at: UnsafeMutablePointer<UInt8>
    init(_ start: UnsafeMutablePointer<UInt8>) { self.start = start; at = start }
    var written: Int { at - start }

    @inline(__always) mutating func raw(_ u: UnsafeBufferPointer<UInt8>) {
        if let b = u.baseAddress { memcpy(at, b, u.count) }
        at += u.count
    }
    @inline(__always) mutating func raw(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        if n == 1 { at.pointee = s.utf8Start.pointee } else { memcpy(at, s.utf8Start, n) }
        at += n
    }
    @inline(__always) mutating func quoted(_ u: UnsafeBufferPointer<UInt8>) {
        at.pointee = UInt8(ascii: "\"")
        at += 1 + CanonicalJSONBytes.writeEscaped(u, to: at + 1)
        at.pointee = UInt8(ascii: "\"")
        at += 1
    }
    @inline(__always) mutating func integer(_ v: Int64) { at += CanonicalJSONBytes.writeInteger(v, to: at) }
    @inline(__always) mutating func hexString(_ digest: (UInt64, UInt64)) {
        at.pointee = UInt8(ascii: "\"")
        withUnsafeBytes(of: digest) { d in
            for k in 0..<16 {
                at[1 + 2 * k] = CanonicalJSONBytes.hexDigit(d[k] >> 4)
                at[2 + 2 * k] = CanonicalJSONBytes.hexDigit(d[k] & 15)
            }
        }
        at[33] = UInt8(ascii: "\"")
        at += 34
    }
}
