@testable import DSToolKit
import Foundation
import XCTest

/// An item's chain as a plugin reads it from the host: a chain of one plain name (every file on
/// disk) is read without the JSON parser, and reads exactly as the parser reads it.
final class InputItemChainTests: XCTestCase {
    func testOneNameShortcutReadsWhatTheParserReads() throws {
        let chains: [[String]] = [
            ["a.txt"], [""], ["/abs/path with spaces/用户.csv"], ["emoji 😀 é"], ["del\u{7F}"], ["</x>"],
            ["quote\"d"], ["back\\slash"], ["tab\t"], ["nul\u{0}"], ["a", "b"], ["x.zip", "in.txt"], [],
        ]
        for chain in chains {
            var writer = CanonicalJSONWriter()
            try writer.write(chain)
            try writer.bytes.withUnsafeBytes { json in
                XCTAssertEqual(try RecordDecoder.decodeStrings(json), chain)
                let plain = chain.count == 1 && !chain[0].unicodeScalars.contains { $0 == "\"" || $0 == "\\" || $0.value < 0x20 }
                XCTAssertEqual(InputItem.singleNameChain(json), plain ? chain : nil, "\(chain)")
            }
        }
        // Anything else is left to the parser: not one name, trailing bytes, escapes, not UTF-8.
        for text in ["", "[", "[]", "[\"]", "[\"a\",\"b\"]", "[\"a\"] ", " [\"a\"]", "{\"a\"}", "[\"a\\u0041\"]"] {
            XCTAssertNil(Array(text.utf8).withUnsafeBytes { InputItem.singleNameChain($0) }, text)
        }
        XCTAssertNil(([0x5B, 0x22, 0xFF, 0xFE, 0x22, 0x5D] as [UInt8]).withUnsafeBytes { InputItem.singleNameChain($0) })
        XCTAssertNil(([0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D] as [UInt8]).withUnsafeBytes { InputItem.singleNameChain($0) })
    }
}
