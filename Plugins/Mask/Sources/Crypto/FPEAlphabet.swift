import Foundation

/// The characters FF1 permutes for a value: each is a numeral (its position in the alphabet).
/// Characters outside the alphabet stay where they are (dashes, spaces, '@').
public struct FPEAlphabet: Sendable {
    public let text: String
    /// UTF-8 bytes of each numeral's character.
    let characters: [[UInt8]]
    /// ASCII byte → numeral + 1 (0 = not in the alphabet).
    let ascii: [UInt16]
    /// Non-ASCII scalar → numeral.
    let others: [UInt32: UInt16]
    /// Whether every character is one ASCII byte (the common, fast case).
    let allASCII: Bool
    public var radix: Int { characters.count }

    public static let presets: [String: String] = [
        "digits": "0123456789",
        "lower": "abcdefghijklmnopqrstuvwxyz",
        "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "alnum-lower": "0123456789abcdefghijklmnopqrstuvwxyz",
        "alnum-upper": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "alnum": "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "hex": "0123456789abcdef",
    ]

    /// A preset name or the characters themselves (at least 2, no repeats, at most 65536).
    public init(_ spec: String) throws {
        let chars = FPEAlphabet.presets[spec] ?? spec
        var seen = Set<Unicode.Scalar>()
        var characters: [[UInt8]] = []
        var ascii = [UInt16](repeating: 0, count: 128)
        var others: [UInt32: UInt16] = [:]
        for s in chars.unicodeScalars {
            guard seen.insert(s).inserted else { throw PolicyError("alphabet '\(spec)' repeats '\(s)'") }
            let numeral = UInt16(truncatingIfNeeded: characters.count)
            if s.value < 128 { ascii[Int(s.value)] = numeral + 1 } else { others[s.value] = numeral }
            characters.append(Array(String(s).utf8))
        }
        guard characters.count >= 2, characters.count <= 65536 else {
            throw PolicyError("alphabet '\(spec)' must have 2 to 65536 characters")
        }
        self.text = spec
        self.characters = characters
        self.ascii = ascii
        self.others = others
        self.allASCII = others.isEmpty
    }

    /// The numeral of the character at `i` and the character's length, or nil if not in the alphabet.
    @inline(__always)
    func numeral(_ v: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt16, Int)? {
        let b = v[i]
        if b < 128 {
            let n = ascii[Int(b)]
            return n == 0 ? nil : (n - 1, 1)
        }
        if allASCII { return nil }
        let (s, len) = UTF8Bytes.scalar(v, at: i)
        return others[s].map { ($0, len) }
    }
}

/// FF1 applied to the alphabet characters of a value, the rest kept in place. Reusable scratch.
final class FPEText {
    let ff1: FF1
    let alphabet: FPEAlphabet
    @exclusivity(unchecked) private var numerals: [UInt16] = []

    init(ff1: FF1, alphabet: FPEAlphabet) {
        self.ff1 = ff1; self.alphabet = alphabet
    }

    /// Encrypts (or decrypts) `value` into `out`; false if it has too few alphabet characters.
    func transform(_ value: UnsafeBufferPointer<UInt8>, decrypt: Bool, into out: inout [UInt8]) -> Bool {
        numerals.removeAll(keepingCapacity: true)
        var i = 0
        while i < value.count {
            if let (n, len) = alphabet.numeral(value, at: i) { numerals.append(n); i += len }
            else { i += UTF8Bytes.sequenceLength(value[i]) }
        }
        let ok: Bool = numerals.withUnsafeMutableBufferPointer { buf in
            do {
                if decrypt { try ff1.decrypt(buf) } else { try ff1.encrypt(buf) }
                return true
            } catch { return false }
        }
        guard ok else { return false }
        var k = 0
        i = 0
        while i < value.count {
            if let (_, len) = alphabet.numeral(value, at: i) {
                out.append(contentsOf: alphabet.characters[Int(numerals[k])])
                k += 1
                i += len
            } else {
                let len = min(UTF8Bytes.sequenceLength(value[i]), value.count - i)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: value[i..<(i + len)]))
                i += len
            }
        }
        return true
    }
}

/// A keyed permutation of the integers 0..<size (size ≥ 1,000,000) by FF1 with cycle walking.
/// The radix and length are chosen so that radix^length is just above `size`, which keeps the
/// expected number of walks near one.
public final class IntegerFPE {
    public let size: UInt64
    let ff1: FF1
    let length: Int

    public init(cipher: BlockCipher, tweak: [UInt8], size: UInt64) throws {
        precondition(size >= 1_000_000 && size < 1 << 62)
        var best: (radix: Int, length: Int, ratio: Double)?
        for n in 2...20 {
            var r = Int(pow(Double(size), 1.0 / Double(n)).rounded(.down))
            while r > 1, let p = FF1.power(r, n), p >= size { r -= 1 }  // correct float error downwards
            while true {
                guard let p = FF1.power(r, n) else { r = -1; break }
                if p >= size { break }
                r += 1
            }
            guard r >= 2, r <= 65536, let p = FF1.power(r, n), Double(p) >= 1_000_000 else { continue }
            let ratio = Double(p) / Double(size)
            if best == nil || ratio < best!.ratio - 1e-9 { best = (r, n, ratio) }
        }
        let choice = best!
        self.size = size
        self.length = choice.length
        self.ff1 = try FF1(cipher: cipher, radix: choice.radix, tweak: tweak)
    }

    public func encrypt(_ x: UInt64) -> UInt64 {
        var y = try! ff1.encrypt(x, length: length)
        while y >= size { y = try! ff1.encrypt(y, length: length) }
        return y
    }

    public func decrypt(_ x: UInt64) -> UInt64 {
        var y = try! ff1.decrypt(x, length: length)
        while y >= size { y = try! ff1.decrypt(y, length: length) }
        return y
    }
}
