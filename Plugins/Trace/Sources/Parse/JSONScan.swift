import Foundation

/// A JSON object line flattened into an event's extra fields: nested keys become dotted names
/// (`request.url`), strings are unescaped into the event's scratch area, other scalars keep their
/// text, arrays of small integers (journald's binary MESSAGE) become bytes, other arrays their text.
public enum JSONScan {
    public enum Failure { case notJSON, truncated }

    /// Parses the object at p[s..<n] into `e` (whose storage holds the same bytes at the same offsets).
    public static func flatten(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int, _ e: Event) -> Failure? {
        var i = ByteOps.skipSpaces(p, s, n)
        guard i < n, p[i] == 0x7B else { return .notJSON }
        i += 1
        var ok = true
        i = object(p, i, n, e, prefix: nil, depth: 0, ok: &ok)
        if !ok { return i >= n ? .truncated : .notJSON }
        return nil
    }

    /// Parses members after '{' up to and including '}'; returns the index after it.
    static func object(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int, _ e: Event, prefix: (Int, Int)?, depth: Int, ok: inout Bool) -> Int {
        var i = skipWS(p, start, n)
        if i < n && p[i] == 0x7D { return i + 1 }
        while i < n {
            guard p[i] == 0x22 else { ok = false; return i }
            // key
            guard let (ks, ke, after) = string(p, i + 1, n, e) else { ok = false; return n }
            var name = (ks, ke)
            if let prefix {
                let (a, _) = e.appendCopy(prefix.0, prefix.1)
                _ = e.append(dotPtr, 1)
                let (_, b) = e.appendCopy(ks, ke)
                name = (a, b)
            }
            i = skipWS(p, after, n)
            guard i < n, p[i] == 0x3A else { ok = false; return i }
            i = skipWS(p, i + 1, n)
            guard i < n else { ok = false; return n }
            let c = p[i]
            if c == 0x22 {
                guard let (vs, ve, after2) = string(p, i + 1, n, e) else { ok = false; return n }
                e.addExtra(nameStart: name.0, nameEnd: name.1, valueStart: vs, valueEnd: ve)
                i = after2
            } else if c == 0x7B {
                if depth >= 8 { ok = false; return i }
                i = object(p, i + 1, n, e, prefix: name, depth: depth + 1, ok: &ok)
                if !ok { return i }
            } else if c == 0x5B {
                let vs = i
                guard let end = skipValue(p, i, n) else { ok = false; return n }
                if let (bs, be) = byteArray(p, vs, end, e) {
                    e.addExtra(nameStart: name.0, nameEnd: name.1, valueStart: bs, valueEnd: be)
                } else {
                    e.addExtra(nameStart: name.0, nameEnd: name.1, valueStart: vs, valueEnd: end)
                }
                i = end
            } else {
                let vs = i
                while i < n && p[i] != 0x2C && p[i] != 0x7D && p[i] != 0x20 && p[i] != 0x5D { i += 1 }
                if i == vs { ok = false; return i }
                if !(i - vs == 4 && ByteOps.equals(p, vs, i, "null")) {
                    e.addExtra(nameStart: name.0, nameEnd: name.1, valueStart: vs, valueEnd: i)
                }
            }
            i = skipWS(p, i, n)
            guard i < n else { ok = false; return n }
            if p[i] == 0x2C { i = skipWS(p, i + 1, n); continue }
            if p[i] == 0x7D { return i + 1 }
            ok = false
            return i
        }
        ok = false
        return n
    }

