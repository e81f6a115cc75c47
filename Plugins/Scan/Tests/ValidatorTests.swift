@testable import DSToolScan
import Foundation
import XCTest

final class ValidatorTests: XCTestCase {
    /// The province and city names the address patterns are built from are the table's.
    func testRegionNamesAreTheTablesProvincesAndCities() {
        XCTAssertEqual(DivisionCodes.regionNames.provinces, DivisionCodes.table.provinces)
        XCTAssertEqual(DivisionCodes.regionNames.cities, DivisionCodes.table.cities)
        XCTAssertEqual(DivisionCodes.regionNames.provinces[44], "广东省")
        XCTAssertGreaterThan(DivisionCodes.regionNames.cities.count, 300)
    }

    /// The bits ID checks use are read from the codes alone; they hold what the named table holds.
    func testDivisionCodeBitsHoldExactlyTheTablesCodes() {
        let table = DivisionCodes.table, bits = DivisionCodes.bits
        for p in 0..<100 {
            XCTAssertEqual(bits.provinces[p], table.provinces[p] != nil || DivisionCodes.permitProvinces[p] != nil, "province \(p)")
        }
        for c in 0..<10_000 { XCTAssertEqual(bits.cities[c], table.cities[c] != nil, "city \(c)") }
        var counties = 0
        for c in 0..<1_000_000 where bits.county(c) {
            counties += 1
            XCTAssertNotNil(table.counties[c], "county \(c)")
        }
        XCTAssertEqual(counties, table.counties.count)
        XCTAssertGreaterThan(counties, 2_800)
    }

    /// The validators' raw tables (read once by the table scanner) hold what the static tables
    /// hold, and the region check over them gives, for every six-digit code, what the check over
    /// `DivisionCodes.bits` gave: a known county, a city or a province code, or invalid.
    func testDigitTablesAgreeWithTheStaticTables() {
        let t = DigitTables.shared, bits = DivisionCodes.bits
        for p in 0..<1000 { XCTAssertEqual(t.mobilePrefixes[p], PIIValidators.mobilePrefixes.contains(p), "prefix \(p)") }
        for w in 0..<PIIValidators.knownBankBINBits.count { XCTAssertEqual(t.bankBINs[w], PIIValidators.knownBankBINBits[w]) }
        var known = 0, provinceOnly = 0
        for code in -1...1_000_000 {
            var expected = DivisionCodes.Validity.invalid
            if code >= 0 && code < 1_000_000 && bits.provinces[code / 10000] {
                let province = code / 10000
                if province == 71 || province >= 81 {
                    expected = code % 10000 == 0 ? .known : .provinceOnly
                } else if bits.county(code) || (code % 100 == 0 && bits.cities[code / 100]) {
                    expected = .known
                } else {
                    expected = .provinceOnly
                }
            }
            let got = DivisionCodes.validate(code, t)
            if got != expected { XCTFail("code \(code): \(got) != \(expected)"); break }
            if got == .known { known += 1 } else if got == .provinceOnly { provinceOnly += 1 }
        }
        XCTAssertGreaterThan(known, 2_800)
        XCTAssertGreaterThan(provinceOnly, 100_000)
    }

