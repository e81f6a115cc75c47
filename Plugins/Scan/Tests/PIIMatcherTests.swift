@testable import DSToolScan
import XCTest

final class PIIMatcherTests: XCTestCase {
    static let matcher: PIIMatcher = try! PIIMatcher()

    func found(_ text: String, minimum: Double = 0.5) throws -> [(PIIKind, String)] {
        var m = Self.matcher
        m.minimumConfidence = minimum
        let bytes = Array(text.utf8)
        return try m.matches(in: text).map { ($0.kind, String(decoding: bytes[$0.start..<$0.end], as: UTF8.self)) }
    }

    func testFindsChineseKindsInText() throws {
        let text = "客户张三，身份证号：11010519491231002X，手机 13812345678，银行卡号 6222021234567890128。"
        let r = try found(text)
        XCTAssertEqual(r.map(\.0), [.cnIDCard, .cnMobile, .bankCard])
        XCTAssertEqual(r.map(\.1), ["11010519491231002X", "13812345678", "6222021234567890128"])
    }

    func testOffsetsAreUTF8ByteOffsets() throws {
        let text = "号码：13812345678"
        let m = try Self.matcher.matches(in: text)
        XCTAssertEqual(m.count, 1)
        XCTAssertEqual(m[0].start, 9)   // 号码： is three 3-byte characters
        XCTAssertEqual(m[0].end, 20)
    }

    func testInvalidValuesAreDropped() throws {
        // Wrong check character, impossible date, unknown province, Luhn failure, bad mobile range.
        let text = "11010519491231002Y 11010519491231003X 11010519490231002X 99010519491231002X 6222021234567890127 12812345678"
        XCTAssertEqual(try found(text).map(\.0), [])
    }

    func testDigitRunsAreOneCandidate() throws {
        // A long run of digits is not an ID number, however many 18-digit windows it has.
        let run = String(repeating: "1234567890", count: 50)
        XCTAssertEqual(try found(run).count, 0)
        // Letters glued to a number make it part of an identifier (a hash, a token).
        XCTAssertEqual(try found("abc11010519491231002X").count, 0)
        XCTAssertEqual(try found("11010519491231002Xyz").count, 0)
    }

    func testContextRaisesConfidence() throws {
        let plain = try Self.matcher.matches(in: "ref E12345678 done")
        XCTAssertEqual(plain.count, 0, "a bare passport-shaped code is below 0.5")
        let labelled = try Self.matcher.matches(in: "护照号码 E12345678")
        XCTAssertEqual(labelled.map(\.kind), [.passport])
        XCTAssertEqual(labelled.first?.context, "护照")
        let a = try Self.matcher.matches(in: "x 13812345678").first!.confidence
        let b = try Self.matcher.matches(in: "mobile: 13812345678").first!.confidence
        XCTAssertGreaterThan(b, a)
    }

    func testNamesAddressesPlates() throws {
        let text = "姓名：王小明\n住址：北京市朝阳区建国路88号院3号楼\n车牌 京A12345，新能源 粤B·D12345"
        let r = try found(text)
        XCTAssertEqual(r.map(\.0), [.personName, .address, .cnPlate, .cnPlate])
        XCTAssertEqual(r.map(\.1), ["王小明", "北京市朝阳区建国路88号院3号楼", "京A12345", "粤B·D12345"])
    }

    func testNetworkAndInternationalKinds() throws {
        let text = "mail zhang.wei@corp-mail.cn. host 203.0.113.7 v6 2001:db8::8a2e:370:7334 mac 3c:22:fb:12:a0:9e "
            + "card 4532 0151 1283 0366 iban GB82WEST12345698765432 ssn 123-45-6789 tel 010-62345678"
        let r = try found(text)
        XCTAssertEqual(r.map(\.0), [.email, .ipv4, .ipv6, .mac, .creditCard, .iban, .usSSN, .cnLandline])
        XCTAssertEqual(r.map(\.1), ["zhang.wei@corp-mail.cn", "203.0.113.7", "2001:db8::8a2e:370:7334", "3c:22:fb:12:a0:9e",
                                    "4532 0151 1283 0366", "GB82WEST12345698765432", "123-45-6789", "010-62345678"])
    }

    func testNotFooledByCommonText() throws {
        let text = """
        version 1.2.3.4.5 at 12:30:45 on 2024-01-01; std::vector<int> Face::add; sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
        order 20240101123456789012 build 1.0.0
        """
        XCTAssertEqual(try found(text).map(\.1), [])
    }

