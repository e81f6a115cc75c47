import DSToolKit
import Foundation
import XCTest

/// The trimming that stands in for Foundation's `trimmingCharacters(in:)` in code that does not
/// import Foundation (crypto-audit, encrypt): the same answer, scalar by scalar.
final class TrimmingTests: XCTestCase {
    func testTrimmingMatchesFoundation() {
        // Every scalar of the Basic Multilingual Plane, alone: trimmed away exactly when Foundation's sets hold it.
        for v in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let s = String(Character(scalar))
            XCTAssertEqual(s.trimmingWhitespaces().isEmpty, CharacterSet.whitespaces.contains(scalar), "U+\(String(v, radix: 16))")
            XCTAssertEqual(s.trimmingWhitespacesAndNewlines().isEmpty, CharacterSet.whitespacesAndNewlines.contains(scalar), "U+\(String(v, radix: 16))")
        }
        let samples = ["", " ", "\t a b \t", "\u{3000}全角\u{3000}", "\u{00A0}x\u{2003}", " \r\nline\r\n ", "\u{85}x\u{2028}", "\u{2029}\u{0B}y\u{0C}", "é\u{301} ", "\u{200B}zero-width\u{200B}"]
        for s in samples {
            XCTAssertEqual(s.trimmingWhitespaces(), s.trimmingCharacters(in: .whitespaces), s.debugDescription)
            XCTAssertEqual(s.trimmingWhitespacesAndNewlines(), s.trimmingCharacters(in: .whitespacesAndNewlines), s.debugDescription)
            XCTAssertEqual(s[...].trimmingWhitespaces(), s.trimmingCharacters(in: .whitespaces), s.debugDescription)
        }
    }
}
