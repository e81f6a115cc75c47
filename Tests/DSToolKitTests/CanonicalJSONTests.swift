import DSToolKit
import Foundation
import XCTest

/// The hand-written record writer and reader against Foundation's JSONEncoder/JSONDecoder: the
/// writer must give the same bytes (case files hash them), the reader the same records and the
/// same accept/refuse decisions.
final class CanonicalJSONTests: XCTestCase {
    /// A small deterministic generator (SplitMix64), so a failure reproduces.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance() -> Bool { next() & 1 == 0 }
    }

    static let pieces: [String] = [
        "a", "Z", "0", " ", "/", "\\", "\"", "\u{0}", "\u{1}", "\u{8}", "\u{9}", "\n", "\u{b}", "\u{c}", "\r", "\u{1b}",
        "\u{1f}", "\u{7f}", "é", "手机号", "身份证", "😀", "👩‍💻", "\u{2028}", "\u{feff}", "e\u{301}", "http://x/y", "{}", "[]", ":", ",",
    ]

    static func string(_ r: inout Rng) -> String {
        var s = ""
        for _ in 0..<r.below(12) { s += pieces[r.below(pieces.count)] }
        return s
    }

    static func double(_ r: inout Rng) -> Double {
        switch r.below(10) {
        case 0: return Double(r.below(2000)) - 1000  // integer-valued
        case 1: return Double(r.below(100)) / 100  // 0.95 and friends
        case 2: let d = Double(bitPattern: r.next()); return d.isFinite ? d : 1e-7  // any bit pattern
        case 3: return [1e-7, 1e20, 1e16, 1e15, 5e-324, 1.7976931348623157e308, -0.0, 0.1, 123456789012345678][r.below(9)]
        case 4: return -Double(r.next() % 1_000_000_000) * 1e-3
        case 5: return Double(r.next()) * 1e10
        default: return Double(r.next() % 10_000) / 7
        }
    }

    static func value(_ r: inout Rng, depth: Int = 0) -> JSONValue {
        switch r.below(depth > 3 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(r.chance())
        case 2: return .int(r.chance() ? Int64(r.below(1000)) - 500 : Int64(bitPattern: r.next()))
        case 3: return .double(double(&r))
        case 4: return .string(string(&r))
        case 5: return .array((0..<r.below(4)).map { _ in value(&r, depth: depth + 1) })
        default:
            var o: [String: JSONValue] = [:]
            for _ in 0..<r.below(5) { o[string(&r)] = value(&r, depth: depth + 1) }
            return .object(o)
        }
    }

    static func maybe<T>(_ r: inout Rng, _ make: (inout Rng) -> T) -> T? { r.chance() ? make(&r) : nil }

    static func record(_ r: inout Rng) -> Record {
        switch r.below(4) {
        case 0:
            return .error(ErrorRecord(input: string(&r), reason: string(&r), code: string(&r),
                                      offset: maybe(&r) { Int64(bitPattern: $0.next()) }))
        case 1:
            return .data(DataRecord(kind: string(&r), text: maybe(&r) { LocalizedText(en: string(&$0), zh: string(&$0)) },
                                    value: value(&r)))
        default:
            let location = Location(
                input: string(&r), path: maybe(&r) { string(&$0) }, chain: maybe(&r) { g in (0..<g.below(3)).map { _ in string(&g) } },
                line: maybe(&r) { $0.below(100_000) }, column: maybe(&r) { $0.below(500) },
                offset: maybe(&r) { Int64($0.next() >> 1) }, length: maybe(&r) { $0.below(64) }, table: maybe(&r) { string(&$0) },
                columnName: maybe(&r) { string(&$0) }, row: maybe(&r) { Int64($0.below(1 << 30)) }, endLine: maybe(&r) { $0.below(9) })
            return .finding(Finding(
                ruleId: string(&r), title: LocalizedText(en: string(&r), zh: string(&r)),
                message: maybe(&r) { LocalizedText(en: string(&$0), zh: string(&$0)) }, category: string(&r),
                severity: Severity.allCases[r.below(5)], confidence: maybe(&r) { double(&$0) },
                dataLevel: maybe(&r) { DataLevel.allCases[$0.below(3)] }, location: location,
                evidence: maybe(&r) { string(&$0) }, fingerprint: maybe(&r) { string(&$0) },
                references: maybe(&r) { g in (0..<g.below(3)).map { _ in string(&g) } },
                cwe: maybe(&r) { g in (0..<g.below(3)).map { _ in string(&g) } },
                remediation: maybe(&r) { LocalizedText(en: string(&$0), zh: string(&$0)) },
                properties: maybe(&r) { value(&$0) }))
        }
    }

    func testWriterMatchesJSONEncoderByteForByte() throws {
        var r = Rng(state: 20_260_101)
        let foundation = DSJSON.encoder()
        for n in 0..<3000 {
            let rec = Self.record(&r)
            let expected = try foundation.encode(rec)
            let mine = try rec.canonicalJSON()
            if Array(expected) != mine {
                XCTFail("record \(n):\n\(String(decoding: expected, as: UTF8.self))\n\(String(decoding: mine, as: UTF8.self))")
                return
            }
        }
    }

    func testWriterDoublesMatchJSONEncoder() throws {
        var r = Rng(state: 7)
        let foundation = DSJSON.encoder()
        var values: [Double] = [0, -0.0, 1, 0.95, 1e-7, 1e21, 1e22, 1e15, 1e16, 9007199254740993, 0.1 + 0.2, 5e-324,
                                2.2250738585072014e-308, 1.7976931348623157e308, -1.5, 100, 1234567.0, 123456789012345680]
        for _ in 0..<20000 { values.append(Double(bitPattern: r.next())) }
        for d in values where d.isFinite {
            let expected = String(decoding: try foundation.encode([d]), as: UTF8.self)
            XCTAssertEqual(String(decoding: try JSONValue.array([.double(d)]).canonicalJSON(), as: UTF8.self), expected, "\(d)")
        }
        XCTAssertThrowsError(try JSONValue.double(.nan).canonicalJSON())
        XCTAssertThrowsError(try foundation.encode(JSONValue.double(.nan)))
        XCTAssertEqual(try JSONValue.int(Int64.min).canonicalJSON(), Array("-9223372036854775808".utf8))
        XCTAssertEqual(try JSONValue.int(Int64.max).canonicalJSON(), Array("9223372036854775807".utf8))
    }

    func testWriterEscapesLikeJSONEncoder() throws {
        let s = (0..<0x80).map { String(UnicodeScalar(UInt8($0))) }.joined() + "é手机😀\u{2028}\u{2029}\u{feff}"
        XCTAssertEqual(try JSONValue.string(s).canonicalJSON(), Array(try DSJSON.encoder().encode(JSONValue.string(s))))
        XCTAssertEqual(String(decoding: try JSONValue.string("a/\"\\\u{1}\u{1f}\n").canonicalJSON(), as: UTF8.self),
                       #""a/\"\\\u0001\u001f\n""#)
    }

    /// Strings are passed eight bytes at a time while no byte needs escaping: each character that
    /// does (every C0 control, quote, backslash), and runs of them, at every offset of long ASCII
    /// and non-ASCII strings, in the first and last word and in the tail, as JSONEncoder writes them.
    func testWriterEscapesAtEveryOffsetOfLongStrings() throws {
        let encoder = DSJSON.encoder()
        let specials = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + ["\"", "\\", "\"\\\u{1}", "\n\n"]
        for base in [String(repeating: "abcdefgh/", count: 4), String(repeating: "é手😀x", count: 4), "0123456789ABCDEF"] {
            let chars = Array(base)
            for special in specials {
                for at in 0...chars.count {
                    let s = String(chars[..<at]) + special + String(chars[at...])
                    XCTAssertEqual(try JSONValue.string(s).canonicalJSON(), Array(try encoder.encode(JSONValue.string(s))), s.debugDescription)
                }
            }
            XCTAssertEqual(try JSONValue.string(base).canonicalJSON(), Array(try encoder.encode(JSONValue.string(base))))
        }
    }

    func testWriterRefusesNestingWhereJSONEncoderDoes() throws {
        for depth in 508...514 {
            var v: JSONValue = .int(1)
            for _ in 0..<depth { v = .array([v]) }
            let rec = Record.data(DataRecord(kind: "k", value: v))
            let expected = try? DSJSON.encoder().encode(rec)
            let mine = try? rec.canonicalJSON()
            XCTAssertEqual(expected.map { Array($0) }, mine, "depth \(depth)")
        }
    }

    func testDSJSONEncodeUsesTheSameBytes() throws {
        var r = Rng(state: 99)
        for _ in 0..<200 {
            let rec = Self.record(&r)
            XCTAssertEqual(try DSJSON.encode(rec), try DSJSON.encoder().encode(rec))
        }
    }

    func testReaderReadsWhatJSONEncoderWrote() throws {
        var r = Rng(state: 4242)
        let decoder = JSONDecoder()
        for n in 0..<2000 {
            let bytes = try DSJSON.encoder().encode(Self.record(&r))
            let expected = try decoder.decode(Record.self, from: bytes)
            let mine = try RecordDecoder.decode(bytes)
            XCTAssertEqual(mine, expected, "record \(n)")
            XCTAssertEqual(try mine.canonicalJSON(), Array(try DSJSON.encoder().encode(expected)), "record \(n)")
        }
    }

    /// What a C plugin writes: any key order, spaces, escapes, surrogate pairs, integers as 1.0.
    func testReaderAcceptsNonCanonicalJSONLikeJSONDecoder() throws {
        let inputs: [String] = [
            #"{ "type" : "finding", "severity":"high", "rule_id":"r\u00e9", "fingerprint":"f", "category":"c","#
                + #" "title": {"zh":"\u624b\u673a","en":"\ud83d\ude00 \/x"}, "location": {"line": 1.0, "offset": 1e2, "input": "a\tb"},"#
                + #" "confidence": 1E-7, "properties": {"n": 2.0, "m": -0, "big": 99999999999999999999, "d": [1.5, true, null]},"#
                + #" "message": null, "evidence": "x\"y\\z" }"#,
            "\u{feff}{\"type\":\"error\",\"input\":\"i\",\"reason\":\"r\",\"code\":\"c\",}\n",
            #"{"type":"data","kind":"k","value":null}"#,
            #"{"type":"data","kind":"k","value":{"a":1,"a":2},"text":{"en":"e","zh":"z","extra":[]}}"#,
            #"{"type":"error","input":"i","reason":"r","code":"c","offset":-9223372036854775808}"#,
            #"{"type":"finding","severity":"low","rule_id":"r","fingerprint":"f","category":"c","title":{"en":"","zh":""},"location":{"input":"i","chain":["a","b"]},"confidence":-0}"#,
            // Escaped and non-ASCII keys are matched by their decoded text; unknown keys are skipped.
            #"{"t\u0079pe":"error","\u0069nput":"i","reason":"r","code":"c","r\u00e9ason":"x","reason":"later"}"#,
            #"{"type":"finding","severity":"low","rule_id":"r","fingerprint":"f","category":"c","title":{"zh":"z","en":"e","en":"x"},"#
                + #""location":{"extra":{"input":"no","l":[[{}],[]]},"input":"i","line":-0,"end_line":3e0,"row":12345678901},"#
                + #""properties":{"k":{"a":[{"b":null}],"a":5},"s":"\u00e9\n","e":[],"o":{}},"references":[],"cwe":["CWE-1","\ud83d\ude00"]}"#,
            #"{"type":"data","kind":"k","value":[0.5,-1e-3,123456789012345678,"x",{"":false}]}"#,
        ]
        for s in inputs {
            let data = Data(s.utf8)
            let expected = try JSONDecoder().decode(Record.self, from: data)
            let mine = try RecordDecoder.decode(data)
            XCTAssertEqual(mine, expected, s)
            XCTAssertEqual(try mine.canonicalJSON(), Array(try DSJSON.encoder().encode(expected)), s)
        }
    }

    /// Bad input: both readers refuse the same things, and the reader never traps.
    func testReaderRefusesWhatJSONDecoderRefuses() throws {
        let valid = #"{"type":"finding","severity":"high","rule_id":"r","fingerprint":"f","category":"c","title":{"en":"e","zh":"z"},"location":{"input":"i","line":3}}"#
        var bad: [[UInt8]] = [
            #"{"type":"finding"}"#, #"{"type":"warning","input":"i"}"#, #"[]"#, #""x""#, "", " ", "nul",
            #"{"type":"error","input":"i","reason":"r","code":"c","offset":1.5}"#,
            #"{"type":"error","input":"i","reason":"r","code":"c","offset":9223372036854775808}"#,
            #"{"type":"error","input":"i","reason":"r","code":"c","offset":"1"}"#,
            #"{"type":"error","input":null,"reason":"r","code":"c"}"#,
            #"{"type":"error","input":"i","reason":"r","code":"c"} x"#,
            #"{"type":"error","input":"\ud83d","reason":"r","code":"c"}"#,
            #"{"type":"error","input":"\ude00\ud83d","reason":"r","code":"c"}"#,
            #"{"type":"error","input":"\x","reason":"r","code":"c"}"#,
            #"{"type":"error","input":"\u12","reason":"r","code":"c"}"#,
            "{\"type\":\"error\",\"input\":\"a\u{1}b\",\"reason\":\"r\",\"code\":\"c\"}",
            #"{"type":"data","kind":"k","value":1e400}"#, #"{"type":"data","kind":"k","value":[01]}"#,
            #"{"type":"data","kind":"k","value":[1.]}"#, #"{"type":"data","kind":"k","value":[.5]}"#,
            #"{"type":"data","kind":"k","value":[+1]}"#, #"{"type":"data","kind":"k","value":[NaN]}"#,
            #"{"type":"data","kind":"k","value":[,]}"#, #"{"type":"data","kind":"k","value":{,}}"#,
            #"{"type":"data","kind":"k"}"#, #"{"type":"data","kind":"k","value":tru}"#,
            #"{"type":"finding","severity":"HIGH","rule_id":"r","fingerprint":"f","category":"c","title":{"en":"e","zh":"z"},"location":{"input":"i"}}"#,
            #"{"type":"finding","severity":"high","rule_id":"r","fingerprint":"f","category":"c","title":{"en":"e"},"location":{"input":"i"}}"#,
            #"{"type":"finding","severity":"high","rule_id":"r","fingerprint":"f","category":"c","title":{"en":"e","zh":"z"},"location":{"input":"i"},"confidence":1e999}"#,
            #"{"type":"finding","severity":"high","rule_id":"r","fingerprint":"f","category":"c","title":{"en":"e","zh":"z"},"location":{"input":"i","chain":[1]}}"#,
        ].map { Array($0.utf8) }
        bad.append(Array(#"{"type":"error","input":""#.utf8) + [0xFF, 0xFE] + Array(#"","reason":"r","code":"c"}"#.utf8))
        bad.append(Array(#"{"type":"error","input":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#"","reason":"r","code":"c"}"#.utf8))
        bad.append(Array(#"{"type":"error","input":""#.utf8) + [0xC0, 0xAF] + Array(#"","reason":"r","code":"c"}"#.utf8))
        bad.append(Array(#"{"type":"data","kind":"k","value":"#.utf8) + Array(repeating: UInt8(ascii: "["), count: 100_000))
        bad.append(Array(#"{"type":"data","kind":"k","value":"#.utf8) + Array(repeating: UInt8(ascii: "["), count: 600)
                   + Array(repeating: UInt8(ascii: "]"), count: 600) + [UInt8(ascii: "}")])
        let v = Array(valid.utf8)
        for n in 0..<v.count { bad.append(Array(v[0..<n])) }  // every truncation
        for b in bad {
            let data = Data(b)
            let shown = String(decoding: b.prefix(120), as: UTF8.self)
            XCTAssertNil(try? JSONDecoder().decode(Record.self, from: data), "JSONDecoder refuses \(shown)")
            XCTAssertThrowsError(try RecordDecoder.decode(data), shown)
        }
        XCTAssertNoThrow(try RecordDecoder.decode(Data(valid.utf8)))
        // Nesting JSONDecoder accepts is accepted too.
        let deep = #"{"type":"data","kind":"k","value":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        XCTAssertEqual(try RecordDecoder.decode(Data(deep.utf8)), try JSONDecoder().decode(Record.self, from: Data(deep.utf8)))
    }

    /// Random bytes inside a string: accepted exactly when JSONDecoder accepts them, read the same.
    func testReaderValidatesUTF8LikeJSONDecoder() throws {
        var r = Rng(state: 31)
        let interesting: [UInt8] = [0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xA0, 0x9F, 0xED, 0xEF, 0xF0, 0x90, 0x8F,
                                    0xF4, 0xF5, 0xFF]
        for _ in 0..<5000 {
            let junk = (0..<(1 + r.below(6))).map { _ in interesting[r.below(interesting.count)] }
            for escaped in [false, true] {
                let data = Data(Array(#"{"type":"error","input":""#.utf8) + (escaped ? Array(#"\n"#.utf8) : []) + junk
                                + Array(#"","reason":"r","code":"c"}"#.utf8))
                let expected = try? JSONDecoder().decode(Record.self, from: data)
                XCTAssertEqual(try? RecordDecoder.decode(data), expected, "\(junk)")
            }
        }
    }

    /// The input chain the host hands to plugins: read as `JSONDecoder` reads `[String]`.
    func testStringArrayReaderMatchesJSONDecoder() {
        let inputs: [String] = [
            #"["a","b"]"#, #"[]"#, #" [ "a\u00e9" , "\ud83d\ude00\/" , ] "#, "\u{feff}[\"x\"]", #"["dir/a.zip","in\"ner.txt"]"#,
            #"["a",1]"#, #"["a",null]"#, #"{"a":"b"}"#, #""a""#, #"["a""#, #"["a"]x"#, #"[,]"#, "", "null", #"["\ud800"]"#,
        ]
        for s in inputs {
            let expected = try? JSONDecoder().decode([String].self, from: Data(s.utf8))
            let mine = Data(s.utf8).withUnsafeBytes { try? RecordDecoder.decodeStrings($0) }
            XCTAssertEqual(mine, expected, s)
        }
    }

    func testReaderReasonsNameTheField() {
        func reason(_ s: String) -> String {
            do { _ = try RecordDecoder.decode(Data(s.utf8)); return "accepted" } catch { return "\(error)" }
        }
        XCTAssertEqual(reason(#"{"type":"finding"}"#), "location: missing")
        XCTAssertEqual(reason(#"{"type":"error","input":"i","reason":"r","code":"c","offset":1.5}"#), "offset: 1.5 is not a whole number in range")
        XCTAssertEqual(reason(#"{"type":"note"}"#), "type: unknown record type 'note'")
        XCTAssertEqual(reason(#"{"type":"error","#), "not valid JSON: unexpected end at byte 16")
        XCTAssertEqual(reason(#"{"type":"data","kind":"k","value":{"a":1e400}}"#), "value: number 1e400 is out of range")
        XCTAssertEqual(reason(#"{"type":"error","input":"\x","reason":"r","code":"c"}"#), "not valid JSON: invalid escape at byte 27")
        XCTAssertEqual(reason(#"{"type":"error","input":"i","reason":"r","code":"c","x":[1,{"a":tru}]}"#), "not valid JSON: invalid literal at byte 64")
        // Syntax is checked before fields: a bad field ahead of bad JSON still reports the JSON.
        XCTAssertEqual(reason(#"{"type":"error","input":5,"reason":"r","code":"c",]"#), "not valid JSON: expected a key at byte 50")
        XCTAssertEqual(reason(#"{"type":"error","input":5,"reason":"r","code":"c"}"#), "input: expected a string, found a number")
        XCTAssertEqual(reason(#"{"type":"finding","severity":"low","rule_id":"r","fingerprint":"f","category":"c","title":{"en":"e","zh":"z"},"location":{"input":"i","line":"3"}}"#),
                       "location.line: expected a number, found a string")
        // Only the first of duplicate keys is read, as JSONDecoder does.
        XCTAssertEqual(reason(#"{"type":"data","kind":"k","value":{"a":1,"a":1e400}}"#), "accepted")
    }
}
