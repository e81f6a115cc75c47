@testable import DSToolKit
import Foundation
import XCTest

final class TextDecodingTests: XCTestCase {
    func gb18030(_ s: String) -> [UInt8] { Array(s.data(using: String.Encoding(rawValue: 0x8000_0632))!) }

    /// Feeds `bytes` to a fresh decoder in pieces cut at `cuts`, as the host's reads would.
    func decodeInPieces(_ bytes: [UInt8], _ encoding: TextEncoding?, cuts: [Int]) -> (text: [UInt8], offsets: [UInt64]) {
        let d = encoding.map { TextDecoders.make($0) } ?? TextDecoders.makeUndecided()
        var out = [UInt8](), offsets = [UInt64]()
        var start = 0
        for cut in cuts + [bytes.count] where cut >= start {
            bytes[start..<cut].withUnsafeBytes { d.decode($0, base: UInt64(start), out: &out, offsets: &offsets) }
            start = cut
        }
        d.finish(out: &out, offsets: &offsets)
        return (out, offsets)
    }

    /// Every way of cutting the input in two (and in single bytes) decodes like the whole.
    /// (`encoding` nil: the decoder for text whose first block was ASCII.)
    func assertChunkingDoesNotMatter(_ bytes: [UInt8], _ encoding: TextEncoding?, file: StaticString = #filePath, line: UInt = #line) {
        let whole = decodeInPieces(bytes, encoding, cuts: [])
        for cut in 0...bytes.count {
            let split = decodeInPieces(bytes, encoding, cuts: [cut])
            XCTAssertEqual(split.text, whole.text, "cut at \(cut)", file: file, line: line)
            XCTAssertEqual(split.offsets, whole.offsets, "cut at \(cut)", file: file, line: line)
        }
        let bytewise = decodeInPieces(bytes, encoding, cuts: Array(1..<max(bytes.count, 1)))
        XCTAssertEqual(bytewise.text, whole.text, "byte by byte", file: file, line: line)
        XCTAssertEqual(bytewise.offsets, whole.offsets, "byte by byte", file: file, line: line)
    }

