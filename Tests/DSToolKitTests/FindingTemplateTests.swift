import DSToolKit
import Foundation
import XCTest

/// A finding emitted through a template must be byte for byte the finding written whole.
final class FindingTemplateTests: XCTestCase {
    typealias Rng = CanonicalJSONTests.Rng

    func testTemplateWritesWhatTheWholeFindingWrites() throws {
        var r = Rng(state: 77)
        var checked = 0
        while checked < 3000 {
            guard case .finding(var f) = CanonicalJSONTests.record(&r) else { continue }
            // The template always makes the default fingerprint.
            f = Finding(ruleId: f.ruleId, title: f.title, message: f.message, category: f.category, severity: f.severity,
                        confidence: f.confidence, dataLevel: f.dataLevel, location: f.location, evidence: f.evidence,
                        references: f.references, cwe: f.cwe, remediation: f.remediation, properties: f.properties)
            let t = try FindingTemplate(ruleId: f.ruleId, title: f.title, message: f.message, category: f.category,
                                        severity: f.severity, dataLevel: f.dataLevel, references: f.references, cwe: f.cwe,
                                        remediation: f.remediation, properties: f.properties)
            let expected = try f.canonicalJSON()
            let mine = try t.canonicalJSON(location: f.location, evidence: f.evidence, confidence: f.confidence)
            if mine != expected {
                XCTFail("finding \(checked):\n\(String(decoding: expected, as: UTF8.self))\n\(String(decoding: mine, as: UTF8.self))")
                return
            }
            // And what Foundation's encoder writes, as every record must.
            XCTAssertEqual(mine, Array(try DSJSON.encoder().encode(f)))
            checked += 1
        }
    }

    /// One template, many places: each sighting gets its own fingerprint and location.
    func testOneTemplateManyPlaces() throws {
        let t = try FindingTemplate(ruleId: "crypto.weak-hash", title: LocalizedText(en: "Weak hash", zh: "弱哈希"),
                                    category: "crypto-audit", severity: .high, cwe: ["CWE-328"])
        var fingerprints = Set<String>()
        for line in 1...50 {
            let l = Location(input: "src/a\(line % 5).java", line: line, column: 3)
            let f = Finding(ruleId: "crypto.weak-hash", title: LocalizedText(en: "Weak hash", zh: "弱哈希"), category: "crypto-audit",
                            severity: .high, confidence: 0.9, location: l, evidence: "MD5 #\(line % 7)", cwe: ["CWE-328"])
            XCTAssertEqual(try t.canonicalJSON(location: l, evidence: f.evidence, confidence: 0.9), try f.canonicalJSON())
            fingerprints.insert(f.fingerprint)
        }
        XCTAssertEqual(fingerprints.count, 35, "fingerprints follow input and evidence, not the line")
    }

    /// What the writer refuses, the template refuses too (the caller then emits the Finding, which
    /// the host reports).
    func testRefusesWhatTheWriterRefuses() throws {
        var deep: JSONValue = .int(1)
        for _ in 0..<600 { deep = .array([deep]) }
        XCTAssertThrowsError(try FindingTemplate(ruleId: "r", title: LocalizedText("t"), category: "c", severity: .low, properties: deep))
        let t = try FindingTemplate(ruleId: "r", title: LocalizedText("t"), category: "c", severity: .low)
        XCTAssertThrowsError(try t.canonicalJSON(location: Location(input: "i"), evidence: nil, confidence: .nan))
        XCTAssertThrowsError(try t.canonicalJSON(location: Location(input: "i"), evidence: nil, confidence: .infinity))
    }

    /// The bytes of a finding whose every string needs escaping somewhere (quotes, backslashes,
    /// each short-form control, \u00xx controls, NUL, DEL and non-ASCII that stay as they are),
    /// pinned: the template, the whole finding and JSONEncoder must all write exactly these, and
    /// the host must take them as canonical. (Strings cannot hold invalid UTF-8: the API has none.)
    func testEscapedStringsArePinned() throws {
        let evidence = "a\"b\\c\u{8}\u{c}\n\r\t\u{1}\u{1f}\u{7f}é\u{2028}😀 0123456789abcdef\""
        let location = Location(input: "dir/\"a\\b\".txt", path: "p\tq", chain: ["x\u{0}", "é手😀"], line: 3, column: 0,
                                offset: 9_000_000_000, length: 2, table: "t\u{1f}", columnName: "c\u{7f}", row: -1, endLine: 4)
        let title = LocalizedText(en: "T \"q\"", zh: "标题\\")
        let properties: JSONValue = .object(["k": .string("v\n"), "n": .array([.int(1), .double(0.5)])])
        let expected = #"{"category":"c\\at","confidence":0.05,"cwe":["CWE-1"],"data_level":"重要","evidence":"a\"b\\c\b\f\n\r\t\u0001\u001f"#
            + "\u{7f}é\u{2028}😀"
            + #" 0123456789abcdef\"","fingerprint":"7cd45dc15dc2e25ecec9a08d246ca29f","location":{"chain":["x\u0000","é手😀"],"column":0,"column_name":"c"#
            + "\u{7f}"
            + #"","end_line":4,"input":"dir/\"a\\b\".txt","length":2,"line":3,"offset":9000000000,"path":"p\tq","row":-1,"table":"t\u001f"},"properties":{"k":"v\n","n":[1,0.5]},"references":["ref\u0001"],"rule_id":"r.esc","severity":"high","title":{"en":"T \"q\"","zh":"标题\\"},"type":"finding"}"#
        let t = try FindingTemplate(ruleId: "r.esc", title: title, category: "c\\at", severity: .high, dataLevel: .important,
                                    references: ["ref\u{1}"], cwe: ["CWE-1"], properties: properties)
        let mine = try t.canonicalJSON(location: location, evidence: evidence, confidence: 0.05)
        XCTAssertEqual(String(decoding: mine, as: UTF8.self), expected)
        XCTAssertEqual(mine, Array(expected.utf8))
        let f = Finding(ruleId: "r.esc", title: title, category: "c\\at", severity: .high, confidence: 0.05, dataLevel: .important,
                        location: location, evidence: evidence, references: ["ref\u{1}"], cwe: ["CWE-1"], properties: properties)
        XCTAssertEqual(try f.canonicalJSON(), mine)
        XCTAssertEqual(Array(try DSJSON.encoder().encode(f)), mine)
        XCTAssertEqual(mine.withUnsafeBytes { CanonicalRecordCheck.essentials($0) }, RecordEssentials(kind: .finding, severity: .high))
        XCTAssertEqual(mine.withUnsafeBytes { CanonicalRecordCheck.decode($0)?.record }, .finding(f))
        XCTAssertEqual(try JSONDecoder().decode(Finding.self, from: Data(mine)), f)
    }

