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
        write(value, numerals, from: 0, into: &out)
        return true
    }

    /// `value` with its alphabet characters replaced by the characters of numerals[from...], in
    /// order; the other characters (and stray bytes) kept in place.
    @inline(__always)
    func write(_ value: UnsafeBufferPointer<UInt8>, _ numerals: [UInt16], from: Int, into out: inout [UInt8]) {
        var k = from
        var i = 0
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
    }
}

extension FPEText {
    /// `transform` for many values at once (the cells of one column of a chunk): values whose
    /// numerals fit FF1's two-integer halves are grouped by length and encrypted in lockstep
    /// (`FF1.cryptHalves`); the rest go one by one. Value k is values[bounds[k]..<bounds[k+1]];
    /// its result is appended to `out` followed by its end offset to `ends`, and its outcome
    /// (.written, or .invalid with nothing appended) to `outcomes`. The same bytes as `transform`.
    func transformBatch(_ values: UnsafeBufferPointer<UInt8>, bounds: UnsafeBufferPointer<Int>, decrypt: Bool,
                        into out: inout [UInt8], ends: inout [Int], outcomes: inout [MaskOutcome], scratch s: FPEBatchScratch) {
        let count = bounds.count - 1
        guard count > 0 else { return }
        s.numerals.removeAll(keepingCapacity: true)
        s.starts.removeAll(keepingCapacity: true)
        s.ok.removeAll(keepingCapacity: true)
        s.lengths.removeAll(keepingCapacity: true)
        for k in 0..<count {
            s.starts.append(s.numerals.count)
            let v = UnsafeBufferPointer(rebasing: values[bounds[k]..<bounds[k + 1]])
            var i = 0
            while i < v.count {
                if let (n, len) = alphabet.numeral(v, at: i) { s.numerals.append(n); i += len }
                else { i += UTF8Bytes.sequenceLength(v[i]) }
            }
            let n = s.numerals.count - s.starts[k]
            s.ok.append(true)
            if ff1.halvesFit(n) && !s.lengths.contains(n) && s.lengths.count < 8 { s.lengths.append(n) }
        }
        s.starts.append(s.numerals.count)
        let r64 = UInt64(ff1.radix)
        s.done.removeAll(keepingCapacity: true)
        s.done.append(contentsOf: repeatElement(false, count: count))
        // Lengths that fit two integers: halves of all values of that length, rounds in lockstep.
        for n in s.lengths {
            let u = n / 2
            s.members.removeAll(keepingCapacity: true)
            s.a.removeAll(keepingCapacity: true)
            s.b.removeAll(keepingCapacity: true)
            for k in 0..<count where s.starts[k + 1] - s.starts[k] == n {
                let base = s.starts[k]
                var a: UInt64 = 0, b: UInt64 = 0
                for q in 0..<u { a = a &* r64 &+ UInt64(s.numerals[base + q]) }
                for q in u..<n { b = b &* r64 &+ UInt64(s.numerals[base + q]) }
                s.members.append(k); s.a.append(a); s.b.append(b)
            }
            do {
                try s.a.withUnsafeMutableBufferPointer { pa in
                    try s.b.withUnsafeMutableBufferPointer { pb in
                        try ff1.cryptHalves(pa.baseAddress!, pb.baseAddress!, count: pa.count, length: n, decrypting: decrypt)
                    }
                }
            } catch { continue }  // cannot happen for a length halvesFit accepted; the values go one by one
            for (j, k) in s.members.enumerated() {
                let base = s.starts[k]
                var a = s.a[j], b = s.b[j]
                var q = n - 1
                while q >= u { s.numerals[base + q] = UInt16(truncatingIfNeeded: b % r64); b /= r64; q -= 1 }
                while q >= 0 { s.numerals[base + q] = UInt16(truncatingIfNeeded: a % r64); a /= r64; q -= 1 }
                s.done[k] = true
            }
        }
        // The rest (other lengths, too short, long values) one by one.
        s.numerals.withUnsafeMutableBufferPointer { all in
            for k in 0..<count where !s.done[k] {
                let x = UnsafeMutableBufferPointer(rebasing: all[s.starts[k]..<s.starts[k + 1]])
                do { if decrypt { try ff1.decrypt(x) } else { try ff1.encrypt(x) } } catch { s.ok[k] = false }
            }
        }
        // Write each value back with its other characters in place.
        for k in 0..<count {
            guard s.ok[k] else { outcomes.append(.invalid); ends.append(out.count); continue }
            write(UnsafeBufferPointer(rebasing: values[bounds[k]..<bounds[k + 1]]), s.numerals, from: s.starts[k], into: &out)
            outcomes.append(.written)
            ends.append(out.count)
        }
    }
}

/// Reused arrays for `FPEText.transformBatch` (one per strategy instance, so per thread).
final class FPEBatchScratch {
    @exclusivity(unchecked) var numerals: [UInt16] = []
    @exclusivity(unchecked) var starts: [Int] = []
    @exclusivity(unchecked) var ok: [Bool] = []
    @exclusivity(unchecked) var done: [Bool] = []
    @exclusivity(unchecked) var lengths: [Int] = []
    @exclusivity(unchecked) var members: [Int] = []
    @exclusivity(unchecked) var a: [UInt64] = []
    @exclusivity(unchecked) var b: [UInt64] = []
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
