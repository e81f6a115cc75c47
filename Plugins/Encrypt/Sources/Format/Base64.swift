import CDSToolCrypto
import FoundationEssentials

/// Standard-alphabet base64 as age uses it: header arguments and bodies unpadded, armor padded,
/// and always strict — no whitespace, no stray characters, and canonical (the unused low bits of
/// the last character must be zero), so every byte string has exactly one accepted encoding.
public enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let decodeTable: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    public static func encode(_ bytes: [UInt8], padded: Bool) -> String {
        String(decoding: encodeBytes(bytes, padded: padded), as: UTF8.self)
    }

    public static func encodeBytes(_ bytes: [UInt8], padded: Bool) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(v >> 18)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(alphabet[Int(v & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let v = UInt32(bytes[i]) << 16
            out.append(alphabet[Int(v >> 18)]); out.append(alphabet[Int(v >> 12 & 63)])
            if padded { out.append(0x3D); out.append(0x3D) }
        } else if rest == 2 {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(alphabet[Int(v >> 18)]); out.append(alphabet[Int(v >> 12 & 63)]); out.append(alphabet[Int(v >> 6 & 63)])
            if padded { out.append(0x3D) }
        }
        return out
    }

    /// Decodes strictly; nil if the text is not the canonical encoding of some bytes.
    public static func decode<C: Collection>(_ text: C, padded: Bool) -> [UInt8]? where C.Element == UInt8 {
        var chars = Array(text)
        if padded {
            guard chars.count % 4 == 0 else { return nil }
            var pad = 0
            while pad < 2, let last = chars.last, last == 0x3D { chars.removeLast(); pad += 1 }
            if pad > 0 && chars.count % 4 != 4 - pad { return nil }
        }
        if chars.count % 4 == 1 { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        for c in chars {
            let v = decodeTable[Int(c)]
            if v == 0xFF { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
                acc &= (1 << UInt32(bits)) - 1
            }
        }
        if acc != 0 { return nil }  // non-zero leftover bits: not canonical
        return out
    }

    public static func decode(_ text: String, padded: Bool) -> [UInt8]? { decode(Array(text.utf8), padded: padded) }
}

/// Bech32 (BIP 173 checksum, without BIP 173's 90-character limit) as age uses it for
/// age1… recipients and AGE-SECRET-KEY-1… identities; also for dstool's sm2pub1… recipients.
public enum Bech32 {
    static let charset: [UInt8] = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)

    static func polymod(_ values: [UInt8]) -> UInt32 {
        let gen: [UInt32] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
        var chk: UInt32 = 1
        for v in values {
            let top = chk >> 25
            chk = (chk & 0x1ffffff) << 5 ^ UInt32(v)
            for i in 0..<5 where (top >> UInt32(i)) & 1 == 1 { chk ^= gen[i] }
        }
        return chk
    }

    static func hrpExpand(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    static func convertBits(_ data: [UInt8], from: Int, to: Int, pad: Bool) -> [UInt8]? {
        var acc = 0, bits = 0
        var out = [UInt8]()
        let maxv = (1 << to) - 1
        for v in data {
            if Int(v) >> from != 0 { return nil }
            acc = acc << from | Int(v)
            bits += from
            while bits >= to { bits -= to; out.append(UInt8((acc >> bits) & maxv)) }
        }
        if pad {
            if bits > 0 { out.append(UInt8((acc << (to - bits)) & maxv)) }
        } else if bits >= from || (acc << (to - bits)) & maxv != 0 {
            return nil
        }
        return out
    }

    /// Lower-case encoding of `data` under `hrp` (lower case).
    public static func encode(hrp: String, data: [UInt8]) -> String {
        let h = Array(hrp.lowercased().utf8)
        let five = convertBits(data, from: 8, to: 5, pad: true)!
        let values = hrpExpand(h) + five + [0, 0, 0, 0, 0, 0]
        let mod = polymod(values) ^ 1
        var out = h + [0x31]
        for v in five { out.append(charset[Int(v)]) }
        for i in 0..<6 { out.append(charset[Int((mod >> UInt32(5 * (5 - i))) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// (hrp in lower case, data) or nil if the string is not valid Bech32 (mixed case included).
    public static func decode(_ s: String) -> (hrp: String, data: [UInt8])? {
        let bytes = Array(s.utf8)
        let hasLower = bytes.contains { $0 >= 0x61 && $0 <= 0x7A }
        let hasUpper = bytes.contains { $0 >= 0x41 && $0 <= 0x5A }
        if hasLower && hasUpper { return nil }
        let lower = bytes.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 + 32 : $0 }
        guard let sep = lower.lastIndex(of: 0x31), sep >= 1, lower.count - sep - 1 >= 6 else { return nil }
        let hrp = Array(lower[..<sep])
        if hrp.contains(where: { $0 < 33 || $0 > 126 }) { return nil }
        var values = [UInt8]()
        for c in lower[(sep + 1)...] {
            guard let i = charset.firstIndex(of: c) else { return nil }
            values.append(UInt8(i))
        }
        guard polymod(hrpExpand(hrp) + values) == 1 else { return nil }
        guard let data = convertBits(Array(values.dropLast(6)), from: 5, to: 8, pad: false) else { return nil }
        return (String(decoding: hrp, as: UTF8.self), data)
    }
}
