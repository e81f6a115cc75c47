@testable import DSToolScan
import Foundation
import XCTest

final class PIIColumnClassifierTests: XCTestCase {
    /// A synthetic ID-card number with a valid check character (GB 11643).
    static func idCard(_ serial: Int) -> String {
        let first17 = "110105" + "1990" + String(format: "%02d%02d", serial % 12 + 1, serial % 28 + 1) + String(format: "%03d", serial % 1000)
        return first17 + String(CNIDCard.checkCharacter(first17: first17)!)
    }

    /// A 16-digit card number with a valid Luhn digit.
    static func luhnCard(_ serial: Int) -> String {
        let body = Array("622202" + String(format: "%09d", serial * 7919 % 1_000_000_000))
        var sum = 0
        for (k, ch) in body.reversed().enumerated() {
            var d = Int(String(ch))!
            if k % 2 == 0 { d *= 2; if d > 9 { d -= 9 } }
            sum += d
        }
        return String(body) + String((10 - sum % 10) % 10)
    }

    /// The classification as it was written before this type: Foundation trimming and the
    /// column's context words searched per value.
    static func reference(_ value: String, column: String?, minimumConfidence: Double, kinds: Set<PIIKind>) -> PIIKind? {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 256 else { return nil }
        let lowerColumn = column.map { Array($0.lowercased().utf8) }
        var best: (PIIKind, Double)?
        for kind in PIIValidators.classifyOrder where kinds.contains(kind) {
            guard var c = PIIValidators.confidence(kind, trimmed) else { continue }
            if let lowerColumn, PIIContext.words(kind).contains(where: { w in
                lowerColumn.count >= w.count && (0...(lowerColumn.count - w.count)).contains { lowerColumn[$0..<($0 + w.count)].elementsEqual(w) }
            }) {
                c = min(0.99, c + PIIContext.boost(kind))
            }
            if c > (best?.1 ?? 0) { best = (kind, c) }
        }
        guard let best, best.1 >= minimumConfidence else { return nil }
        return best.0
    }

    func testSameAnswersAsThePerValueClassification() {
        var values: [String] = ["", " ", "\u{3000}", "NULL", "abc", "12345", "E12345678", "G12345678", "13812345678",
                                "+86 138 1234 5678", "user@example.com", "10.0.0.1", "fe80::1", "00:1A:2B:3C:4D:5E",
                                "京A12345", "张伟", "北京市朝阳区建国路88号", String(repeating: "9", count: 300)]
        for i in 0..<20 {
            values.append(Self.idCard(i))
            values.append(Self.luhnCard(i))
            values.append("1" + String(3 + i % 7) + String(format: "%09d", i * 104_729 % 1_000_000_000))
        }
        let edges = ["", " ", "\t", "\r\n", "\u{3000}", "\u{00A0}", "\u{0085}", " \u{2003} ", "\u{1680}\u{2028}", "\u{205F}\u{202F}\u{2029}",
                     "\u{200B}", "\u{FEFF}", "\u{1C}"]
        let columns: [String?] = [nil, "id_no", "身份证号", "Mobile", "passport_no", "code", "card", "email", "备注"]
        let kindSets: [Set<PIIKind>] = [Set(PIIKind.allCases), [.cnIDCard, .cnMobile, .bankCard], [.passport]]
        var compared = 0
        for column in columns {
            for kinds in kindSets {
                for floor in [0.4, 0.5] {
                    let classifier = PIIColumnClassifier(column: column, kinds: kinds, minimumConfidence: floor)
                    for v in values {
                        for (k, edge) in edges.enumerated() {
                            let value = edge + v + edges[(k + 3) % edges.count]
                            let expected = Self.reference(value, column: column, minimumConfidence: floor, kinds: kinds)
                            XCTAssertEqual(classifier.classify(value), expected, "\(column ?? "-") \(value.debugDescription)")
                            var bytes = value
                            XCTAssertEqual(bytes.withUTF8 { classifier.classify(utf8: $0) }, expected)
                            compared += 1
                        }
                    }
                }
            }
        }
        XCTAssertEqual(compared, 9 * 3 * 2 * 78 * 13)
    }

    func testColumnNameIsContextAndUnicodeSpaceIsTrimmed() {
        let id = Self.idCard(7)
        XCTAssertEqual(PIIColumnClassifier(column: nil).classify("\u{3000}" + id + "\u{00A0}"), .cnIDCard)
        XCTAssertNil(PIIColumnClassifier(column: "code", minimumConfidence: 0.5).classify("E12345678"))
        XCTAssertEqual(PIIColumnClassifier(column: "Passport_No", minimumConfidence: 0.5).classify("E12345678"), .passport)
        XCTAssertNil(PIIColumnClassifier(column: "id_no", kinds: [.cnMobile]).classify(id))
        XCTAssertNil(PIIColumnClassifier(column: nil).classify(String(repeating: "1", count: 257)))
    }
}
