import Foundation

/// An IPv4 or IPv6 address as 128 bits (IPv4 as ::ffff:a.b.c.d), parsed from bytes without
/// allocating: used as the key of per-source state and for CIDR tests.
public struct IPAddress: Hashable, Sendable, Comparable {
    public var hi: UInt64
    public var lo: UInt64

    public init(hi: UInt64, lo: UInt64) { self.hi = hi; self.lo = lo }

    public var isIPv4: Bool { hi == 0 && (lo >> 32) == 0xFFFF }

    public static func < (a: IPAddress, b: IPAddress) -> Bool { a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo }

    public static func parse(_ s: String) -> IPAddress? {
        var s = s
        return s.withUTF8 { parse($0.baseAddress!, 0, $0.count) }
    }

    public static func parse(_ b: Bytes) -> IPAddress? {
        guard let base = b.baseAddress else { return nil }
        return parse(base, 0, b.count)
    }

    /// Parses p[s..<e]; accepts "[v6]" and "v4:port"-free forms only.
    @inline(__always) public static func parse(_ p: UnsafePointer<UInt8>, _ s0: Int, _ e0: Int) -> IPAddress? {
        var s = s0, e = e0
        if e - s >= 2 && p[s] == 0x5B && p[e - 1] == 0x5D { s += 1; e -= 1 }
        if e - s < 2 || e - s > 45 { return nil }
        if let v4 = parseV4(p, s, e) { return IPAddress(hi: 0, lo: 0xFFFF_0000_0000 | UInt64(v4)) }
        return parseV6(p, s, e)
    }

