import DSToolKit
@testable import DSToolMask
import XCTest

/// Exact outputs of every strategy that needs no detector data.
final class StrategyTests: XCTestCase {
    static let secret = Array("0123456789abcdef0123456789abcdef".utf8)
    func keys(_ secret: [UInt8] = StrategyTests.secret) throws -> KeyRing { KeyRing(key: try MaskKey(secret: secret)) }

    func make(_ strategy: String, _ params: [String: String] = [:], keys: KeyRing? = nil) throws -> MaskStrategy {
        try StrategyCatalog.make(FieldSpec(field: "f", strategy: strategy, parameters: params), keys: keys)
    }
    func check(_ s: MaskStrategy, _ input: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let (outcome, out) = s.apply(input)
        XCTAssertEqual(outcome, .written, "\(s.name) \(input)", file: file, line: line)
        XCTAssertEqual(out, expected, "\(s.name) \(input)", file: file, line: line)
    }
    func checkInvalid(_ s: MaskStrategy, _ input: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(s.apply(input).0, .invalid, "\(s.name) \(input)", file: file, line: line)
    }

    func testRedactConstantSuppress() throws {
        check(try make("redact"), "张三", "***")
        check(try make("redact", ["value": "[已删除]"]), "x", "[已删除]")
        check(try make("constant", ["value": "N/A"]), "13812345678", "N/A")
        XCTAssertThrowsError(try make("constant"))
        XCTAssertEqual(try make("suppress").apply("anything").0, .null)
    }

    func testKeepFirstKeepLast() throws {
        check(try make("mask", ["keep_first": "2", "keep_last": "1"]), "abcdef", "ab***f")
        check(try make("mask", ["keep_first": "1"]), "张三丰", "张**")
        check(try make("mask", ["keep_last": "4", "char": "#"]), "6222021234567890", "############7890")
        check(try make("mask", ["keep_first": "3", "keep_last": "3"]), "short", "*****")  // too short: all masked
        XCTAssertThrowsError(try make("mask", ["keep_first": "-1"]))
        XCTAssertThrowsError(try make("mask", ["keep_frist": "1"])) { XCTAssertTrue("\($0)".contains("keep_frist")) }
    }

    func testEmailAndAddress() throws {
        let email = try make("mask-email")
        check(email, "zhangsan@example.com", "z***@example.com")
        check(email, "李雷@公司.cn", "李***@公司.cn")
        checkInvalid(email, "not an email")
        checkInvalid(email, "a@b")
        let address = try make("mask-address")
        check(address, "北京市朝阳区建国路88号", "北京市朝阳区****")
        check(address, "上海市浦东新区张江路500弄3号", "上海市浦东新区****")
        check(address, "内蒙古自治区呼和浩特市新城区中山西路1号", "内蒙古自治区呼和浩特市新城区****")
        check(address, "江苏省苏州市昆山市玉山镇人民路1号", "江苏省苏州市昆山市****")
        check(address, "河北省唐山市路北区建设路12号", "河北省唐山市路北区****")
        check(address, "黑龙江省哈尔滨市道里区中央大街5号", "黑龙江省哈尔滨市道里区****")
        check(address, "广东省深圳市南山区", "广东省深圳市南山区")
        checkInvalid(address, "123 Main Street")
    }

    func testKeyedHash() throws {
        // Independent values: Python's hmac over the same derived key (see README for the derivation).
        check(try make("hash", ["algorithm": "hmac-sha256"], keys: keys()), "13812345678", "e5cfac4c41cadfc20e85402c560406e4")
        check(try make("hash", [:], keys: keys()), "13812345678", "f7489ccae5061288b36094f02d4bea38")
        check(try make("hash", ["length": "8"], keys: keys()), "13812345678", "f7489cca")
        // Another key: unrelated output.
        let other = try make("hash", [:], keys: keys(Array("another key of at least 16 bytes".utf8)))
        XCTAssertNotEqual(other.apply("13812345678").1, "f7489ccae5061288b36094f02d4bea38")
        XCTAssertThrowsError(try make("hash")) { XCTAssertTrue("\($0)".contains("needs a key")) }
    }

