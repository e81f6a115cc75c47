import DSToolScan

/// `fpe-id-card`: FF1 over the parts of a resident ID number so that the result is again a
/// valid number: the region stays a real one (a county of the 2023 table maps to another
/// county; a retired code to another code of a real province), the birth date stays a real
/// past date, and the check character is recomputed. Reversible with the key.
///
/// The number is read as (region, date, sequence) in a mixed radix and permuted by FF1 with
/// cycle walking inside its class, so the classes (known/other region × date era) are kept:
/// births before 2020 stay before 2020; 2020-2024 stay there; from 2025 on the date is kept
/// (the era is still open, so a moved date could land in the future). 15-digit numbers stay
/// 15-digit numbers of the 1900s.
final class FPEIDCardStrategy: MaskStrategy {
    let name = "fpe-id-card"
    let cipherAlgorithm: BlockCipher.Algorithm
    let domain: String
    private let keys: KeyRing
    private let cipher: BlockCipher
    @exclusivity(unchecked) private var permutations: [Int: IntegerFPE] = [:]
    @exclusivity(unchecked) private var digits: [UInt8] = []

    init(cipher: BlockCipher.Algorithm, domain: String, keys: KeyRing) throws {
        self.cipherAlgorithm = cipher; self.domain = domain; self.keys = keys
        self.cipher = try keys.cipher(cipher)
    }
    static func make(_ p: inout StrategyParameters, keys: KeyRing) throws -> FPEIDCardStrategy {
        try FPEIDCardStrategy(cipher: try StrategyCatalog.cipher(&p, keys), domain: p.string("domain", default: ""), keys: keys)
    }
    var parameters: [(String, String)] { [("cipher", cipherAlgorithm.rawValue)] + (domain.isEmpty ? [] : [("domain", domain)]) }
    var isReversible: Bool { true }
    func copy() throws -> MaskStrategy { try FPEIDCardStrategy(cipher: cipherAlgorithm, domain: domain, keys: keys) }

    /// Date eras, as days since 1970-01-01.
    static let d1900 = CivilDays.days(year: 1900, month: 1, day: 1)
    static let d2000 = CivilDays.days(year: 2000, month: 1, day: 1)
    static let d2020 = CivilDays.days(year: 2020, month: 1, day: 1)
    static let d2025 = CivilDays.days(year: 2025, month: 1, day: 1)

    private func permutation(regionKnown: Bool, era: Int, size: UInt64) throws -> IntegerFPE {
        let id = (regionKnown ? 0 : 8) + era
        if let p = permutations[id] { return p }
        let tweak = Array("fpe-id-card:\(domain):\(regionKnown ? "k" : "o"):\(era)".utf8)
        let p = try IntegerFPE(cipher: cipher, tweak: tweak, size: size)
        permutations[id] = p
        return p
    }

