import DSToolKit
import XCTest

final class TextDecodingTests: XCTestCase {
    func testUTF8WithBOMKeepsRawOffsets() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a中".utf8)
        let (text, offsets) = TextDecoders.decodeAll(bytes, as: .utf8)
        XCTAssertEqual(text, "a中")
        XCTAssertEqual(offsets, [3, 4, 4, 4])
    }

    func testInvalidUTF8BecomesReplacementPerByte() {
        let (text, offsets) = TextDecoders.decodeAll([0x61, 0xFF, 0x62], as: .utf8)
        XCTAssertEqual(text, "a\u{FFFD}b")
        XCTAssertEqual(offsets, [0, 1, 1, 1, 2])
    }

    func testUTF16LEAndBE() {
        let le: [UInt8] = [0xFF, 0xFE, 0x61, 0x00, 0x2D, 0x4E]   // BOM, "a", "中"
        XCTAssertEqual(TextDecoders.decodeAll(le, as: .utf16le).text, "a中")
        XCTAssertEqual(TextDecoders.decodeAll(le, as: .utf16le).offsets, [2, 4, 4, 4])
        let be: [UInt8] = [0x00, 0x61, 0x4E, 0x2D]
        XCTAssertEqual(TextDecoders.decodeAll(be, as: .utf16be).text, "a中")
    }

    func testGB18030() {
        // "身份证" in GB18030 is C9 ED B7 DD D6 A4.
        let bytes: [UInt8] = [0x41, 0xC9, 0xED, 0xB7, 0xDD, 0xD6, 0xA4]
        let (text, offsets) = TextDecoders.decodeAll(bytes, as: .gb18030)
        XCTAssertEqual(text, "A身份证")
        XCTAssertEqual(offsets, [0, 1, 1, 1, 3, 3, 3, 5, 5, 5])
    }

    func testDetection() {
        func detect(_ b: [UInt8]) -> TextEncoding { b.withUnsafeBytes { TextEncoding.detect($0, atEnd: true) } }
        XCTAssertEqual(detect(Array("hello 世界".utf8)), .utf8)
        XCTAssertEqual(detect([0xC9, 0xED, 0xB7, 0xDD, 0xD6, 0xA4, 0x0A]), .gb18030)
        XCTAssertEqual(detect([0x61, 0x00, 0x62, 0x00, 0x63, 0x00, 0x64, 0x00]), .utf16le)
        XCTAssertEqual(detect([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]), .binary)
    }
}
