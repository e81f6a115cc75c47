@testable import DSToolScan
import XCTest

/// The context lookups of `PIIResolver` go through `PIIContextHits` (where words start in the
/// stretch windows have covered): their answers must be those of scanning each window byte by byte.
final class PIIContextHitsTests: XCTestCase {
    static let matcher: PIIMatcher = try! PIIMatcher()
    let resolver = PIIResolver(kinds: Set(PIIKind.allCases), minimumConfidence: 0.4)

    // MARK: the byte-by-byte answers the lookups must give

    static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c | 0x20 : c }

    /// The first of `words` wholly inside b[from..<to], by offset, then by order in `words`.
    static func referenceWord(_ words: [[UInt8]], _ b: [UInt8], _ from: Int, _ to: Int) -> [UInt8]? {
        var i = from
        while i < to {
            for w in words where i + w.count <= to && zip(b[i..<(i + w.count)], w).allSatisfy({ lower($0) == $1 }) { return w }
            i += 1
        }
        return nil
    }

    static func referenceContextWord(_ kind: PIIKind, _ b: [UInt8], _ start: Int, _ end: Int) -> String? {
        var s = start
        while s > 0 && start - s < 48 && b[s - 1] != 10 { s -= 1 }
        var e = end
        while e < b.count && e - end < 16 && b[e] != 10 { e += 1 }
        if s == start && e == end { return nil }
        let words = PIIContext.words(kind)
        guard let w = referenceWord(words, b, s, start) ?? referenceWord(words, b, end, e) else { return nil }
        return String(decoding: w, as: UTF8.self)
    }

    static func referenceNegative(_ b: [UInt8], _ start: Int) -> Bool {
        var s = start
        while s > 0 && start - s < 24 && b[s - 1] != 10 { s -= 1 }
        return referenceWord(PIIContext.negative, b, s, start) != nil
    }

    static func referenceGeneral(_ b: [UInt8], _ start: Int) -> Bool {
        var s = start
        while s > 0 && start - s < 48 && b[s - 1] != 10 { s -= 1 }
        return referenceWord(PIIContext.general, b, s, start) != nil
    }

    // MARK: helpers

    /// The three lookups for the value b[start..<end], sharing `hits` with earlier lookups.
    func lookups(_ b: [UInt8], _ start: Int, _ end: Int, _ kind: PIIKind, _ hits: inout PIIContextHits) -> (String?, Bool, Bool) {
        b.withUnsafeBufferPointer { p in
            let window = PIIResolver.ContextWindow(p, start, end)
            return (resolver.contextWord(kind, p, window, start, end, nil, &hits),
                    resolver.hasNegativeContext(p, start, &hits),
                    resolver.hasGeneralContext(p, window, start, &hits))
        }
    }

    /// The context word found for the value `value` in `text` (its first occurrence), alone.
    func word(_ kind: PIIKind, _ text: String, value: String) -> String? {
        let b = Array(text.utf8)
        let start = text.utf8.distance(from: text.startIndex, to: text.range(of: value)!.lowerBound)
        var hits = PIIContextHits()
        return lookups(b, start, start + value.utf8.count, kind, &hits).0
    }

    func negative(_ text: String, value: String) -> Bool {
        let b = Array(text.utf8)
        let start = text.utf8.distance(from: text.startIndex, to: text.range(of: value)!.lowerBound)
        var hits = PIIContextHits()
        return lookups(b, start, start + value.utf8.count, .cnMobile, &hits).1
    }

    // MARK: exact answers

    func testWordAtTheWindowEdges() {
        let filler = String(repeating: "x", count: 42)
        // 手机 (6 bytes) + 42 bytes: the word starts exactly 48 bytes before the value.
        XCTAssertEqual(word(.cnMobile, "手机" + filler + "13812345678", value: "13812345678"), "手机")
        // One byte further: the word's first byte is outside the window.
        XCTAssertNil(word(.cnMobile, "手机" + filler + "y13812345678", value: "13812345678"))
        // After the value: a word ending 16 bytes after it counts, one ending at 17 does not.
        XCTAssertEqual(word(.cnMobile, "13812345678" + String(repeating: " ", count: 13) + "tel", value: "13812345678"), "tel")
        XCTAssertNil(word(.cnMobile, "13812345678" + String(repeating: " ", count: 14) + "tel", value: "13812345678"))
        // A line break ends the window.
        XCTAssertNil(word(.cnMobile, "mobile\n13812345678", value: "13812345678"))
        XCTAssertNil(word(.cnMobile, "13812345678\nmobile", value: "13812345678"))
        // Words ending at the buffer's end (the three-byte filter cannot look past it).
        XCTAssertEqual(word(.ipv4, "13812345678 ip", value: "13812345678"), "ip")
        XCTAssertEqual(word(.ipv4, "13812345678 IP", value: "13812345678"), "ip")
        XCTAssertEqual(word(.cnMobile, "13812345678 tel", value: "13812345678"), "tel")
        XCTAssertEqual(word(.cnMobile, "13812345678 电话", value: "13812345678"), "电话")
        XCTAssertNil(word(.cnMobile, "13812345678 te", value: "13812345678"))
        // Chinese characters sharing a word's first two bytes (地址: 场, 在, 城) are not the word.
        XCTAssertNil(word(.address, "场在城 13812345678", value: "13812345678"))
        XCTAssertEqual(word(.address, "城地址 13812345678", value: "13812345678"), "地址")
        // A word touching the value on either side.
        XCTAssertEqual(word(.cnMobile, "phone13812345678", value: "13812345678"), "phone")
        XCTAssertEqual(word(.cnMobile, "13812345678手机", value: "13812345678"), "手机")
    }

    func testChineseWordsInUTF8() {
        XCTAssertEqual(word(.cnMobile, "联系方式：13812345678", value: "13812345678"), "联系方式")
        // 公民身份 at offset 0 comes before 身份号 at offset 6, though 身份号 is earlier in the list.
        XCTAssertEqual(word(.cnIDCard, "公民身份号码 11010519491231002X", value: "11010519491231002X"), "公民身份")
        XCTAssertEqual(word(.cnIDCard, "身份号码 11010519491231002X", value: "11010519491231002X"), "身份号")
        // 电脑 shares 电话's first character (and 电's lead byte with many others): no word.
        XCTAssertNil(word(.cnMobile, "电脑北京市朝阳区13812345678", value: "13812345678"))
        // A cut character before the value is not a word.
        XCTAssertNil(word(.cnMobile, String(decoding: Array("手机".utf8).dropFirst(), as: UTF8.self) + "13812345678", value: "13812345678"))
    }

    func testFirstWordByOffsetThenByListOrder() {
        // cnMobile's list is 手机, 电话, 联系方式, mobile, phone, tel, cell: the earliest offset wins.
        XCTAssertEqual(word(.cnMobile, "TEL 手机 13812345678", value: "13812345678"), "tel")
        XCTAssertEqual(word(.cnMobile, "MOBILE: 13812345678", value: "13812345678"), "mobile")
        // Before the value is looked at before after it.
        XCTAssertEqual(word(.cnMobile, "cell 13812345678 手机", value: "13812345678"), "cell")
        // Each kind its own list: tel is not a bank card's word, account is.
        XCTAssertNil(word(.bankCard, "tel 6222021234567890128", value: "6222021234567890128"))
        XCTAssertEqual(word(.bankCard, "tel account 6222021234567890128", value: "6222021234567890128"), "account")
    }

    func testNegativeWords() {
        XCTAssertTrue(negative("订单号 13812345678", value: "13812345678"))
        XCTAssertTrue(negative("Order: 13812345678", value: "13812345678"))
        // Only the 24 bytes before the value count.
        XCTAssertFalse(negative("订单" + String(repeating: "x", count: 19) + "13812345678", value: "13812345678"))
        XCTAssertTrue(negative("订单" + String(repeating: "x", count: 18) + "13812345678", value: "13812345678"))
        XCTAssertFalse(negative("13812345678 order", value: "13812345678"))
        XCTAssertFalse(negative("电话 13812345678", value: "13812345678"))
    }

    func testNoWords() {
        XCTAssertNil(word(.cnMobile, "x 13812345678 y", value: "13812345678"))
        XCTAssertNil(word(.cnMobile, "13812345678", value: "13812345678"))
        XCTAssertFalse(negative("北京市朝阳区 13812345678", value: "13812345678"))
    }

    /// Through the scanner: what the matches carry, and that a segment's words are its own.
    func testScannerContextAndSegmentBoundaries() throws {
        var matcher = Self.matcher
        matcher.minimumConfidence = 0.3
        let scanner = try matcher.makeScanner()
        var out: [PIIMatch] = []
        // One value per line: a kind's word, another of its words, a negative word, none.
        let rows = Array("3,黄强,手机 13812345678\n电话：13912345678\n订单号 13712345678\n北京市 x 13612345678\n".utf8)
        try rows.withUnsafeBytes { try scanner.matches(in: $0, into: &out) }
        XCTAssertEqual(out.map(\.kind), [.cnMobile, .cnMobile, .cnMobile, .cnMobile])
        XCTAssertEqual(out.map(\.context), ["手机", "电话", nil, nil])
        let expected: [Double] = [0.95, 0.95, 0.40, 0.85]
        for (m, c) in zip(out, expected) { XCTAssertEqual(m.confidence, c, accuracy: 1e-9) }
        // The word is the previous segment's last bytes: the next segment does not see it.
        out.removeAll()
        try Array("手机 ".utf8).withUnsafeBytes { try scanner.matches(in: $0, into: &out) }
        try Array("13812345678 ok".utf8).withUnsafeBytes { try scanner.matches(in: $0, into: &out) }
        XCTAssertEqual(out.map(\.context), [nil])
        XCTAssertEqual(out.first?.confidence ?? 0, 0.85, accuracy: 1e-9)
        // A window that continues the previous one sees the word in the overlap.
        out.removeAll()
        let window = Array("手机 13812345678 ok".utf8)
        try window.withUnsafeBytes { try scanner.matches(inWindow: $0, continuesBefore: true, continuesAfter: false, ownStart: 5, into: &out) }
        XCTAssertEqual(out.map(\.context), ["手机"])
        // A negative word in the previous segment does not lower the next one's value.
        out.removeAll()
        try Array("订单号".utf8).withUnsafeBytes { try scanner.matches(in: $0, into: &out) }
        try Array(" 13812345678".utf8).withUnsafeBytes { try scanner.matches(in: $0, into: &out) }
        XCTAssertEqual(out.count, 1)
        XCTAssertEqual(out.first?.confidence ?? 0, 0.85, accuracy: 1e-9)
    }

    // MARK: the same answers as scanning each window

    /// Generated rows of words (any case, cut Chinese characters), fillers and values; every value
    /// looked up for every kind, in order and then backwards (which restarts the covered stretch),
    /// with one `PIIContextHits` throughout.
    func testAnswersEqualScanningEachWindow() {
        var pieces: [[UInt8]] = []
        for kind in PIIKind.allCases { pieces += PIIContext.words(kind) }
        pieces += PIIContext.negative + PIIContext.general
        pieces += pieces.map { Array(String(decoding: $0, as: UTF8.self).uppercased().utf8) }
        pieces += ["电脑", "北京市", "订", "x", " ", ",", "：", "\n", "abc", "ma", "te"].map { Array($0.utf8) }
        pieces.append(Array(Array("手机".utf8).dropFirst()))
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var b: [UInt8] = []
        var values: [Range<Int>] = []
        while b.count < 8_000 {
            if next(4) == 0 {
                let start = b.count
                b += Array("13812345678".utf8)
                values.append(start..<b.count)
            } else {
                b += pieces[next(pieces.count)]
            }
        }
        var hits = PIIContextHits()
        var checked = 0
        for range in values + values.reversed() {
            for kind in PIIKind.allCases {
                let (w, n, g) = lookups(b, range.lowerBound, range.upperBound, kind, &hits)
                XCTAssertEqual(w, Self.referenceContextWord(kind, b, range.lowerBound, range.upperBound), "\(kind) at \(range)")
                XCTAssertEqual(n, Self.referenceNegative(b, range.lowerBound), "negative at \(range)")
                XCTAssertEqual(g, Self.referenceGeneral(b, range.lowerBound), "general at \(range)")
                if w != nil { checked += 1 }
            }
        }
        XCTAssertGreaterThan(values.count, 200)
        XCTAssertGreaterThan(checked, 400, "the rows hold words near values")
    }
}
