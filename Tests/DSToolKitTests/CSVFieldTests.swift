import DSToolKit
import XCTest

final class CSVFieldTests: XCTestCase {
    func testExactFields() {
        let cases: [(String, String)] = [
            ("", ""),
            ("plain", "plain"),
            ("手机号 13800000000", "手机号 13800000000"),
            ("a,b", "\"a,b\""),
            ("张三,李四", "\"张三,李四\""),
            ("say \"hi\"\nbye", "\"say \"\"hi\"\"\nbye\""),
            ("\"\"", "\"\"\"\"\"\""),
            // CR LF is one Character in Swift but two bytes of a line break in a CSV file.
            ("a\r\nb", "\"a\r\nb\""),
            ("a\rb", "\"a\rb\""),
            ("x\r\n", "\"x\r\n\""),
            // Formula guard: apostrophe in front, always quoted.
            ("=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\""),
            ("-1+1", "\"'-1+1\""),
            ("+86 138", "\"'+86 138\""),
            ("@SUM(A1)", "\"'@SUM(A1)\""),
            ("\tx", "\"'\tx\""),
            ("\r\n", "\"'\r\n\""),
            ("-1,\"x\"", "\"'-1,\"\"x\"\"\""),
            // Not at the start: no formula.
            ("a=b", "a=b"),
            ("é", "é"),
            ("\u{0}", "\u{0}"),
        ]
        for (text, field) in cases {
            XCTAssertEqual(CSVField.encode(text), field, text.debugDescription)
        }
    }

    /// Every encoded field reads back, by RFC 4180's rules, as the text (after the formula guard's
    /// apostrophe) and never holds a bare comma, quote or line break outside quotes.
    func testRandomFieldsRoundTrip() {
        let pieces = ["a", "0", " ", ",", "\"", "\r", "\n", "\r\n", "\t", "=", "+", "-", "@", "'", "\u{0}", "é", "手", "😀", "\u{2028}"]
        var state: UInt64 = 7
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        for _ in 0..<20_000 {
            let text = (0..<next(8)).map { _ in pieces[next(pieces.count)] }.joined()
            let field = Array(CSVField.encode(text).utf8)
            let bytes = Array(text.utf8)
            let formula = bytes.first.map { "=+-@\t\r".utf8.contains($0) } ?? false
            let expected = formula ? [UInt8(ascii: "'")] + bytes : bytes
            if field.first == UInt8(ascii: "\"") {
                XCTAssertEqual(field.last, UInt8(ascii: "\""), text.debugDescription)
                var inner = Array(field.dropFirst().dropLast()), decoded = [UInt8](), i = 0
                while i < inner.count {
                    if inner[i] == UInt8(ascii: "\"") {
                        guard i + 1 < inner.count, inner[i + 1] == UInt8(ascii: "\"") else {
                            XCTFail("a lone quote inside \(text.debugDescription)"); break
                        }
                        i += 1
                    }
                    decoded.append(inner[i]); i += 1
                }
                inner = decoded
                XCTAssertEqual(inner, expected, text.debugDescription)
            } else {
                XCTAssertEqual(field, bytes, text.debugDescription)
                XCTAssertFalse(formula, text.debugDescription)
                XCTAssertFalse(bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D },
                               text.debugDescription)
            }
        }
    }
}
