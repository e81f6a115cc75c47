import DSToolKit
@testable import DSToolScan
import XCTest

/// Generates a labelled synthetic corpus (planted values in realistic sentences, and decoys that
/// look like them but are not), runs the matcher, and prints precision and recall per kind.
final class CorpusAccuracyTests: XCTestCase {
    struct Planted { let kind: PIIKind; let range: Range<Int> }

    /// Builds the corpus: text plus the byte ranges of every planted value.
    static func corpus(lines: Int, seed: UInt64) -> (text: [UInt8], planted: [Planted]) {
        var g = SyntheticPII(seed: seed)
        var rng = SeededRandom(seed: seed ^ 0xDEAD)
        var text: [UInt8] = []
        var planted: [Planted] = []
        func add(_ s: String) { text += Array(s.utf8) }
        func plant(_ kind: PIIKind, _ value: String) {
            let start = text.count
            add(value)
            planted.append(Planted(kind: kind, range: start..<text.count))
        }
        func randomDigits(_ n: Int, first: ClosedRange<Int> = 1...9) -> String {
            String(Int.random(in: first, using: &rng)) + (1..<n).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
        }
        /// A number shaped like an ID card whose check character is wrong.
        func badIDCard() -> String {
            let id = g.idCard()
            let check = id.last!
            let wrong = "0123456789X".first { $0 != check }!
            return String(id.dropLast()) + String(wrong)
        }
        let templates: [(inout SyntheticPII) -> Void] = []
        _ = templates
        for _ in 0..<lines {
            switch Int.random(in: 0..<24, using: &rng) {
            case 0: add("客户身份证号码："); plant(.cnIDCard, g.value(.cnIDCard)); add("，请核实。\n")
            case 1: add("联系电话 "); plant(.cnMobile, g.value(.cnMobile)); add("（工作日）\n")
            case 2: add("办公室座机："); plant(.cnLandline, g.value(.cnLandline)); add("\n")
            case 3: add("工资卡号 "); plant(.bankCard, g.value(.bankCard)); add(" 开户行 工商银行\n")
            case 4: add("统一社会信用代码："); plant(.cnUSCC, g.value(.cnUSCC)); add("\n")
            case 5: add("护照号码："); plant(.passport, g.value(.passport)); add("\n")
            case 6: add("往来港澳通行证 "); plant(.hkMacaoPermit, g.value(.hkMacaoPermit)); add("\n")
            case 7: add("大陆居民往来台湾通行证号 "); plant(.taiwanPermit, g.value(.taiwanPermit)); add("\n")
            case 8: add("车辆号牌 "); plant(.cnPlate, g.value(.cnPlate)); add(" 已登记\n")
            case 9: add("姓名："); plant(.personName, g.value(.personName)); add("，性别：男\n")
            case 10: add("收货地址："); plant(.address, g.value(.address)); add("\n")
            case 11: add("邮箱 "); plant(.email, g.value(.email)); add("\n")
            case 12: add("login from "); plant(.ipv4, g.value(.ipv4)); add(" port 22\n")
            case 13: add("老身份证 "); plant(.cnIDCard15, g.value(.cnIDCard15)); add("\n")
            case 14: add("card "); plant(.creditCard, g.value(.creditCard)); add(" exp 12/29\n")
            case 15: add("device imei "); plant(.imei, g.value(.imei)); add("\n")
            case 16: add("mac "); plant(.mac, g.value(.mac)); add(" v6 "); plant(.ipv6, g.value(.ipv6)); add("\n")
            case 17: add("iban "); plant(.iban, g.value(.iban)); add(" ssn "); plant(.usSSN, g.value(.usSSN)); add("\n")
            // Decoys: shapes of personal data that are not.
            case 18: add("订单号 \(badIDCard()) 已发货，流水号 \(randomDigits(11, first: 1...2))\n")
            case 19: add("金额 \(randomDigits(7)).\(randomDigits(2)) 元，版本 1.\(randomDigits(1)).\(randomDigits(1)).\(randomDigits(2)).\(randomDigits(1))\n")
            case 20: add("时间 2024-0\(Int.random(in: 1...9, using: &rng))-1\(Int.random(in: 0...9, using: &rng)) 12:3\(Int.random(in: 0...9, using: &rng)):45 批次 \(randomDigits(16, first: 1...1))\n")
            case 21: add("sha256 \(Fake.hex(64, "decoy\(text.count)")) build \(Fake.hex(12, "b\(text.count)"))\n")
            case 22: add("今天天气很好，我们在北京开会讨论项目进度，预计下周完成。\n")
            default:
                // Shaped like a UnionPay card, with a wrong Luhn digit.
                let good = g.value(.bankCard)
                let wrong = (Int(String(good.last!))! + 1 + Int.random(in: 0...8, using: &rng)) % 10
                add("卡号 \(good.dropLast())\(wrong)（未通过校验的测试号）\n")
            }
        }
        return (text, planted)
    }

    func testPrecisionAndRecallPerKind() throws {
        let (text, planted) = Self.corpus(lines: 12_000, seed: 2024)
        let matcher = try PIIMatcher()
        let scanner = try matcher.makeScanner()
        let found = try text.withUnsafeBytes { try scanner.matches(in: $0) }

        var tp: [PIIKind: Int] = [:], fp: [PIIKind: Int] = [:], fn: [PIIKind: Int] = [:]
        var plantedByStart: [Int: Planted] = [:]
        for p in planted { plantedByStart[p.range.lowerBound] = p }
        var matched = Set<Int>()
        for m in found {
            if let p = plantedByStart[m.start], p.kind == m.kind, p.range.upperBound == m.end {
                tp[m.kind, default: 0] += 1
                matched.insert(m.start)
            } else {
                fp[m.kind, default: 0] += 1
            }
        }
        for p in planted where !matched.contains(p.range.lowerBound) { fn[p.kind, default: 0] += 1 }

        var report = "kind                 planted  found  precision  recall\n"
        var results: [PIIKind: (Double, Double)] = [:]
        for kind in PIIKind.allCases {
            let t = tp[kind] ?? 0, f = fp[kind] ?? 0, n = fn[kind] ?? 0
            guard t + n + f > 0 else { continue }
            let precision = t + f == 0 ? 1 : Double(t) / Double(t + f)
            let recall = t + n == 0 ? 1 : Double(t) / Double(t + n)
            results[kind] = (precision, recall)
            report += kind.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)
                + String(format: " %7d %6d %10.3f %7.3f\n", t + n, t + f, precision, recall)
        }
        print("\nPII corpus accuracy (\(text.count) bytes, \(planted.count) planted values):\n" + report)
        let chinese: [PIIKind] = [.cnIDCard, .cnIDCard15, .cnMobile, .cnLandline, .bankCard, .cnUSCC, .passport,
                                  .hkMacaoPermit, .taiwanPermit, .cnPlate, .personName, .address]
        for kind in chinese {
            let (p, r) = try XCTUnwrap(results[kind], "\(kind) missing from the corpus")
            XCTAssertGreaterThanOrEqual(p, 0.95, "\(kind) precision")
            XCTAssertGreaterThanOrEqual(r, 0.95, "\(kind) recall")
        }
        for kind in PIIKind.allCases where !chinese.contains(kind) {
            if let (p, r) = results[kind] {
                XCTAssertGreaterThanOrEqual(p, 0.9, "\(kind) precision")
                XCTAssertGreaterThanOrEqual(r, 0.9, "\(kind) recall")
            }
        }
    }
}