    nonisolated(unsafe) static let dotPtr: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.pointee = 0x2E
        return UnsafePointer(p)
    }()

    @inline(__always) static func skipWS(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) -> Int {
        var i = s
        while i < n && (p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0D) { i += 1 }
        return i
    }

    /// A string starting after its opening quote: (start, end) of the value (in the line when it
    /// has no escapes, else decoded into scratch) and the index after the closing quote.
    static func string(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int, _ e: Event) -> (Int, Int, Int)? {
        var i = s
        while i < n {
            let c = p[i]
            if c == 0x22 { return (s, i, i + 1) }
            if c == 0x5C { break }
            i += 1
        }
        if i >= n { return nil }
        // Escapes: decode into scratch.
        let out = e.reserve((n - s) * 2 + 8)
        var o = 0
        out.update(from: p + s, count: i - s)
        o = i - s
        while i < n {
            let c = p[i]
            if c == 0x22 {
                let (a, b) = e.commit(o)
                return (a, b, i + 1)
            }
            if c != 0x5C { out[o] = c; o += 1; i += 1; continue }
            guard i + 1 < n else { return nil }
            let d = p[i + 1]
            i += 2
            switch d {
            case 0x6E: out[o] = 0x0A; o += 1
            case 0x74: out[o] = 0x09; o += 1
            case 0x72: out[o] = 0x0D; o += 1
            case 0x62: out[o] = 0x08; o += 1
            case 0x66: out[o] = 0x0C; o += 1
            case 0x75:
                guard i + 4 <= n, let v = hex4(p, i) else { return nil }
                i += 4
                var scalar = UInt32(v)
                if v >= 0xD800 && v < 0xDC00, i + 6 <= n, p[i] == 0x5C, p[i + 1] == 0x75, let lo = hex4(p, i + 2), lo >= 0xDC00 && lo < 0xE000 {
                    scalar = 0x10000 + ((UInt32(v) - 0xD800) << 10) + (UInt32(lo) - 0xDC00)
                    i += 6
                } else if v >= 0xD800 && v < 0xE000 {
                    scalar = 0xFFFD
                }
                o += encodeUTF8(scalar, out + o)
            default: out[o] = d; o += 1
            }
        }
        return nil
    }

    @inline(__always) static func hex4(_ p: UnsafePointer<UInt8>, _ i: Int) -> UInt16? {
        var v: UInt16 = 0
        for k in 0..<4 {
            let c = p[i + k]
            guard ByteOps.isHex(c) else { return nil }
            v = v << 4 | UInt16(ByteOps.hexValue(c))
        }
        return v
    }

    @inline(__always) static func encodeUTF8(_ v: UInt32, _ out: UnsafeMutablePointer<UInt8>) -> Int {
        if v < 0x80 { out[0] = UInt8(v); return 1 }
        if v < 0x800 { out[0] = UInt8(0xC0 | (v >> 6)); out[1] = UInt8(0x80 | (v & 0x3F)); return 2 }
        if v < 0x10000 {
            out[0] = UInt8(0xE0 | (v >> 12)); out[1] = UInt8(0x80 | ((v >> 6) & 0x3F)); out[2] = UInt8(0x80 | (v & 0x3F)); return 3
        }
        out[0] = UInt8(0xF0 | (v >> 18)); out[1] = UInt8(0x80 | ((v >> 12) & 0x3F))
        out[2] = UInt8(0x80 | ((v >> 6) & 0x3F)); out[3] = UInt8(0x80 | (v & 0x3F)); return 4
    }

    /// The end of the value starting at p[s] (strings, nesting), or nil if cut off.
    static func skipValue(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) -> Int? {
        var depth = 0
        var i = s
        var inString = false
        while i < n {
            let c = p[i]
            if inString {
                if c == 0x5C { i += 2; continue }
                if c == 0x22 { inString = false }
            } else {
                switch c {
                case 0x22: inString = true
                case 0x5B, 0x7B: depth += 1
                case 0x5D, 0x7D:
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
            }
            i += 1
        }
        return nil
    }

    /// `[104,105]` → bytes "hi" in scratch (journald writes non-UTF-8 messages this way).
    static func byteArray(_ p: UnsafePointer<UInt8>, _ s: Int, _ end: Int, _ e: Event) -> (Int, Int)? {
        var i = s + 1
        let out = e.reserve(end - s)
        var o = 0
        while i < end - 1 {
            i = skipWS(p, i, end)
            let ds = i
            while i < end && ByteOps.isDigit(p[i]) { i += 1 }
            guard i > ds, let v = ByteOps.parseInt(p, ds, i), v < 256 else { return nil }
            out[o] = UInt8(v); o += 1
            i = skipWS(p, i, end)
            if i < end && p[i] == 0x2C { i += 1 }
            else if i < end && p[i] == 0x5D { break }
            else { return nil }
        }
        if o == 0 { return nil }
        return e.commit(o)
    }
}
