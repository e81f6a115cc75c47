import DSToolKit
@testable import DSToolMask
import DSToolScan
import XCTest

/// Strategies built on the detectors' validators and data: Chinese display conventions,
/// format-preserving encryption with check digits, surrogates.
final class ConventionStrategyTests: XCTestCase {
    func keys(_ secret: String = "0123456789abcdef0123456789abcdef") throws -> KeyRing { KeyRing(key: try MaskKey(secret: Array(secret.utf8))) }
    func make(_ strategy: String, _ params: [String: String] = [:], keys: KeyRing? = nil) throws -> MaskStrategy {
        try StrategyCatalog.make(FieldSpec(field: "f", strategy: strategy, parameters: params), keys: keys)
    }

    /// Synthetic IDs with valid checksums, from the detectors' generator (never real people).
    func syntheticIDs(_ n: Int) -> [String] {
        var g = SyntheticPII(seed: 42)
        return (0..<n).map { _ in g.idCard() }
    }

    func testChineseDisplayMasks() throws {
        let mobile = try make("mask-mobile")
        XCTAssertEqual(mobile.apply("13812345678").1, "138****5678")
        XCTAssertEqual(mobile.apply("+86 138-1234-5678").1, "+86 138-****-5678")
        XCTAssertEqual(mobile.apply("8613812345678").1, "86138****5678")
        XCTAssertEqual(mobile.apply("12345").0, .invalid)
        XCTAssertEqual(mobile.apply("11012345678").0, .invalid)  // no such network prefix
        let id = try make("mask-id-card")
        XCTAssertEqual(id.apply("11010519491231002X").1, "110105********002X")
        XCTAssertEqual(try make("mask-id-card", ["keep_first": "3", "keep_last": "1"]).apply("11010519491231002X").1, "110**************X")
        XCTAssertEqual(id.apply("110105194912310021").0, .invalid)  // wrong check character
        let card = try make("mask-bank-card")
        var g = SyntheticPII(seed: 7)
        let number = g.value(.bankCard)
        let masked = card.apply(number).1
        XCTAssertEqual(masked.prefix(6), number.prefix(6)); XCTAssertEqual(masked.suffix(4), number.suffix(4))
        XCTAssertEqual(masked.filter { $0 == "*" }.count, number.count - 10)
        XCTAssertEqual(card.apply("6222 0212 3456 7890").0, .invalid)  // fails Luhn
        let name = try make("mask-name")
        XCTAssertEqual(name.apply("张三").1, "张*")
        XCTAssertEqual(name.apply("王小明").1, "王**")
        XCTAssertEqual(name.apply("欧阳娜娜").1, "欧阳**")
        XCTAssertEqual(name.apply("司马相如").1, "司马**")
        XCTAssertEqual(name.apply("阿依古丽·买买提").1, "阿***·***")
        XCTAssertEqual(name.apply("John Smith").1, "J*** *****")
    }

    func testIDCardFPEStaysValidAndReverses() throws {
        for cipher in ["aes", "sm4"] {
            let fpe = try make("fpe-id-card", ["cipher": cipher], keys: keys())
            var outputs = Set<String>()
            for id in syntheticIDs(300) + ["11010519491231002X"] {
                let (o, m) = fpe.apply(id)
                XCTAssertEqual(o, .written, id)
                XCTAssertEqual(m.count, 18)
                XCTAssertNotEqual(m, id)
                XCTAssertTrue(CNIDCard.isValid(m), "\(cipher): \(id) → \(m) must be a valid ID number")
                XCTAssertEqual(DivisionCodes.validate(Int(m.prefix(6))!), DivisionCodes.validate(Int(id.prefix(6))!), "region class kept")
                XCTAssertEqual(Int(m.dropFirst(6).prefix(4))! < 2020, Int(id.dropFirst(6).prefix(4))! < 2020, "birth era kept")
                XCTAssertEqual(fpe.apply(m, reverse: true).1, id.uppercased())
                outputs.insert(m)
            }
            XCTAssertEqual(outputs.count, 301, "a permutation: no two inputs collide")
        }
        // A retired county code (province valid, county not in the 2023 table) stays in that class.
        let retired = "110103" + "19800101" + "123"
        let full = retired + String(CNIDCard.checkCharacter(first17: retired)!)
        XCTAssertEqual(DivisionCodes.validate(110103), .provinceOnly)
        let fpe = try make("fpe-id-card", [:], keys: keys())
        let m = fpe.apply(full).1
        XCTAssertTrue(CNIDCard.isValid(m)); XCTAssertEqual(DivisionCodes.validate(Int(m.prefix(6))!), .provinceOnly)
        XCTAssertEqual(fpe.apply(m, reverse: true).1, full)
        // 15-digit numbers stay 15-digit numbers of the 1900s.
        let legacy = "110105491231002"
        let m15 = fpe.apply(legacy).1
        XCTAssertEqual(m15.count, 15); XCTAssertTrue(CNIDCard.isValidLegacy(m15), m15)
        XCTAssertEqual(fpe.apply(m15, reverse: true).1, legacy)
        // Invalid numbers do not fit.
        XCTAssertEqual(fpe.apply("110105194912310021").0, .invalid)
        XCTAssertEqual(fpe.apply("99010519491231002X").0, .invalid)
    }

