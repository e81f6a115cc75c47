import CDSToolScanBits
import FoundationEssentials
import Glibc

/// 居民身份证号 (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit sequence, and an
/// ISO 7064 MOD 11-2 check character.
public enum CNIDCard {
    static let weights: [Int] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkChars: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]
    static let checkBytes: [UInt8] = Array("10X98765432".utf8)

    /// The check character for the first 17 digits, or nil if they are not 17 ASCII digits.
    public static func checkCharacter(first17: String) -> Character? {
        let b = Array(first17.utf8)
        guard let c = checkByte(b[...]) else { return nil }
        return Character(UnicodeScalar(c))
    }

    /// Check byte for 17 ASCII digits.
    static func checkByte<C: Collection>(_ digits: C) -> UInt8? where C.Element == UInt8 {
        guard digits.count == 17 else { return nil }
        var sum = 0, i = 0
        for b in digits {
            guard b >= 48 && b <= 57 else { return nil }
            sum += Int(b - 48) * weights[i]
            i += 1
        }
        return checkBytes[sum % 11]
    }

    /// Checksum, birth date and region of an 18-character number (lower-case x accepted).
    public static func isValid(_ value: String) -> Bool { var v = value; return v.withUTF8 { validity($0) } != nil }

    /// nil if invalid; otherwise the region check result (known county, or only the province).
    static func validity(_ b: UnsafeBufferPointer<UInt8>) -> DivisionCodes.Validity? {
        validity(b, DigitTables.shared)
    }

    /// validity with the region codes and today's date taken from `t` (inlined: a table's ID
    /// column calls it per cell).
    @inline(__always) static func validity(_ b: UnsafeBufferPointer<UInt8>, _ t: DigitTables) -> DivisionCodes.Validity? {
        guard b.count == 18 else { return nil }
        var last = b[17]
        if last == UInt8(ascii: "x") { last = UInt8(ascii: "X") }
        // The checksum over the bytes in place, sixteen digits at once (every ID number of a
        // table column is checked): their values, all below 10, times their weights.
        let raw = UnsafeRawPointer(b.baseAddress!)
        // For y = x ^ '0'*8: ((y & 0x7F..) + 0x76..) | y has a byte's high bit set exactly where x
        // is not a digit (a whole-vector compare would call a generic reduction).
        let low = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)) ^ 0x3030_3030_3030_3030
        let high = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) ^ 0x3030_3030_3030_3030
        let notDigits = (((low & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | low)
            | (((high & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | high)
        let digit16 = b[16] &- 48
        guard notDigits & 0x8080_8080_8080_8080 == 0, digit16 < 10 else { return nil }
        // SSE2 multiply-adds (CDSToolScanBits; Swift's SIMD widening was a call per number).
        let sum = Int(dstool_scan_id_weighted_sum17(b.baseAddress!))
        guard checkByte(remainder: sum % 11) == last else { return nil }
        // Date and region from the two words' digits as two-digit numbers (digitPairs): the
        // number's pairs are RR RR RR YY | YY MM DD SS, so neither needs a division or a loop
        // over the digits (reading them one by one was two fifths of an ID number's check).
        let front = PIIValidators.digitPairs(low), back = PIIValidators.digitPairs(high)
        guard BirthDate.isReal(century: Int(front &>> 48), year: Int(back & 0xFFFF), month: Int(back &>> 16 & 0xFFFF),
                               day: Int(back &>> 32 & 0xFFFF), today: t.today) else { return nil }
        let region = DivisionCodes.validate(province: Int(front & 0xFFFF), city: Int(front &>> 16 & 0xFFFF),
                                            county: Int(front &>> 32 & 0xFFFF), t)
        return region == .invalid ? nil : region
    }

    /// The check character ("10X98765432") for a weighted sum's remainder mod 11.
    @inline(__always) static func checkByte(remainder r: Int) -> UInt8 {
        switch r {
        case 0: return 49
        case 1: return 48
        case 2: return 88
        default: return UInt8(48 + 12 - r)   // 3 -> '9' ... 10 -> '2'
        }
    }

    /// A 15-digit number (issued before 1999): region, then YYMMDD of the 1900s, then a
    /// 3-digit sequence; there is no check digit, so the region must be known at city level.
    public static func isValidLegacy(_ value: String) -> Bool { var v = value; return v.withUTF8 { legacyValidity($0) } != nil }

    static func legacyValidity(_ b: UnsafeBufferPointer<UInt8>) -> DivisionCodes.Validity? {
        guard b.count == 15, b.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let s = 0
        guard BirthDate.isReal(b[(s + 6)..<(s + 12)], century: 19) else { return nil }
        let region = DivisionCodes.validate(digits: b[s..<(s + 6)])
        if region == .known { return .known }
        // Without a checksum an unknown county is too weak unless its city exists.
        var city = 0
        for x in b[s..<(s + 4)] { city = city * 10 + Int(x - 48) }
        return (region == .provinceOnly && DivisionCodes.bits.cities[city]) ? .provinceOnly : nil
    }

    /// Upgrades a 15-digit number to 18 digits (century 19 inserted, check character appended).
    public static func upgradeLegacy(_ value: String) -> String? {
        guard isValidLegacy(value) else { return nil }
        let b = Array(value.utf8)
        let first17 = String(decoding: b[0..<6] + Array("19".utf8) + b[6..<15], as: UTF8.self)
        return checkCharacter(first17: first17).map { first17 + String($0) }
    }
}

/// Birth dates inside ID numbers: a real calendar day, not in the future, not before 1900.
enum BirthDate {
    static let today: (year: Int, month: Int, day: Int) = today(at: time(nil))

    /// The date in China (UTC+8 all year, no daylight saving since 1991) at `instant`, without a
    /// time-zone database (FoundationEssentials has none: a named zone there is nil).
    static func today(at instant: time_t) -> (year: Int, month: Int, day: Int) {
        var shifted = instant + 8 * 3600
        var t = tm()
        guard gmtime_r(&shifted, &t) != nil else { return (2100, 12, 31) }
        return (Int(t.tm_year) + 1900, Int(t.tm_mon) + 1, Int(t.tm_mday))
    }

    /// `digits` is YYYYMMDD, or YYMMDD when `century` is given.
    static func isReal<C: Collection>(_ digits: C, century: Int?) -> Bool where C.Element == UInt8 {
        var v = (0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        for b in digits {
            guard b >= 48 && b <= 57, n < 8 else { return false }
            let d = Int(b - 48)
            switch n {
            case 0: v.0 = d
            case 1: v.1 = d
            case 2: v.2 = d
            case 3: v.3 = d
            case 4: v.4 = d
            case 5: v.5 = d
            case 6: v.6 = d
            default: v.7 = d
            }
            n += 1
        }
        if let century {
            guard n == 6 else { return false }
            return isReal(year: century * 100 + v.0 * 10 + v.1, month: v.2 * 10 + v.3, day: v.4 * 10 + v.5)
        }
        guard n == 8 else { return false }
        return isReal(year: v.0 * 1000 + v.1 * 100 + v.2 * 10 + v.3, month: v.4 * 10 + v.5, day: v.6 * 10 + v.7)
    }

    /// YYYYMMDD over eight bytes in place, not after `today` (yyyymmdd, DigitTables.today).
    @inline(__always) static func isReal(yyyymmdd b: UnsafeBufferPointer<UInt8>, today: Int) -> Bool {
        for i in 0..<8 where b[i] &- 48 >= 10 { return false }
        let year = PIIValidators.digitValue(b, 0, 4), month = PIIValidators.digitValue(b, 4, 2), day = PIIValidators.digitValue(b, 6, 2)
        // Month and day below 100: comparing yyyymmdd numbers is comparing the dates.
        return isCalendarDay(year: year, month: month, day: day) && year * 10_000 + month * 100 + day <= today
    }

    /// A date of two-digit numbers (each 0...99: century 19 and year 84 are 1984) that is a
    /// calendar day from 1900 on and not after `today` (yyyymmdd), without a division: a year is
    /// a leap year when its last two digits are a multiple of 4 other than 00, or they are 00
    /// and the century is a multiple of 4 (as 100 and 400 are multiples of 4).
    @inline(__always) static func isReal(century: Int, year: Int, month: Int, day: Int, today: Int) -> Bool {
        guard century >= 19, month >= 1 && month <= 12, day >= 1 else { return false }
        let leap = year & 3 == 0 && (year != 0 || century & 3 == 0)
        // Months of 31 days: 1, 3, 5, 7, 8, 10, 12 (bit m of 0x15AA).
        let days = month == 2 ? (leap ? 29 : 28) : 30 &+ (0x15AA &>> month) & 1
        return day <= days && (century &* 100 &+ year) &* 10_000 &+ month &* 100 &+ day <= today
    }

    static func isReal(year: Int, month: Int, day: Int) -> Bool {
        guard isCalendarDay(year: year, month: month, day: day) else { return false }
        let t = today
        return (year, month, day) <= (t.year, t.month, t.day)
    }

    /// A day of the Gregorian calendar from 1900 on.
    @inline(__always) static func isCalendarDay(year: Int, month: Int, day: Int) -> Bool {
        guard year >= 1900, (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days: Int
        switch month {
        case 2: days = leap ? 29 : 28
        case 4, 6, 9, 11: days = 30
        default: days = 31
        }
        return day <= days
    }
}

/// The Luhn (mod 10) check used by bank cards and IMEI numbers.
public enum Luhn {
    /// The digit to append to `payload` (ASCII digits) so that the whole passes Luhn.
    public static func checkDigit(_ payload: String) -> Character? {
        let b = Array(payload.utf8)
        guard !b.isEmpty, b.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        // Positions are counted from the right of the final number, whose last digit is the check.
        var sum = 0
        for (i, c) in b.reversed().enumerated() {
            var d = Int(c - 48)
            if i % 2 == 0 { d *= 2; if d > 9 { d -= 9 } }
            sum += d
        }
        return Character(String((10 - sum % 10) % 10))
    }

    public static func isValid(_ value: String) -> Bool { isValid(Array(value.utf8)) }

    /// The same over bytes in place, from the last digit back.
    static func isValid(_ d: UnsafeBufferPointer<UInt8>) -> Bool {
        if d.count >= 16 && d.count <= 19 { return isValid16to19(d) }
        guard d.count >= 2 else { return false }
        var sum = 0
        var largest: UInt8 = 0
        var i = d.count - 1
        // Two digits a step, without a branch on a digit (every card number of a column is
        // checked, and its digits are random): the digit as it is, and the one before it doubled
        // — 2e, minus 9 when e > 4, and (e + 3) >> 3 is 1 exactly for 5...9. A byte that is not
        // a digit makes the sum meaningless; the largest value decides at the end.
        while i >= 1 {
            let c = d[i] &- 48, e = d[i &- 1] &- 48
            largest = max(largest, max(c, e))
            sum &+= Int(c) &+ 2 &* Int(e) &- 9 &* Int((e &+ 3) &>> 3)
            i &-= 2
        }
        if i == 0 {
            let c = d[0] &- 48
            largest = max(largest, c)
            sum &+= Int(c)
        }
        return largest < 10 && sum % 10 == 0
    }

    /// isValid for 16 to 19 bytes (card numbers): the last sixteen as one vector — each digit,
    /// every second one from the right doubled (2e, minus 9 when e > 4) — and the one to three
    /// before them one by one. False when a byte is not a digit.
    @inline(__always) static func isValid16to19(_ d: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = d.count
        let raw = UnsafeRawPointer(d.baseAddress! + n - 16)
        // Digits everywhere (as in PlainCell.isPlain: for y = x ^ '0'*8, ((y & 0x7F..) + 0x76..) | y
        // has a byte's high bit set exactly where x is not a digit).
        let low = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)) ^ 0x3030_3030_3030_3030
        let high = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) ^ 0x3030_3030_3030_3030
        let notDigits = (((low & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | low)
            | (((high & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | high)
        guard notDigits & 0x8080_8080_8080_8080 == 0 else { return false }
        // Byte k is 15 - k places from the right: the even ones are doubled (CDSToolScanBits, SSE2).
        var sum = Int(dstool_scan_luhn_sum16(raw.assumingMemoryBound(to: UInt8.self)))
        // Places 16 (as it is), 17 (doubled: 2e, minus 9 when e > 4, as (e + 3) >> 3 is 1
        // exactly for 5...9) and 18 (as it is) from the right, without a loop: d[n - 17],
        // d[n - 18], d[n - 19]. A byte that is not a digit makes the sum meaningless; the
        // largest value decides.
        if n > 16 {
            let a = d[n &- 17] &- 48
            var largest = a
            sum &+= Int(a)
            if n > 17 {
                let e = d[n &- 18] &- 48
                largest = max(largest, e)
                sum &+= 2 &* Int(e) &- 9 &* Int((e &+ 3) &>> 3)
                if n > 18 {
                    let c = d[n &- 19] &- 48
                    largest = max(largest, c)
                    sum &+= Int(c)
                }
            }
            guard largest < 10 else { return false }
        }
        return sum % 10 == 0
    }

    static func isValid<C: BidirectionalCollection>(_ digits: C) -> Bool where C.Element == UInt8 {
        guard digits.count >= 2 else { return false }
        var sum = 0, i = 0
        for c in digits.reversed() {
            guard c >= 48 && c <= 57 else { return false }
            var d = Int(c - 48)
            if i & 1 == 1 { d *= 2; if d > 9 { d -= 9 } }
            sum += d
            i += 1
        }
        return sum % 10 == 0
    }
}

/// 统一社会信用代码 (GB 32100-2015): 18 characters over 0-9 and 25 letters (no I, O, S, V, Z),
/// the last a check character (mod 31).
public enum USCC {
    static let charset: [UInt8] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    static let weights: [Int] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    static let valueOf: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in charset.enumerated() { t[Int(c)] = Int8(i) }
        return t
    }()

    /// The check character for the first 17 characters, or nil if they use characters outside the set.
    public static func checkCharacter(first17: String) -> Character? {
        let b = Array(first17.utf8)
        return checkByte(b[...]).map { Character(UnicodeScalar($0)) }
    }

    static func checkByte<C: Collection>(_ chars: C) -> UInt8? where C.Element == UInt8 {
        guard chars.count == 17 else { return nil }
        var sum = 0, i = 0
        for c in chars {
            let v = valueOf[Int(c)]
            guard v >= 0 else { return nil }
            sum += Int(v) * weights[i]
            i += 1
        }
        return charset[(31 - sum % 31) % 31]
    }

    /// Checksum and structure: registration authority 1-9/A-G/Y, and a region code whose province exists.
    public static func isValid(_ value: String) -> Bool { var v = value; return v.withUTF8 { isValid($0) } }

    static func isValid(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count == 18 else { return false }
        let s = 0
        guard let check = checkByte(b[s..<(s + 17)]), check == b[s + 17] else { return false }
        // Characters 3-8 are the region code of the registering authority.
        return DivisionCodes.validate(digits: b[(s + 2)..<(s + 8)]) != .invalid
    }
}

/// International Bank Account Numbers (ISO 13616): country, two check digits, mod 97 == 1.
public enum IBAN {
    /// Lengths of the countries most often met (SWIFT IBAN registry).
    static let lengths: [String: Int] = [
        "AD": 24, "AE": 23, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "CH": 21,
        "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
        "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
        "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21,
        "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
        "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
        "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
    ]

    /// Compact (no spaces) or printed in groups of four.
    public static func isValid(_ value: String) -> Bool {
        Array(value.utf8).filter { $0 != 32 }.withUnsafeBufferPointer { isValid($0) }
    }

    static func isValid(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count >= 15, b.count <= 34 else { return false }
        let s = 0
        let country = String(decoding: b[s..<(s + 2)], as: UTF8.self)
        guard let len = lengths[country], len == b.count else { return false }
        var rem = 0
        for i in 0..<b.count {
            let c = b[s + (i + 4) % b.count]
            switch c {
            case 48...57: rem = (rem * 10 + Int(c - 48)) % 97
            case 65...90: rem = (rem * 100 + Int(c - 55)) % 97
            default: return false
            }
        }
        return rem == 1
    }

    /// The two check digits for a country and BBAN.
    public static func checkDigits(country: String, bban: String) -> String? {
        let rearranged = Array((bban + country + "00").utf8)
        var rem = 0
        for c in rearranged {
            switch c {
            case 48...57: rem = (rem * 10 + Int(c - 48)) % 97
            case 65...90: rem = (rem * 100 + Int(c - 55)) % 97
            default: return nil
            }
        }
        let d = 98 - rem
        return d < 10 ? "0\(d)" : "\(d)"
    }
}
