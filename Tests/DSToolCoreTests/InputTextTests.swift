import CDSToolPluginABI
@testable import DSToolCore
import DSToolKit
import XCTest

/// Text items as plugins read them: detected encoding, decoded UTF-8, and for every output byte
/// the raw offset of its character — across the host's 64 KiB read chunks.
final class InputTextTests: XCTestCase {
    /// The offsets a correct decoder gives for `text` encoded with `bytesOf` (one scalar's raw
    /// length), starting at raw offset `start` (after a BOM).
    func expectedOffsets(_ text: String, start: Int, bytesOf: (Unicode.Scalar) -> Int) -> [UInt64] {
        var out: [UInt64] = []
        var raw = start
        for u in text.unicodeScalars {
            out += [UInt64](repeating: UInt64(raw), count: String(u).utf8.count)
            raw += bytesOf(u)
        }
        return out
    }

    var gbLengths: [Unicode.Scalar: Int] = [:]
    func gbLength(_ u: Unicode.Scalar) -> Int {
        if let n = gbLengths[u] { return n }
        let n = Fixture.gb18030(String(u)).count
        gbLengths[u] = n
        return n
    }
    func utf16Length(_ u: Unicode.Scalar) -> Int { u.value > 0xFFFF ? 4 : 2 }
    func utf8Length(_ u: Unicode.Scalar) -> Int { String(u).utf8.count }

    /// Compares decoded text and offsets, reporting the first difference (not megabytes of arrays).
    func assertDecoded(_ item: SeenItem, _ text: String, _ offsets: [UInt64], _ context: String = "",
                       file: StaticString = #filePath, line: UInt = #line) {
        let got = item.text ?? [], want = Array(text.utf8)
        if got != want {
            let i = (0..<min(got.count, want.count)).first { got[$0] != want[$0] } ?? min(got.count, want.count)
            XCTFail("\(context) text differs at byte \(i) (got \(got.count) bytes, want \(want.count))", file: file, line: line)
        }
        let gotOffsets = item.offsets ?? []
        if gotOffsets != offsets {
            let i = (0..<min(gotOffsets.count, offsets.count)).first { gotOffsets[$0] != offsets[$0] } ?? min(gotOffsets.count, offsets.count)
            XCTFail("\(context) offsets differ at output byte \(i): got \(i < gotOffsets.count ? String(gotOffsets[i]) : "end"), want \(i < offsets.count ? String(offsets[i]) : "end")",
                    file: file, line: line)
        }
    }

    func read(_ path: String, options: WalkOptions = WalkOptions(), buffer: Int = 4096) -> SeenItem {
        let r = walk([path], options: options, read: .text(buffer))
        XCTAssertEqual(r.errors, [])
        return r.items[0]
    }

    /// Padding that puts the character after it at raw offset `at` (ASCII: one byte per char).
    func padding(to at: Int, from start: Int = 0) -> String {
        var s = ""
        var i = start
        while i < at { s += i % 64 == 63 ? "\n" : "a"; i += 1 }
        return s
    }

    func testGB18030MostlyASCIIWithAFewChineseCharacters() {
        let s = Scratch()
        var text = "id,name,city\n"
        for i in 0..<200 { text += "\(i),user\(i),Shanghai\n" }
        text += "201,张三,北京\n"
        let p = s.write("people.csv", Fixture.gb18030(text))
        let item = read(p)
        XCTAssertEqual(item.encoding, "gb18030")
        XCTAssertTrue(item.isText)
        XCTAssertEqual(item.string, text)
        XCTAssertEqual(item.offsets, expectedOffsets(text, start: 0, bytesOf: gbLength))
    }

    func testGB18030CharactersCutByTheReadChunks() {
        let s = Scratch()
        // A two-byte character at 65535 and a four-byte one (U+20000) at 2*65536-2: both straddle a
        // chunk. (A heading in Chinese gives detection something to go by: a lone lead byte at the
        // end of the first 64 KiB could as well be UTF-8.)
        let first = "姓名\n" + padding(to: 65535, from: 5) + "身"
        let second = padding(to: 2 * 65536 - 2, from: 65537) + "\u{20000}" + "份证 € ÿ\n"
        let text = first + second
        let bytes = Fixture.gb18030(text)
        XCTAssertEqual(Array(bytes[65535...65536]), [0xC9, 0xED])
        XCTAssertEqual(Array(bytes[(2 * 65536 - 2)..<(2 * 65536 + 2)]), [0x95, 0x32, 0x82, 0x36])
        let p = s.write("cut.txt", bytes)
        for buffer in [7, 4096, 1 << 16, 1 << 20] {
            let item = read(p, buffer: buffer)
            XCTAssertEqual(item.encoding, "gb18030")
            assertDecoded(item, text, expectedOffsets(text, start: 0, bytesOf: gbLength), "buffer \(buffer)")
        }
    }