    private func transform(_ value: UnsafeBufferPointer<UInt8>, decrypt: Bool, into out: inout [UInt8]) -> MaskOutcome {
        let legacy = value.count == 15
        if decrypt {
            // A masked value is valid by construction; one that is not was not made by us.
            guard value.count == 18 || legacy else { return .invalid }
        }
        guard (legacy ? PIIValidators.confidence(.cnIDCard15, value) : PIIValidators.confidence(.cnIDCard, value)) != nil else { return .invalid }
        func number(_ from: Int, _ n: Int) -> Int { var v = 0; for k in from..<(from + n) { v = v * 10 + Int(value[k] - 48) }; return v }
        let region = number(0, 6)
        let (year, month, day) = legacy ? (1900 + number(6, 2), number(8, 2), number(10, 2)) : (number(6, 4), number(10, 2), number(12, 2))
        let seq = UInt64(number(legacy ? 12 : 14, 3))
        let days = CivilDays.days(year: year, month: month, day: day)
        // Era: 0 = 1900-2019, 1 = 2020-2024, 2 = 2025 on (date kept), 3 = the 1900s of 15-digit numbers.
        let era: Int, eraStart: Int, eraDays: Int
        if legacy { era = 3; eraStart = Self.d1900; eraDays = Self.d2000 - Self.d1900 }
        else if days < Self.d2020 { era = 0; eraStart = Self.d1900; eraDays = Self.d2020 - Self.d1900 }
        else if days < Self.d2025 { era = 1; eraStart = Self.d2020; eraDays = Self.d2025 - Self.d2020 }
        else { era = 2; eraStart = days; eraDays = 1 }
        guard days >= eraStart else { return .invalid }
        let known = RegionIndex.shared.knownIndex(region)
        let regionIndex: Int, regionCount: Int
        if let known { regionIndex = known; regionCount = RegionIndex.shared.knownCount }
        else if let other = RegionIndex.shared.otherIndex(region) { regionIndex = other; regionCount = RegionIndex.shared.otherCount }
        else { return .invalid }
        let size = UInt64(regionCount) * UInt64(eraDays) * 1000
        let x = (UInt64(regionIndex) * UInt64(eraDays) + UInt64(days - eraStart)) * 1000 + seq
        guard let perm = try? permutation(regionKnown: known != nil, era: era, size: size) else { return .invalid }
        let y = decrypt ? perm.decrypt(x) : perm.encrypt(x)
        let newSeq = Int(y % 1000)
        let newDays = eraStart + Int(y / 1000 % UInt64(eraDays))
        let newIndex = Int(y / 1000 / UInt64(eraDays))
        let newRegion = known != nil ? RegionIndex.shared.knownCode(newIndex) : RegionIndex.shared.otherCode(newIndex)
        let date = CivilDays.date(newDays)
        digits.removeAll(keepingCapacity: true)
        func put(_ v: Int, _ width: Int) { var p = 1; for _ in 1..<width { p *= 10 }; var x = v; while p > 0 { digits.append(UInt8(48 + x / p)); x %= p; p /= 10 } }
        put(newRegion, 6)
        if legacy { put(date.year % 100, 2) } else { put(date.year, 4) }
        put(date.month, 2); put(date.day, 2); put(newSeq, 3)
        if !legacy {
            guard let check = CNIDCard.checkCharacter(first17: String(decoding: digits, as: UTF8.self)) else { return .invalid }
            digits.append(check.asciiValue!)
        }
        out.append(contentsOf: digits)
        return .written
    }

    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        transform(value, decrypt: false, into: &out)
    }
    func unmask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        transform(value, decrypt: true, into: &out)
    }
}

/// Region codes as two numbered sets: the county codes of the 2023 table ("known"), and every
/// other six-digit code under a real province ("other", e.g. counties retired before 2023).
final class RegionIndex: @unchecked Sendable {
    static let shared = RegionIndex()
    let known: [Int]
    let provinces: [Int]
    var knownCount: Int { known.count }
    var otherCount: Int { provinces.count * 10000 - known.count }

    init() {
        known = DivisionCodes.countyCodes
        provinces = (10...99).filter { DivisionCodes.provinceName($0) != nil }
    }

    /// Number of known codes below `code`.
    private func knownBelow(_ code: Int) -> Int {
        var lo = 0, hi = known.count
        while lo < hi { let mid = (lo + hi) / 2; if known[mid] < code { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    func knownIndex(_ code: Int) -> Int? {
        let i = knownBelow(code)
        return i < known.count && known[i] == code ? i : nil
    }
    func knownCode(_ i: Int) -> Int { known[i] }

    /// Position of a code in the whole space under real provinces.
    private func universeIndex(_ code: Int) -> Int? {
        guard let p = provinces.firstIndex(of: code / 10000) else { return nil }
        return p * 10000 + code % 10000
    }
    private func universeCode(_ u: Int) -> Int { provinces[u / 10000] * 10000 + u % 10000 }

    func otherIndex(_ code: Int) -> Int? {
        guard knownIndex(code) == nil, let u = universeIndex(code) else { return nil }
        return u - knownBelow(code)
    }

    /// The other-set code numbered `i`: the smallest universe position with i + 1 other codes at or below it.
    func otherCode(_ i: Int) -> Int {
        var lo = i, hi = min(i + known.count, provinces.count * 10000 - 1)
        while lo < hi {
            let mid = (lo + hi) / 2
            let code = universeCode(mid)
            let others = mid + 1 - knownBelow(code + 1)
            if others >= i + 1 { hi = mid } else { lo = mid + 1 }
        }
        return universeCode(lo)
    }
}
