import DSToolKit
import Foundation

/// FF1 format-preserving encryption (NIST SP 800-38G, rev. 1) over a 128-bit block cipher.
///
/// Speed matters here (every masked cell may go through it), so: the CBC-MAC state over P and
/// the constant part of Q is computed once per (length, tweak); when radix^v fits in 63 bits the
/// ten Feistel rounds run on two integers with one block-cipher call each and no digit
/// conversion between rounds; longer inputs take a general path on digit arrays whose scratch
/// space is reused. One instance per thread.
public final class FF1 {
    public let radix: Int
    public let tweak: [UInt8]
    let cipher: BlockCipher
    /// Test hook: take the general digit-array path even where the integer path applies.
    @exclusivity(unchecked) var forceGeneral = false

    @exclusivity(unchecked) private var plans: [Plan?] = []
    // Scratch, reused across calls.
    @exclusivity(unchecked) private var block = [UInt8](repeating: 0, count: 16)
    @exclusivity(unchecked) private var qTail = [UInt8]()
    @exclusivity(unchecked) private var sBytes = [UInt8]()
    @exclusivity(unchecked) private var limbs = [UInt32]()
    @exclusivity(unchecked) private var yDigits = [UInt16]()
    @exclusivity(unchecked) private var work = [UInt16]()
    @exclusivity(unchecked) private var next = [UInt16]()