    func testWindowEdgesAreLeftToTheNeighbour() throws {
        let scanner = try Self.matcher.makeScanner()
        let text = Array("id 11010519491231002X".utf8)
        var out: [PIIMatch] = []
        // The value touches the window end: the next window will report it.
        try text.withUnsafeBytes { try scanner.matches(inWindow: $0, continuesBefore: false, continuesAfter: true, ownStart: 0, into: &out) }
        XCTAssertEqual(out.count, 0, "\(out)")
        // The value ends inside the overlap: the previous window reported it.
        let tail = Array("id 11010519491231002X and more".utf8)
        try tail.withUnsafeBytes { try scanner.matches(inWindow: $0, continuesBefore: true, continuesAfter: false, ownStart: 22, into: &out) }
        XCTAssertEqual(out.count, 0)
        // A value ending exactly where the overlap ends was cut in the previous window: reported here.
        try tail.withUnsafeBytes { try scanner.matches(inWindow: $0, continuesBefore: true, continuesAfter: false, ownStart: 21, into: &out) }
        XCTAssertEqual(out.map(\.start), [3])
    }

    func testKindSubsetAndClassifyWithColumn() throws {
        let only = try PIIMatcher(kinds: [.cnMobile])
        XCTAssertEqual(try only.matches(in: "11010519491231002X 13812345678").map(\.kind), [.cnMobile])
        let scanner = try Self.matcher.makeScanner()
        XCTAssertNil(scanner.classify("E12345678", column: "code"))
        XCTAssertEqual(scanner.classify("E12345678", column: "passport_no"), .passport)
        XCTAssertEqual(scanner.classify("13812345678"), .cnMobile)
    }

    func testURLUserinfoIsNotAnEmail() throws {
        // user:password@host and user@host in a URL are credentials, not an address.
        XCTAssertEqual(try found("dsn = mysql://app:S3cr3t@db.internal/x").count, 0)
        XCTAssertEqual(try found("dsn = mysql://app:p4ss!word@db.internal/x").count, 0)
        XCTAssertEqual(try found("repo = ssh://git@gitlab.corp.cn/team/app.git").count, 0)
        // A real address on the same line still is one, also in a URL's query.
        let r = try found("dsn = mysql://app:S3cr3t@db.internal/x owner zhang.wei@corp-mail.cn")
        XCTAssertEqual(r.map(\.0), [.email])
        XCTAssertEqual(r.map(\.1), ["zhang.wei@corp-mail.cn"])
        XCTAssertEqual(try found("https://crm.corp.cn/u?mail=li.na@corp-mail.cn").map(\.1), ["li.na@corp-mail.cn"])
    }

    func testDigitRunsAtEveryOffsetOfTheMaskBlocks() throws {
        // Digit runs are found through 64-byte masks advanced 58 bytes at a time: a value must be
        // found once, whole, wherever it starts or ends relative to those blocks.
        for offset in 0..<140 {
            let pad = String(repeating: " ", count: offset)
            let id = try found(pad + "id 11010519491231002X x")
            XCTAssertEqual(id.map(\.1), ["11010519491231002X"], "offset \(offset)")
            let grouped = try found(pad + "card 4532 0151 1283 0366 x")
            XCTAssertEqual(grouped.map(\.1), ["4532 0151 1283 0366"], "offset \(offset)")
            // A longer run ending in four digits before a space is not a group of four.
            XCTAssertEqual(try found(pad + "card 04532 0151 1283 0366 x").map(\.1), [], "offset \(offset)")
        }
    }

    /// The kinds a digit run is tried as, and the token lengths `digitRunLengths` says they can have.
    static let digitRunKinds: [PIIKind] = PIIPatterns.all.first { if case .digitRun = $0.extent { return true } else { return false } }!.kinds