    func testUTF8WithBOMKeepsRawOffsets() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a中".utf8)
        let (text, offsets) = TextDecoders.decodeAll(bytes, as: .utf8)
        XCTAssertEqual(text, "a中")
        XCTAssertEqual(offsets, [3, 4, 4, 4])
    }

    func testInvalidUTF8BecomesReplacementPerByte() {
        let (text, offsets) = TextDecoders.decodeAll([0x61, 0xFF, 0x62, 0xE4, 0xB8, 0x63, 0xED, 0xA0, 0x80], as: .utf8)
        // 0xFF, a cut 3-byte sequence (two bytes), and an encoded surrogate (three bytes): one U+FFFD per byte.
        XCTAssertEqual(text, "a\u{FFFD}b\u{FFFD}\u{FFFD}c\u{FFFD}\u{FFFD}\u{FFFD}")
        XCTAssertEqual(offsets, [0, 1, 1, 1, 2, 3, 3, 3, 4, 4, 4, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8])
    }

    func testUTF16LEAndBE() {
        let le: [UInt8] = [0xFF, 0xFE, 0x61, 0x00, 0x2D, 0x4E]   // BOM, "a", "中"
        XCTAssertEqual(TextDecoders.decodeAll(le, as: .utf16le).text, "a中")
        XCTAssertEqual(TextDecoders.decodeAll(le, as: .utf16le).offsets, [2, 4, 4, 4])
        let be: [UInt8] = [0x00, 0x61, 0x4E, 0x2D]
        XCTAssertEqual(TextDecoders.decodeAll(be, as: .utf16be).text, "a中")
        // Unpaired surrogates and an odd last byte: U+FFFD at their offsets.
        let bad: [UInt8] = [0x3D, 0xD8, 0x61, 0x00, 0x00, 0xDE, 0x62]
        let (text, offsets) = TextDecoders.decodeAll(bad, as: .utf16le)
        XCTAssertEqual(text, "\u{FFFD}a\u{FFFD}\u{FFFD}")
        XCTAssertEqual(offsets, [0, 0, 0, 2, 4, 4, 4, 6, 6, 6])
    }

    func testGB18030() {
        // "身份证" in GB18030 is C9 ED B7 DD D6 A4.
        let bytes: [UInt8] = [0x41, 0xC9, 0xED, 0xB7, 0xDD, 0xD6, 0xA4]
        let (text, offsets) = TextDecoders.decodeAll(bytes, as: .gb18030)
        XCTAssertEqual(text, "A身份证")
        XCTAssertEqual(offsets, [0, 1, 1, 1, 3, 3, 3, 5, 5, 5])
    }

    func testGB18030AgreesWithFoundationOnAWideSample() {
        // GB2312 hanzi and symbols, GBK extensions, four-byte BMP and supplementary characters.
        var sample = "统一社会信用代码 91350100M000100Y43，姓名：张三丰；地址：北京市海淀区。"
        sample += "€ÿ¤§°±×÷ΑΩаяぁんアン㐀䶵丂乥龥豈﨩"
        sample += "\u{20000}\u{2A6D6}\u{10FFFD}\n"
        let bytes = gb18030(sample)
        let (text, offsets) = TextDecoders.decodeAll(bytes, as: .gb18030)
        XCTAssertEqual(text, sample)
        // Offsets: each character's first byte, in order, never past the input.
        var raw = 0
        var expected: [UInt64] = []
        for u in sample.unicodeScalars {
            expected += [UInt64](repeating: UInt64(raw), count: String(u).utf8.count)
            raw += gb18030(String(u)).count
        }
        XCTAssertEqual(raw, bytes.count)
        XCTAssertEqual(offsets, expected)
        assertChunkingDoesNotMatter(bytes, .gb18030)
    }

    /// Every two-byte code and every four-byte code of the BMP decodes as glibc's iconv converts it
    /// on its own (checks the tables' indexing; codes iconv refuses must give U+FFFD).
    func testGB18030TablesAgreeWithIconvForEveryCode() {
        let cd = iconv_open("UTF-32LE", "GB18030")
        XCTAssertNotEqual(cd, iconv_t(bitPattern: -1))
        defer { iconv_close(cd) }
        func viaIconv(_ code: [UInt8]) -> UInt32 {
            var input = code, out = [UInt8](repeating: 0, count: 8)
            let r = input.withUnsafeMutableBytes { i in
                out.withUnsafeMutableBytes { o -> Int in
                    var ip: UnsafeMutablePointer<CChar>? = i.baseAddress!.assumingMemoryBound(to: CChar.self), il = i.count
                    var op: UnsafeMutablePointer<CChar>? = o.baseAddress!.assumingMemoryBound(to: CChar.self), ol = o.count
                    return iconv(cd, &ip, &il, &op, &ol) == -1 || il != 0 || ol != 4 ? -1 : 0
                }
            }
            if r != 0 { _ = iconv(cd, nil, nil, nil, nil); return 0xFFFD }
            return UInt32(out[0]) | UInt32(out[1]) << 8 | UInt32(out[2]) << 16 | UInt32(out[3]) << 24
        }
        var codes: [[UInt8]] = []
        for lead in 0x81...0xFE { for trail in 0x40...0xFE where trail != 0x7F { codes.append([UInt8(lead), UInt8(trail)]) } }
        for linear in 0..<39420 {
            codes.append([UInt8(0x81 + linear / 12600), UInt8(0x30 + linear / 1260 % 10), UInt8(0x81 + linear / 10 % 126), UInt8(0x30 + linear % 10)])
        }
        codes.append([0x90, 0x30, 0x81, 0x30])  // U+10000
        codes.append([0xE3, 0x32, 0x9A, 0x35])  // U+10FFFF
        // One buffer, each code followed by a newline; the decoder's scalars between newlines.
        var joined: [UInt8] = []
        for code in codes { joined += code; joined.append(0x0A) }
        let decoded: [Substring] = TextDecoders.decodeAll(joined, as: .gb18030).text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(decoded.count, codes.count + 1)
        var mismatches: [String] = []
        for (i, code) in codes.enumerated() {
            let scalars: [UInt32] = decoded[i].unicodeScalars.map { $0.value }
            let want = viaIconv(code)
            if scalars != [want] { mismatches.append("\(code.map { String($0, radix: 16) }): \(scalars) vs \(want)") }
        }
        XCTAssertEqual(mismatches.prefix(5), [], "\(mismatches.count) codes differ")
    }

    func testInvalidGB18030() {
        // 0x80 and 0xFF are never valid; 0x81 followed by 0x20 is a lead without a trail;
        // 0xE3 0x32 0x9A 0x36 is past U+10FFFF (iconv refuses it); 0x81 0x30 cut at the end.
        let bytes: [UInt8] = [0x41, 0x80, 0x42, 0xFF, 0x81, 0x20, 0xC9, 0xED, 0xE3, 0x32, 0x9A, 0x36, 0x43, 0x81, 0x30]
        let (text, offsets) = TextDecoders.decodeAll(bytes, as: .gb18030)
        XCTAssertEqual(text, "A\u{FFFD}B\u{FFFD}\u{FFFD} 身\u{FFFD}C\u{FFFD}0")
        XCTAssertEqual(offsets, [0, 1, 1, 1, 2, 3, 3, 3, 4, 4, 4, 5, 6, 6, 6, 8, 8, 8, 12, 13, 13, 13, 14])
        assertChunkingDoesNotMatter(bytes, .gb18030)
    }

    func testChunkingNeverChangesTheResult() {
        let text = "a中b😀c\u{FFFD}é\n"
        assertChunkingDoesNotMatter([0xEF, 0xBB, 0xBF] + Array(text.utf8) + [0xE4, 0xB8], .utf8)
        assertChunkingDoesNotMatter([0xEF, 0xBB], .utf8)  // a lone partial BOM
        assertChunkingDoesNotMatter([0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } + [0x3D], .utf16le)
        assertChunkingDoesNotMatter(text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }, .utf16be)
        assertChunkingDoesNotMatter(gb18030("身份证号：11010519491231002X，\u{20000}") + [0x81], .gb18030)
    }

    func testUndecidedASCIIChoosesAtTheFirstOtherByte() {
        let gb = Array("plain ascii ".utf8) + gb18030("张三，北京")
        XCTAssertEqual(decodeInPieces(gb, nil, cuts: [12]).text, Array("plain ascii 张三，北京".utf8))
        let u8 = Array("plain ascii 张三，北京".utf8)
        XCTAssertEqual(decodeInPieces(u8, nil, cuts: [12]).text, u8)
        XCTAssertEqual(decodeInPieces(u8, nil, cuts: [12]).offsets, decodeInPieces(u8, .utf8, cuts: []).offsets)
        // Cut only after the first non-ASCII chunk was seen (the choice is made on one chunk).
        assertChunkingDoesNotMatter(Array("ascii".utf8) + gb18030("张三"), nil)
    }

    func testDetection() {
        func detect(_ b: [UInt8], atEnd: Bool = true) -> TextEncoding { b.withUnsafeBytes { TextEncoding.detect($0, atEnd: atEnd) } }
        XCTAssertEqual(detect(Array("hello 世界".utf8)), .utf8)
        XCTAssertEqual(detect([]), .utf8)
        XCTAssertEqual(detect([0xC9, 0xED, 0xB7, 0xDD, 0xD6, 0xA4, 0x0A]), .gb18030)
        XCTAssertEqual(detect([0x61, 0x00, 0x62, 0x00, 0x63, 0x00, 0x64, 0x00]), .utf16le)
        XCTAssertEqual(detect([0x00, 0x61, 0x00, 0x62]), .utf16be)
        XCTAssertEqual(detect([0xFF, 0xFE, 0x2D, 0x4E]), .utf16le)
        XCTAssertEqual(detect([0xFE, 0xFF, 0x4E, 0x2D]), .utf16be)
        XCTAssertEqual(detect([0xEF, 0xBB, 0xBF, 0xC9, 0xED]), .utf8, "a BOM decides")
        XCTAssertEqual(detect([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]), .binary)
        // Mostly ASCII with a few Chinese characters in GBK.
        XCTAssertEqual(detect(Array("id,name\n1,".utf8) + gb18030("张三") + Array(",ok\n".utf8)), .gb18030)
        // A cut character at the end of the block is not held against the text.
        XCTAssertEqual(detect(Array("中文".utf8) + [0xE4, 0xB8], atEnd: false), .utf8)
        XCTAssertEqual(detect(gb18030("中文内容") + [0xD6], atEnd: false), .gb18030)
        // UTF-16 of Chinese only: no zero byte anywhere.
        let cjk = "数据安全检测评估工具库分类分级"
        XCTAssertEqual(detect(cjk.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), .utf16le)
        XCTAssertEqual(detect(cjk.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }), .utf16be)
        // Latin-1 accents among ASCII: lenient UTF-8, not GB18030 or UTF-16.
        XCTAssertEqual(detect(Array("Caf".utf8) + [0xE9] + Array(" cr".utf8) + [0xE8] + Array("me br".utf8) + [0xFB] + Array("l".utf8) + [0xE9] + Array("e".utf8)), .utf8)
        // Control-heavy bytes without NULs are binary.
        XCTAssertEqual(detect([0x01, 0x02, 0x03, 0x41, 0x04, 0x05, 0x06, 0x42]), .binary)
        // One NUL at an odd offset in a binary header is not UTF-16LE's ASCII side.
        let corruptSQLite = Array("SQLite format 3\0".utf8) + [UInt8](repeating: 0xAB, count: 4096)
        XCTAssertEqual(detect(corruptSQLite), .binary)
        XCTAssertEqual(detect(Array(corruptSQLite.prefix(16)) + [UInt8](repeating: 0xAB, count: 65520), atEnd: false), .binary)
        // UTF-16 with little ASCII (digits and commas among Chinese, no BOM) is still text, as is
        // UTF-16 Cyrillic with its spaces.
        let mostlyCJK = "客户名单：张三，北京市海淀区中关村大街八号，联系电话见附件二。" + String(repeating: "数据安全管理制度第三条", count: 20) + " 2026"
        XCTAssertEqual(detect(mostlyCJK.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), .utf16le)
        XCTAssertEqual(detect(mostlyCJK.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }), .utf16be)
        let cyrillic = String(repeating: "Персональные данные клиентов хранятся в зашифрованном виде. ", count: 10)
        XCTAssertEqual(detect(cyrillic.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), .utf16le)
    }

    /// The eight-bytes-at-a-time ASCII shortcut agrees with counting byte by byte: blocks of every
    /// length around a word, with NULs, high bytes and low bytes in the words and in the tail, and
    /// low-byte shares on both sides of one in 20.
    func testPlainASCIIShortcutAgreesWithByteCounting() {
        func expected(_ b: [UInt8]) -> Bool {
            let textControls: Set<UInt8> = [0x09, 0x0A, 0x0C, 0x0D, 0x1B]
            return !b.contains(0) && !b.contains { $0 >= 0x80 }
                && b.filter { $0 < 0x20 && !textControls.contains($0) }.count * 20 <= b.count
        }
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return seed }
        for length in [1, 7, 8, 9, 15, 16, 17, 40, 63, 64, 65, 200, 1000] {
            for trial in 0..<60 {
                var b = (0..<length).map { _ in UInt8(0x20 + next() % 0x5F) }
                let lows = Int(next() % UInt64(max(1, length / 10) + 1))
                for _ in 0..<lows { b[Int(next() % UInt64(length))] = UInt8(1 + next() % 0x1F) }
                // Tabs and newlines, many or few: text, not control characters.
                let textLows = trial % 3 == 0 ? length / 4 : Int(next() % 3)
                let textControls: [UInt8] = [0x09, 0x0A, 0x0C, 0x0D, 0x1B]
                for _ in 0..<textLows { b[Int(next() % UInt64(length))] = textControls[Int(next() % 5)] }
                if trial % 7 == 1 { b[Int(next() % UInt64(length))] = 0 }
                if trial % 7 == 2 { b[Int(next() % UInt64(length))] = UInt8(0x80 + next() % 0x80) }
                if trial % 7 == 3 { b[length - 1] = 0 }
                if trial % 7 == 4 { b[length - 1] = 0xFF }
                let fast = b.withUnsafeBytes { plainASCIIBothPaths($0) }
                XCTAssertEqual(fast, expected(b), "\(b)")
                if fast { XCTAssertEqual(b.withUnsafeBytes { TextEncoding.detect($0, atEnd: true) }, .utf8) }
            }
        }
        // Exactly one control character in 20 is text; one more is left to the full rules.
        let line = Array("abcdefghijklmnopqrs\u{01}".utf8)
        let atThreshold = Array(Array(repeating: line, count: 50).joined())
        XCTAssertTrue(atThreshold.withUnsafeBytes { plainASCIIBothPaths($0) })
        XCTAssertFalse((atThreshold + [0x01]).withUnsafeBytes { plainASCIIBothPaths($0) })
        // Tab-indented source is half tabs and newlines: still the shortcut's, as UTF-8.
        let tabHeavy = Array(Array(repeating: Array("a\tb\n".utf8), count: 100).joined())
        XCTAssertTrue(tabHeavy.withUnsafeBytes { plainASCIIBothPaths($0) })
        XCTAssertEqual(tabHeavy.withUnsafeBytes { TextEncoding.detect($0, atEnd: true) }, .utf8)
        // Many tabs and newlines do not hide control characters beside them.
        let tabsAndControls = Array(Array(repeating: Array("\t\t\u{01}\n".utf8), count: 100).joined())
        XCTAssertFalse(tabsAndControls.withUnsafeBytes { plainASCIIBothPaths($0) })
        XCTAssertEqual(tabsAndControls.withUnsafeBytes { TextEncoding.detect($0, atEnd: true) }, .binary)
    }

    /// The SSE2 scan counts control characters per byte lane and sums the lanes every 255 blocks:
    /// controls crowded into one lane, far past 255 of them, are still counted exactly (at the one
    /// in 20 threshold, and one over it), at every start alignment and tail length; a NUL or a
    /// high byte anywhere (first block, last block, tail) decides at once.
    func testPlainASCIIScanCountsControlsExactlyPastLaneLimits() {
        func expected(_ b: ArraySlice<UInt8>) -> Bool {
            let textControls: Set<UInt8> = [0x09, 0x0A, 0x0C, 0x0D, 0x1B]
            return !b.contains(0) && !b.contains { $0 >= 0x80 }
                && b.filter { $0 < 0x20 && !textControls.contains($0) }.count * 20 <= b.count
        }
        for tail in [0, 1, 15] {
            let n = 20 * 1024 + tail
            // 1024 + tail/20 controls allowed; all in lane 0 of the 16-byte blocks (1,281 of them).
            var b = [UInt8](repeating: UInt8(ascii: "x"), count: n + 16)
            for k in 0..<(n / 20) { b[k * 16] = 0x01 }
            for shift in 0..<3 {
                let slice = b[shift..<(shift + n)]
                XCTAssertEqual(slice.withUnsafeBytes { plainASCIIBothPaths($0) }, expected(slice), "tail \(tail) shift \(shift)")
            }
            XCTAssertTrue(b[0..<n].withUnsafeBytes { plainASCIIBothPaths($0) })
            var over = Array(b[0..<n])
            over[n - 1] = 0x02  // one more control, in the last block or the tail
            XCTAssertFalse(over.withUnsafeBytes { plainASCIIBothPaths($0) })
            // Text controls in every lane of every block are never counted.
            var text = Array(b[0..<n])
            for k in stride(from: 1, to: n, by: 2) { text[k] = [0x09, 0x0A, 0x0C, 0x0D, 0x1B][k % 5] }
            XCTAssertTrue(text.withUnsafeBytes { plainASCIIBothPaths($0) })
            for bad: UInt8 in [0x00, 0x80, 0xFF] {
                for at in [0, 15, 16, n / 2, n - 17, n - 1] {
                    var c = Array(b[0..<n])
                    c[at] = bad
                    XCTAssertFalse(c.withUnsafeBytes { plainASCIIBothPaths($0) }, "byte \(bad) at \(at)")
                }
            }
        }
        // Random 64 KiB blocks (the detection head), sliced at random places, against the count.
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return seed }
        for trial in 0..<24 {
            var b = (0..<(64 << 10)).map { _ in UInt8(0x20 + next() % 0x5F) }
            let controls = Int(next() % 7000)
            for _ in 0..<controls { b[Int(next() % UInt64(b.count))] = UInt8(1 + next() % 0x1F) }
            if trial % 4 == 1 { b[Int(next() % UInt64(b.count))] = trial % 8 == 1 ? 0 : 0xC3 }
            let from = Int(next() % 64), to = b.count - Int(next() % 64)
            let slice = b[from..<to]
            XCTAssertEqual(slice.withUnsafeBytes { plainASCIIBothPaths($0) }, expected(slice), "trial \(trial)")
        }
        XCTAssertTrue(TextEncoding.plainASCIIText(UnsafeRawBufferPointer(start: nil, count: 0)))
    }

    func testNames() {
        XCTAssertEqual(gb18030("客户名单.csv").withUnsafeBufferPointer { TextDecoders.decodeName($0) }, "客户名单.csv")
        XCTAssertEqual(Array("报告.docx".utf8).withUnsafeBufferPointer { TextDecoders.decodeName($0) }, "报告.docx")
        XCTAssertEqual(([0x61, 0xFF, 0x62] as [UInt8]).withUnsafeBufferPointer { TextDecoders.decodeName($0) }, "a\u{FFFD}b")
    }

    /// The AVX2 scan settles a 64-byte block whose only low bytes are newlines with one compare:
    /// one stray byte anywhere (either 32-byte half, the tail after the last full block) must
    /// still be seen. Lines of source text with one control character, NUL or high byte put at
    /// every offset, against the full count; and exactly at the one-in-20 threshold.
    func testPlainASCIIAVX2BlocksOfNewlinesSeeEveryStrayByte() {
        func expected(_ b: [UInt8]) -> Bool {
            let textControls: Set<UInt8> = [0x09, 0x0A, 0x0C, 0x0D, 0x1B]
            return !b.contains(0) && !b.contains { $0 >= 0x80 }
                && b.filter { $0 < 0x20 && !textControls.contains($0) }.count * 20 <= b.count
        }
        let text = Array(Array(repeating: Array("    x = f(y)\n".utf8), count: 24).joined())  // 312 bytes
        XCTAssertTrue(text.withUnsafeBytes { plainASCIIBothPaths($0) })
        for stray: UInt8 in [0x00, 0x01, 0x1F, 0x7F, 0x80, 0xFF, 0x0B] {
            for at in 0..<text.count {
                var b = text
                b[at] = stray
                let got = b.withUnsafeBytes { plainASCIIBothPaths($0) }
                XCTAssertEqual(got, expected(b), "byte \(stray) at \(at)")
                if stray == 0x01 { XCTAssertTrue(got, "one control in 312 bytes is text (at \(at))") }
                if stray == 0x00 || stray >= 0x80 { XCTAssertFalse(got, "byte \(stray) at \(at)") }
            }
        }
        // 15 controls in 300 bytes is one in 20: text; a 16th, in the second half of a block, is not.
        var b = Array(text[0..<300])
        for k in 0..<15 { b[k * 20 + 1] = 0x02 }
        XCTAssertTrue(b.withUnsafeBytes { plainASCIIBothPaths($0) })
        b[96 + 40] = 0x03
        XCTAssertFalse(b.withUnsafeBytes { plainASCIIBothPaths($0) })
    }

    /// The AVX2 and the portable (SSE2) scan give the same answer; the answer is returned.
    private func plainASCIIBothPaths(_ p: UnsafeRawBufferPointer, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let fast = TextEncoding.plainASCIIText(p)
        XCTAssertEqual(fast, TextEncoding.plainASCIITextPortable(p), "AVX2 and SSE2 paths differ", file: file, line: line)
        return fast
    }
}
