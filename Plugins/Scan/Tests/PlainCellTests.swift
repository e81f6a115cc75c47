import DSToolCore
import DSToolKit
@testable import DSToolScan
import XCTest

/// Plain number cells are classified apart from the Hyperscan pass; the verdicts must be the
/// ones the full pass gives, and the shortcut must switch itself off when a rule could match
/// inside such a cell.
final class PlainCellTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        ScanTestCache.install()
    }

    static let digitsOrX = PlainCell.alphabet

    func testPatternAlphabetAnswers() {
        func may(_ p: String, _ flags: UInt32 = 0) -> Bool { PatternAlphabet.mayMatch(p, flags: flags, within: Self.digitsOrX) }
        XCTAssertTrue(may(#"\d{16}"#))
        XCTAssertTrue(may(#"[0-9]+"#))
        XCTAssertTrue(may(#"(?i)x{3}"#))
        XCTAssertTrue(may("X"))
        XCTAssertTrue(may(#"\D{4}"#))                 // X is not a digit
        XCTAssertTrue(may(#"[^a-z]{8}"#))
        XCTAssertTrue(may(#"(?:abc|\d{3})"#))
        XCTAssertTrue(may(#"abc?|7"#))
        XCTAssertTrue(may(#"\b\d{8,10}(?::AA)?"#))
        XCTAssertTrue(may(#"[\x30-\x39]{4}"#))
        XCTAssertTrue(may(#"\x{58}1"#))
        XCTAssertTrue(may("x1", HSFlag.caseless))
        XCTAssertTrue(may("(?i:X)9"))
        XCTAssertTrue(may(".{5}"))
        XCTAssertTrue(may(#"\p{N}{4}"#))              // not understood: may match
        XCTAssertTrue(may(#"(\d)\1"#))                 // a back-reference: not understood
        XCTAssertTrue(may(#"[[:digit:]]{3}"#))
        XCTAssertFalse(may(#"\bSK[0-9a-f]{32}\b"#))
        XCTAssertFalse(may(#"\s-p[^\s\-"\'$]{4}"#))
        XCTAssertFalse(may(#"(?i)\b(?:password|pwd)=[^;\n"\'$]{4}"#))
        XCTAssertFalse(may(#"\b\d{8,10}:AA[A-Za-z0-9_-]{33}"#))
        XCTAssertFalse(may(#"[^0-9Xx]"#))
        XCTAssertFalse(may(#"(?i)[^0-9x]"#))           // caseless: X is excluded too
        XCTAssertFalse(may("(?i)y"))
        XCTAssertFalse(may("(?i:a)1"))
        XCTAssertFalse(may("(?:姓名|名字)[\\x{4e00}-\\x{9fa5}]{2}", HSFlag.utf8))
        XCTAssertFalse(may(#"\x{4e00}"#))
        XCTAssertFalse(may("a{2}"))
        XCTAssertTrue(may("a{0}1"))
        XCTAssertTrue(may("a?1"))
        XCTAssertTrue(may("(unclosed"))               // does not parse: may match
    }

    /// The fewest decimal points a match over digits and points needs: a sum along a sequence,
    /// the least of alternatives, times a quantifier's minimum, nothing for optional parts and
    /// assertions, nil when nothing over the alphabet matches, 0 when not understood.
    func testPatternAlphabetCountsTheFewestPoints() {
        let alphabet = ByteClass("0-9."), point = ByteClass(".")
        func fewest(_ p: String, _ flags: UInt32 = 0) -> Int? { PatternAlphabet.fewest(of: point, in: p, flags: flags, within: alphabet) }
        XCTAssertEqual(fewest(#"\.\d{1,3}\.\d{1,3}\.\d"#), 3)            // IPv4, anchored on its points
        XCTAssertEqual(fewest(#"\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}"#), 2)  // dotted MAC
        XCTAssertEqual(fewest(#"\d+"#), 0)
        XCTAssertEqual(fewest(#"\d{2}(?:\.\d+)?"#), 0)
        XCTAssertEqual(fewest(#"(?:\.\d){2,}"#), 2)
        XCTAssertEqual(fewest(#"[.,]\d"#), 1)
        XCTAssertEqual(fewest(#"[^0-9]5"#), 1)                           // only the point is not a digit
        XCTAssertEqual(fewest(#"(?:\.|x)\d"#), 1)
        XCTAssertEqual(fewest(#"\.\.|\d"#), 0)
        XCTAssertEqual(fewest(#"(?=\.)\d"#), 0)                          // an assertion counts as met
        XCTAssertEqual(fewest(".{3}"), 0)
        XCTAssertEqual(fewest(#"\Q1.2.\E"#), 2)
        XCTAssertEqual(fewest(#"\p{N}\.\."#), 0)                         // not understood
        XCTAssertNil(fewest(#"-\d{4}-\d{4}"#))
        XCTAssertNil(fewest(#"(?i)password\s*=\s*\S{8}"#))
        XCTAssertEqual(fewest("A.B", HSFlag.caseless), nil)
        // The built-in rules leave such cells out; a user rule matching one point turns it off.
        let builtIn = try! CompiledRuleSet(secretRules: RuleRegistry.all, piiKinds: Set(PIIKind.allCases))
        XCTAssertTrue(StructuredScanner.decimalsHoldNothing(builtIn))
        XCTAssertEqual(StructuredScanner.plainCellClassifier(builtIn)?.decimalsHoldNothing, true)
        var amount = RuleRegistry.all[0]
        amount.id = "amount"
        amount.pattern = #"\b\d{5}\.\d{2}\b"#
        XCTAssertFalse(StructuredScanner.decimalsHoldNothing(try! CompiledRuleSet(secretRules: RuleRegistry.all + [amount], piiKinds: [.cnIDCard])))
        amount.pattern = #"\b\d{3}\.\d{3}\.\d{3}\b"#
        XCTAssertTrue(StructuredScanner.decimalsHoldNothing(try! CompiledRuleSet(secretRules: RuleRegistry.all + [amount], piiKinds: [.cnIDCard])))
    }

    /// Cells of digits with one decimal point and no seven digits in a row are only counted; the
    /// findings are the full path's (off: a user rule that could match digits), cell for cell:
    /// amounts, points first or last, seven digits or more before or after the point (ID and
    /// card numbers there are found), two or three points (IP addresses, dotted MAC addresses),
    /// signs, spaces, quotes, in columns whose name raises IP confidence, one and two jobs.
    func testDecimalCellsGiveTheFullPathsFindings() throws {
        var g = SyntheticPII(seed: 48)
        var csv = "id,amount,ip,mixed\n"
        for i in 0..<5_000 {
            let amount: String
            switch i % 9 {
            case 0: amount = "\(g.digits(5)).\(g.digits(2))"
            case 1: amount = ".\(g.digits(3))"
            case 2: amount = "\(g.digits(4))."
            case 3: amount = "\(g.idCard()).5"
            case 4: amount = "0.\(g.value(.bankCard))"
            case 5: amount = "-\(g.digits(3)).\(g.digits(2))"
            case 6: amount = "\"\(g.digits(6)).\(g.digits(1))\""
            case 7: amount = " \(g.digits(2)).\(g.digits(2))"
            default: amount = "\(g.digits(6)).\(g.digits(6))"
            }
            let ip = i % 3 == 0 ? "10.\(i % 200).\(i % 7).\(i % 250 + 1)" : (i % 3 == 1 ? "\(g.digits(4)).\(g.digits(4)).\(g.digits(4))" : "\(g.digits(3)).\(g.digits(1))")
            let mixed = i % 4 == 0 ? g.idCard() : (i % 4 == 1 ? "\(g.digits(2)).\(g.digits(3))" : (i % 4 == 2 ? g.value(.cnMobile) + ".0" : "1.2.3"))
            csv += "\(i),\(amount),\(ip),\(mixed)\n"
        }
        let dir = try TempDir()
        let path = try dir.file("d.csv", csv)
        let rules = try dir.file("digits.yaml", Self.ninesRule)
        for args in [["--per-value"], []] {
            let off = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", "1", "--rules", rules, path] + args)
            for jobs in ["1", "2"] {
                let on = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", jobs, path] + args)
                XCTAssertEqual(on.findings.map(Self.key), off.findings.map(Self.key), "\(args) jobs \(jobs)")
            }
            XCTAssertTrue(off.findings.contains { $0.location.columnName == "ip" && $0.ruleId == "pii.ipv4" }, "\(args)")
            XCTAssertTrue(off.findings.contains { $0.location.columnName == "amount" && $0.ruleId == "pii.cn_id_card" }, "\(args)")
        }
        let r = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", "1", path])
        let ids = try XCTUnwrap(r.findings.first { $0.location.columnName == "mixed" && $0.ruleId == "pii.cn_id_card" })
        XCTAssertEqual(ids.properties?["values"]?.intValue, 5_000)
    }

    /// Every built-in rule and personal-data pattern needs a byte outside digits and X, so the
    /// shortcut is on by default; a user rule that matches digits turns it off.
    func testBuiltInRulesLeavePlainCellsOut() throws {
        let builtIn = try CompiledRuleSet(secretRules: RuleRegistry.all, piiKinds: Set(PIIKind.allCases))
        XCTAssertNotNil(StructuredScanner.plainCellClassifier(builtIn))
        var digits = RuleRegistry.all[0]
        digits.id = "nines"
        digits.pattern = #"\b9{12}\b"#
        let withDigits = try CompiledRuleSet(secretRules: RuleRegistry.all + [digits], piiKinds: Set(PIIKind.allCases))
        XCTAssertNil(StructuredScanner.plainCellClassifier(withDigits))
    }

    /// The classifier's verdict on a plain value is the hit the full pass finds on the value
    /// alone on its line (as in a batch): the same kind and confidence, or nothing.
    func testClassifierAgreesWithTheFullPass() throws {
        let rules = try CompiledRuleSet(secretRules: RuleRegistry.all, piiKinds: Set(PIIKind.allCases))
        let classifier = try XCTUnwrap(StructuredScanner.plainCellClassifier(rules))
        let scanner = try WindowScanner(rules: rules, minimumConfidence: 0)
        var g = SyntheticPII(seed: 5)
        var values: [String] = []
        for kind in [PIIKind.cnIDCard, .cnIDCard15, .cnMobile, .bankCard, .creditCard, .imei] {
            for _ in 0..<60 { values.append(g.value(kind)) }
        }
        for _ in 0..<40 {
            let id = g.idCard()
            values.append(String(id.dropLast()) + "X")
            values.append(String(id.dropLast()) + "x")
            values.append("86" + g.value(.cnMobile))
        }
        for length in 1...24 {
            for _ in 0..<40 { values.append(g.digits(length)) }
            values.append(g.digits(max(0, length - 1)) + "X")
        }
        values += ["9558" + g.digits(15), "6222021234567890123", "4111111111111111", "12345678", "0000000000000000000"]
        var checked = 0
        for v in values where PlainCell.isPlain(Array(v.utf8), v.utf8.count) {
            let buffer = Array(("0\n" + v + "\n1").utf8)
            var hits: [ScanHit] = []
            try buffer.withUnsafeBufferPointer { try scanner.scan($0, continuesBefore: false, continuesAfter: false, ownStart: 0, into: &hits) }
            let full = hits.first.flatMap { h -> (PIIKind, Double)? in
                if case .pii(let k) = h.what { return (k, h.confidence) }
                return nil
            }
            let fast = Array(v.utf8).withUnsafeBufferPointer { classifier.classify($0, .shared) }
            XCTAssertEqual(hits.count <= 1, true, v)
            XCTAssertEqual(fast?.kind, full?.0, v)
            XCTAssertEqual(fast?.confidence, full?.1, v)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 1000)
    }

    /// The classifier asks the shape's first kind before its loop and returns at once when no
    /// later kind can beat that verdict; `classify(_:shape:_:)` (the CSV sorter's, with the shape
    /// from `valueShape`) and `classify(_:_:)` give what asking every kind the shape lets take
    /// the value gives: the highest confidence, the earlier kind on a tie. Plain values of every
    /// length 1...24 and 63...65, ending in X or x or not, real ID, phone and card numbers, ID
    /// numbers with a county code not in the table (0.8: a later kind is asked), and the rule
    /// sets of one kind, two kinds and all kinds.
    func testClassifierShortcutAgreesWithAskingEveryKind() throws {
        var g = SyntheticPII(seed: 66)
        var values: [String] = []
        for kind in [PIIKind.cnIDCard, .cnIDCard15, .cnMobile, .bankCard, .creditCard, .imei, .cnUSCC] {
            for _ in 0..<40 { values.append(g.value(kind)) }
        }
        for _ in 0..<40 {
            let first17 = "110199" + g.digits(11)
            values.append(first17 + String(CNIDCard.checkCharacter(first17: first17)!))
            values.append("86" + g.value(.cnMobile))
        }
        for length in Array(1...24) + [63, 64, 65] {
            for _ in 0..<20 { values.append(g.digits(length)) }
            values.append(g.digits(length - 1) + "X")
            values.append(g.digits(length - 1) + "x")
        }
        for kinds: Set<PIIKind> in [[.cnIDCard], [.bankCard, .creditCard], [.cnMobile, .imei, .cnIDCard15], Set(PIIKind.allCases)] {
            let rules = try CompiledRuleSet(secretRules: RuleRegistry.all, piiKinds: kinds)
            let classifier = try XCTUnwrap(StructuredScanner.plainCellClassifier(rules))
            var hits = 0
            for v in values where PlainCell.isPlain(Array(v.utf8), v.utf8.count) {
                let b = Array(v.utf8), n = b.count, endsInX = b[n - 1] | 0x20 == 120
                var expected: (PIIKind, Double)?
                if n >= 8 && n <= 19 && n - (endsInX ? 1 : 0) >= 7 {
                    for kind in classifier.kinds where PlainCellClassifier.mayAccept(kind, length: n, endsInX: endsInX) {
                        if let c = PIIValidators.confidence(kind, v), c > (expected?.1 ?? -1) { expected = (kind, c) }
                    }
                }
                let whole = b.withUnsafeBufferPointer { classifier.classify($0, .shared) }
                let shape = classifier.valueShape(length: n, endsInX: endsInX)
                XCTAssertEqual(shape >= 0, classifier.mayHoldValue(length: n, endsInX: endsInX), v)
                let shaped = shape < 0 ? nil : b.withUnsafeBufferPointer { classifier.classify($0, shape: shape, .shared) }
                XCTAssertEqual(whole?.kind, expected?.0, "\(v) \(kinds)")
                XCTAssertEqual(whole?.confidence, expected?.1, "\(v) \(kinds)")
                XCTAssertEqual(shaped?.kind, expected?.0, "\(v) \(kinds)")
                XCTAssertEqual(shaped?.confidence, expected?.1, "\(v) \(kinds)")
                if expected != nil { hits += 1 }
            }
            XCTAssertGreaterThan(hits, 30, "\(kinds)")
        }
    }

    func testIsPlain() {
        func plain(_ s: String) -> Bool { PlainCell.isPlain(Array(s.utf8), s.utf8.count) }
        XCTAssertTrue(plain("0"))
        XCTAssertTrue(plain("11010519491231002X"))
        XCTAssertTrue(plain("11010519491231002x"))
        XCTAssertTrue(plain("123456789012345678901234567890"))
        XCTAssertFalse(plain(""))
        XCTAssertTrue(plain("X"))
        XCTAssertTrue(plain("1X"))
        XCTAssertFalse(plain("1X1"))
        XCTAssertFalse(plain("12345678901234567890123456789a"))
        XCTAssertFalse(plain("1234567890123456789.5"))
        XCTAssertFalse(plain("-12345678"))
        XCTAssertFalse(plain("１２３"))
    }

    /// The same table with the shortcut on (built-in rules) and off (a user rule that could
    /// match digits) gives the same findings, per column and per value, on one and two jobs.
    func testTablesGiveTheSameFindingsWithAndWithoutTheShortcut() throws {
        let dir = try TempDir()
        var g = SyntheticPII(seed: 41)
        var csv = "id,name,id_no,mobile,card,imei,amount,mixed\n"
        for i in 0..<3_000 {
            let id = i % 7 == 0 ? String(g.idCard().dropLast()) + "X" : g.idCard()
            let mixed = i % 3 == 0 ? g.value(.cnMobile) : (i % 3 == 1 ? "手机 \(g.value(.cnMobile))" : g.digits(12))
            csv += "\(i),\(g.name()),\(id),\(i % 11 == 0 ? g.digits(11) : g.value(.cnMobile)),\(g.value(.bankCard)),\(g.value(.imei)),\(g.digits(5)).\(g.digits(2)),\(mixed)\n"
        }
        let path = try dir.file("t.csv", csv)
        var jsonl = ""
        for i in 0..<200 { jsonl += "{\"id\":\(i),\"phone\":\"\(g.value(.cnMobile))\",\"card\":\(g.value(.bankCard)),\"note\":\"x\"}\n" }
        let jsonlPath = try dir.file("t.jsonl", jsonl)
        let rules = try dir.file("digits.yaml", Self.ninesRule)
        for args in [["--per-value"], []] {
            let on = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", "1", path, jsonlPath] + args)
            let off = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", "1", "--rules", rules, path, jsonlPath] + args)
            let two = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", "2", path, jsonlPath] + args)
            XCTAssertGreaterThan(on.findings.count, 5)
            XCTAssertEqual(on.findings.map(Self.key), off.findings.map(Self.key))
            XCTAssertEqual(on.findings.map(Self.key), two.findings.map(Self.key))
        }
        let r = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", path])
        let ids = try XCTUnwrap(r.findings.first { $0.location.columnName == "id_no" && $0.ruleId == "pii.cn_id_card" })
        // Every ID number, those ending in X included (a few with an X replacing the check digit
        // are still valid by chance).
        XCTAssertGreaterThan(ids.properties?["matched"]?.intValue ?? 0, 3_000 * 6 / 7)
    }

    /// With only the digit-run search selected (`--only pii.cn_id_card`), a cell that is not a
    /// plain number and has no seven digits in a row is only counted as a value; the findings
    /// are those of the full path (off: a secret rule in the selection), cell for cell.
    func testDigitRunOnlySelectionGivesTheFullPathsFindings() throws {
        XCTAssertEqual(StructuredScanner.plainCellClassifier(try CompiledRuleSet(secretRules: [], piiKinds: [.cnIDCard]))?.digitRunsOnly, true)
        XCTAssertEqual(StructuredScanner.plainCellClassifier(try CompiledRuleSet(secretRules: [], piiKinds: [.cnIDCard, .bankCard]))?.digitRunsOnly,
                       false)   // grouped card numbers are searched too
        XCTAssertEqual(StructuredScanner.plainCellClassifier(try CompiledRuleSet(secretRules: [RuleRegistry.all[0]], piiKinds: [.cnIDCard]))?
            .digitRunsOnly, false)
        XCTAssertEqual(PlainCell.hasDigitRun(Array("ab1234567".utf8), 9), true)
        XCTAssertEqual(PlainCell.hasDigitRun(Array("123456.1234567".utf8), 14), true)
        XCTAssertEqual(PlainCell.hasDigitRun(Array("123456.123456".utf8), 13), false)
        XCTAssertEqual(PlainCell.hasDigitRun(Array("".utf8), 0), false)

        let dir = try TempDir()
        var g = SyntheticPII(seed: 43)
        var csv = "id,name,id_no,note,amount\n"
        let rows = 4_000
        for i in 0..<rows {
            let note: String
            switch i % 5 {
            case 0: note = "身份证 \(g.idCard())"                  // a value inside text, with a context word
            case 1: note = "no. \(g.digits(6))"                    // six digits: no candidate
            case 2: note = "编号\(g.digits(9))"                     // a run, but no ID number
            case 3: note = "\"quoted, \(g.idCard())\""            // quoted: the cell is opened and closed
            default: note = i % 2 == 0 ? " " : "x\(g.idCard())"   // blank (no value); a letter before the number
            }
            csv += "\(i),\(g.name()),\(g.idCard()),\(note),\(g.digits(5)).\(g.digits(2))\n"
        }
        let path = try dir.file("t.csv", csv)
        let rules = try dir.file("digits.yaml", Self.ninesRule)
        for args in [["--per-value"], []] {
            let on = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", "1", "--only", "pii.cn_id_card", path] + args)
            let off = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", "1", "--only", "pii.cn_id_card,nines",
                                                          "--rules", rules, path] + args)
            let two = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", "2", "--only", "pii.cn_id_card", path] + args)
            XCTAssertEqual(on.findings.map(Self.key), off.findings.map(Self.key))
            XCTAssertEqual(on.findings.map(Self.key), two.findings.map(Self.key))
            let columns = on.findings.filter { $0.properties?["scope"]?.stringValue == "column" }
            XCTAssertEqual(columns.map { $0.location.columnName ?? "" }, ["id_no", "note"])
            // id_no: every row; note: the ID numbers in text (rows 0 and 3 of five) of the values
            // that are not blank (four rows of five, and every other fifth row).
            XCTAssertEqual(columns.map { $0.properties?["matched"]?.intValue ?? -1 }, [Int64(rows), Int64(rows / 5 * 2)])
            XCTAssertEqual(columns.map { $0.properties?["values"]?.intValue ?? -1 }, [Int64(rows), Int64(rows / 5 * 4 + rows / 10)])
            if args.isEmpty { XCTAssertEqual(on.findings.count, 2) } else { XCTAssertEqual(on.findings.count, 2 + rows + rows / 5 * 2) }
        }
    }

    /// Unquoted cells are sorted by the splitter's digit bits (plain number, no digit run, or
    /// searched) instead of their bytes; the findings are the full path's (off: a user rule that
    /// could match digits), cell for cell and byte for byte, whatever is around the numbers:
    /// quotes, CRLF, spaces to trim, X at the end or inside, digits with the high bit set or next
    /// to invalid UTF-8, cells of 1 to 70 digits, a 100,000-digit cell, cells across the
    /// splitter's 4 KiB blocks (rows of every length) — in UTF-8 and in GB18030 (raw offsets
    /// looked up per byte).
    /// The sorter's classify with the shape it knows, its run check before the recordless check,
    /// and memo cells whose bytes it adds up itself give the full path's findings: columns whose
    /// kind holds for long runs and then changes (an ID number with a county not in the table,
    /// 0.8, where a later kind is asked; a phone number in the ID column), cells of 63, 64 and 65
    /// digits, 18 digits ending in X that fail, quoted numbers, a CR before the newline,
    /// non-UTF-8 bytes beside digits, and names and cities the memo counts.
    func testSortedCellsWithChangingKindsGiveTheFullPathsFindings() throws {
        var g = SyntheticPII(seed: 67)
        var rows: [[UInt8]] = [Array("id,name,id_no,mobile,card,city\n".utf8)]
        let cities = ["北京", "上海", "深圳", "杭州"]
        for i in 0..<3_000 {
            let first17 = "110199" + String(1950 + i % 60) + "0101" + g.digits(3)
            let retired = first17 + String(CNIDCard.checkCharacter(first17: first17)!)
            var id: [UInt8]
            switch (i / 50) % 9 {
            case 0, 1, 2: id = Array(g.idCard().utf8)
            case 3: id = Array(retired.utf8)
            case 4: id = Array(g.value(.cnMobile).utf8)
            case 5: id = Array(g.digits(63 + i % 3).utf8)
            case 6: id = Array((g.digits(17) + (i % 2 == 0 ? "X" : "x")).utf8)
            case 7: id = i % 3 == 0 ? Array("\"\(g.idCard())\"".utf8) : i % 3 == 1 ? Array(g.idCard().utf8) + [13] : [0xFF] + Array(g.idCard().utf8)
            default: id = i % 2 == 0 ? Array(g.idCard().utf8) : Array(retired.utf8)
            }
            let card = i % 7 == 0 ? Array(g.digits(19).utf8) : Array(g.value(.bankCard).utf8)
            let mobile = i % 11 == 0 ? Array(g.value(.cnIDCard).utf8) : Array(g.value(.cnMobile).utf8)
            let city = i % 13 == 0 ? [0xE5, 0xBC] + Array(cities[i % 4].utf8) : Array(cities[i % 4].utf8)
            let cells: [[UInt8]] = [Array(String(i).utf8), Array(g.name().utf8), id, mobile, card, city]
            rows.append(Array(cells.joined(separator: [44])) + (i % 5 == 0 ? [13, 10] : [10]))
        }
        let dir = try TempDir()
        let rules = try dir.file("digits.yaml", Self.ninesRule)
        let path = try dir.file("t.csv", Data(rows.joined()))
        for (only, off) in [([String](), ["--rules", rules]), (["--only", "pii.cn_id_card"], ["--only", "pii.cn_id_card,nines", "--rules", rules])] {
            for args in [["--per-value"], []] {
                let on = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", "1"] + only + [path] + args)
                let full = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", "1"] + off + [path] + args)
                XCTAssertTrue(on.errors.isEmpty, "\(on.errors)")
                XCTAssertEqual(on.findings.map(Self.key), full.findings.map(Self.key), "\(only) \(args)")
                XCTAssertTrue(on.findings.contains { $0.location.columnName == "id_no" && $0.ruleId == "pii.cn_id_card" }, "\(only) \(args)")
                if only.isEmpty {
                    XCTAssertTrue(on.findings.contains { $0.location.columnName == "card" && $0.ruleId == "pii.bank_card" }, "\(args)")
                    XCTAssertTrue(on.findings.contains { $0.location.columnName == "id_no" && $0.ruleId == "pii.cn_mobile" }, "\(args)")
                }
            }
        }
    }

    func testCellsSortedByDigitBitsGiveTheFullPathsFindings() throws {
        var g = SyntheticPII(seed: 44)
        var rows: [[UInt8]] = [Array("id,a,b,c,d\r\n".utf8)]
        let invalid: [[UInt8]] = [[0xFF], [0xB1, 0xB2], [0xE5, 0xBC]]
        for i in 0..<2_500 {
            var cells: [[UInt8]] = [Array(String(i).utf8)]
            for column in 0..<4 {
                let id = g.idCard()
                let cell: String
                switch (i * 4 + column) % 19 {
                case 0: cell = id
                case 1: cell = String(id.dropLast()) + "X"
                case 2: cell = " \(id)"
                case 3: cell = "\(id) "
                case 4: cell = "\"\(id)\""
                case 5: cell = g.digits(1 + (i % 70))
                case 6: cell = "x\(id)"
                case 7: cell = "\(id)x1"
                case 8: cell = "身份证\(id)"
                case 9: cell = "\(g.digits(6)).\(g.digits(6))"
                case 10: cell = "编号\(g.digits(7))"
                case 11: cell = ""
                case 12: cell = g.name()
                case 13: cell = g.value(.cnMobile)
                case 14: cell = g.value(.bankCard)
                case 15: cell = String(repeating: "p", count: i % 61) + id
                case 16: cell = "\t"
                case 17: cell = id + String(repeating: "9", count: i % 3)
                default: cell = g.value(.cnIDCard15)
                }
                var bytes = Array(cell.utf8)
                if column == 3 && i % 97 == 0 { bytes = invalid[i % 3] + bytes + invalid[(i + 1) % 3] }
                if column == 2 && i % 89 == 0 { bytes = [0xB3, 0xB1] + bytes }   // "digits" with the high bit set
                cells.append(bytes)
            }
            if i == 1_234 { cells[4] = Array((String(repeating: "7", count: 100_000) + g.idCard()).utf8) }
            rows.append(Array(cells.joined(separator: [44])) + (i % 2 == 0 ? [13, 10] : [10]))
        }
        let utf8 = Array(rows.joined())
        let text = String(decoding: utf8, as: UTF8.self)   // the invalid bytes become U+FFFD
        let gb18030 = Array(text.data(using: String.Encoding(rawValue: 0x8000_0632))!)
        let dir = try TempDir()
        let rules = try dir.file("digits.yaml", Self.ninesRule)
        for (name, bytes) in [("u.csv", utf8), ("g.csv", gb18030)] {
            let path = try dir.file(name, Data(bytes))
            for only in [["--only", "pii.cn_id_card"], []] {
                let off = only.isEmpty ? ["--rules", rules] : ["--only", "pii.cn_id_card,nines", "--rules", rules]
                for args in [["--per-value"], []] {
                    let on = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", "1"] + only + [path] + args)
                    let full = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", "1"] + off + [path] + args)
                    XCTAssertTrue(on.errors.isEmpty, "\(on.errors)")
                    XCTAssertEqual(on.findings.map(Self.key), full.findings.map(Self.key), "\(name) \(only) \(args)")
                    let columns = on.findings.filter { $0.properties?["scope"]?.stringValue == "column" && $0.ruleId == "pii.cn_id_card" }
                    XCTAssertEqual(columns.map { $0.location.columnName ?? "" }.sorted(), ["a", "b", "c", "d"], "\(name) \(only) \(args)")
                    // Every value reported is at its raw offset in the file (in GB18030 too: a
                    // value after Chinese text in its cell was reported a few bytes off before
                    // the parser anchored decoded cells).
                    for f in on.findings where f.ruleId == "pii.cn_id_card" && f.properties?["scope"]?.stringValue != "column" {
                        let at = Int(f.location.offset ?? -1), length = f.location.length ?? -1
                        XCTAssertTrue(at >= 0 && length == 18 && at + length <= bytes.count, "\(name) \(f.location)")
                        guard at >= 0 && length == 18 && at + length <= bytes.count else { continue }
                        XCTAssertTrue(bytes[at..<at + 18].allSatisfy { ($0 >= 48 && $0 <= 57) || $0 | 0x20 == 120 }, "\(name) \(f.location)")
                    }
                    if !args.isEmpty {
                        XCTAssertGreaterThan(on.findings.count, 2_000, "\(name) \(only)")
                    }
                }
            }
        }
    }

    /// A plain hit whose column already counted one of its kind in the batch is only added up
    /// (no record, no bytes kept). The findings are the full path's (off: a user rule that could
    /// match digits), confidence sums to the last bit: hits of 0.8 and 0.95 (ID numbers of
    /// retired counties) and of 0.8 and 0.85 (mobile numbers with 86 before them) in one column,
    /// mixed with the same kinds found by Hyperscan in text with a context word, in columns
    /// whose name raises confidence or not, under --min-confidence floors that drop a column's
    /// first hits or all its unraised ones, over two batches; and JSON lines taken back when
    /// they turn out not to be JSON after their numbers were classified.
    func testRecordlessPlainHitsGiveTheFullPathsFindings() throws {
        var g = SyntheticPII(seed: 45)
        func retiredCountyID() -> String {
            let id = g.idCard()
            let first17 = String(id.prefix(4)) + "99" + String(id.dropFirst(6).prefix(11))
            return first17 + String(CNIDCard.checkCharacter(first17: first17)!)
        }
        XCTAssertEqual(DivisionCodes.validate(digits: Array(retiredCountyID().utf8).prefix(6)), .provinceOnly)
        // A long text column makes two batches of a few thousand rows.
        let filler = String(repeating: "abcdefghij", count: 20)
        var csv = "id,手机,x,mixed,text\n"
        for i in 0..<6_000 {
            let phone = i % 5 == 0 ? "86" + g.value(.cnMobile) : g.value(.cnMobile)
            let x = i % 4 == 1 ? retiredCountyID() : (i % 4 == 3 ? phone : g.idCard())
            let mixed: String
            switch i % 6 {
            case 0: mixed = g.value(.cnMobile)
            case 1: mixed = "手机 \(g.value(.cnMobile))"
            case 2: mixed = "86" + g.value(.cnMobile)
            case 3: mixed = "身份证 \(g.idCard())"
            case 4: mixed = retiredCountyID()
            default: mixed = g.idCard()
            }
            csv += "\(i),\(phone),\(x),\(mixed),\(filler)\n"
        }
        var jsonl = ""
        for i in 0..<1_500 {
            // Every seventh line turns out not to be JSON after its values were taken as cells.
            let tail = i % 7 == 3 ? " trailing" : ""
            jsonl += "{\"phone\":\"\(g.value(.cnMobile))\",\"id\":\"\(i % 2 == 0 ? g.idCard() : retiredCountyID())\"}\(tail)\n"
        }
        let dir = try TempDir()
        XCTAssertGreaterThan(csv.utf8.count, CellBatch.capacity + CellBatch.capacity / 4)
        let path = try dir.file("t.csv", csv), jsonlPath = try dir.file("t.jsonl", jsonl)
        let rules = try dir.file("digits.yaml", Self.ninesRule)
        for (minimum, perValue) in [([String](), ["--per-value"]), ([], []), (["--min-confidence", "0.82"], []), (["--min-confidence", "0.9"], [])] {
            let args = ["scan", "--format", "json", path, jsonlPath] + minimum + perValue
            let off = try InProcess.run(ScanPlugin.self, args + ["--jobs", "1", "--rules", rules])
            XCTAssertGreaterThan(off.findings.count, 6, "\(minimum) \(perValue)")
            for jobs in perValue.isEmpty ? ["1", "2"] : ["1"] {
                let on = try InProcess.run(ScanPlugin.self, args + ["--jobs", jobs])
                XCTAssertEqual(on.findings.map(Self.key), off.findings.map(Self.key), "\(minimum) \(perValue) jobs \(jobs)")
            }
        }
        let r = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", "1", path])
        let x = r.findings.filter { $0.location.columnName == "x" }
        // Column x: ID numbers of both confidences (three rows of four; a retired county's number
        // that also passes the credit-code check, one in 31, is a credit code), mobile numbers.
        XCTAssertEqual(x.first?.ruleId, "pii.cn_id_card")
        XCTAssertTrue((4_350...4_500).contains(x.first?.properties?["matched"]?.intValue ?? 0), "\(x.map(\.message))")
        XCTAssertTrue(x.contains { $0.ruleId == "pii.cn_mobile" })
    }

    /// A column's plain hits counted without a record are added as runs (one kind and
    /// confidence one after another); the findings are the full path's (off: a user rule that
    /// could match digits), confidence sums to the last bit, when runs end in every way: the
    /// confidence changes (ID numbers of known and retired counties, mobile numbers with and
    /// without 86), the kind changes, a cell of the column is searched (a value in text) or takes
    /// the byte path (quoted, spaces, empty), two columns of one name (one table column: their
    /// hits interleave), rows across the splitter's blocks and three batches, CRLF; with and
    /// without --min-confidence, on one and two jobs.
    func testPlainHitRunsGiveTheFullPathsFindings() throws {
        var g = SyntheticPII(seed: 47)
        func retiredCountyID() -> String {
            let id = g.idCard()
            let first17 = String(id.prefix(4)) + "99" + String(id.dropFirst(6).prefix(11))
            return first17 + String(CNIDCard.checkCharacter(first17: first17)!)
        }
        let filler = String(repeating: "uvwxyzabcd", count: 30)
        var csv = "id,a,phone,a,mixed,text\r\n"
        for i in 0..<9_000 {
            let a: String
            switch (i / 37) % 6 {
            case 0: a = g.idCard()
            case 1: a = i % 3 == 0 ? retiredCountyID() : g.idCard()
            case 2: a = i % 5 == 0 ? "身份证 \(g.idCard())" : g.idCard()
            case 3: a = i % 4 == 0 ? "\"\(g.idCard())\"" : (i % 4 == 1 ? " \(g.idCard())" : (i % 4 == 2 ? "" : retiredCountyID()))
            case 4: a = i % 7 == 0 ? g.value(.cnMobile) : g.idCard()
            default: a = retiredCountyID()
            }
            let phone = (i / 11) % 3 == 0 ? "86" + g.value(.cnMobile) : (i % 9 == 0 ? "86" + g.value(.cnMobile) : g.value(.cnMobile))
            let second = i % 2 == 0 ? retiredCountyID() : g.idCard()
            let mixed = i % 13 == 0 ? "手机 \(g.value(.cnMobile))" : (i % 2 == 0 ? g.value(.bankCard) : g.value(.cnMobile))
            csv += "\(i),\(a),\(phone),\(second),\(mixed),\(filler)\r\n"
        }
        let dir = try TempDir()
        XCTAssertGreaterThan(csv.utf8.count, 2 * CellBatch.capacity)
        let path = try dir.file("runs.csv", csv)
        let rules = try dir.file("digits.yaml", Self.ninesRule)
        for minimum in [[String](), ["--min-confidence", "0.82"], ["--min-confidence", "0.9"]] {
            let args = ["scan", "--format", "json", path] + minimum
            let off = try InProcess.run(ScanPlugin.self, args + ["--jobs", "1", "--rules", rules])
            XCTAssertGreaterThan(off.findings.count, 3, "\(minimum)")
            for jobs in ["1", "2"] {
                let on = try InProcess.run(ScanPlugin.self, args + ["--jobs", jobs])
                XCTAssertEqual(on.findings.map(Self.key), off.findings.map(Self.key), "\(minimum) jobs \(jobs)")
            }
        }
        let r = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", "1", path])
        let a = try XCTUnwrap(r.findings.first { $0.location.columnName == "a" && $0.ruleId == "pii.cn_id_card" })
        // Two columns of ID numbers in every row, less the mobile numbers and the empty cells.
        XCTAssertGreaterThan(a.properties?["matched"]?.intValue ?? 0, 17_000)
        XCTAssertTrue(r.findings.contains { $0.location.columnName == "phone" && $0.ruleId == "pii.cn_mobile" })
    }

    /// Short cells without digits are counted from what the first cell of their value gave:
    /// the findings are the full path's (off: a user rule that could match digits, which also
    /// turns the memo off), on one and two jobs, over three batches: names in a name column,
    /// cities, addresses that are hits and place names that are not, labelled names, e-mail
    /// addresses, short words, cells holding a secret rule's keyword (密码, pass), invalid UTF-8,
    /// the same values in columns of different names.
    func testMemoisedCellsGiveTheFullPathsFindings() throws {
        var g = SyntheticPII(seed: 46)
        let places = ["北京", "上海", "北京市朝阳区建国路", "杭州市西湖区文三路", "深圳", "广东省广州市天河路", "某地"]
        let notes = ["姓名张伟", "联系人：王芳", "ok", "li@example.cn", "密码：abcdefgh", "pass=qwertyu", "备注", "无",
                     "\u{FFFD}", "ab:cd::ef", "N/A"]
        // A long text column makes three batches of a few thousand rows.
        let filler = String(repeating: "klmnopqrst", count: 25)
        var csv = "id,姓名,city,note,place,amount,text\n"
        for i in 0..<8_000 {
            let note = notes[(i * 7 + i / 13) % notes.count]
            csv += "\(i),\(g.name()),\(places[i % places.count]),\(note),\(places[(i / 3) % places.count]),\(g.digits(4)).\(g.digits(2)),\(filler)\n"
        }
        var bytes = Array(csv.utf8)
        // Short cells of invalid UTF-8 too (the memo keys bytes, not characters).
        bytes += Array("8000,张伟,".utf8) + [0xFF, 0xFE] + Array(",ok,北京,1.00,x\n".utf8)
        bytes += Array("8001,王芳,".utf8) + [0xFF, 0xFE] + Array(",ok,北京,1.00,x\n".utf8)
        let dir = try TempDir()
        XCTAssertGreaterThan(bytes.count, 2 * CellBatch.capacity)
        let path = try dir.file("m.csv", Data(bytes))
        let rules = try dir.file("digits.yaml", Self.ninesRule)
        let off = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", "1", "--rules", rules, path])
        XCTAssertGreaterThan(off.findings.count, 4)
        for jobs in ["1", "2"] {
            let on = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--jobs", jobs, path])
            XCTAssertEqual(on.findings.map(Self.key), off.findings.map(Self.key), "jobs \(jobs)")
        }
        let names = off.findings.first { $0.location.columnName == "姓名" }
        XCTAssertEqual(names?.ruleId, "pii.person_name")
        XCTAssertEqual(names?.properties?["matched"]?.intValue, 8_002)
        XCTAssertTrue(off.findings.contains { $0.location.columnName == "city" && $0.ruleId == "pii.address" })
        XCTAssertTrue(off.findings.contains { $0.location.columnName == "note" && $0.ruleId == "pii.person_name" })
    }

    /// The memo is made only when a cell's hits are a function of its bytes: no personal-data
    /// pattern can match a newline, and every secret rule has keywords; a value holding a
    /// keyword is never memoised.
    func testCellMemoIsMadeOnlyWhenExact() throws {
        let builtIn = try CompiledRuleSet(secretRules: RuleRegistry.all, piiKinds: Set(PIIKind.allCases))
        let memo = try XCTUnwrap(CellMemo(rules: builtIn))
        var noKeywords = RuleRegistry.all[0]
        noKeywords.id = "bare"
        noKeywords.keywords = []
        XCTAssertNil(CellMemo(rules: try CompiledRuleSet(secretRules: RuleRegistry.all + [noKeywords], piiKinds: [.cnIDCard])))
        func slot(_ s: String) -> (Int, Bool) { Array(s.utf8).withUnsafeBufferPointer { memo.slot($0.baseAddress!, $0.count) } }
        let first = slot("北京")
        XCTAssertTrue(first.1)
        XCTAssertEqual(memo.states[first.0], CellMemo.firstSeen)
        XCTAssertEqual(slot("北京").0, first.0)
        XCTAssertFalse(slot("北京").1)
        XCTAssertNotEqual(slot("上海").0, first.0)
        XCTAssertEqual(memo.states[slot("密码：abc").0], CellMemo.searched)
        XCTAssertEqual(memo.states[slot("PASSWORD").0], CellMemo.searched)
        // Keys of every length up to 16 bytes tell values apart.
        for n in 1...16 {
            let a = String(repeating: "a", count: n), b = String(repeating: "a", count: n - 1) + "b"
            XCTAssertNotEqual(slot(a).0, slot(b).0, "\(n)")
            if n < 16 { XCTAssertNotEqual(slot(a).0, slot(a + "a").0, "\(n)") }
        }
        func newline(_ p: String, _ flags: UInt32 = 0) -> Bool { CellMemo.mayMatchNewline(p, flags: flags) }
        for p in [#"a\sb"#, #"[^a]"#, #"[\t-\r]"#, #"[\x00-\x7f]"#, #"\x0a"#, #"\x{0A}"#, #"\n"#, #"\cJ"#, #"\012"#, #"\p{Z}"#, "a\nb",
                  #"[[:space:]]"#, #"\S+"#, #"\D"#, #"\W"#, #"\R"#] {
            XCTAssertTrue(newline(p), p)
        }
        XCTAssertTrue(newline("a.b", HSFlag.dotall))
        for p in ["abc", "[a-z]+", #"\d{4}"#, #"[\x{4e00}-\x{9fa5}]{2}"#, "a.b", "[:-]", #"\.\d"#, #"[ \t:：]{0,3}"#, #"\([A-Z]\)"#, "[]a]"] {
            XCTAssertFalse(newline(p), p)
        }
    }

    /// A secret counts for a cell only when its match and keyword lie inside the cell: the
    /// batch joins cells with newlines, which `password\s*:` would read across.
    func testSecretsDoNotSpanCells() throws {
        let dir = try TempDir()
        let path = try dir.file("s.csv", "label,value\npassword:,Xk29fQ7mLp3v\nnote,password: Xk29fQ7mLp3v\n")
        let r = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--per-value", path])
        let secrets = r.findings.filter { $0.category == "secret" && $0.properties?["scope"]?.stringValue != "column" }
        XCTAssertEqual(secrets.map { $0.location.columnName ?? "" }, ["value"])
        XCTAssertEqual(secrets.map { $0.location.row ?? -1 }, [2])
    }

    /// A secret rule that matches nothing in these tables: selecting it turns the fast paths off.
    static let ninesRule = """
    rules:
      - id: nines
        title: {en: Nines, zh: 九}
        category: saas
        severity: low
        keywords: []
        pattern: '\\b9{24}\\b'
    """

    /// Everything a finding says, to compare two runs cell for cell.
    static func key(_ f: Finding) -> String {
        "\(f.ruleId)|\(f.location.columnName ?? "")|\(f.location.row ?? -1)|\(f.location.offset ?? -1)|\(f.location.length ?? -1)|\(f.evidence ?? "")|\(f.confidence ?? -1)|\(f.properties?["matched"]?.intValue ?? -1)|\(f.message?.en ?? "")"
    }
}