    /// The first 64 KiB are ASCII (no evidence): the decoder decides at the first other byte.
    func testChineseTextThatStartsAfterTheDetectionBlock() {
        let s = Scratch()
        let text = padding(to: 70_000) + "\n姓名：张三，城市：北京\n"
        let gb = read(s.write("late-gb.txt", Fixture.gb18030(text)))
        XCTAssertEqual(gb.encoding, "utf-8", "what the first block said")
        assertDecoded(gb, text, expectedOffsets(text, start: 0, bytesOf: gbLength))
        let u8 = read(s.write("late-utf8.txt", Array(text.utf8)))
        assertDecoded(u8, text, expectedOffsets(text, start: 0, bytesOf: utf8Length))
    }

    func testUTF16WithAndWithoutBOM() {
        let s = Scratch()
        let text = "姓名,身份证号\r\n张三,11010519491231002X\r\nZhang San, ok 😀\r\n"
        let cases: [(String, [UInt8], String, Int)] = [
            ("le-bom.txt", Fixture.utf16le(text, bom: true), "utf-16le", 2),
            ("le.txt", Fixture.utf16le(text, bom: false), "utf-16le", 0),
            ("be-bom.txt", Fixture.utf16be(text, bom: true), "utf-16be", 2),
            ("be.txt", Fixture.utf16be(text, bom: false), "utf-16be", 0),
        ]
        for (name, bytes, encoding, start) in cases {
            let item = read(s.write(name, bytes))
            XCTAssertEqual(item.encoding, encoding, name)
            XCTAssertEqual(item.string, text, name)
            XCTAssertEqual(item.offsets, expectedOffsets(text, start: start, bytesOf: utf16Length), name)
        }
        // Chinese only, no ASCII at all: UTF-16 without a single zero byte.
        let cjk = String(repeating: "数据安全检测评估工具库", count: 20)
        let le = Fixture.utf16le(cjk, bom: false)
        XCTAssertFalse(le.contains(0))
        XCTAssertEqual(read(s.write("cjk-le.txt", le)).string, cjk)
        XCTAssertEqual(read(s.write("cjk-be.txt", Fixture.utf16be(cjk, bom: false))).encoding, "utf-16be")
    }

    func testUTF16SurrogatePairCutByTheReadChunk() {
        let s = Scratch()
        // BOM (2 bytes) + 32766 ASCII units puts the pair at 65534..65537.
        let text = padding(to: 32766) + "😀 end\n"
        let bytes = Fixture.utf16le(text, bom: true)
        XCTAssertEqual(Array(bytes[65534..<65538]), [0x3D, 0xD8, 0x00, 0xDE])
        let item = read(s.write("pair.txt", bytes), buffer: 4096)
        assertDecoded(item, text, expectedOffsets(text, start: 2, bytesOf: utf16Length))
        XCTAssertEqual(item.offsets.map { Array($0.suffix(9).prefix(4)) }, [65534, 65534, 65534, 65534], "the emoji's four UTF-8 bytes point at its first unit")
    }