    @inline(__always) static func parseV4(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> UInt32? {
        var v: UInt32 = 0
        var part: UInt32 = 0
        var digits = 0
        var dots = 0
        var i = s
        while i < e {
            let c = p[i]
            if c == 0x2E {
                if digits == 0 || dots == 3 { return nil }
                v = v << 8 | part; part = 0; digits = 0; dots += 1
            } else {
                let d = c &- 0x30
                if d >= 10 { return nil }
                part = part * 10 + UInt32(d); digits += 1
                if digits > 3 || part > 255 { return nil }
            }
            i += 1
        }
        if dots != 3 || digits == 0 { return nil }
        return v << 8 | part
    }

    static func parseV6(_ p: UnsafePointer<UInt8>, _ s: Int, _ e0: Int) -> IPAddress? {
        var e = e0
        // Drop a zone id (%eth0).
        let pct = ByteOps.find(p, s, e, 0x25)
        if pct < e { e = pct }
        var groups = [UInt16](repeating: 0, count: 8)
        var count = 0
        var doubleColon = -1
        var i = s
        if e - s >= 2 && p[s] == 0x3A && p[s + 1] == 0x3A { doubleColon = 0; i = s + 2 }
        else if e > s && p[s] == 0x3A { return nil }
        while i < e {
            // An embedded IPv4 tail.
            let nextColon = ByteOps.find(p, i, e, 0x3A)
            if nextColon == e, ByteOps.find(p, i, e, 0x2E) < e {
                guard count <= 6, let v4 = parseV4(p, i, e) else { return nil }
                groups[count] = UInt16(v4 >> 16); groups[count + 1] = UInt16(v4 & 0xFFFF)
                count += 2
                i = e
                break
            }
            var v: UInt32 = 0
            var digits = 0
            while i < e && p[i] != 0x3A {
                guard ByteOps.isHex(p[i]), digits < 4 else { return nil }
                v = v << 4 | UInt32(ByteOps.hexValue(p[i])); digits += 1; i += 1
            }
            if digits == 0 { return nil }
            guard count < 8 else { return nil }
            groups[count] = UInt16(v); count += 1
            if i < e {
                i += 1  // ':'
                if i < e && p[i] == 0x3A {
                    if doubleColon >= 0 { return nil }
                    doubleColon = count; i += 1
                } else if i == e { return nil }
            }
        }
        if doubleColon >= 0 {
            guard count < 8 else { return nil }
            let tail = Array(groups[doubleColon..<count])
            for k in doubleColon..<8 { groups[k] = 0 }
            for (k, g) in tail.enumerated() { groups[8 - tail.count + k] = g }
        } else if count != 8 { return nil }
        var hi: UInt64 = 0, lo: UInt64 = 0
        for k in 0..<4 { hi = hi << 16 | UInt64(groups[k]) }
        for k in 4..<8 { lo = lo << 16 | UInt64(groups[k]) }
        return IPAddress(hi: hi, lo: lo)
    }

    public var description: String {
        if isIPv4 {
            let v = UInt32(lo & 0xFFFF_FFFF)
            return "\(v >> 24).\((v >> 16) & 255).\((v >> 8) & 255).\(v & 255)"
        }
        var g: [UInt16] = []
        for k in (0..<4).reversed() { g.append(UInt16((hi >> (UInt64(k) * 16)) & 0xFFFF)) }
        for k in (0..<4).reversed() { g.append(UInt16((lo >> (UInt64(k) * 16)) & 0xFFFF)) }
        // Longest run of zeros becomes "::".
        var bestStart = -1, bestLen = 0, i = 0
        while i < 8 {
            if g[i] == 0 {
                var j = i
                while j < 8 && g[j] == 0 { j += 1 }
                if j - i > bestLen && j - i > 1 { bestStart = i; bestLen = j - i }
                i = j
            } else { i += 1 }
        }
        var parts: [String] = []
        var k = 0
        while k < 8 {
            if k == bestStart {
                parts.append(k == 0 ? ":" : "")
                k += bestLen
                if k == 8 { parts.append("") }
                continue
            }
            parts.append(String(g[k], radix: 16))
            k += 1
        }
        return parts.joined(separator: ":")
    }

    /// Private, loopback, link-local and unique-local ranges (not worth a GeoIP lookup).
    public var isPrivate: Bool {
        if isIPv4 {
            let v = UInt32(lo & 0xFFFF_FFFF)
            return v >> 24 == 10 || v >> 24 == 127 || v >> 20 == 0xAC1 || v >> 16 == 0xC0A8 || v >> 16 == 0xA9FE || v == 0
        }
        return (hi == 0 && lo == 1) || (hi >> 57) == 0x7E || (hi >> 54) == 0x3FA
    }
}

/// A CIDR block: `10.0.0.0/8`, `2001:db8::/32`, or a single address.
public struct IPNetwork: Hashable, Sendable {
    public let base: IPAddress
    /// Prefix length over 128 bits (an IPv4 /8 is 104).
    public let bits: Int

    public init?(_ s: String) {
        let parts = s.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let addr = IPAddress.parse(String(first)) else { return nil }
        var len = addr.isIPv4 ? 32 : 128
        if parts.count == 2 {
            guard let n = Int(parts[1]), n >= 0, n <= len else { return nil }
            len = n
        }
        bits = addr.isIPv4 ? 96 + len : len
        base = IPNetwork.mask(addr, bits)
    }

    static func mask(_ a: IPAddress, _ bits: Int) -> IPAddress {
        let hiMask: UInt64 = bits >= 64 ? ~0 : (bits == 0 ? 0 : ~0 << UInt64(64 - bits))
        let loMask: UInt64 = bits <= 64 ? 0 : (bits >= 128 ? ~0 : ~0 << UInt64(128 - bits))
        return IPAddress(hi: a.hi & hiMask, lo: a.lo & loMask)
    }

    @inline(__always) public func contains(_ a: IPAddress) -> Bool { IPNetwork.mask(a, bits) == base }

    public var description: String {
        base.isIPv4 && bits >= 96 ? "\(base.description)/\(bits - 96)" : "\(base.description)/\(bits)"
    }
}