    func testBankCardAndMobileFPE() throws {
        let card = try make("fpe-bank-card", [:], keys: keys())
        var g = SyntheticPII(seed: 9)
        for _ in 0..<200 {
            let number = g.value(.bankCard)
            let (o, m) = card.apply(number)
            XCTAssertEqual(o, .written)
            XCTAssertTrue(Luhn.isValid(m), "\(number) → \(m) must pass Luhn")
            XCTAssertEqual(m.prefix(6), number.prefix(6)); XCTAssertEqual(m.count, number.count)
            XCTAssertTrue(PIIValidators.isValid(.bankCard, m))
            XCTAssertEqual(card.apply(m, reverse: true).1, number)
        }
        let spaced = "6222 0212 3456 7894"
        XCTAssertTrue(Luhn.isValid(spaced.filter(\.isNumber)))
        let ms = card.apply(spaced).1
        XCTAssertEqual(ms.count, spaced.count); XCTAssertEqual(Array(ms)[4], " "); XCTAssertTrue(Luhn.isValid(ms.filter(\.isNumber)))
        let mobile = try make("fpe-mobile", ["cipher": "sm4"], keys: keys())
        let (_, mm) = mobile.apply("13812345678")
        XCTAssertEqual(mm.prefix(3), "138"); XCTAssertEqual(mm.count, 11); XCTAssertNotEqual(mm, "13812345678")
        XCTAssertTrue(PIIValidators.isValid(.cnMobile, mm))
        XCTAssertEqual(mobile.apply(mm, reverse: true).1, "13812345678")
        XCTAssertEqual(mobile.apply("+86 138 1234 5678").1.prefix(8), "+86 138 ")
        let email = try make("fpe-email", [:], keys: keys())
        let (_, me) = email.apply("zhang.san88@example.com")
        XCTAssertTrue(me.hasSuffix("@example.com")); XCTAssertEqual(me.count, 23); XCTAssertEqual(Array(me)[5], ".")
        XCTAssertEqual(email.apply(me, reverse: true).1, "zhang.san88@example.com")
        XCTAssertEqual(email.apply("li@example.com").0, .invalid)  // too short for FF1
    }

    func testSurrogatesAreDeterministicAndKeyed() throws {
        let name = try make("surrogate-name", [:], keys: keys())
        let a = name.apply("张三").1, b = name.apply("张三").1
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.count, 2)
        XCTAssertTrue(ChineseSurnames.isPlausibleName(a), a)
        XCTAssertEqual(name.apply("王小明").1.count, 3)
        XCTAssertTrue(ChineseSurnames.isPlausibleName(name.apply("欧阳娜娜").1))
        let other = try make("surrogate-name", [:], keys: keys("another key of at least 16 bytes"))
        let differs = ["张三", "李四", "王五", "赵六", "孙七"].contains { name.apply($0).1 != other.apply($0).1 }
        XCTAssertTrue(differs)
        let address = try make("surrogate-address", [:], keys: keys()).apply("北京市朝阳区建国路88号").1
        XCTAssertTrue(address.hasSuffix("号")); XCTAssertNotEqual(address, "北京市朝阳区建国路88号")
        let mobile = try make("surrogate-mobile", [:], keys: keys()).apply("13812345678").1
        XCTAssertTrue(PIIValidators.isValid(.cnMobile, mobile), mobile)
    }
}