    func testUTF8WithBOMAndCutCharacters() {
        let s = Scratch()
        let text = padding(to: 65535 - 3) + "中文 text\n"  // after the BOM: 中 at raw 65535
        let bytes = [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        let item = read(s.write("bom.txt", bytes))
        XCTAssertEqual(item.encoding, "utf-8")
        assertDecoded(item, text, expectedOffsets(text, start: 3, bytesOf: utf8Length))
    }

    func testInvalidUTF8IsDecodedLenientlyWithExactOffsets() {
        let s = Scratch()
        // Mostly valid UTF-8 with a stray Latin-1 byte and a cut sequence.
        var bytes = Array("名字: Müller ".utf8) + [0xFC] + Array(" ok ".utf8) + [0xE4, 0xB8] + Array(" end\n".utf8)
        bytes += Array(String(repeating: "有效的文本。", count: 50).utf8)
        let item = read(s.write("mixed.txt", bytes))
        XCTAssertEqual(item.encoding, "utf-8")
        let expected = "名字: Müller \u{FFFD} ok \u{FFFD}\u{FFFD} end\n" + String(repeating: "有效的文本。", count: 50)
        XCTAssertEqual(item.string, expected)
        let bad = Array("名字: Müller ".utf8).count
        let fffd = Array("\u{FFFD}".utf8)
        let text = item.text!
        XCTAssertEqual(Array(text[bad..<bad + 3]), fffd)
        XCTAssertEqual(Array(item.offsets![bad..<bad + 3]), [UInt64(bad), UInt64(bad), UInt64(bad)])
        XCTAssertEqual(item.offsets![bad + 3], UInt64(bad + 1), "the next character follows the bad byte")
    }

    func testLatin1JunkIsReadAsLenientUTF8() {
        let s = Scratch()
        var bytes: [UInt8] = []
        for _ in 0..<30 { bytes += Array("Caf".utf8) + [0xE9] + Array(" cr".utf8) + [0xE8] + Array("me br".utf8) + [0xFB] + Array("l".utf8) + [0xE9] + Array("e\n".utf8) }
        let item = read(s.write("latin1.txt", bytes))
        XCTAssertEqual(item.encoding, "utf-8")
        XCTAssertTrue(item.string!.hasPrefix("Caf\u{FFFD} cr\u{FFFD}me br\u{FFFD}l\u{FFFD}e\n"))
        XCTAssertEqual(item.offsets!.count, bytes.count + 4 * 30 * 2, "each bad byte became three bytes of U+FFFD")
    }

    func testBinaryIsNotText() {
        let s = Scratch()
        let item = walk([s.write("x.bin", Fixture.noise(4000))]).items[0]
        XCTAssertEqual(item.encoding, "binary")
        XCTAssertFalse(item.isText)
        // ASCII with NUL bytes scattered both ways is binary too.
        var withNul = Array(String(repeating: "abc", count: 100).utf8)
        withNul[10] = 0; withNul[21] = 0
        XCTAssertEqual(walk([s.write("nul.bin", withNul)]).items[0].encoding, "binary")
    }

    func testForcedEncoding() {
        let s = Scratch()
        let gb = s.write("gb.txt", Fixture.gb18030("张三,北京\n"))
        var options = WalkOptions()
        options.forcedEncoding = .utf8
        var item = read(gb, options: options)
        XCTAssertEqual(item.encoding, "utf-8")
        XCTAssertEqual(item.string, "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD},\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\n")
        // UTF-16LE of ASCII without BOM is detected; forced as BE it reads as CJK-range units.
        options.forcedEncoding = .utf16le
        let le = s.write("le.txt", Fixture.utf16le("plain", bom: false))
        item = read(le, options: options)
        XCTAssertEqual(item.string, "plain")
        // Archives stay archives.
        let zip = s.write("a.zip", Fixture.archive("zip", [.file("t.txt", Fixture.gb18030("中文\n"))]))
        options.forcedEncoding = .gb18030
        let r = walk([zip], options: options, read: .text(4096))
        XCTAssertEqual(r.items.map(\.encoding), ["binary", "gb18030"])
        XCTAssertTrue(r.items[0].isContainer)
        XCTAssertEqual(r.items[1].string, "中文\n")
    }

    func testTextInsideArchivesAndOnStdin() {
        let s = Scratch()
        let csv = "姓名,城市\n张三,北京\n李四,上海\n"
        let zip = s.write("export.zip", Fixture.archive("zip", [.file("gb.csv", Fixture.gb18030(csv)), .file("u16.csv", Fixture.utf16le(csv, bom: true))]))
        let r = walk([zip], read: .text(4096))
        XCTAssertEqual(r.items.map(\.encoding), ["binary", "gb18030", "utf-16le"])
        XCTAssertEqual(r.items[1].string, csv)
        XCTAssertEqual(r.items[2].string, csv)
        XCTAssertEqual(r.items[2].offsets, expectedOffsets(csv, start: 2, bytesOf: utf16Length))
        let stdin = walk(["-"], read: .text(4096), stdin: Fixture.utf16be(csv, bom: false))
        XCTAssertEqual(stdin.items[0].encoding, "utf-16be")
        XCTAssertEqual(stdin.items[0].string, csv)
    }

    func testReadAndReadTextDoNotMix() throws {
        let s = Scratch()
        let p = s.write("t.txt", "text\n")
        let walker = InputWalker(inputs: [p], options: WalkOptions(), report: { _ in }, reportFinding: { _ in })
        let item = walker.next()!
        var buf = [UInt8](repeating: 0, count: 16)
        _ = try buf.withUnsafeMutableBytes { try item.readText(into: $0, offsets: nil) }
        XCTAssertThrowsError(try buf.withUnsafeMutableBytes { try item.read(into: $0) })
        walker.close()
    }
}
