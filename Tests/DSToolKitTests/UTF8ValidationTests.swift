import DSToolKit
import XCTest

/// The one strict UTF-8 validator agrees with Swift's own on edge cases and on random bytes.
final class UTF8ValidationTests: XCTestCase {
    private func valid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) } }
    private func swiftValid(_ bytes: [UInt8]) -> Bool { String(validating: bytes, as: UTF8.self) != nil }

    func testEdgeCases() {
        let accepted: [[UInt8]] = [[], Array("ascii".utf8), Array("身份证 😀".utf8), [0xC2, 0x80], [0xED, 0x9F, 0xBF],
                                   [0xEE, 0x80, 0x80], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF]]
        let refused: [[UInt8]] = [[0x80], [0xC0, 0x80], [0xC1, 0xBF],              // stray continuation, overlong
                                  [0xE0, 0x80, 0x80], [0xF0, 0x80, 0x80, 0x80],     // overlong 3/4-byte forms
                                  [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],           // surrogates
                                  [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], // above U+10FFFF
                                  [0xE4, 0xB8], [0xF0, 0x9F, 0x98], Array("证".utf8).dropLast(1) + [0x41], // truncated
                                  [0xC2, 0x41], [0xE4, 0xB8, 0xC0]]                  // bad continuation
        for b in accepted { XCTAssertTrue(valid(b), "\(b)") }
        for b in refused { XCTAssertFalse(valid(b), "\(b)") }
    }

    func testAgreesWithSwiftOnRandomBytes() {
        var rng = SystemRandomNumberGenerator()
        let pool: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                             0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        for _ in 0..<50_000 {
            let bytes = (0..<Int.random(in: 0...8, using: &rng)).map { _ in pool.randomElement(using: &rng)! }
            XCTAssertEqual(valid(bytes), swiftValid(bytes), "\(bytes)")
        }
    }
}
