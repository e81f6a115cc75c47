/// A small deterministic random generator (SplitMix64), so synthetic data is the same on every run.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Synthetic values with valid structure and checksums, for tests, benchmarks and surrogate
/// data. Never real people: numbers are random, names are random surname + given characters.
public struct SyntheticPII {
    public var rng: SeededRandom
    public init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    mutating func digits(_ n: Int) -> String {
        var s = ""
        for _ in 0..<n { s.append(Character(String(Int.random(in: 0...9, using: &rng)))) }
        return s
    }
    mutating func pick<T>(_ a: [T]) -> T { a[Int.random(in: 0..<a.count, using: &rng)] }
    mutating func birthDate(from: Int = 1950, to: Int = 2005) -> (Int, Int, Int) {
        let y = Int.random(in: from...to, using: &rng), m = Int.random(in: 1...12, using: &rng), d = Int.random(in: 1...28, using: &rng)
        return (y, m, d)
    }
    static func pad(_ v: Int, _ n: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, n - s.count)) + s
    }

    public mutating func value(_ kind: PIIKind) -> String {
        switch kind {
        case .cnIDCard: return idCard()
        case .cnIDCard15:
            let (y, m, d) = birthDate(from: 1930, to: 1984)
            return String(pick(DivisionCodes.countyCodes)) + Self.pad(y % 100, 2) + Self.pad(m, 2) + Self.pad(d, 2) + digits(3)
        case .cnMobile: return String(pick(Array(PIIValidators.mobilePrefixes))) + digits(8)
        case .cnLandline:
            if Int.random(in: 0..<2, using: &rng) == 0 { return pick(["010", "020", "021", "022", "023", "024", "025", "027", "028", "029"]) + "-" + String(Int.random(in: 2...8, using: &rng)) + digits(7) }
            return "0" + String(Int.random(in: 3...9, using: &rng)) + digits(2) + "-" + String(Int.random(in: 2...8, using: &rng)) + digits(6)
        case .bankCard:
            let bin = String(pick(Array(PIIValidators.knownBankBINs).filter { $0 / 10000 == 62 }))
            return luhnComplete(bin + digits(Int.random(in: 9...12, using: &rng)))
        case .creditCard:
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: return luhnComplete("4" + digits(14))
            case 1: return luhnComplete("5" + String(Int.random(in: 1...5, using: &rng)) + digits(13))
            default: return luhnComplete(pick(["34", "37"]) + digits(12))
            }
        case .cnUSCC: return uscc()
        case .passport: return pick(["E", "G"]) + digits(8)
        case .hkMacaoPermit: return "C" + pick(Array("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789").map(String.init)) + digits(7)
        case .taiwanPermit: return "L" + digits(8)
        case .cnPlate:
            let prov = pick(Array("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼").map(String.init))
            let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZ").map(String.init)
            if Int.random(in: 0..<4, using: &rng) == 0 { return prov + pick(letters) + pick(["D", "F"]) + digits(5) }
            return prov + pick(letters) + pick(letters) + digits(4)
        case .email:
            let user = pick(["zhang", "li.wei", "wang_fang", "chen88", "liu.yang", "user", "test.account"]) + digits(3)
            return user + "@" + pick(["163.com", "qq.com", "126.com", "sina.com.cn", "corp-mail.cn", "gmail.com"])
        case .ipv4: return "\(Int.random(in: 11...223, using: &rng)).\(Int.random(in: 0...255, using: &rng)).\(Int.random(in: 0...255, using: &rng)).\(Int.random(in: 1...254, using: &rng))"
        case .ipv6:
            let groups = (0..<6).map { _ in String(UInt16.random(in: 1...0xFFFF, using: &rng), radix: 16) }
            return "2001:db8:" + groups.joined(separator: ":")
        case .mac:
            return (0..<6).map { _ in Self.pad2hex(UInt8.random(in: 1...254, using: &rng)) }.joined(separator: ":")
        case .imei: return luhnComplete(pick(["35", "86", "01", "99"]) + digits(12))
        case .personName: return name()
        case .address: return address()
        case .iban:
            let bban = digits(18)
            return "DE" + (IBAN.checkDigits(country: "DE", bban: bban) ?? "00") + bban
        case .usSSN:
            return Self.pad(Int.random(in: 1...665, using: &rng), 3) + "-" + Self.pad(Int.random(in: 1...99, using: &rng), 2) + "-" + Self.pad(Int.random(in: 1...9999, using: &rng), 4)
        }
    }

    static func pad2hex(_ v: UInt8) -> String {
        let s = String(v, radix: 16)
        return s.count == 1 ? "0" + s : s
    }

    public mutating func idCard() -> String {
        let (y, m, d) = birthDate()
        let first17 = String(pick(DivisionCodes.countyCodes)) + String(y) + Self.pad(m, 2) + Self.pad(d, 2) + digits(3)
        return first17 + String(CNIDCard.checkCharacter(first17: first17)!)
    }

    public mutating func uscc() -> String {
        let chars = Array("0123456789ABCDEFGHJKLMNPQRTUWXY").map(String.init)
        var s = pick(["1", "5", "9", "9", "9"]) + pick(["1", "2", "3"]) + String(pick(DivisionCodes.countyCodes))
        for _ in 0..<9 { s += pick(chars) }
        return s + String(USCC.checkCharacter(first17: s)!)
    }

    public mutating func luhnComplete(_ payload: String) -> String { payload + String(Luhn.checkDigit(payload)!) }

    static let givenChars = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文海波晨曦宇轩梓涵浩然子墨欣怡雨婷嘉")

    /// The 100 most common surnames (computed once: masking draws names per value).
    static let commonSurnames: [String] = Array(ChineseSurnames.singleText.unicodeScalars.filter { $0.value >= 0x4E00 }.prefix(100)).map { String($0) }

    public mutating func name() -> String {
        var s = pick(Self.commonSurnames)
        for _ in 0..<Int.random(in: 1...2, using: &rng) { s.append(pick(Self.givenChars)) }
        return s
    }

    public mutating func address() -> String {
        let code = pick(DivisionCodes.countyCodes)
        let province = DivisionCodes.provinceName(code / 10000) ?? "北京市"
        var city = DivisionCodes.cityName(code / 100) ?? ""
        if city == "市辖区" || city == "县" || city.hasSuffix("行政区划") { city = "" }
        let county = DivisionCodes.countyName(code) ?? ""
        let road = pick(["人民路", "解放路", "中山路", "建设大道", "和平街", "新华路", "长江路", "文化路"])
        return province + city + county + road + String(Int.random(in: 1...999, using: &rng)) + "号"
    }
}
