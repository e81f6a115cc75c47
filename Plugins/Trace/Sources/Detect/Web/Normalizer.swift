import Foundation

/// Undoes the encodings attackers use to slip payloads past signatures, so one pattern sees every
/// spelling: URL decoding repeated until stable (`%2527` → `%27` → `'`, at most 4 rounds),
/// `%uXXXX`, `\xNN`, `\uXXXX`, HTML character references, overlong UTF-8 (`%c0%ae`), fullwidth
/// forms (`％`, `＜`), NUL bytes, SQL comments (`UN/**/ION`, `/*!50000SELECT*/`), and runs of
/// whitespace. Case is not folded here: the matcher is caseless. Log4Shell lookups are resolved
/// separately (`Log4jLookups`) because they are only worth the work when `${` is present.
///
/// What was seen on the way is kept as flags (a NUL byte, double encoding, CR/LF), which the
/// protocol-abuse checks use.
public final class Normalizer {
    public struct Flags: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let nulByte = Flags(rawValue: 1)
        public static let doubleEncoded = Flags(rawValue: 2)
        public static let crlf = Flags(rawValue: 4)
        public static let overlongUTF8 = Flags(rawValue: 8)
        public static let sqlComment = Flags(rawValue: 16)
    }

    @exclusivity(unchecked) public private(set) var buffer: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var other: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) public private(set) var count = 0
    @exclusivity(unchecked) public private(set) var flags: Flags = []

    /// Bytes that mean "there may be something to undo".
    static let special: [Bool] = {
        var t = [Bool](repeating: false, count: 256)
        for c in "%+\\&\t\r\n\u{0B}\u{0C}".utf8 { t[Int(c)] = true }
        for c in 0x80..<256 { t[c] = true }
        t[0] = true
        return t
    }()

    public init(capacity: Int = 1 << 16) {
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
        other = .allocate(capacity: capacity)
    }
    deinit { buffer.deallocate(); other.deallocate() }

    private func ensure(_ n: Int) {
        if n <= capacity { return }
        var c = capacity
        while c < n { c *= 2 }
        buffer.deallocate(); other.deallocate()
        buffer = .allocate(capacity: c); other = .allocate(capacity: c)
        capacity = c
    }

    /// Whether `p[0..<n]` needs any work (if not, scan it as it is).
    @inline(__always) public static func needsWork(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        return special.withUnsafeBufferPointer { t in
            while i < n {
                let c = p[i]
                if t[Int(c)] { return true }
                if c == 0x2F && i + 1 < n && p[i + 1] == 0x2A { return true }  // "/*"
                i += 1
            }
            return false
        }
    }

    /// Normalizes `p[0..<n]` into `buffer[0..<count]`. `plusIsSpace`: '+' is a space (query strings).
    public func normalize(_ p: UnsafePointer<UInt8>, _ n: Int, plusIsSpace: Bool = true) {
        ensure(n * 3 + 16)
        flags = []
        // Round 1 decodes '+'; later rounds only %XX (a literal '+' from %2B must stay '+').
        var len = urlDecode(p, n, into: other, plusIsSpace: plusIsSpace)
        var rounds = 1
        while rounds < 4 && containsEscape(other, len) {
            if rounds == 1 { flags.insert(.doubleEncoded) }
            len = urlDecode(UnsafePointer(other), len, into: buffer, plusIsSpace: false)
            swap(&buffer, &other)
            rounds += 1
        }
        len = unescape(UnsafePointer(other), len, into: buffer)
        len = foldUnicode(buffer, len)
        len = stripSQLComments(buffer, len)
        len = collapseSpace(buffer, len)
        count = len
    }

    @inline(__always) private func containsEscape(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i + 2 < n {
            if p[i] == 0x25 && ((ByteOps.isHex(p[i + 1]) && ByteOps.isHex(p[i + 2])) || (p[i + 1] | 0x20) == 0x75) { return true }
            i += 1
        }
        return false
    }

    /// %XX, %uXXXX and (optionally) '+'.
    private func urlDecode(_ p: UnsafePointer<UInt8>, _ n: Int, into out: UnsafeMutablePointer<UInt8>, plusIsSpace: Bool) -> Int {
        var i = 0, o = 0
        while i < n {
            let c = p[i]
            if c == 0x25 && i + 2 < n && ByteOps.isHex(p[i + 1]) && ByteOps.isHex(p[i + 2]) {
                let v = ByteOps.hexValue(p[i + 1]) << 4 | ByteOps.hexValue(p[i + 2])
                if v == 0x0D || v == 0x0A { flags.insert(.crlf) }
                out[o] = v; o += 1; i += 3
            } else if c == 0x25 && i + 5 < n && (p[i + 1] | 0x20) == 0x75
                        && ByteOps.isHex(p[i + 2]) && ByteOps.isHex(p[i + 3]) && ByteOps.isHex(p[i + 4]) && ByteOps.isHex(p[i + 5]) {
                var v: UInt32 = 0
                for k in 2...5 { v = v << 4 | UInt32(ByteOps.hexValue(p[i + k])) }
                o += JSONScan.encodeUTF8(v, out + o)
                i += 6
            } else if c == 0x2B && plusIsSpace {
                out[o] = 0x20; o += 1; i += 1
            } else {
                out[o] = c; o += 1; i += 1
            }
        }
        return o
    }

    /// \xNN, \uXXXX, &#NN;, &#xNN;, &lt; &gt; &quot; &apos; &amp; — and drops NUL bytes.
    private func unescape(_ p: UnsafePointer<UInt8>, _ n: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var i = 0, o = 0
        while i < n {
            let c = p[i]
            if c == 0 { flags.insert(.nulByte); i += 1; continue }
            if c == 0x5C && i + 3 < n && (p[i + 1] | 0x20) == 0x78 && ByteOps.isHex(p[i + 2]) && ByteOps.isHex(p[i + 3]) {
                let v = ByteOps.hexValue(p[i + 2]) << 4 | ByteOps.hexValue(p[i + 3])
                if v == 0 { flags.insert(.nulByte) } else { out[o] = v; o += 1 }
                i += 4; continue
            }
            if c == 0x5C && i + 5 < n && (p[i + 1] | 0x20) == 0x75
                && ByteOps.isHex(p[i + 2]) && ByteOps.isHex(p[i + 3]) && ByteOps.isHex(p[i + 4]) && ByteOps.isHex(p[i + 5]) {
                var v: UInt32 = 0
                for k in 2...5 { v = v << 4 | UInt32(ByteOps.hexValue(p[i + k])) }
                if v == 0 { flags.insert(.nulByte) } else { o += JSONScan.encodeUTF8(v, out + o) }
                i += 6; continue
            }
            if c == 0x26 && i + 2 < n {
                if p[i + 1] == 0x23 {  // &#NN; or &#xNN; (the ';' is optional in browsers)
                    var j = i + 2
                    var v: UInt32 = 0
                    var digits = 0
                    if j < n && (p[j] | 0x20) == 0x78 {
                        j += 1
                        while j < n && ByteOps.isHex(p[j]) && digits < 6 { v = v << 4 | UInt32(ByteOps.hexValue(p[j])); j += 1; digits += 1 }
                    } else {
                        while j < n && ByteOps.isDigit(p[j]) && digits < 7 { v = v * 10 + UInt32(p[j] - 0x30); j += 1; digits += 1 }
                    }
                    if digits > 0 && v > 0 && v <= 0x10FFFF {
                        if j < n && p[j] == 0x3B { j += 1 }
                        o += JSONScan.encodeUTF8(v, out + o)
                        i = j; continue
                    }
                } else if let (ch, len) = namedEntity(p, i, n) {
                    out[o] = ch; o += 1; i += len; continue
                }
            }
            out[o] = c; o += 1; i += 1
        }
        return o
    }

    @inline(__always) private func namedEntity(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> (UInt8, Int)? {
        if ByteOps.hasPrefixCaseless(p, i, n, "&lt;") { return (0x3C, 4) }
        if ByteOps.hasPrefixCaseless(p, i, n, "&gt;") { return (0x3E, 4) }
        if ByteOps.hasPrefixCaseless(p, i, n, "&quot;") { return (0x22, 6) }
        if ByteOps.hasPrefixCaseless(p, i, n, "&apos;") { return (0x27, 6) }
        if ByteOps.hasPrefixCaseless(p, i, n, "&amp;") { return (0x26, 5) }
        if ByteOps.hasPrefixCaseless(p, i, n, "&lpar;") { return (0x28, 6) }
        if ByteOps.hasPrefixCaseless(p, i, n, "&rpar;") { return (0x29, 6) }
        if ByteOps.hasPrefixCaseless(p, i, n, "&colon;") { return (0x3A, 7) }
        if ByteOps.hasPrefixCaseless(p, i, n, "&sol;") { return (0x2F, 5) }
        return nil
    }

    /// Overlong two-byte UTF-8 for ASCII (C0/C1 leads) and fullwidth ASCII (U+FF01–FF5E) → ASCII.
    private func foldUnicode(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Int {
        var i = 0, o = 0
        while i < n {
            let c = p[i]
            if c < 0x80 { p[o] = c; o += 1; i += 1; continue }
            if (c == 0xC0 || c == 0xC1) && i + 1 < n && p[i + 1] & 0xC0 == 0x80 {
                flags.insert(.overlongUTF8)
                p[o] = ((c & 0x1F) << 6) | (p[i + 1] & 0x3F); o += 1; i += 2; continue
            }
            // EF BC 81..EF BD 9E = U+FF01..U+FF5E
            if c == 0xEF && i + 2 < n && (p[i + 1] == 0xBC || p[i + 1] == 0xBD) && p[i + 2] & 0xC0 == 0x80 {
                let v = (UInt32(p[i + 1] & 0x3F) << 6) | UInt32(p[i + 2] & 0x3F)  // low 12 bits of U+FFxx
                let cp = 0xF000 | v
                if cp >= 0xFF01 && cp <= 0xFF5E {
                    p[o] = UInt8(cp - 0xFEE0); o += 1; i += 3; continue
                }
            }
            p[o] = c; o += 1; i += 1
        }
        return o
    }

    /// `/**/` and `/* ... */` become a space; MySQL's executable comments `/*!50000 SELECT*/` keep
    /// their content. Only when the text holds "/*".
    private func stripSQLComments(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Int {
        guard ByteOps.find(UnsafePointer(p), 0, n, "/*") != nil else { return n }
        flags.insert(.sqlComment)
        var i = 0, o = 0
        while i < n {
            if p[i] == 0x2F && i + 1 < n && p[i + 1] == 0x2A {
                var j = i + 2
                if j < n && p[j] == 0x21 {  // /*!NNNNN content */
                    j += 1
                    while j < n && ByteOps.isDigit(p[j]) { j += 1 }
                    p[o] = 0x20; o += 1
                    i = j
                    continue
                }
                guard let close = ByteOps.find(UnsafePointer(p), j, n, "*/") else {
                    p[o] = 0x20; o += 1; i = n; break
                }
                p[o] = 0x20; o += 1
                i = close + 2
                continue
            }
            if p[i] == 0x2A && i + 1 < n && p[i + 1] == 0x2F { p[o] = 0x20; o += 1; i += 2; continue }  // end of /*!...*/
            p[o] = p[i]; o += 1; i += 1
        }
        return o
    }

    /// Tabs, vertical tabs, form feeds and runs of spaces → one space; CR/LF → one '\n'.
    private func collapseSpace(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Int {
        var i = 0, o = 0
        var lastSpace = false
        while i < n {
            var c = p[i]
            if c == 0x0D || c == 0x0A {
                c = 0x0A
                if o > 0 && p[o - 1] == 0x0A { i += 1; continue }
                p[o] = c; o += 1; i += 1; lastSpace = false; continue
            }
            if c == 0x20 || c == 0x09 || c == 0x0B || c == 0x0C {
                if lastSpace { i += 1; continue }
                p[o] = 0x20; o += 1; i += 1; lastSpace = true; continue
            }
            lastSpace = false
            p[o] = c; o += 1; i += 1
        }
        return o
    }

    public var string: String { String(decoding: UnsafeBufferPointer(start: buffer, count: count), as: UTF8.self) }
}

/// Log4j lookup de-obfuscation: `${${lower:j}ndi:...}`, `${${::-j}${::-n}di:...}`,
/// `${${env:NOPE:-j}ndi...}`, `${upper:j}` are resolved innermost first, so that `${jndi:` appears
/// in the text when the payload would have produced it.
public enum Log4jLookups {
    public static func resolve(_ input: [UInt8]) -> [UInt8] {
        var s = input
        var rounds = 0
        while rounds < 64 {
            rounds += 1
            // The innermost lookup: a "${" whose closing "}" comes before any other "${".
            guard let close = innermost(s) else { break }
            let (open, end) = close
            let content = Array(s[(open + 2)..<end])
            let replacement: [UInt8]
            if let dash = lastIndex(of: [0x3A, 0x2D], in: content) {          // ":-" default value
                replacement = Array(content[(dash + 2)...])
            } else if startsCaseless(content, "lower:") || startsCaseless(content, "upper:") {
                replacement = Array(content[6...])
            } else if startsCaseless(content, "date:") {
                replacement = content[5...].filter { $0 != 0x27 }
            } else {
                // Not a lookup we resolve (e.g. jndi:...): mark it done by changing "${" to "$\u{1}{".
                s.replaceSubrange(open..<(open + 2), with: [0x24, 0x01, 0x7B])
                continue
            }
            s.replaceSubrange(open...end, with: replacement)
        }
        // Undo the markers.
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        for c in s where c != 0x01 { out.append(c) }
        return out
    }

    static func innermost(_ s: [UInt8]) -> (Int, Int)? {
        var lastOpen = -1
        var i = 0
        while i + 1 < s.count {
            if s[i] == 0x24 && s[i + 1] == 0x7B { lastOpen = i; i += 2; continue }
            if s[i] == 0x7D && lastOpen >= 0 { return (lastOpen, i) }
            i += 1
        }
        return nil
    }

    static func lastIndex(of pair: [UInt8], in c: [UInt8]) -> Int? {
        guard c.count >= 2 else { return nil }
        var i = c.count - 2
        while i >= 0 { if c[i] == pair[0] && c[i + 1] == pair[1] { return i }; i -= 1 }
        return nil
    }

    static func startsCaseless(_ c: [UInt8], _ prefix: String) -> Bool {
        let p = Array(prefix.utf8)
        guard c.count >= p.count else { return false }
        for i in 0..<p.count where ByteOps.lower(c[i]) != p[i] { return false }
        return true
    }
}