    func testKeyedHashKnownAnswers() throws {
        // RFC 4231 test case 1, and OpenSSL's HMAC-SM3 of "abc" under "key".
        let sha = try KeyedHash(.hmacSHA256, key: [UInt8](repeating: 0x0b, count: 20))
        XCTAssertEqual(Digest.hex(sha.mac(Array("Hi There".utf8))), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        let sm3 = try KeyedHash(.hmacSM3, key: Array("key".utf8))
        XCTAssertEqual(Digest.hex(sm3.mac(Array("abc".utf8))), "28e63256e7c5a087b1f073265dc53092163f7b82729735d06f28f10af9d52393")
        XCTAssertEqual(Digest.hex(sm3.mac(Array("abc".utf8))), "28e63256e7c5a087b1f073265dc53092163f7b82729735d06f28f10af9d52393")
    }

    func testGenericFPE() throws {
        let k = try keys()
        let fpe = try make("fpe", ["alphabet": "alnum"], keys: k)
        let (o, masked) = fpe.apply("AB12-cd34-EF56")
        XCTAssertEqual(o, .written)
        XCTAssertEqual(masked.count, 14)
        XCTAssertEqual(Array(masked)[4], "-"); XCTAssertEqual(Array(masked)[9], "-")
        XCTAssertNotEqual(masked, "AB12-cd34-EF56")
        XCTAssertEqual(fpe.apply(masked, reverse: true).1, "AB12-cd34-EF56")
        // Deterministic across instances, different across keys and domains.
        XCTAssertEqual(try make("fpe", ["alphabet": "alnum"], keys: keys()).apply("AB12-cd34-EF56").1, masked)
        XCTAssertNotEqual(try make("fpe", ["alphabet": "alnum", "domain": "orders"], keys: k).apply("AB12-cd34-EF56").1, masked)
        XCTAssertNotEqual(try make("fpe", ["alphabet": "alnum"], keys: keys(Array("another key of at least 16 bytes".utf8))).apply("AB12-cd34-EF56").1, masked)
        // Digits only, SM4.
        let sm4 = try make("fpe", ["cipher": "sm4"], keys: k)
        let (_, d) = sm4.apply("0123456789")
        XCTAssertTrue(d.allSatisfy(\.isNumber)); XCTAssertEqual(d.count, 10)
        XCTAssertEqual(sm4.apply(d, reverse: true).1, "0123456789")
        // A custom alphabet of Chinese characters.
        let han = try make("fpe", ["alphabet": "甲乙丙丁戊己庚辛壬癸"], keys: k)
        let (_, h) = han.apply("甲乙丙丁戊己庚")
        XCTAssertEqual(h.count, 7); XCTAssertTrue(h.allSatisfy { "甲乙丙丁戊己庚辛壬癸".contains($0) })
        XCTAssertEqual(han.apply(h, reverse: true).1, "甲乙丙丁戊己庚")
        // Too few alphabet characters for FF1 (10^5 < 10^6).
        checkInvalid(try make("fpe", [:], keys: k), "12-345")
        XCTAssertThrowsError(try make("fpe", ["alphabet": "aa"], keys: k))
        XCTAssertThrowsError(try make("fpe", ["cipher": "des"], keys: k))
    }

    func testGeneralize() throws {
        let month = try make("generalize-date"), year = try make("generalize-date", ["to": "year"])
        check(month, "2023-05-17", "2023-05")
        check(month, "2023/5/7 08:30:00", "2023/5")
        check(month, "20230517", "202305")
        check(month, "2023年5月17日", "2023年5月")
        check(year, "2023-05-17T10:00:00Z", "2023")
        check(year, "2023年05月17日", "2023年")
        checkInvalid(month, "2023-02-30")
        checkInvalid(month, "yesterday")
        let age = try make("generalize-age")
        check(age, "37", "30-39"); check(age, "0", "0-9"); check(age, "95", "90+"); check(age, "89", "80-89")
        check(try make("generalize-age", ["band": "5", "top": "80"]), "77", "75-79")
        checkInvalid(age, "-3"); checkInvalid(age, "abc"); checkInvalid(age, "200")
        let number = try make("generalize-number")
        check(number, "12345", "12000-12999"); check(number, "-1", "-1000--1"); check(number, "999.99", "0-999")
        check(number, "-0.5", "-1000--1")
        checkInvalid(number, "12a"); checkInvalid(number, "1.")
        let prefix = try make("generalize-prefix", ["keep": "2"])
        check(prefix, "100020", "10****")
        check(try make("generalize-prefix", ["keep": "2", "fill": "0"]), "110105", "110000")
        checkInvalid(prefix, "10")
    }

    func testDateShift() throws {
        let k = try keys()
        let shift = try make("date-shift", ["subject": "patient", "max_days": "30"], keys: k)
        let a1 = shift.apply("2023-05-17", subject: "P001").1, a2 = shift.apply("2023-06-01", subject: "P001").1
        func days(_ s: String) -> Int {
            let p = s.split(separator: "-").map { Int($0)! }
            return CivilDays.days(year: p[0], month: p[1], day: p[2])
        }
        let offset = days(a1) - days("2023-05-17")
        XCTAssertTrue((1...30).contains(abs(offset)), "offset \(offset)")
        XCTAssertEqual(days(a2) - days("2023-06-01"), offset)  // one offset per subject: intervals kept
        // Another subject moves differently (at least one of a few).
        let others = ["P002", "P003", "P004", "P005"].map { days(shift.apply("2023-05-17", subject: $0).1) - days("2023-05-17") }
        XCTAssertTrue(others.contains { $0 != offset })
        // Layout and time kept; reversible.
        let (_, cn) = shift.apply("2023年5月7日 08:30", subject: "P001")
        XCTAssertTrue(cn.hasSuffix(" 08:30")); XCTAssertTrue(cn.contains("年") && cn.contains("月") && cn.contains("日"))
        XCTAssertEqual(shift.apply(cn, subject: "P001", reverse: true).1, "2023年5月7日 08:30")
        XCTAssertEqual(shift.apply(a1, subject: "P001", reverse: true).1, "2023-05-17")
        XCTAssertEqual(shift.apply("not a date", subject: "P001").0, .invalid)
    }

    func testKeyRules() throws {
        XCTAssertThrowsError(try MaskKey(secret: Array("short".utf8))) { XCTAssertTrue("\($0)".contains("at least 16 bytes")) }
        let k = try MaskKey(secret: StrategyTests.secret)
        XCTAssertEqual(k.derive("x").count, 32)
        XCTAssertEqual(k.derive("x", count: 40).prefix(32), k.derive("x")[...])
        XCTAssertNotEqual(k.derive("x"), k.derive("y"))
        XCTAssertThrowsError(try make("nonsense")) { XCTAssertTrue("\($0)".contains("unknown strategy")) }
    }
}