    /// Each character that needs escaping, and runs of them, at every offset of long evidence
    /// and inputs (the clean prefix is copied eight bytes at a time, the rest byte by byte), ASCII
    /// and not: the template writes what the whole finding writes.
    func testEscapesAtEveryOffsetMatchTheWholeFinding() throws {
        let t = try FindingTemplate(ruleId: "r", title: LocalizedText(en: "t", zh: "题"), category: "c", severity: .low)
        let specials = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + ["\"", "\\", "\"\\\u{1}", "\n\n", "\u{7f}"]
        for base in [String(repeating: "abcdefgh/", count: 3), String(repeating: "é手😀x", count: 3), "0123456789ABCDEF"] {
            let chars = Array(base)
            for special in specials {
                for at in 0...chars.count {
                    let s = String(chars[..<at]) + special + String(chars[at...])
                    let l = Location(input: s, path: s, line: at)
                    let f = Finding(ruleId: "r", title: LocalizedText(en: "t", zh: "题"), category: "c", severity: .low,
                                    confidence: 0.75, location: l, evidence: s)
                    XCTAssertEqual(try t.canonicalJSON(location: l, evidence: s, confidence: 0.75), try f.canonicalJSON(), s.debugDescription)
                }
            }
        }
        // Empty strings and no evidence or confidence at all.
        for evidence in [nil, ""] as [String?] {
            let l = Location(input: "")
            let f = Finding(ruleId: "r", title: LocalizedText(en: "t", zh: "题"), category: "c", severity: .low, location: l, evidence: evidence)
            XCTAssertEqual(try t.canonicalJSON(location: l, evidence: evidence, confidence: nil), try f.canonicalJSON())
        }
    }

    /// Confidences are formatted without `description` when they are short decimals: every
    /// k / 10^n (n ≤ 6), the edges where Swift switches to exponents, whole numbers, negative zero,
    /// and random bit patterns, as the whole finding and JSONEncoder write them.
    func testConfidencesAsTheWriterWritesThem() throws {
        let t = try FindingTemplate(ruleId: "r", title: LocalizedText("t"), category: "c", severity: .low)
        var values: [Double] = [0, -0.0, 1, -1, 0.0001, 0.00009999999999999999, 0.00001, 1e-7, 0.1 + 0.2, 0.999999, 0.9999999,
                                1 - 1e-16, 123.5, 1e15 - 1, 1e15, 1e16, 9007199254740993, -0.05, 5e-324, 1.7976931348623157e308,
                                Double(Float(0.9)), 0.123456, 0.1234567]
        for n in 1...6 {
            var scale = 1
            for _ in 0..<n { scale *= 10 }
            let step = n <= 4 ? 1 : 37
            for k in stride(from: 1, to: scale, by: step) { values.append(Double(k) / Double(scale)) }
        }
        var r = Rng(state: 99)
        for _ in 0..<5000 {
            let d = Double(bitPattern: r.next())
            if d.isFinite { values.append(d) }
            values.append(Double(r.below(1_000_000)) / 1_000_000 + Double(r.below(3)) * 1e-17)
        }
        let l = Location(input: "i")
        let encoder = DSJSON.encoder()
        for d in values {
            let f = Finding(ruleId: "r", title: LocalizedText("t"), category: "c", severity: .low, confidence: d, location: l)
            let mine = try t.canonicalJSON(location: l, evidence: nil, confidence: d)
            XCTAssertEqual(mine, Array(try encoder.encode(f)), "\(d)")
            XCTAssertEqual(try f.canonicalJSON(), mine, "\(d)")
        }
    }
}
