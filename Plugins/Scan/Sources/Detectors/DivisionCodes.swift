/// China's administrative division codes (2023), embedded from the National Bureau of Statistics
/// tables (see DivisionCodesData.swift). ID numbers carry the code of the county where they were
/// first issued: the province must exist, but a county retired before 2023 is still a real
/// number, so an unknown county only lowers confidence.
public enum DivisionCodes {
    /// What is known about a six-digit region prefix.
    public enum Validity: Sendable, Equatable {
        /// The county (or city) code is in the 2023 table.
        case known
        /// The province exists but the county code is not in the 2023 table (retired or new).
        case provinceOnly
        /// The province code does not exist.
        case invalid
    }

    struct Table {
        var provinces: [Int: String] = [:]
        var cities: [Int: String] = [:]
        var counties: [Int: String] = [:]
    }

    static let table: Table = {
        var t = Table()
        for line in divisionCodesData.split(separator: "\n") {
            guard let space = line.firstIndex(of: " "), let code = Int(line[..<space]) else { continue }
            let name = String(line[line.index(after: space)...])
            switch line.distance(from: line.startIndex, to: space) {
            case 2: t.provinces[code] = name
            case 4: t.cities[code] = name
            default: t.counties[code] = name
            }
        }
        return t
    }()

    /// Hong Kong, Macao and Taiwan residents' residence permits use 81, 82 and 83 (GB 11643 as
    /// extended in 2018); they are not in the statistics table.
    static let permitProvinces: [Int: String] = [81: "香港特别行政区", 82: "澳门特别行政区", 83: "台湾省", 71: "台湾省"]

    /// Province name for a two-digit code.
    public static func provinceName(_ code: Int) -> String? { table.provinces[code] ?? permitProvinces[code] }
    /// City name for a four-digit code.
    public static func cityName(_ code: Int) -> String? { table.cities[code] }
    /// County name for a six-digit code.
    public static func countyName(_ code: Int) -> String? { table.counties[code] }

    /// All six-digit county codes of 2023, sorted (for synthetic data).
    public static let countyCodes: [Int] = table.counties.keys.sorted()
    /// All province names (full names such as 河北省, 广西壮族自治区).
    public static var provinceNames: [String] { regionNames.provinces.keys.sorted().map { regionNames.provinces[$0]! } }
    /// All city-level names (石家庄市, 兴安盟; without the generic 市辖区/县).
    public static var cityNames: [String] {
        regionNames.cities.keys.sorted().compactMap { regionNames.cities[$0] }.filter { $0 != "市辖区" && $0 != "县" && $0 != "省直辖县级行政区划" && $0 != "自治区直辖县级行政区划" }
    }
    /// The province and city lines of the data alone: the address patterns need only their
    /// names, and building `table` for them (3,200 Strings in three dictionaries) was a fifth of
    /// a full scan's start-up. Read as `table` reads them (ValidatorTests compare the two).
    static let regionNames: (provinces: [Int: String], cities: [Int: String]) = {
        var provinces: [Int: String] = [:], cities: [Int: String] = [:]
        forEachCode { code, digits, name in
            if digits == 2 { provinces[code] = String(decoding: name, as: UTF8.self) }
            if digits == 4 { cities[code] = String(decoding: name, as: UTF8.self) }
        }
        return (provinces, cities)
    }()

    /// Each line of the data that is a code and a name ("110101 东城区"): the code, its number
    /// of digits and the name's bytes, without making Strings of the lines not asked for.
    static func forEachCode(_ body: (_ code: Int, _ digits: Int, _ name: UnsafeBufferPointer<UInt8>) -> Void) {
        var data = divisionCodesData
        data.withUTF8 { u in
            var i = 0
            while i < u.count {
                var code = 0, digits = 0
                while i < u.count, u[i] >= 48, u[i] <= 57 { code = code * 10 + Int(u[i] - 48); digits += 1; i += 1 }
                var end = i
                while end < u.count, u[end] != 0x0A { end += 1 }
                if i < end, u[i] == 0x20 { body(code, digits, UnsafeBufferPointer(rebasing: u[(i + 1)..<end])) }
                i = end + 1
            }
        }
    }
    /// All county-level names (东城区, 正定县...).
    public static var countyNames: [String] { table.counties.keys.sorted().map { table.counties[$0]! } }

    /// Codes as bits, for the scan loop (a lookup is one load, no hashing).
    struct Bits {
        var provinces = [Bool](repeating: false, count: 100)
        var cities = [Bool](repeating: false, count: 10_000)
        var counties = [UInt64](repeating: 0, count: 1_000_000 / 64 + 1)
        func county(_ c: Int) -> Bool { counties[c >> 6] & (1 << UInt64(c & 63)) != 0 }
    }
    /// Read from the codes alone: an ID check needs no names, and building `table` (3,200 Strings
    /// in three dictionaries) was a seventh of `scan --only pii.cn_id_card`'s start-up.
    static let bits: Bits = {
        var b = Bits()
        for p in permitProvinces.keys { b.provinces[p] = true }
        forEachCode { code, digits, _ in
            switch digits {
            case 2: b.provinces[code] = true
            case 4: b.cities[code] = true
            case 6: b.counties[code >> 6] |= 1 << UInt64(code & 63)
            default: break
            }
        }
        return b
    }()

    /// Checks a six-digit region code, as found at the start of an ID number.
    public static func validate(_ code: Int) -> Validity { validate(code, DigitTables.shared) }

    /// validate with the code bits taken from `t`.
    static func validate(_ code: Int, _ t: DigitTables) -> Validity {
        guard code >= 0 && code < 1_000_000 else { return .invalid }
        let province = code / 10000
        guard t.provinces[province] else { return .invalid }
        if province == 71 || province >= 81 { return code % 10000 == 0 ? .known : .provinceOnly }
        if t.counties[code >> 6] & (1 << UInt64(code & 63)) != 0 { return .known }
        // Direct-administered or city-level codes (e.g. 110000, 130100) are real issuing codes too.
        if code % 100 == 0, t.cities[code / 100] { return .known }
        return .provinceOnly
    }

    /// validate for the code whose digits are the two-digit numbers `province`, `city` and
    /// `county` (each 0...99; 110105 is 11, 01, 05), without a division.
    @inline(__always) static func validate(province: Int, city: Int, county: Int, _ t: DigitTables) -> Validity {
        guard t.provinces[province] else { return .invalid }
        if province == 71 || province >= 81 { return city | county == 0 ? .known : .provinceOnly }
        let code = province &* 10_000 &+ city &* 100 &+ county
        if t.counties[code &>> 6] & (1 &<< UInt64(code & 63)) != 0 { return .known }
        // Direct-administered or city-level codes (e.g. 110000, 130100) are real issuing codes too.
        if county == 0, t.cities[province &* 100 &+ city] { return .known }
        return .provinceOnly
    }

    /// Region check over six ASCII digits.
    public static func validate<C: Collection>(digits: C) -> Validity where C.Element == UInt8 {
        var code = 0, n = 0
        for b in digits.prefix(6) {
            guard b >= 48 && b <= 57 else { return .invalid }
            code = code * 10 + Int(b - 48); n += 1
        }
        return n == 6 ? validate(code) : .invalid
    }
}