    /// Today in China is UTC+8 (no daylight saving), computed without a time-zone database: the
    /// day turns at 16:00 UTC, and it is the day Foundation's calendar gives in Asia/Shanghai.
    func testTodayInChinaWithoutATimeZoneDatabase() throws {
        XCTAssertTrue(BirthDate.today(at: 1_782_748_799) == (2026, 6, 29))   // 2026-06-29 15:59:59 UTC
        XCTAssertTrue(BirthDate.today(at: 1_782_748_800) == (2026, 6, 30))   // 16:00:00 UTC: midnight in Beijing
        XCTAssertTrue(BirthDate.today(at: 0) == (1970, 1, 1))
        XCTAssertTrue(BirthDate.today(at: 951_753_600) == (2000, 2, 29))     // 2000-02-28 16:00 UTC
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try XCTUnwrap(TimeZone(identifier: "Asia/Shanghai"))
        for instant in stride(from: 1_700_000_000, to: 1_800_000_000, by: 9_999_937) {
            let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(instant)))
            XCTAssertTrue(BirthDate.today(at: time_t(instant)) == (c.year!, c.month!, c.day!), "\(instant)")
        }
    }

    /// A birth date compared as a yyyymmdd number against DigitTables.today is real exactly when
    /// the day-month-year check says so: around today, month and year ends, leap days, 1900, and
    /// months and days out of range.
    func testBirthDateAgainstTodayAsANumber() {
        let today = DigitTables.shared.today
        let (y, m, d) = (today / 10_000, today / 100 % 100, today % 100)
        var dates: [(Int, Int, Int)] = [(y, m, d), (y, m, d + 1), (y, m, d - 1), (y, m + 1, 1), (y, m - 1, 28), (y + 1, 1, 1), (y - 1, 12, 31),
                                        (1900, 1, 1), (1899, 12, 31), (2000, 2, 29), (1900, 2, 29), (2024, 2, 29), (2023, 2, 29),
                                        (2001, 4, 31), (2001, 4, 30), (2001, 0, 10), (2001, 13, 1), (2001, 1, 0), (2001, 1, 32), (9999, 12, 31)]
        for year in stride(from: 1895, through: y + 2, by: 7) {
            for month in 0...13 { for day in [0, 1, 28, 29, 30, 31, 32] { dates.append((year, month, day)) } }
        }
        for (year, month, day) in dates where year >= 0 && month >= 0 && day >= 0 {
            func padded(_ v: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(v).count)) + String(v) }
            let digits = padded(year, 4) + padded(month, 2) + padded(day, 2)
            guard digits.utf8.count == 8 else { continue }
            let number = Array(digits.utf8).withUnsafeBufferPointer { BirthDate.isReal(yyyymmdd: $0, today: today) }
            XCTAssertEqual(number, BirthDate.isReal(year: year, month: month, day: day), digits)
        }
    }

    /// Patterns for a set of kinds are those of the whole list, filtered, in the same order (the
    /// index is the Hyperscan id); addresses come last and only when asked for.
    func testSelectedPatternsAreTheWholeListFiltered() {
        let sets: [Set<PIIKind>] = [[.cnIDCard], [.address], [.cnMobile, .address, .email], Set(PIIKind.allCases), []]
        for kinds in sets {
            let expected = PIIPatterns.all.compactMap { p -> String? in
                let k = p.kinds.filter(kinds.contains)
                return k.isEmpty ? nil : "\(k) \(p.expression) \(p.flags)"
            }
            XCTAssertEqual(PIIPatterns.selected(kinds).map { "\($0.kinds) \($0.expression) \($0.flags)" }, expected, "\(kinds)")
        }
        XCTAssertEqual(PIIPatterns.selected([.cnIDCard]).count, 1)
        XCTAssertGreaterThan(PIIPatterns.selected([.address]).count, 3)
    }

    // MARK: shared standard vectors (GB 11643, GB 32100)

    func testIDCardAgainstSharedVectors() throws {
        let v = try SharedTestData.json("vectors/standard-vectors.json")["cn_id_card"] as! [String: Any]
        let weights = v["weights"] as! [Int]
        let checkChars = Array(v["check_chars"] as! String)
        XCTAssertEqual(weights, CNIDCard.weights)
        XCTAssertEqual(checkChars, CNIDCard.checkChars)
        for id in v["valid"] as! [String] {
            XCTAssertTrue(CNIDCard.isValid(id), id)
            XCTAssertTrue(PIIValidators.isValid(.cnIDCard, id), id)
            XCTAssertEqual(PIIValidators.classify(id), .cnIDCard, id)
            // The check character computed from the vector's own parameters equals ours.
            let first17 = Array(id.utf8.prefix(17))
            let sum = zip(first17, weights).reduce(0) { $0 + Int($1.0 - 48) * $1.1 }
            XCTAssertEqual(CNIDCard.checkCharacter(first17: String(id.prefix(17))), checkChars[sum % 11])
            XCTAssertTrue(CNIDCard.isValid(id.lowercased()), "lower-case x is accepted")
            // Every other check character is rejected.
            for c in "0123456789X" where c != Character(String(id.last!)) {
                XCTAssertFalse(CNIDCard.isValid(String(id.prefix(17)) + String(c)))
            }
        }
    }

    func testUSCCAgainstSharedVectors() throws {
        let v = try SharedTestData.json("vectors/standard-vectors.json")["cn_uscc"] as! [String: Any]
        XCTAssertEqual(v["weights"] as! [Int], USCC.weights)
        XCTAssertEqual(v["charset"] as! String, String(decoding: USCC.charset, as: UTF8.self))
        for code in v["valid"] as! [String] {
            XCTAssertTrue(USCC.isValid(code), code)
            XCTAssertEqual(USCC.checkCharacter(first17: String(code.prefix(17))), code.last)
            XCTAssertEqual(PIIValidators.classify(code), .cnUSCC, code)
            for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" where c != code.last! {
                XCTAssertFalse(USCC.isValid(String(code.prefix(17)) + String(c)))
            }
        }
        XCTAssertNil(USCC.checkCharacter(first17: "91110108551385O8I"), "O and I are not in the GB 32100 set")
    }

    // MARK: ID numbers

    func testIDCardDatesAndRegions() {
        func make(_ first17: String) -> String { first17 + String(CNIDCard.checkCharacter(first17: first17)!) }
        XCTAssertTrue(CNIDCard.isValid(make("11010519491231002")))
        XCTAssertFalse(CNIDCard.isValid(make("11010519490231002")), "31 February")
        XCTAssertFalse(CNIDCard.isValid(make("11010519000229002")), "1900 is not a leap year")
        XCTAssertTrue(CNIDCard.isValid(make("11010520000229002")), "2000 is a leap year")
        XCTAssertFalse(CNIDCard.isValid(make("11010518991231002")), "before 1900")
        XCTAssertFalse(CNIDCard.isValid(make("11010521991231002")), "in the future")
        XCTAssertFalse(CNIDCard.isValid(make("99010519491231002")), "no province 99")
        XCTAssertFalse(CNIDCard.isValid(make("10010519491231002")), "no province 10")
        // A county code not in the 2023 table is still a valid number, with lower confidence.
        let retired = make("11019919491231002")
        XCTAssertTrue(CNIDCard.isValid(retired))
        XCTAssertEqual(PIIValidators.confidence(.cnIDCard, retired), 0.8)
        XCTAssertEqual(PIIValidators.confidence(.cnIDCard, make("11010519491231002")), 0.95)
        XCTAssertEqual(DivisionCodes.validate(110105), .known)
        XCTAssertEqual(DivisionCodes.validate(110199), .provinceOnly)
        XCTAssertEqual(DivisionCodes.validate(990105), .invalid)
        XCTAssertEqual(DivisionCodes.validate(810000), .known, "Hong Kong residents' residence permits")
        XCTAssertEqual(DivisionCodes.countyName(110105), "朝阳区")
        XCTAssertEqual(DivisionCodes.provinceName(44), "广东省")
        XCTAssertFalse(CNIDCard.isValid("1101051949123100"))
        XCTAssertFalse(CNIDCard.isValid("11010519491231002XX"))
        XCTAssertFalse(CNIDCard.isValid("1101051949123100２X"), "full-width digit")
    }

    func testLegacyIDCardAndUpgrade() {
        XCTAssertTrue(CNIDCard.isValidLegacy("110105491231002"))
        XCTAssertFalse(CNIDCard.isValidLegacy("110105491331002"), "month 13")
        XCTAssertFalse(CNIDCard.isValidLegacy("990105491231002"))
        XCTAssertEqual(CNIDCard.upgradeLegacy("110105491231002"), "11010519491231002X")
    }

    // MARK: Luhn, cards, IBAN

    func testLuhn() {
        XCTAssertEqual(Luhn.checkDigit("7992739871"), "3")   // the textbook example
        XCTAssertTrue(Luhn.isValid("79927398713"))
        XCTAssertFalse(Luhn.isValid("79927398710"))
        XCTAssertNil(Luhn.checkDigit("12a4"))
        var g = SyntheticPII(seed: 1)
        for _ in 0..<200 {
            let card = g.value(.bankCard)
            XCTAssertTrue(Luhn.isValid(card), card)
            XCTAssertEqual(PIIValidators.classify(card), .bankCard, card)
        }
    }

    /// The two-digits-a-step check against the textbook one-digit loop: every length from 0 to
    /// 20 (odd and even), valid and invalid sums, and a non-digit at each place (a slash, a
    /// colon and a high byte: the bytes just outside 0-9 and one that wraps around).
    func testLuhnPairLoopAgreesWithTheDigitLoop() {
        func reference(_ b: [UInt8]) -> Bool {
            guard b.count >= 2, b.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
            var sum = 0
            for (i, c) in b.reversed().enumerated() {
                let d = Int(c - 48)
                sum += i % 2 == 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d
            }
            return sum % 10 == 0
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        var valid = 0
        for length in 0...20 {
            for _ in 0..<300 {
                var b = (0..<length).map { _ in UInt8(48 + next() % 10) }
                if length > 0 && next() % 4 == 0 { b[Int(next() % UInt64(length))] = [47, 58, 0xB0][Int(next() % 3)] }
                let got = b.withUnsafeBufferPointer { Luhn.isValid($0) }
                XCTAssertEqual(got, reference(b), String(decoding: b, as: UTF8.self))
                if got { valid += 1 }
            }
        }
        XCTAssertGreaterThan(valid, 300, "valid sums are among the cases")
    }

    func testCardsAndBrands() {
        XCTAssertEqual(PIIValidators.classify("4532015112830366"), .creditCard)
        XCTAssertEqual(PIIValidators.classify("4532 0151 1283 0366"), .creditCard)
        XCTAssertNil(PIIValidators.classify("4111111111111111"), "a well-known placeholder number")
        XCTAssertEqual(PIIValidators.classify("378282246310005"), .creditCard)
        XCTAssertNil(PIIValidators.confidence(.creditCard, "4111111111111112"))
        XCTAssertNil(PIIValidators.confidence(.bankCard, "4532015112830366"), "not UnionPay")
        XCTAssertNil(PIIValidators.confidence(.creditCard, "0000000000000000"))
    }

    func testIBAN() {
        XCTAssertTrue(IBAN.isValid("GB82WEST12345698765432"))
        XCTAssertTrue(IBAN.isValid("GB82 WEST 1234 5698 7654 32"))
        XCTAssertFalse(IBAN.isValid("GB82WEST12345698765433"))
        XCTAssertFalse(IBAN.isValid("GB82WEST1234569876543"), "wrong length for GB")
        XCTAssertEqual(IBAN.checkDigits(country: "GB", bban: "WEST12345698765432"), "82")
    }

    // MARK: phones, network, documents

    func testPhones() {
        XCTAssertEqual(PIIValidators.classify("13812345678"), .cnMobile)
        XCTAssertEqual(PIIValidators.classify("+86 138-1234-5678"), .cnMobile)
        XCTAssertNil(PIIValidators.confidence(.cnMobile, "12812345678"), "no 128 range")
        XCTAssertNil(PIIValidators.confidence(.cnMobile, "1381234567"))
        XCTAssertEqual(PIIValidators.classify("010-62345678"), .cnLandline)
        XCTAssertEqual(PIIValidators.classify("(0571)88889999"), .cnLandline)
        XCTAssertEqual(PIIValidators.classify("0571-8888999-123"), .cnLandline)
        XCTAssertNil(PIIValidators.confidence(.cnLandline, "0571-0888999"), "local numbers do not start with 0")
        XCTAssertNil(PIIValidators.confidence(.cnLandline, "030-62345678"), "3-digit area codes are 010 and 02x")
    }

    func testNetworkIdentifiers() {
        XCTAssertEqual(PIIValidators.classify("203.0.113.7"), .ipv4)
        XCTAssertEqual(PIIValidators.confidence(.ipv4, "192.168.1.20"), 0.6)
        XCTAssertNil(PIIValidators.confidence(.ipv4, "256.1.1.1"))
        XCTAssertNil(PIIValidators.confidence(.ipv4, "1.02.3.4"), "leading zero")
        XCTAssertNil(PIIValidators.confidence(.ipv4, "0.0.0.0"))
        XCTAssertNil(PIIValidators.confidence(.ipv4, "255.255.255.0"), "netmask")
        XCTAssertEqual(PIIValidators.classify("2001:db8:85a3::8a2e:370:7334"), .ipv6)
        XCTAssertNil(PIIValidators.confidence(.ipv6, "12:30:45"), "a time")
        XCTAssertNil(PIIValidators.confidence(.ipv6, "Face::add"), "C++ scope, no digit")
        XCTAssertEqual(PIIValidators.classify("3c:22:fb:12:a0:9e"), .mac)
        XCTAssertEqual(PIIValidators.classify("3c22.fb12.a09e"), .mac)
        XCTAssertNil(PIIValidators.confidence(.mac, "3c:22-fb:12:a0:9e"), "mixed separators")
        XCTAssertNil(PIIValidators.confidence(.mac, "00:00:00:00:00:00"))
        XCTAssertEqual(PIIValidators.classify("zhang.wei@163.com"), .email)
        XCTAssertNil(PIIValidators.confidence(.email, ".a@b.com"))
        XCTAssertNil(PIIValidators.confidence(.email, "a@b.c"))
        XCTAssertNil(PIIValidators.confidence(.email, "a@-b.com"))
        XCTAssertEqual(PIIValidators.confidence(.email, "someone@example.com"), 0.5)
        XCTAssertNotNil(PIIValidators.confidence(.imei, "490154203237518"))
        XCTAssertNil(PIIValidators.confidence(.imei, "490154203237519"))
    }

    func testDocumentsPlatesNamesAddresses() {
        XCTAssertNotNil(PIIValidators.confidence(.passport, "E12345678"))
        XCTAssertNotNil(PIIValidators.confidence(.passport, "EA1234567"))
        XCTAssertNil(PIIValidators.confidence(.passport, "EI1234567"), "no I in passport letters")
        XCTAssertNotNil(PIIValidators.confidence(.hkMacaoPermit, "CA1234567"))
        XCTAssertNotNil(PIIValidators.confidence(.hkMacaoPermit, "H1234567890"))
        XCTAssertNotNil(PIIValidators.confidence(.taiwanPermit, "L12345678"))
        XCTAssertEqual(PIIValidators.classify("京A12345"), .cnPlate)
        XCTAssertEqual(PIIValidators.classify("粤B·D12345"), .cnPlate)
        XCTAssertEqual(PIIValidators.classify("沪A12345F"), .cnPlate)
        XCTAssertNil(PIIValidators.confidence(.cnPlate, "京AABCDE"), "serials have at most two letters")
        XCTAssertNil(PIIValidators.confidence(.cnPlate, "京I12345"))
        XCTAssertEqual(PIIValidators.classify("张伟"), .personName)
        XCTAssertEqual(PIIValidators.classify("欧阳娜娜"), .personName)
        XCTAssertNil(PIIValidators.confidence(.personName, "的确"), "not a surname")
        XCTAssertNil(PIIValidators.confidence(.personName, "张伟伟伟"), "single surname + three")
        XCTAssertEqual(PIIValidators.classify("北京市朝阳区建国路88号"), .address)
        XCTAssertEqual(PIIValidators.classify("广东省深圳市南山区科技园南区3栋"), .address)
        XCTAssertNil(PIIValidators.confidence(.address, "今天天气很好我们去公园散步"))
        XCTAssertEqual(PIIValidators.classify("123-45-6789"), .usSSN)
        XCTAssertNil(PIIValidators.confidence(.usSSN, "666-45-6789"))
        XCTAssertNil(PIIValidators.confidence(.usSSN, "123-00-6789"))
        XCTAssertNil(PIIValidators.classify("hello world"))
        XCTAssertNil(PIIValidators.classify(""))
        XCTAssertNil(PIIValidators.classify("20230101"), "a date is not a Taiwan permit without context")
    }

    func testEveryKindRoundTripsThroughSyntheticGenerator() {
        var g = SyntheticPII(seed: 42)
        for kind in PIIKind.allCases {
            for _ in 0..<50 {
                let v = g.value(kind)
                XCTAssertTrue(PIIValidators.isValid(kind, v), "\(kind) \(v)")
            }
        }
    }

    /// The ID number's check (a vector multiply-add over the bytes in place) accepts exactly the
    /// check character the weights table gives, for thousands of numbers with a real region and
    /// birth date; and rejects a non-digit anywhere in the first 17.
    func testIDCardChecksumAgreesWithTheWeightsTable() {
        var g = SyntheticPII(seed: 61)
        for _ in 0..<3_000 {
            // Region and date from the generator (real ones), the three sequence digits at random.
            var first17 = Array(g.idCard().utf8.prefix(17))
            first17[14] = UInt8(ascii: "0") + UInt8(g.rng.next() % 10)
            first17[15] = UInt8(ascii: "0") + UInt8(g.rng.next() % 10)
            first17[16] = UInt8(ascii: "0") + UInt8(g.rng.next() % 10)
            let expected = CNIDCard.checkByte(first17[...])!
            let datesAndRegionHold = (first17 + [expected]).withUnsafeBufferPointer { CNIDCard.validity($0) } != nil
            for last in Array("0123456789Xx".utf8) {
                let id = first17 + [last]
                let accepted = id.withUnsafeBufferPointer { CNIDCard.validity($0) } != nil
                XCTAssertEqual(accepted, datesAndRegionHold && (last == expected || last == UInt8(ascii: "x") && expected == UInt8(ascii: "X")),
                               String(decoding: id, as: UTF8.self))
            }
            var notDigit = first17 + [expected]
            notDigit[Int(g.rng.next() % 17)] = UInt8(ascii: "A")
            XCTAssertNil(notDigit.withUnsafeBufferPointer { CNIDCard.validity($0) })
        }
    }

    /// The ID check reads the date and region as two-digit numbers (digitPairs) without a loop
    /// or a division: it agrees with a plain reading of the same rules (weights table, calendar
    /// from year, month and day, the region as one six-digit code) on numbers whose region,
    /// date, sequence and check byte are drawn to hit the edges: provinces 71/81/82 and unknown
    /// ones, county and city parts 00, leap days of 1900/2000/2004/2100, months 00/13/99, days
    /// 00/31/32, today and the day after, years 1899 and 9999; and on hostile bytes anywhere
    /// (a letter, '/', ':', a space, NUL, 0xFF, a lower-case x or X in the middle).
    func testIDCardValidityAgreesWithAPlainReading() {
        let today = DigitTables.shared.today
        func reference(_ b: [UInt8]) -> DivisionCodes.Validity? {
            guard b.count == 18, b[0..<17].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            let check = CNIDCard.checkByte(b[0..<17])!
            guard b[17] == check || (b[17] == UInt8(ascii: "x") && check == UInt8(ascii: "X")) else { return nil }
            func number(_ r: Range<Int>) -> Int { b[r].reduce(0) { $0 * 10 + Int($1 - 48) } }
            let year = number(6..<10), month = number(10..<12), day = number(12..<14)
            guard BirthDate.isCalendarDay(year: year, month: month, day: day), year * 10_000 + month * 100 + day <= today else { return nil }
            let region = DivisionCodes.validate(number(0..<6))
            return region == .invalid ? nil : region
        }
        func padded(_ v: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(v).count)) + String(v) }
        var g = SyntheticPII(seed: 63)
        let regions = ["110105", "110199", "110000", "110100", "130100", "130000", "710000", "710101", "810000", "810001", "820000",
                       "829900", "990105", "100105", "000000", "440300", "440399", "510107", "650000", "659001"]
        let (y, m, d) = (today / 10_000, today / 100 % 100, today % 100)
        var dates = [padded(y, 4) + padded(m, 2) + padded(d, 2), padded(y, 4) + padded(m, 2) + padded(d + 1, 2),
                     padded(y + 1, 4) + "0101", "18991231", "19000101", "19000229", "19000228", "20000229", "20040229", "20030229",
                     "21000229", "20960229", "99991231", "19840000", "19841301", "19849901", "19840100", "19840131", "19840132",
                     "19840431", "19840430", "19841231", "19841232", "19999999", "20000230"]
        for _ in 0..<40 { dates.append(padded(1890 + Int(g.rng.next() % 150), 4) + padded(Int(g.rng.next() % 14), 2) + padded(Int(g.rng.next() % 33), 2)) }
        var checked = 0, valid = 0
        for region in regions {
            for date in dates {
                let first17 = Array((region + date + g.digits(3)).utf8)
                let expected = CNIDCard.checkByte(first17[...])!
                var candidates = [first17 + [expected], first17 + [expected == 88 ? 49 : expected == 57 ? 88 : expected + 1]]
                if expected == 88 { candidates.append(first17 + [UInt8(ascii: "x")]) }
                var hostile = first17 + [expected]
                hostile[Int(g.rng.next() % 18)] = [UInt8(ascii: "A"), 47, 58, 32, 0, 0xFF, UInt8(ascii: "x"), UInt8(ascii: "X")][Int(g.rng.next() % 8)]
                candidates.append(hostile)
                for id in candidates {
                    let fast = id.withUnsafeBufferPointer { CNIDCard.validity($0) }
                    XCTAssertEqual(fast, reference(id), String(decoding: id, as: UTF8.self))
                    checked += 1
                    if fast != nil { valid += 1 }
                }
            }
        }
        XCTAssertGreaterThan(valid, 200)
        XCTAssertGreaterThan(checked, 1000)
    }

    /// The region check over two-digit numbers agrees with the one over the six-digit code, for
    /// every code.
    func testDivisionCodeFromPairsAgreesForEveryCode() {
        let t = DigitTables.shared
        for code in 0..<1_000_000 {
            let pairs = DivisionCodes.validate(province: code / 10_000, city: code / 100 % 100, county: code % 100, t)
            if pairs != DivisionCodes.validate(code, t) { XCTFail("\(code)"); return }
        }
    }

    /// The birth date over two-digit numbers agrees with the calendar check for every year of
    /// centuries 18 to 21 and 99, every month 0...99 and days 0...32 and 99, against today and
    /// against a `today` of 1 March 2000 (so that 29 February 2000 is the last day that passes).
    func testBirthDateFromPairsAgreesWithTheCalendar() {
        for today in [DigitTables.shared.today, 20_000_301] {
            for century in [18, 19, 20, 21, 99] {
                for year in 0..<100 {
                    for month in 0..<100 {
                        for day in Array(0...32) + [99] {
                            let full = century * 100 + year
                            let expected = BirthDate.isCalendarDay(year: full, month: month, day: day) && full * 10_000 + month * 100 + day <= today
                            if BirthDate.isReal(century: century, year: year, month: month, day: day, today: today) != expected {
                                XCTFail("\(century) \(year) \(month) \(day) \(today)"); return
                            }
                        }
                    }
                }
            }
        }
        XCTAssertTrue(BirthDate.isReal(century: 20, year: 0, month: 2, day: 29, today: 20_000_301))
        XCTAssertFalse(BirthDate.isReal(century: 19, year: 0, month: 2, day: 29, today: 20_000_301))
        XCTAssertFalse(BirthDate.isReal(century: 20, year: 0, month: 3, day: 2, today: 20_000_301))
    }

    /// Bank cards with the BIN read as two-digit numbers: UnionPay (62), 9558 and other
    /// prefixes, known and unknown BINs, valid and broken Luhn sums, every length 16...19;
    /// against a plain reading (first digits as a number, the static BIN set).
    func testBankCardDigitsAgreeWithAPlainReading() {
        var g = SyntheticPII(seed: 64)
        let prefixes = ["622202", "621226", "622848", "620000", "62", "9558", "955", "95", "6", "4", "436742", "601382", "0"]
        var checked = 0
        for prefix in prefixes {
            for length in 16...19 {
                for _ in 0..<30 {
                    let body = prefix + g.digits(length - 1 - prefix.count)
                    for card in [g.luhnComplete(body), body + String((Int(String(g.luhnComplete(body).last!))! + 1) % 10)] {
                        let b = Array(card.utf8)
                        func number(_ n: Int) -> Int { b[0..<n].reduce(0) { $0 * 10 + Int($1 - 48) } }
                        let expected: Double? = (card.hasPrefix("62") || number(4) == 9558) && Luhn.isValid(card)
                            ? (PIIValidators.knownBankBINs.contains(number(6)) ? 0.95 : 0.85) : nil
                        XCTAssertEqual(b.withUnsafeBufferPointer { PIIValidators.bankCardDigits($0) }, expected, card)
                        XCTAssertEqual(PIIValidators.confidence(.bankCard, card), expected, card)
                        checked += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 3000)
    }

    /// Luhn's bytes before the last sixteen (places 16, 17 and 18 from the right) are checked
    /// one by one: a byte that is not a digit there fails the number, whatever the sum.
    func testLuhnRejectsANonDigitBeforeTheLastSixteen() {
        var g = SyntheticPII(seed: 65)
        for length in 17...19 {
            for at in 0..<(length - 16) {
                for bad: UInt8 in [47, 58, UInt8(ascii: "X"), UInt8(ascii: "x"), 32, 0, 0xFF, 0x80] {
                    for _ in 0..<10 {
                        var digits = Array(g.luhnComplete(g.digits(length - 1)).utf8)
                        digits[at] = bad
                        XCTAssertFalse(digits.withUnsafeBufferPointer { Luhn.isValid16to19($0) }, String(decoding: digits, as: UTF8.self))
                        XCTAssertFalse(digits.withUnsafeBufferPointer { Luhn.isValid($0) })
                    }
                }
            }
        }
    }

    /// Luhn's 16-to-19-digit path (a vector over the last sixteen) agrees with the digit-by-digit
    /// loop on random numbers of every length, valid or not, and on every digit's place.
    func testLuhnVectorPathAgreesWithTheLoop() {
        var g = SyntheticPII(seed: 62)
        for length in 16...19 {
            for _ in 0..<2_000 {
                var digits = (0..<length).map { _ in UInt8(ascii: "0") + UInt8(g.rng.next() % 10) }
                if g.rng.next() % 2 == 0 { digits = Array(g.luhnComplete(String(decoding: digits.dropLast(), as: UTF8.self)).utf8) }
                let fast = digits.withUnsafeBufferPointer { Luhn.isValid16to19($0) }
                XCTAssertEqual(fast, Luhn.isValid(digits as [UInt8]), String(decoding: digits, as: UTF8.self))
                // Every other digit from the right doubled: changing one digit by 1 breaks the sum.
                var changed = digits
                let at = Int(g.rng.next() % UInt64(length))
                changed[at] = changed[at] == UInt8(ascii: "9") ? UInt8(ascii: "0") : changed[at] + 1
                XCTAssertEqual(changed.withUnsafeBufferPointer { Luhn.isValid16to19($0) }, Luhn.isValid(changed as [UInt8]))
            }
        }
    }

    func testKindMetadata() {
        XCTAssertEqual(PIIKind.allCases.map(\.rawValue), [
            "cn_id_card", "cn_id_card_15", "cn_mobile", "cn_landline", "bank_card", "cn_uscc", "passport", "hk_macao_permit",
            "taiwan_permit", "cn_plate", "email", "ipv4", "ipv6", "mac", "imei", "person_name", "address", "credit_card", "iban", "us_ssn",
        ])
        XCTAssertEqual(PIIKind.cnIDCard.title.zh, "居民身份证号")
        XCTAssertEqual(PIIKind.cnIDCard.sensitivity, .sensitive)
        XCTAssertEqual(PIIKind.email.sensitivity, .personal)
        XCTAssertEqual(PIIKind.cnIDCard.ruleId, "pii.cn_id_card")
    }
}
