@testable import DSToolKit
import Foundation
import XCTest

/// The check that lets the host pass a plugin's bytes on unchanged: whenever it says "canonical",
/// the bytes must be exactly what decoding and re-encoding would give (the old path), and its
/// kind and severity must be the decoded record's.
final class CanonicalRecordCheckTests: XCTestCase {
    typealias Rng = CanonicalJSONTests.Rng

    /// The property every answer of the check must have.
    func assertSound(_ bytes: [UInt8], _ note: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
        let read = bytes.withUnsafeBytes { CanonicalRecordCheck.decode($0) }
        guard let essentials = bytes.withUnsafeBytes({ CanonicalRecordCheck.essentials($0) }) else {
            XCTAssertNil(read, file: file, line: line)
            return
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let record = try? bytes.withUnsafeBytes({ try RecordDecoder.decode($0) }) else {
            XCTFail("accepted but not decodable: \(text) \(note())", file: file, line: line)
            return
        }
        XCTAssertEqual(essentials, RecordEssentials(record), text, file: file, line: line)
        // The record read along the check is the reader's, field for field and byte for byte.
        XCTAssertEqual(read?.essentials, essentials, text, file: file, line: line)
        XCTAssertEqual(read?.record, record, text, file: file, line: line)
        XCTAssertEqual(try? read?.record.canonicalJSON(), try? record.canonicalJSON(), text, file: file, line: line)
        let again = try? record.canonicalJSON()
        XCTAssertEqual(again, bytes, "accepted but not canonical: \(text) \(note())", file: file, line: line)
    }

    func essentials(_ s: String) -> RecordEssentials? {
        Array(s.utf8).withUnsafeBytes { CanonicalRecordCheck.essentials($0) }
    }

    static let scanFinding = #"{"category":"pii","confidence":0.95,"data_level":"一般","evidence":"4201************90","fingerprint":"59383ee33c26ba4080070c0393939857","location":{"column":11,"input":"dense.txt","length":18,"line":1,"offset":10,"path":"dense.txt"},"properties":{"kind":"cn_id_card","sensitivity":"sensitive"},"references":["个人信息保护法 第二十八条","GB/T 35273-2020 附录B","GB/T 43697-2024"],"rule_id":"pii.cn_id_card","severity":"high","title":{"en":"Resident identity card number","zh":"居民身份证号"},"type":"finding"}"#
    static let cryptoFinding = #"{"category":"crypto-audit","confidence":0.9,"cwe":["CWE-328"],"evidence":"sum14 := md5.Sum(data)\t\"x\"\\","fingerprint":"4860c680751ef0b1ffe2f8c0acbeb484","location":{"chain":["a.tar.gz","b/c.go"],"column":15,"end_line":190,"input":"a.tar.gz!b/c.go","line":189,"offset":3832,"path":"a.tar.gz","row":7,"table":"t","column_name":"c"},"message":{"en":"MD5 in a use of unknown purpose","zh":"在用途不明的场景中使用 MD5"},"properties":{"algorithm":"MD5","classification":"forbidden","layer":"application","n":[1,-2,0.5,true,false,null,{}],"source":"md5.Sum"},"references":["GB/T 39786-2021 5 通用要求"],"remediation":{"en":"Use SM3","zh":"使用 SM3"},"rule_id":"crypto.hash.md5","severity":"medium","title":{"en":"MD5","zh":"MD5"},"type":"finding"}"#

    func testRecordsTheSDKWritesAreRecognised() throws {
        XCTAssertEqual(essentials(Self.scanFinding), RecordEssentials(kind: .finding, severity: .high))
        // column_name after column: the writer's order is byte order ("column" < "column_name").
        let crypto = Self.cryptoFinding.replacingOccurrences(of: #","table":"t","column_name":"c""#, with: #","table":"t""#)
            .replacingOccurrences(of: #""column":15,"#, with: #""column":15,"column_name":"c","#)
        XCTAssertEqual(essentials(crypto), RecordEssentials(kind: .finding, severity: .medium))
        assertSound(Array(crypto.utf8))
        XCTAssertNil(essentials(Self.cryptoFinding), "column_name out of order")
        let error = try ErrorRecord(input: "a.zip!x", reason: "truncated \"entry\"\n", code: "input.read", offset: 12).canonicalJSON()
        XCTAssertEqual(error.withUnsafeBytes { CanonicalRecordCheck.essentials($0) }, RecordEssentials(kind: .error, severity: nil))
        let data = try DataRecord(kind: "summary", text: LocalizedText(en: "a", zh: "乙"),
                                  value: ["rows": 3, "ratio": 0.25, "cols": ["a", "b"], "none": .null]).canonicalJSON()
        XCTAssertEqual(data.withUnsafeBytes { CanonicalRecordCheck.essentials($0) }, RecordEssentials(kind: .data, severity: nil))
        let nullData = try DataRecord(kind: "k", value: .null).canonicalJSON()
        XCTAssertEqual(String(decoding: nullData, as: UTF8.self), #"{"kind":"k","type":"data","value":null}"#)
        XCTAssertEqual(nullData.withUnsafeBytes { CanonicalRecordCheck.essentials($0) }, RecordEssentials(kind: .data, severity: nil))
        for s in Severity.allCases {
            let f = Finding(ruleId: "r", title: LocalizedText("t"), category: "c", severity: s, location: Location(input: "i"))
            XCTAssertEqual(try f.canonicalJSON().withUnsafeBytes { CanonicalRecordCheck.essentials($0) }, RecordEssentials(kind: .finding, severity: s))
        }
        for level in DataLevel.allCases {
            let f = Finding(ruleId: "r", title: LocalizedText("t"), category: "c", severity: .low, dataLevel: level, location: Location(input: "i"))
            XCTAssertNotNil(try f.canonicalJSON().withUnsafeBytes { CanonicalRecordCheck.essentials($0) })
        }
    }

    /// Every canonical form the writer produces for the generated records (every field, Unicode,
    /// escapes, odd doubles) is either recognised correctly or left to the full path.
    func testGeneratedRecordsAreRecognisedOrLeftAlone() throws {
        var r = Rng(state: 20_261_121)
        var recognised = 0
        let n = 4000
        for k in 0..<n {
            let rec = CanonicalJSONTests.record(&r)
            guard let bytes = try? rec.canonicalJSON() else { continue }
            if let e = bytes.withUnsafeBytes({ CanonicalRecordCheck.essentials($0) }) {
                recognised += 1
                XCTAssertEqual(e, RecordEssentials(rec), "record \(k)")
            }
            assertSound(bytes, "record \(k)")
        }
        // Random doubles and keys in properties go the full way; most records do not have them.
        XCTAssertGreaterThan(recognised, n / 3)
    }

    /// Hostile and merely different spellings: whatever the check accepts must be canonical.
    func testMutatedRecordsNeverPassAsCanonical() throws {
        var r = Rng(state: 77)
        var seeds: [[UInt8]] = [Array(Self.scanFinding.utf8), Array(Self.cryptoFinding.utf8)]
        for _ in 0..<300 { if let b = try? CanonicalJSONTests.record(&r).canonicalJSON() { seeds.append(b) } }
        for seed in seeds {
            // Every prefix of a few seeds (truncated records).
            if seeds.firstIndex(of: seed)! < 5 { for cut in 0..<seed.count { assertSound(Array(seed[..<cut])) } }
            for _ in 0..<60 { assertSound(Self.mutated(seed, &r)) }
        }
    }

    /// A record with one random change: a byte replaced, removed or swapped, or a hostile
    /// spelling inserted.
    static func mutated(_ seed: [UInt8], _ r: inout Rng) -> [UInt8] {
        let inserts: [[UInt8]] = [" ", "\\", "\"", ",", "}", "]", "0", "-", ".", "e", "\\u00e9", "\\/", "null", "{}", "\u{0}", "é", "\u{FF}"]
            .map { Array($0.utf8) } + [[0xFF], [0xC3], [0xED, 0xA0, 0x80]]
        var m = seed
        switch r.below(5) {
        case 0: m[r.below(m.count)] = UInt8(truncatingIfNeeded: r.next())
        case 1: m.insert(contentsOf: inserts[r.below(inserts.count)], at: r.below(m.count + 1))
        case 2: m.remove(at: r.below(m.count))
        case 3:
            let a = r.below(m.count), b = r.below(m.count)
            m.swapAt(a, b)
        default:
            let at = r.below(m.count)
            m.replaceSubrange(at..<min(m.count, at + r.below(8)), with: inserts[r.below(inserts.count)])
        }
        return m
    }

    /// With a memo of the values of earlier records (what the host keeps for a run), every answer
    /// is the answer without it: records the SDK writes, again, and mutated so that values share
    /// their start with remembered ones, end early or are damaged after a remembered value; and
    /// repeated values are passed by comparison.
    func testTheValueMemoChangesNoAnswer() throws {
        let memo = CanonicalValueMemo()
        var r = Rng(state: 4242)
        var seeds: [[UInt8]] = [Array(Self.scanFinding.utf8), Array(Self.cryptoFinding.utf8)]
        for _ in 0..<300 { if let b = try? CanonicalJSONTests.record(&r).canonicalJSON() { seeds.append(b) } }
        var accepted = 0
        for seed in seeds {
            var records = [seed, seed]
            for _ in 0..<20 { records.append(Self.mutated(seed, &r)) }
            for cut in stride(from: 0, to: seed.count, by: 7) { records.append(Array(seed[..<cut])) }
            for m in records {
                let with = m.withUnsafeBytes { CanonicalRecordCheck.essentials($0, memo: memo) }
                let without = m.withUnsafeBytes { CanonicalRecordCheck.essentials($0) }
                XCTAssertEqual(with, without, String(decoding: m, as: UTF8.self))
                if with != nil { accepted += 1 }
            }
        }
        XCTAssertGreaterThan(accepted, seeds.count)
        // The second sighting of each finding passes its remembered values by comparison.
        XCTAssertGreaterThan(memo.hits, seeds.count)
    }

    func testOtherSpellingsGoTheFullWay() {
        let base = #"{"category":"c","fingerprint":"f","location":{"input":"i","line":3},"properties":{"a":1,"b":0.5},"rule_id":"r","severity":"low","title":{"en":"e","zh":"z"},"type":"finding"}"#
        XCTAssertNotNil(essentials(base))
        let variants: [(String, String)] = [
            (#""line":3"#, #""line": 3"#), (#""line":3"#, #""line":03"#), (#""line":3"#, #""line":3.0"#),
            (#""line":3"#, #""line":3e0"#), (#""line":3"#, #""line":-0"#), (#""line":3"#, #""line":1234567890123456789"#),
            (#""line":3"#, #""line":null"#), (#""line":3"#, #""line":"3""#), (#""input":"i""#, #""input":"\/""#),
            (#""input":"i""#, #""input":"\u00e9""#), (#""input":"i""#, #""input":"\u001F""#), (#""input":"i""#, #""input":"\u0008""#),
            (#""input":"i""#, #""input":"\u000a""#), (#""input":"i""#, #""input":"\ud83d\ude00""#),
            (#""b":0.5"#, #""b":0.50"#), (#""b":0.5"#, #""b":5e-1"#), (#""b":0.5"#, #""b":-0.5"#), (#""b":0.5"#, #""b":1.5"#),
            (#""b":0.5"#, #""b":0.00001"#), (#""b":0.5"#, #""b":0.1234567890123456"#), (#""a":1,"#, #""c":1,"#),
            (#""a":1,"#, #""b":1,"#), (#""a":1,"#, #""\u0061":1,"#), (#""a":1,"#, #""é":1,"#),
            (#""severity":"low""#, #""severity":"LOW""#), (#""severity":"low""#, #""severity":"lo\u0077""#),
            (#""rule_id":"r""#, #""rule_id":"input.limit.depth""#), (#""type":"finding""#, #""type":"error""#),
            (#""type":"finding""#, #""type":"finding","x":1"#), (#""category":"c","#, #""category":"c","category":"c","#),
            (#""category":"c","#, #""category":"c","evidence":null,"#), (#""category":"c","#, #""category":"c","properties":null,"#),
            (#""title":{"en":"e","zh":"z"}"#, #""title":{"zh":"z","en":"e"}"#), (#""title":{"en":"e","zh":"z"}"#, #""title":{"en":"e"}"#),
            (#""fingerprint":"f","#, ""), (#"{"category""#, "\u{FEFF}{\"category\""), (#""type":"finding"}"#, #""type":"finding",}"#),
            (#""type":"finding"}"#, "\"type\":\"finding\"}\n"), (#""category":"c""#, #""categor\u0079":"c""#),
            // Keys compared name by name with the bytes: a name's prefix, a longer key, no colon.
            (#""rule_id":"r""#, #""rule":"r""#), (#""rule_id":"r""#, #""rule_idx":"r""#), (#""line":3"#, #""lin":3"#),
            (#""line":3"#, #""line"3"#), (#""line":3"#, #""line" :3"#), (#""line":3"#, #""line\":3"#), (#""severity":"low""#, #""Severity":"low""#),
        ]
        for (from, to) in variants {
            let v = base.replacingOccurrences(of: from, with: to)
            XCTAssertNotEqual(v, base, to)
            XCTAssertNil(essentials(v), v)
            assertSound(Array(v.utf8))
        }
        // Nesting beyond what the check follows (the writer allows more): the full way.
        let deep = String(repeating: "[", count: 70) + String(repeating: "]", count: 70)
        XCTAssertNil(essentials(base.replacingOccurrences(of: #""a":1"#, with: #""a":\#(deep)"#)))
        XCTAssertNil(essentials(""))
        XCTAssertNil(essentials("{}"))
    }

    /// Doubles the check accepts without formatting them are written exactly so by the writer.
    func testAcceptedDoublesAreWrittenAsTheyAre() throws {
        var texts: [String] = ["0", "1", "7", "100", "999999", "0.0001", "0.5", "0.95", "0.123456789012345", "0.000123456789012"]
        for digits in 1...4 {
            var v = 1
            for _ in 0..<digits { v *= 10 }
            for k in 1..<v { texts.append("0." + String(repeating: "0", count: digits - String(k).count) + String(k)) }
        }
        var r = Rng(state: 5)
        for _ in 0..<20000 {
            let len = 5 + r.below(11)
            texts.append("0." + String(repeating: "0", count: r.below(4)) + (0..<len).map { _ in String(r.below(10)) }.joined() + String(1 + r.below(9)))
        }
        var accepted = 0
        for t in texts {
            let record = #"{"category":"c","confidence":\#(t),"fingerprint":"f","location":{"input":"i"},"rule_id":"r","severity":"low","title":{"en":"e","zh":"z"},"type":"finding"}"#
            if essentials(record) != nil { accepted += 1 }
            assertSound(Array(record.utf8), t)
        }
        XCTAssertGreaterThan(accepted, texts.count / 2)
    }

    /// Fingerprints and redaction take shortcuts; they must give what the plain formulas gave.
    func testFingerprintAndRedactionAsBefore() {
        func oldFingerprint(_ ruleId: String, _ l: Location, _ evidence: String) -> String {
            var parts = [ruleId, l.input]
            if let t = l.table { parts.append(t) }
            if let c = l.columnName { parts.append(c) }
            parts.append(evidence)
            return Digest.sha256Hex(Array(parts.joined(separator: "\u{1F}").utf8)).prefix(32).lowercased()
        }
        var r = Rng(state: 3)
        for _ in 0..<500 {
            let l = Location(input: CanonicalJSONTests.string(&r), table: r.chance() ? CanonicalJSONTests.string(&r) : nil,
                             columnName: r.chance() ? CanonicalJSONTests.string(&r) : nil)
            let rule = CanonicalJSONTests.string(&r), evidence = CanonicalJSONTests.string(&r)
            XCTAssertEqual(Fingerprint.make(ruleId: rule, location: l, evidence: evidence), oldFingerprint(rule, l, evidence))
        }
        // Joined lengths on both sides of SHA-256's 64-byte blocks and its 55/56-byte padding edge,
        // and long evidence, with and without table and column.
        for length in [0, 1, 40, 41, 42, 43, 48, 49, 50, 51, 52, 100, 106, 107, 108, 1000, 70_000] {
            let evidence = String(repeating: "e", count: length)
            for l in [Location(input: "in.txt"), Location(input: "db.sqlite", table: "t", columnName: "col"), Location(input: "", table: "")] {
                XCTAssertEqual(Fingerprint.make(ruleId: "r.x", location: l, evidence: evidence), oldFingerprint("r.x", l, evidence), "\(length)")
            }
        }
        let pieces = ["a", "Z", "0", "\r", "\n", "\r\n", "*", "é", "手", "e\u{301}", "😀", "\u{0}"]
        for _ in 0..<5000 {
            let s = (0..<r.below(16)).map { _ in pieces[r.below(pieces.count)] }.joined()
            let first = r.below(6), last = r.below(4)
            XCTAssertEqual(Redaction.redact(s, keepFirst: first, keepLast: last),
                           Redaction.redactCharacters(s, keepFirst: first, keepLast: last), s.debugDescription)
        }
        XCTAssertEqual(Redaction.redact("AKIAABCDEFGHIJKLMNOP"), "AKIA**************OP")
        XCTAssertEqual(Redaction.redact("ab\r\ncdefghij\r\n"), "ab\r\nc******j\r\n", "CR LF is one Character")
    }

    /// Where the end of a canonical finding starts: just after its location object (locations hold
    /// no objects, and `,"` never occurs inside a canonical string, where quotes are escaped).
    static func endStart(_ bytes: [UInt8]) -> Int? {
        let key = Array(#""location":{"#.utf8)
        guard bytes.count > key.count, let at = (0...(bytes.count - key.count)).first(where: { Array(bytes[$0..<($0 + key.count)]) == key }) else { return nil }
        var i = at + key.count
        while i + 2 < bytes.count {
            if bytes[i] == UInt8(ascii: "}") && bytes[i + 1] == UInt8(ascii: ",") && bytes[i + 2] == UInt8(ascii: "\"") { return i + 1 }
            i += 1
        }
        return nil
    }

    /// The memo passes a finding's whole end (after the location) when it equals one accepted
    /// before; the members before it are still checked, so a record with a remembered end and a
    /// wrong beginning is refused exactly as without the memo.
    func testRememberedEndsNeedTheirBeginningChecked() throws {
        let memo = CanonicalValueMemo()
        func both(_ s: String) -> RecordEssentials? {
            let bytes = Array(s.utf8)
            let with = bytes.withUnsafeBytes { CanonicalRecordCheck.essentials($0, memo: memo) }
            let without = bytes.withUnsafeBytes { CanonicalRecordCheck.essentials($0) }
            XCTAssertEqual(with, without, s)
            return with
        }
        let base = Self.scanFinding
        let bytes = Array(base.utf8)
        let cut = try XCTUnwrap(Self.endStart(bytes))
        let end = String(decoding: bytes[cut...], as: UTF8.self)
        XCTAssertTrue(end.hasPrefix(#","properties":"#), end)
        XCTAssertEqual(both(base), RecordEssentials(kind: .finding, severity: .high))
        let hits = memo.hits
        XCTAssertEqual(both(base), RecordEssentials(kind: .finding, severity: .high))
        XCTAssertEqual(memo.hits, hits + 1, "the second sighting passes its end with one comparison")
        let location = #""location":{"column":11,"input":"dense.txt","length":18,"line":1,"offset":10,"path":"dense.txt"}"#
        let beginnings = [
            #"{"category":"pii","confidence":0.95,"data_level":"一般","evidence":"4201************90","#,  // no fingerprint
            #"{"category":"pii","confidence":0.95,"data_level":"一般","evidence":"4201************90","fingerprint":5,"#,
            #"{"category":"pii","confidence":0.95,"data_level":"一般","evidence":"4201"#,  // evidence left open
            "{\"category\":\"pii\",\"evidence\":\"a\u{1}b\",\"fingerprint\":\"f\",",
            #"{"category":"pii","evidence":"a\u00e9","fingerprint":"f","#,
            #"{"category":"pii","evidence":"a\/","fingerprint":"f","#,
            #"{"category":"pii","confidence":1.0,"fingerprint":"f","#,
            #"{"category":"pii","confidence":0.950,"fingerprint":"f","#,
            #"{"category":"pii","data_level":"二般","fingerprint":"f","#,
            #"{"category":"pii","fingerprint":"f","fingerprint":"f","#,
            #"{"category":"pii","fingerprint":"f","evidence":"e","#,  // out of order
            #"{"category":"pii","fingerprint":"f", "#,
            #"{"category":"pii","cwe":"CWE-1","fingerprint":"f","#,
            #"{"category":null,"fingerprint":"f","#,
            #"{"category":"pii","evidence":null,"fingerprint":"f","#,
            #"{"category":"pii","fingerprint":"f","properties":{},"#,  // a member after the location, before it
        ]
        let locations = [
            location,
            #""location":{"column":11,"length":18,"line":1,"offset":10,"path":"dense.txt"}"#,  // no input
            #""location":{"input":"dense.txt","column":11}"#,
            #""location":{"input":"dense.txt","line":01}"#,
            #""location":{"input":"dense.txt","line":1.0}"#,
            #""location":{"input":"dense.txt""#,  // not closed: the end is read as more of it
            #""location":{"input":"dense.txt"},"location":{"input":"dense.txt"}"#,
            #""location":["dense.txt"]"#,
            #""location":null"#,
        ]
        var refused = 0
        for b in beginnings {
            for l in locations {
                let s = b + l + end
                if both(s) == nil { refused += 1 }
                assertSound(Array(s.utf8))
            }
        }
        XCTAssertEqual(refused, beginnings.count * locations.count)
        // A good beginning with each good location is accepted, by its remembered end.
        for l in [location, #""location":{"input":"x"}"#, #""location":{"chain":["a","b"],"input":"a!b","row":3}"#] {
            XCTAssertEqual(both(#"{"category":"pii","fingerprint":"f","# + l + end), RecordEssentials(kind: .finding, severity: .high))
        }
        // The end must be all that is left: one byte more or less, or a changed byte, goes the full way.
        let beginning = String(decoding: bytes[..<cut], as: UTF8.self)
        for variant in [end + " ", end + "\n", end + "}", String(end.dropLast()), end.replacingOccurrences(of: #""high""#, with: #""HIGH""#),
                        end.replacingOccurrences(of: #""pii.cn_id_card""#, with: #""input.limit.depth""#),
                        end.replacingOccurrences(of: #""type":"finding""#, with: #""type":"finding ""#),
                        end.replacingOccurrences(of: #","title":"#, with: #", "title":"#)] {
            XCTAssertNil(both(beginning + variant), variant)
        }
        // Another severity is another end, remembered with its own severity.
        for s in Severity.allCases {
            let other = beginning + end.replacingOccurrences(of: #""severity":"high""#, with: #""severity":"\#(s.rawValue)""#)
            XCTAssertEqual(both(other), RecordEssentials(kind: .finding, severity: s))
            XCTAssertEqual(both(other), RecordEssentials(kind: .finding, severity: s))
        }
    }

    /// Random damage confined to the beginning of records whose end is remembered, and more
    /// distinct ends than the memo keeps (slots are replaced in turn): the memo changes no answer.
    func testDamagedBeginningsWithRememberedEnds() throws {
        let memo = CanonicalValueMemo()
        var r = Rng(state: 515)
        var seeds: [[UInt8]] = [Array(Self.scanFinding.utf8)]
        while seeds.count < 300 {
            let record = CanonicalJSONTests.record(&r)
            if case .finding = record, let b = try? record.canonicalJSON() { seeds.append(b) }
        }
        var accepted = 0, passedByMemo = 0
        for seed in seeds {
            guard let cut = Self.endStart(seed) else { continue }
            let end = Array(seed[cut...])
            for m in [seed, seed] + (0..<30).map({ _ in Self.mutated(Array(seed[..<cut]), &r) + end }) {
                let before = memo.hits
                let with = m.withUnsafeBytes { CanonicalRecordCheck.essentials($0, memo: memo) }
                let without = m.withUnsafeBytes { CanonicalRecordCheck.essentials($0) }
                XCTAssertEqual(with, without, String(decoding: m, as: UTF8.self))
                if with != nil { accepted += 1 }
                if memo.hits > before { passedByMemo += 1 }
                assertSound(m)
            }
        }
        XCTAssertGreaterThan(accepted, seeds.count)
        XCTAssertGreaterThan(passedByMemo, seeds.count / 2)
    }

    /// The string check skips clean bytes a word at a time and finds the first quote, backslash or
    /// control byte from the word's mask. At every alignment: non-ASCII just before the closing
    /// quote must still be validated (invalid UTF-8 refused, valid accepted), each escape form
    /// and each raw control byte gets its answer, and bytes after the closing quote in the same
    /// word change nothing.
    func testStringsAtEveryAlignment() {
        func error(_ input: [UInt8], tail: String = #","reason":"r","type":"error"}"#) -> [UInt8] {
            Array(#"{"code":"c","input":""#.utf8) + input + [UInt8(ascii: "\"")] + Array(tail.utf8)
        }
        let canonical = RecordEssentials(kind: .error, severity: nil)
        for k in 0..<24 {
            let clean = Array(String(repeating: "abcdefgh", count: 3).utf8.prefix(k))
            let wide = Array(String(repeating: "é", count: k).utf8)
            for prefix in [clean, wide] {
                let accepted: [[UInt8]] = [[], [0xC3, 0xA9], [0xE6, 0x89, 0x8B], [0xF0, 0x9F, 0x98, 0x80], Array(#"\""#.utf8), Array(#"\\"#.utf8),
                                           Array(#"\n"#.utf8), Array(#"\u0001"#.utf8), Array(#"\u001f"#.utf8), [0x7F], Array(#"\\\""#.utf8)]
                for a in accepted {
                    for after in [[], Array("xyz".utf8)] as [[UInt8]] {
                        let r = error(prefix + a + after)
                        XCTAssertEqual(r.withUnsafeBytes { CanonicalRecordCheck.essentials($0) }, canonical, String(decoding: r, as: UTF8.self))
                        assertSound(r)
                    }
                }
                let refused: [[UInt8]] = [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0x01], [0x1F], [0x0A], [0x00], Array(#"\/"#.utf8),
                                          Array(#"\u00e9"#.utf8), Array(#"\u000a"#.utf8), Array(#"\u001F"#.utf8), Array(#"\x"#.utf8), Array(#"\u00"#.utf8)]
                for b in refused {
                    for after in [[], Array("xyz".utf8), [0xC3, 0xA9]] as [[UInt8]] {
                        let r = error(prefix + b + after)
                        XCTAssertNil(r.withUnsafeBytes { CanonicalRecordCheck.essentials($0) }, String(decoding: r, as: UTF8.self))
                        assertSound(r)
                    }
                }
            }
            // Non-ASCII bytes after the closing quote, in the same word, are not part of the string.
            let r = error(clean, tail: #","reason":"é","type":"error"}"#)
            XCTAssertEqual(r.withUnsafeBytes { CanonicalRecordCheck.essentials($0) }, canonical)
        }
    }

    /// Member names are compared two words at a time where 16 bytes remain and byte by byte
    /// near the end of the record: wrong names, a missing colon or quote, and truncation there.
    func testMemberNamesNearTheEnd() {
        let base = #"{"code":"c","input":"i","reason":"r","type":"error"}"#
        XCTAssertEqual(essentials(base), RecordEssentials(kind: .error, severity: nil))
        for (from, to) in [(#""type":"error"}"#, #""typ":"error"}"#), (#""type":"error"}"#, #""types":"error"}"#),
                           (#""type":"error"}"#, #""Type":"error"}"#), (#""type":"error"}"#, #""type" :"error"}"#),
                           (#""type":"error"}"#, #""type":"error""#), (#""type":"error"}"#, #""type":"#), (#""type":"error"}"#, #""type""#),
                           (#""type":"error"}"#, #""type"#), (#""type":"error"}"#, #""type":"error"} "#), (#""type":"error"}"#, #""type";"error"}"#),
                           (#""reason":"r","#, #""reason""r","#), (#""reason":"r","#, #""reasonx":"r","#)] {
            let v = base.replacingOccurrences(of: from, with: to)
            XCTAssertNil(essentials(v), v)
            assertSound(Array(v.utf8))
        }
        let data = #"{"kind":"k","type":"data","value":null}"#
        XCTAssertEqual(essentials(data), RecordEssentials(kind: .data, severity: nil))
        for cut in 0..<data.utf8.count { XCTAssertNil(essentials(String(data.prefix(cut)))) }
        XCTAssertNil(essentials(#"{"kind":"k","type":"data","valu":null}"#))
        XCTAssertNil(essentials(#"{"kind":"k","type":"data","value"null}"#))
    }
}