    public static let maxLength = 4096

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case radix(Int), tooShort(Int), tooLong(Int), numeral(Int)
        public var description: String {
            switch self {
            case .radix(let r): return "FF1 radix \(r) is outside 2...65536"
            case .tooShort(let n): return "\(n) characters are too few for FF1 (the domain must hold at least 1,000,000 values)"
            case .tooLong(let n): return "\(n) characters are more than FF1 is used for here (\(FF1.maxLength))"
            case .numeral(let d): return "numeral \(d) is not below the radix"
            }
        }
    }

    public init(cipher: BlockCipher, radix: Int, tweak: [UInt8] = []) throws {
        guard (2...65536).contains(radix) else { throw Failure.radix(radix) }
        self.cipher = cipher
        self.radix = radix
        self.tweak = tweak
    }

    /// The smallest length FF1 accepts for this radix: radix^minlen ≥ 1,000,000, and at least 2.
    public var minimumLength: Int {
        var n = 0, p = 1.0
        while p < 1_000_000 { p *= Double(radix); n += 1 }
        return max(n, 2)
    }

    // MARK: - per-length precomputation

    final class Plan {
        let n, u, v, b, d: Int
        /// Whether radix^v < 2^63: rounds run on UInt64.
        let integer: Bool
        let powU: UInt64, powV: UInt64
        /// CBC-MAC state after P and the blocks of Q that do not change between rounds.
        @exclusivity(unchecked) var state = [UInt8](repeating: 0, count: 16)
        /// The constant bytes of Q that share a block with [i] || [NUM(B)]_b.
        @exclusivity(unchecked) var tailConstant = [UInt8]()
        /// Integer path: the saved state XOR the final Q block with [i] and NUM(B) zero.
        @exclusivity(unchecked) var template = [UInt8](repeating: 0, count: 16)
        init(n: Int, u: Int, v: Int, b: Int, d: Int, integer: Bool, powU: UInt64, powV: UInt64) {
            self.n = n; self.u = u; self.v = v; self.b = b; self.d = d
            self.integer = integer; self.powU = powU; self.powV = powV
        }
    }

    static func power(_ radix: Int, _ e: Int) -> UInt64? {
        var p: UInt64 = 1
        for _ in 0..<e {
            let (r, o) = p.multipliedReportingOverflow(by: UInt64(radix))
            if o || r >= 1 << 63 { return nil }
            p = r
        }
        return p
    }

    /// ceil(ceil(v·log2(radix)) / 8), exactly: for a power-of-two radix the logarithm is an integer.
    static func byteCount(radix: Int, v: Int) -> Int {
        let bits: Int
        if radix & (radix - 1) == 0 {
            bits = v * radix.trailingZeroBitCount
        } else {
            bits = Int((Double(v) * log2(Double(radix))).rounded(.up))
        }
        return (bits + 7) / 8
    }

    func plan(_ n: Int) throws -> Plan {
        guard n >= minimumLength else { throw Failure.tooShort(n) }
        guard n <= FF1.maxLength else { throw Failure.tooLong(n) }
        if n < plans.count, let p = plans[n] { return p }
        let u = n / 2, v = n - u
        let b = FF1.byteCount(radix: radix, v: v)
        let d = 4 * ((b + 3) / 4) + 4
        let powV = FF1.power(radix, v), powU = FF1.power(radix, u)
        let p = Plan(n: n, u: u, v: v, b: b, d: d, integer: powV != nil && powU != nil,
                     powU: powU ?? 0, powV: powV ?? 0)
        // P = [1]1 [2]1 [1]1 [radix]3 [10]1 [u mod 256]1 [n]4 [t]4
        let t = tweak.count
        var P: [UInt8] = [1, 2, 1, UInt8((radix >> 16) & 0xFF), UInt8((radix >> 8) & 0xFF), UInt8(radix & 0xFF),
                          10, UInt8(u & 0xFF)]
        for shift in stride(from: 24, through: 0, by: -8) { P.append(UInt8((n >> shift) & 0xFF)) }
        for shift in stride(from: 24, through: 0, by: -8) { P.append(UInt8((t >> shift) & 0xFF)) }
        // Q = T || 0^((-t-b-1) mod 16) || [i]1 || [NUM(B)]b; everything before the block that holds [i] is constant.
        let pad = ((-(t + b + 1)) % 16 + 16) % 16
        var constant = tweak + [UInt8](repeating: 0, count: pad)
        let qLength = constant.count + 1 + b
        let variableStart = (qLength - b - 1) / 16 * 16
        var state = [UInt8](repeating: 0, count: 16)
        P.withUnsafeBufferPointer { pp in state.withUnsafeMutableBufferPointer { cipher.encryptBlock(pp.baseAddress!, $0.baseAddress!) } }
        var blockStart = 0
        while blockStart < variableStart {
            for k in 0..<16 { state[k] ^= constant[blockStart + k] }
            state.withUnsafeMutableBufferPointer { cipher.encryptBlock($0.baseAddress!, $0.baseAddress!) }
            blockStart += 16
        }
        p.state = state
        p.tailConstant = Array(constant[variableStart...])
        if p.tailConstant.count + 1 + b == 16 {
            for k in 0..<16 { p.template[k] = state[k] ^ (k < p.tailConstant.count ? p.tailConstant[k] : 0) }
        }
        constant.removeAll()
        if n >= plans.count { plans.append(contentsOf: [Plan?](repeating: nil, count: n + 1 - plans.count)) }
        plans[n] = p
        return p
    }

    // MARK: - integer path

    /// R = PRF(P || Q) for a Q whose variable part fits one block (b ≤ 15), then y = NUM(S) mod M
    /// for S = the first d ≤ 16 bytes of R.
    @inline(__always)
    private func roundValue(_ p: Plan, round i: Int, number: UInt64, modulus: UInt64) -> UInt64 {
        block.withUnsafeMutableBufferPointer { blk in
            let out = blk.baseAddress!
            // Final Q block ([i] then [NUM]_b at its end) XOR the saved CBC state.
            p.template.withUnsafeBufferPointer { t in
                for k in 0..<16 { out[k] = t[k] }
            }
            var k = 15 - p.b
            out[k] ^= UInt8(i); k += 1
            var shift = (p.b - 1) * 8
            while k < 16 { out[k] ^= UInt8(truncatingIfNeeded: number >> UInt64(shift)); shift -= 8; k += 1 }
            cipher.encryptBlock(out, out)
            // y = NUM(S[0..<d]) mod M with d in 8...12: high part (d-8 bytes) and low 8 bytes.
            var hi: UInt64 = 0
            var j = 0
            while j < p.d - 8 { hi = hi << 8 | UInt64(out[j]); j += 1 }
            var lo: UInt64 = 0
            while j < p.d { lo = lo << 8 | UInt64(out[j]); j += 1 }
            return modulus.dividingFullWidth((hi % modulus, lo)).remainder
        }
    }

    private func encryptHalves(_ p: Plan, _ a0: UInt64, _ b0: UInt64) -> (UInt64, UInt64) {
        var a = a0, b = b0
        for i in 0..<10 {
            let m = i & 1 == 0 ? p.powU : p.powV
            let y = roundValue(p, round: i, number: b, modulus: m)
            let s = a + y  // both < m < 2^63
            a = b
            b = s >= m ? s - m : s
        }
        return (a, b)
    }

    private func decryptHalves(_ p: Plan, _ a0: UInt64, _ b0: UInt64) -> (UInt64, UInt64) {
        var a = a0, b = b0
        for i in stride(from: 9, through: 0, by: -1) {
            let m = i & 1 == 0 ? p.powU : p.powV
            let y = roundValue(p, round: i, number: a, modulus: m)
            let c = b >= y ? b - y : b + (m - y)
            b = a
            a = c
        }
        return (a, b)
    }

    /// Encrypts an n-numeral value given as an integer below radix^n (the numerals are its digits,
    /// most significant first). Only for lengths where radix^(n - n/2) < 2^63; see `usesIntegerPath`.
    public func encrypt(_ value: UInt64, length n: Int) throws -> UInt64 {
        let p = try plan(n)
        precondition(p.integer && FF1.power(radix, n) != nil, "FF1 integer path used beyond 63 bits")
        let (a, b) = encryptHalves(p, value / p.powV, value % p.powV)
        return a * p.powV + b
    }

    public func decrypt(_ value: UInt64, length n: Int) throws -> UInt64 {
        let p = try plan(n)
        precondition(p.integer && FF1.power(radix, n) != nil, "FF1 integer path used beyond 63 bits")
        let (a, b) = decryptHalves(p, value / p.powV, value % p.powV)
        return a * p.powV + b
    }

    /// Whether `encrypt(_:length:)` may be used for this length (radix^n below 2^63 too).
    public func usesIntegerPath(length n: Int) -> Bool {
        guard let p = try? plan(n), p.integer else { return false }
        return FF1.power(radix, n) != nil
    }

    // MARK: - batches

    /// Whether values of n numerals run on two integer halves (radix^(n - n/2) < 2^63), so
    /// `cryptHalves` applies.
    func halvesFit(_ n: Int) -> Bool {
        guard !forceGeneral, let p = try? plan(n) else { return false }
        return p.integer
    }

    /// Values in a batch share one multi-block cipher call per round (SM4's SIMD kernels and
    /// AES-NI pipeline independent blocks; one value alone waits ~10 dependent blocks).
    static let batchLimit = 256
    @exclusivity(unchecked) private var batchBlocks = [UInt8](repeating: 0, count: 16 * FF1.batchLimit)

    /// Encrypts (or decrypts) `count` values of n numerals given as their halves A = NUM(X[..<u])
    /// and B = NUM(X[u...]) in place, all ten rounds in lockstep. Value for value the same as
    /// `encrypt`/`decrypt`. Only where `halvesFit(n)`.
    func cryptHalves(_ a: UnsafeMutablePointer<UInt64>, _ b: UnsafeMutablePointer<UInt64>, count: Int, length n: Int,
                     decrypting: Bool) throws {
        let p = try plan(n)
        precondition(p.integer, "FF1 batch used beyond 63 bits")
        // The final Q block as two big-endian words: template, then [i] at byte 15-b and NUM(B)
        // in the last b ≤ 8 bytes.
        let t = p.template
        var tHi: UInt64 = 0, tLo: UInt64 = 0
        for k in 0..<8 { tHi = tHi << 8 | UInt64(t[k]); tLo = tLo << 8 | UInt64(t[8 + k]) }
        let roundShift = UInt64(8 * p.b)
        let d = p.d
        var start = 0
        try batchBlocks.withUnsafeMutableBytes { raw in
            let blocks = raw.baseAddress!
            let bytes = blocks.assumingMemoryBound(to: UInt8.self)
            while start < count {
                let m = min(FF1.batchLimit, count - start)
                let pa = a + start, pb = b + start
                for step in 0..<10 {
                    let i = decrypting ? 9 - step : step
                    let modulus = i & 1 == 0 ? p.powU : p.powV
                    let source = decrypting ? pa : pb
                    var hi = tHi, lo = tLo
                    if p.b < 8 { lo ^= UInt64(i) << roundShift } else { hi ^= UInt64(i) }
                    for k in 0..<m {
                        blocks.storeBytes(of: hi.bigEndian, toByteOffset: 16 * k, as: UInt64.self)
                        blocks.storeBytes(of: (lo ^ source[k]).bigEndian, toByteOffset: 16 * k + 8, as: UInt64.self)
                    }
                    cipher.encryptBlocks(bytes, bytes, count: m)
                    for k in 0..<m {
                        let w0 = UInt64(bigEndian: blocks.loadUnaligned(fromByteOffset: 16 * k, as: UInt64.self))
                        let y: UInt64
                        if d == 8 {
                            y = w0 % modulus
                        } else {
                            // d = 12: NUM(S[0..<12]) = high 4 bytes, low 8 bytes.
                            let w1 = UInt64(bigEndian: blocks.loadUnaligned(fromByteOffset: 16 * k + 8, as: UInt64.self))
                            let high = (w0 >> 32) % modulus, low = w0 << 32 | w1 >> 32
                            y = modulus.dividingFullWidth((high, low)).remainder
                        }
                        if decrypting {
                            let c = pb[k] >= y ? pb[k] - y : pb[k] + (modulus - y)
                            pb[k] = pa[k]
                            pa[k] = c
                        } else {
                            let s = pa[k] + y
                            pa[k] = pb[k]
                            pb[k] = s >= modulus ? s - modulus : s
                        }
                    }
                }
                start += m
            }
        }
    }

    /// Encrypts (or decrypts) values below radix^n in place, in lockstep (see `cryptHalves`);
    /// the same results as `encrypt(_:length:)` value for value.
    public func encrypt(batch values: UnsafeMutableBufferPointer<UInt64>, length n: Int, decrypting: Bool = false) throws {
        let p = try plan(n)
        precondition(p.integer && FF1.power(radix, n) != nil, "FF1 integer path used beyond 63 bits")
        var a = values.map { $0 / p.powV }, b = values.map { $0 % p.powV }
        try cryptHalves(&a, &b, count: values.count, length: n, decrypting: decrypting)
        for k in 0..<values.count { values[k] = a[k] * p.powV + b[k] }
    }

    // MARK: - numeral strings

    /// Encrypts numerals (each below the radix) in place.
    public func encrypt(_ x: UnsafeMutableBufferPointer<UInt16>) throws { try run(x, decrypting: false) }
    public func decrypt(_ x: UnsafeMutableBufferPointer<UInt16>) throws { try run(x, decrypting: true) }

    public func encrypt(_ x: [UInt16]) throws -> [UInt16] {
        var y = x; try y.withUnsafeMutableBufferPointer { try encrypt($0) }; return y
    }
    public func decrypt(_ x: [UInt16]) throws -> [UInt16] {
        var y = x; try y.withUnsafeMutableBufferPointer { try decrypt($0) }; return y
    }

    private func run(_ x: UnsafeMutableBufferPointer<UInt16>, decrypting: Bool) throws {
        let p = try plan(x.count)
        let r = UInt16(truncatingIfNeeded: radix)
        for d in x where radix <= 65535 && d >= r { throw Failure.numeral(Int(d)) }
        if p.integer && !forceGeneral {
            let r64 = UInt64(radix)
            var a: UInt64 = 0, b: UInt64 = 0
            for k in 0..<p.u { a = a * r64 + UInt64(x[k]) }
            for k in p.u..<p.n { b = b * r64 + UInt64(x[k]) }
            (a, b) = decrypting ? decryptHalves(p, a, b) : encryptHalves(p, a, b)
            var k = p.n - 1
            while k >= p.u { x[k] = UInt16(truncatingIfNeeded: b % r64); b /= r64; k -= 1 }
            while k >= 0 { x[k] = UInt16(truncatingIfNeeded: a % r64); a /= r64; k -= 1 }
            return
        }
        general(p, x, decrypting: decrypting)
    }

    /// The algorithm as written in SP 800-38G, on digit arrays, for any length. `work` holds A
    /// then B; each round writes the next A || B into `next` and the two are swapped.
    private func general(_ p: Plan, _ x: UnsafeMutableBufferPointer<UInt16>, decrypting: Bool) {
        let n = p.n, u = p.u, v = p.v
        work.removeAll(keepingCapacity: true)
        work.append(contentsOf: x)
        if next.count < n { next = [UInt16](repeating: 0, count: n) }
        var lenA = u
        for step in 0..<10 {
            let i = decrypting ? 9 - step : step
            let m = i & 1 == 0 ? u : v
            if decrypting {
                // y from A; C = (NUM(B) − y) mod radix^m (B has m numerals); then A ← C, B ← A.
                prfDigits(p, round: i, source: 0, count: lenA, m: m)
                var borrow = 0
                var k = m - 1
                while k >= 0 {
                    var t = Int(work[lenA + k]) - Int(yDigits[k]) - borrow
                    if t < 0 { t += radix; borrow = 1 } else { borrow = 0 }
                    next[k] = UInt16(truncatingIfNeeded: t)
                    k -= 1
                }
                for k in 0..<lenA { next[m + k] = work[k] }
                lenA = m
            } else {
                // y from B; C = (NUM(A) + y) mod radix^m (A has m numerals); then A ← B, B ← C.
                let bLen = n - lenA
                prfDigits(p, round: i, source: lenA, count: bLen, m: m)
                var carry = 0
                var k = m - 1
                while k >= 0 {
                    var t = Int(work[k]) + Int(yDigits[k]) + carry
                    if t >= radix { t -= radix; carry = 1 } else { carry = 0 }
                    next[bLen + k] = UInt16(truncatingIfNeeded: t)
                    k -= 1
                }
                for k in 0..<bLen { next[k] = work[lenA + k] }
                lenA = bLen
            }
            swap(&work, &next)
            if next.count < n { next = [UInt16](repeating: 0, count: n) }
        }
        for k in 0..<n { x[k] = work[k] }
    }

    /// yDigits[0..<m] = the lowest m base-radix digits of NUM(S), S from PRF(P || Q) with
    /// NUM(work[source..<source+count]) in Q.
    private func prfDigits(_ p: Plan, round i: Int, source: Int, count: Int, m: Int) {
        // NUM_radix of the half, as little-endian 32-bit limbs.
        limbs.removeAll(keepingCapacity: true)
        for k in source..<source + count {
            var carry = UInt64(work[k])
            for j in 0..<limbs.count {
                let t = UInt64(limbs[j]) * UInt64(radix) + carry
                limbs[j] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
            }
            if carry != 0 { limbs.append(UInt32(truncatingIfNeeded: carry)) }
        }
        // The variable tail of Q: constant bytes, [i], [NUM]_b big-endian.
        qTail.removeAll(keepingCapacity: true)
        qTail.append(contentsOf: p.tailConstant)
        qTail.append(UInt8(i))
        for byteIndex in stride(from: p.b - 1, through: 0, by: -1) {
            let limb = byteIndex / 4
            qTail.append(limb < limbs.count ? UInt8(truncatingIfNeeded: limbs[limb] >> UInt32((byteIndex % 4) * 8)) : 0)
        }
        // CBC-MAC over the tail, from the saved state.
        var r = p.state
        var off = 0
        while off < qTail.count {
            for k in 0..<16 { r[k] ^= qTail[off + k] }
            r.withUnsafeMutableBufferPointer { cipher.encryptBlock($0.baseAddress!, $0.baseAddress!) }
            off += 16
        }
        // S = R || CIPH(R ⊕ [1]16) || CIPH(R ⊕ [2]16) ..., first d bytes.
        sBytes.removeAll(keepingCapacity: true)
        sBytes.append(contentsOf: r)
        var j: UInt32 = 1
        while sBytes.count < p.d {
            var x = r
            x[12] ^= UInt8(truncatingIfNeeded: j >> 24); x[13] ^= UInt8(truncatingIfNeeded: j >> 16)
            x[14] ^= UInt8(truncatingIfNeeded: j >> 8); x[15] ^= UInt8(truncatingIfNeeded: j)
            x.withUnsafeMutableBufferPointer { cipher.encryptBlock($0.baseAddress!, $0.baseAddress!) }
            sBytes.append(contentsOf: x)
            j += 1
        }
        // NUM(S[0..<d]) as limbs, then its lowest m base-radix digits.
        limbs.removeAll(keepingCapacity: true)
        var k = p.d
        while k > 0 {
            let lo = max(0, k - 4)
            var w: UInt32 = 0
            for q in lo..<k { w = w << 8 | UInt32(sBytes[q]) }
            limbs.append(w)
            k = lo
        }
        if yDigits.count < m { yDigits = [UInt16](repeating: 0, count: max(m, yDigits.count * 2)) }
        var top = limbs.count
        var digit = m - 1
        while digit >= 0 {
            var rem: UInt64 = 0
            var q = top - 1
            while q >= 0 {
                let cur = rem << 32 | UInt64(limbs[q])
                limbs[q] = UInt32(truncatingIfNeeded: cur / UInt64(radix))
                rem = cur % UInt64(radix)
                q -= 1
            }
            while top > 0 && limbs[top - 1] == 0 { top -= 1 }
            yDigits[digit] = UInt16(truncatingIfNeeded: rem)
            digit -= 1
        }
    }
}