    /// `digitRunLengths` claims each validator refuses tokens of other lengths: tokens of every
    /// other length, built from valid values and from the prefixes the validators look for, are
    /// refused; and the generator's valid values have a claimed length.
    func testDigitRunLengthsCoverEveryLengthAValidatorAccepts() {
        var pii = SyntheticPII(seed: 3)
        var rng = SystemRandomNumberGenerator()
        let prefixes = ["", "86", "0086", "E", "EA", "G", "D", "DE", "S", "P", "C", "CA", "W", "H", "M", "L",
                        "62", "9558", "4", "51", "2221", "34", "37", "3528", "6011", "65", "644", "36", "300", "35", "91"]
        for kind in Self.digitRunKinds {
            let lengths = PIIValidators.digitRunLengths(kind)
            var tokens: [String] = []
            for _ in 0..<20 {
                let valid = pii.value(kind)
                XCTAssertNotEqual(lengths >> UInt32(valid.utf8.count) & 1, 0, "\(kind) \(valid)")
                for n in 8...19 {
                    tokens.append(String((valid + String(repeating: "7", count: 19)).prefix(n)))
                    tokens.append(String((String(repeating: "1", count: 19) + valid).suffix(n)))
                }
            }
            for n in 8...19 where lengths >> UInt32(n) & 1 == 0 {
                for prefix in prefixes where prefix.count < n {
                    for _ in 0..<10 {
                        let body = prefix + (0..<(n - prefix.count)).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
                        // With each last character, so checksums (Luhn, ID check digit) pass for one of them.
                        for last in "0123456789X" { tokens.append(String(body.dropLast()) + String(last)) }
                    }
                }
            }
            for t in tokens where lengths >> UInt32(t.utf8.count) & 1 == 0 {
                XCTAssertNil(PIIValidators.confidence(kind, t), "\(kind) accepts \(t.utf8.count) bytes: \(t)")
            }
        }
    }

    /// Digit runs no asked kind can be are not candidates at all (when only ID and card numbers
    /// are asked, phone numbers are skipped), and what is found does not change.
    func testDigitRunsOfLengthsNoAskedKindHasAreNotCandidates() throws {
        var pii = SyntheticPII(seed: 5)
        var text = ""
        var ids: [String] = [], cards: [String] = []
        for i in 0..<50 {
            ids.append(pii.value(.cnIDCard)); cards.append(pii.value(.bankCard))
            text += "\(i) 手机 \(pii.value(.cnMobile)) 身份证 \(ids[i]) 卡号 \(cards[i]) 订单 2024061512\n"
        }
        let narrow = try PIIMatcher(kinds: [.cnIDCard, .bankCard]).makeScanner()
        let bytes = Array(text.utf8)
        let found = try bytes.withUnsafeBytes { try narrow.matches(in: $0) }
        XCTAssertEqual(found.map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) }, zip(ids, cards).flatMap { [$0, $1] })
        // Only the IDs and cards were candidates: no phone number, no 10-digit order number.
        XCTAssertEqual(narrow.collector.pointee.candidates.count, 100)
        XCTAssertEqual(narrow.collector.pointee.digitRunTokenLengths, 1 << 16 | 1 << 17 | 1 << 18 | 1 << 19)

        // With every kind, the phone numbers are candidates and found too.
        let all = try PIIMatcher().makeScanner()
        let everything = try bytes.withUnsafeBytes { try all.matches(in: $0) }
        XCTAssertEqual(everything.filter { $0.kind == .cnMobile }.count, 50)
        XCTAssertEqual(everything.filter { $0.kind != .cnMobile }.map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) },
                       zip(ids, cards).flatMap { [$0, $1] })
    }

    func testEmailAddressesFromTheirAtSign() throws {
        // The domain label before the first dot: 1 to 63 letters, digits or hyphens.
        let label63 = String(repeating: "a", count: 63)
        XCTAssertEqual(try found("mail li@\(label63).cn x").map(\.1), ["li@\(label63).cn"])
        XCTAssertEqual(try found("mail li@a\(label63).cn x").map(\.1), [])
        XCTAssertEqual(try found("mail li@corp.c x").map(\.1), [], "a one-letter top-level domain")
        XCTAssertEqual(try found("mail li@.cn x").map(\.1), [], "an empty label")
        XCTAssertEqual(try found("mail li@corp").map(\.1), [], "the buffer ends inside the address")
        XCTAssertEqual(try found("trailing @").map(\.1), [])
        // '@' anywhere relative to the 64-byte blocks of the search.
        for offset in 0..<140 {
            let pad = String(repeating: " ", count: offset)
            XCTAssertEqual(try found(pad + "zhang.wei@corp-mail.cn x").map(\.1), ["zhang.wei@corp-mail.cn"], "offset \(offset)")
        }
    }
}
