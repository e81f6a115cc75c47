import DSToolKit
import XCTest
@testable import DSToolCryptoAudit

/// The lexer's exact tokens, trigger, assignment and http:// string lists, including the token
/// storage growing past its first 4096 tokens and bad input (unterminated strings and comments,
/// invalid UTF-8).
final class LexerTests: XCTestCase {
    private func lex(_ text: [UInt8], _ family: SourceLanguage.Family, triggers: [String] = []) -> (tokens: [String], result: LexResult) {
        var out = LexResult()
        let set = TriggerSet(names: triggers, prefixes: [])
        text.withUnsafeBufferPointer { Lexer.lex($0, rules: LexerRules.forFamily(family), triggers: set, into: &out) }
        let tokens = out.tokens.buffer.map { t -> String in
            let bytes = Array(text[Int(t.start)..<Int(t.end)])
            let shown = String(decoding: bytes, as: UTF8.self)
            return "\(t.kind):\(shown)@\(t.line)"
        }
        return (tokens, out)
    }

    func testStringsCommentsAndHTTPStrings() {
        let src = "String u = \"http://x.example/a\"; // \"http://no\"\nc.getInstance('k', \"HTTP://Y.example\");\n/* x = \"http://z\" */ s = \"https://ok\""
        let (tokens, r) = lex(Array(src.utf8), .jvm, triggers: ["getInstance"])
        XCTAssertEqual(tokens, [
            "ident:String@1", "ident:u@1", "op:=@1", "string:\"http://x.example/a\"@1", "op:;@1",
            "ident:c@2", "op:.@2", "ident:getInstance@2", "op:(@2", "string:'k'@2", "op:,@2", "string:\"HTTP://Y.example\"@2", "op:)@2", "op:;@2",
            "ident:s@3", "op:=@3", "string:\"https://ok\"@3",
        ])
        XCTAssertEqual(r.triggers, [7])
        XCTAssertEqual(r.assignments, [2, 15])
        XCTAssertEqual(r.httpStrings, [3, 11])
    }

    func testPrefixedAndBacktickStrings() {
        let py = "u = rb\"http://a.example/x\"\nv = f'{x}' # \"http://no\"\n"
        let (pt, pr) = lex(Array(py.utf8), .python)
        XCTAssertEqual(pt, ["ident:u@1", "op:=@1", "string:rb\"http://a.example/x\"@1", "ident:v@2", "op:=@2", "string:f'{x}'@2"])
        XCTAssertEqual(pr.httpStrings, [2])
        let js = "const a = `http://b.example/${p}\n  more`; const b = 1;"
        let (jt, jr) = lex(Array(js.utf8), .javascript)
        XCTAssertEqual(jt, ["ident:const@1", "ident:a@1", "op:=@1", "string:`http://b.example/${p}\n  more`@1", "op:;@2",
                            "ident:const@2", "ident:b@2", "op:=@2", "number:1@2", "op:;@2"])
        XCTAssertEqual(jr.httpStrings, [3])
        XCTAssertEqual(jr.assignments, [2, 7])
    }

    func testUnterminatedStringsAndComments() {
        // An unterminated string ends with its line; an unterminated block comment runs to the end.
        let src = "a = \"http://open.example\nb = 'x\nc = 2 /* never closed\nd = \"http://hidden\""
        let (tokens, r) = lex(Array(src.utf8), .c)
        XCTAssertEqual(tokens, ["ident:a@1", "op:=@1", "string:\"http://open.example@1", "ident:b@2", "op:=@2", "string:'x@2",
                                "ident:c@3", "op:=@3", "number:2@3"])
        XCTAssertEqual(r.httpStrings, [2])
        XCTAssertEqual(r.assignments, [1, 4, 7])
        // A string cut off at the end of the text, and a lone quote.
        let (t2, r2) = lex(Array("x = \"http://cut.example".utf8), .go)
        XCTAssertEqual(t2, ["ident:x@1", "op:=@1", "string:\"http://cut.example@1"])
        XCTAssertEqual(r2.httpStrings, [2])
        let (t3, _) = lex(Array("\"".utf8), .go)
        XCTAssertEqual(t3, ["string:\"@1"])
    }

    func testInvalidUTF8IsLexedAsIdentifierBytes() {
        let bytes: [UInt8] = Array("k".utf8) + [0xFF, 0xC3] + Array(" = \"".utf8) + [0xE2, 0x28] + Array("\";".utf8)
        var out = LexResult()
        bytes.withUnsafeBufferPointer { Lexer.lex($0, rules: LexerRules.forFamily(.jvm), triggers: TriggerSet(names: [], prefixes: []), into: &out) }
        let spans = out.tokens.buffer.map { [Int($0.start), Int($0.end)] }
        XCTAssertEqual(spans, [[0, 3], [4, 5], [6, 10], [10, 11]])
        XCTAssertEqual(out.tokens.buffer.map(\.kind), [.ident, .op, .string, .op])
        XCTAssertEqual(out.tokens.buffer[0].hash, Lexer.hash([0x6B, 0xFF, 0xC3]))
    }

    func testHugeSingleLineGrowsTheTokenStorage() {
        // 10,000 statements on one line: 40,000 tokens, ten times the storage's first capacity.
        var src: [UInt8] = []
        for k in 0..<10_000 { src += Array("k\(k)=\"http://h\(k)\";".utf8) }
        var out = LexResult()
        let set = TriggerSet(names: ["k9999"], prefixes: [])
        src.withUnsafeBufferPointer { Lexer.lex($0, rules: LexerRules.forFamily(.c), triggers: set, into: &out) }
        XCTAssertEqual(out.tokens.count, 40_000)
        XCTAssertEqual(out.assignments.count, 10_000)
        XCTAssertEqual(out.assignments.last, 39_997)
        XCTAssertEqual(out.httpStrings.count, 10_000)
        XCTAssertEqual(out.httpStrings.last, 39_998)
        XCTAssertEqual(out.triggers, [39_996])
        let last = out.tokens.buffer[39_998]
        XCTAssertEqual(String(decoding: src[Int(last.start)..<Int(last.end)], as: UTF8.self), "\"http://h9999\"")
        XCTAssertEqual(last.line, 1)
        XCTAssertEqual(out.tokens.buffer[0].kind, .ident)
        // The storage is reused: a short text after the long one has only its own tokens.
        Array("x;".utf8).withUnsafeBufferPointer { Lexer.lex($0, rules: LexerRules.forFamily(.c), triggers: set, into: &out) }
        XCTAssertEqual(out.tokens.count, 2)
        XCTAssertEqual(out.httpStrings, [])
        XCTAssertEqual(out.assignments, [])
    }
}

/// The finding de-duplication: first of each rule, place and subject, per input; many keys in one
/// input, and an input that comes back after others.
final class FindingDeduplicatorTests: XCTestCase {
    func testKeepsTheFirstOfEachRulePlaceAndSubject() {
        var d = FindingDeduplicator()
        let a = Location(input: "a.java", line: 3)
        XCTAssertTrue(d.accept(rule: 1, location: a, subject: "MD5"))
        XCTAssertFalse(d.accept(rule: 1, location: a, subject: "MD5"))
        XCTAssertTrue(d.accept(rule: 2, location: a, subject: "MD5"))
        XCTAssertTrue(d.accept(rule: 1, location: a, subject: "SHA-1"))
        XCTAssertTrue(d.accept(rule: 1, location: Location(input: "a.java", line: 4), subject: "MD5"))
        XCTAssertTrue(d.accept(rule: 1, location: Location(input: "a.java", line: 3, row: 1), subject: "MD5"))
        XCTAssertFalse(d.accept(rule: 1, location: Location(input: "a.java", line: 3, column: 9), subject: "MD5"))
        // Another input, then the first one again: its keys are still known.
        XCTAssertTrue(d.accept(rule: 1, location: Location(input: "b.java", line: 3), subject: "MD5"))
        XCTAssertFalse(d.accept(rule: 1, location: a, subject: "MD5"))
        XCTAssertTrue(d.accept(rule: 1, location: Location(input: "a.java"), subject: "MD5"))
        XCTAssertFalse(d.accept(rule: 1, location: Location(input: "b.java", line: 3), subject: "MD5"))
    }

    func testManyKeysInOneInput() {
        var d = FindingDeduplicator()
        // Past the short list's limit the keys move to a set: every earlier key is still found.
        for line in 0..<200 { XCTAssertTrue(d.accept(rule: 0, location: Location(input: "big.c", line: line), subject: "DES")) }
        for line in 0..<200 { XCTAssertFalse(d.accept(rule: 0, location: Location(input: "big.c", line: line), subject: "DES")) }
        XCTAssertTrue(d.accept(rule: 0, location: Location(input: "other.c", line: 5), subject: "DES"))
        for line in stride(from: 0, to: 200, by: 7) { XCTAssertFalse(d.accept(rule: 0, location: Location(input: "big.c", line: line), subject: "DES")) }
        XCTAssertTrue(d.accept(rule: 0, location: Location(input: "big.c", line: 200), subject: "DES"))
        XCTAssertTrue(d.accept(rule: 0, location: Location(input: "big.c", line: 5), subject: "3DES"))
    }
}

/// White space runs of every kind, and text that ends in white space: line numbers stay exact.
final class LexerWhiteSpaceTests: XCTestCase {
    func testWhiteSpaceRunsAndLineNumbers() {
        let src = "\t\r\n  \u{0B}\u{0C}x \t= 1\r\n\n\n    y\t\t;\n \n"
        var out = LexResult()
        let bytes = Array(src.utf8)
        bytes.withUnsafeBufferPointer { Lexer.lex($0, rules: LexerRules.forFamily(.go), triggers: TriggerSet(names: [], prefixes: []), into: &out) }
        let got = out.tokens.buffer.map { "\(String(decoding: bytes[Int($0.start)..<Int($0.end)], as: UTF8.self))@\($0.line)" }
        XCTAssertEqual(got, ["x@2", "=@2", "1@2", "y@5", ";@5"])
        // Only white space: no tokens.
        Array(" \n\t \r\n".utf8).withUnsafeBufferPointer { Lexer.lex($0, rules: LexerRules.forFamily(.go), triggers: TriggerSet(names: [], prefixes: []), into: &out) }
        XCTAssertEqual(out.tokens.count, 0)
    }
}

/// The per-scanner memo of identifier facts: exactly what the function says, for names that share
/// a slot, names longer than a slot holds, and values that are not plain bytes.
final class IdentifierMemoTests: XCTestCase {
    func testRemembersExactlyWhatTheFunctionSays() {
        var calls = 0
        let memo = IdentifierMemo<String> { q, len in
            calls += 1
            return String(decoding: UnsafeBufferPointer(start: q, count: len), as: UTF8.self).uppercased()
        }
        func look(_ s: String, _ hash: UInt32) -> String {
            Array(s.utf8).withUnsafeBufferPointer { memo.value($0.baseAddress!, $0.count, hash: hash) }
        }
        XCTAssertEqual(look("key", 7), "KEY"); XCTAssertEqual(calls, 1)
        XCTAssertEqual(look("key", 7), "KEY"); XCTAssertEqual(calls, 1)
        // Another name in the same slot replaces it.
        XCTAssertEqual(look("kex", 7 + 4096), "KEX"); XCTAssertEqual(calls, 2)
        XCTAssertEqual(look("key", 7), "KEY"); XCTAssertEqual(calls, 3)
        // A prefix of the slot's name is another name.
        XCTAssertEqual(look("ke", 7), "KE"); XCTAssertEqual(calls, 4)
        // As long as a slot holds: remembered; longer: worked out each time.
        let edge = String(repeating: "b", count: IdentifierMemo<String>.maxLength)
        XCTAssertEqual(look(edge, 9), edge.uppercased()); XCTAssertEqual(look(edge, 9), edge.uppercased()); XCTAssertEqual(calls, 5)
        let long = String(repeating: "a", count: IdentifierMemo<String>.maxLength + 1)
        XCTAssertEqual(look(long, 11), long.uppercased()); XCTAssertEqual(look(long, 11), long.uppercased()); XCTAssertEqual(calls, 7)
        // Invalid UTF-8 bytes are compared as bytes.
        let bad: [UInt8] = [0x6B, 0xFF, 0xC3]
        let v = bad.withUnsafeBufferPointer { memo.value($0.baseAddress!, 3, hash: 13) }
        XCTAssertEqual(v, String(decoding: bad, as: UTF8.self).uppercased())
        XCTAssertEqual(look("k\u{FFFD}\u{FFFD}", 13), "K\u{FFFD}\u{FFFD}"); XCTAssertEqual(calls, 9)
    }
}

/// Token boundaries the lexer's white-space and comment handling must get exactly right: deep
/// indentation, block comments full of stars and slashes (and cut off at the end of the text),
/// punctuation before regex literals, and identifier prefixes as triggers. Exact tokens, lines
/// and offsets.
final class LexerBoundaryTests: XCTestCase {
    private func tokens(_ bytes: [UInt8], _ family: SourceLanguage.Family, names: [String] = [], prefixes: [String] = []) -> ([String], LexResult) {
        var out = LexResult()
        let set = TriggerSet(names: names, prefixes: prefixes)
        bytes.withUnsafeBufferPointer { Lexer.lex($0, rules: LexerRules.forFamily(family), triggers: set, into: &out) }
        let shown = out.tokens.buffer.map { "\(String(decoding: bytes[Int($0.start)..<Int($0.end)], as: UTF8.self))@\($0.line):\($0.start)" }
        return (shown, out)
    }

    func testIndentationOfEveryWidth() {
        // 0 to 20 spaces after a newline (around the eight-byte step), then a token; the text ends
        // in spaces shorter and longer than a word too.
        var src = ""
        var expected: [String] = []
        var offset = 0
        for width in 0...20 {
            src += "\n" + String(repeating: " ", count: width) + "t\(width)"
            offset += 1 + width
            expected.append("t\(width)@\(width + 2):\(offset)")
            offset += "t\(width)".utf8.count
        }
        for tail in [3, 8, 13] {
            let (got, _) = tokens(Array((src + "\n" + String(repeating: " ", count: tail)).utf8), .jvm)
            XCTAssertEqual(got, expected)
        }
        // Spaces then a tab, and a newline inside the spaces.
        let (mixed, _) = tokens(Array("a\n        \tb\n    \n        c".utf8), .csharp)
        XCTAssertEqual(mixed, ["a@1:0", "b@2:11", "c@4:26"])
    }

    func testBlockCommentsWithStarsAndNewlines() {
        let src = "a /* * ** *\n * / *\n*/ b /**/ c /***/ d /* x */\ne /*/ f */ g"
        let (got, _) = tokens(Array(src.utf8), .jvm)
        XCTAssertEqual(got, ["a@1:0", "b@3:22", "c@3:29", "d@3:37", "e@4:47", "g@4:58"])
        // Unterminated: a star at the very end, a star and a slash apart, and `/*` as the last bytes.
        for text in ["x /* a\n*", "x /* *\n/", "x /*", "x /*\n*\n*"] {
            let (t, _) = tokens(Array(text.utf8), .c)
            XCTAssertEqual(t, ["x@1:0"], text)
        }
        // The lines after a long comment of many lines are counted exactly.
        let long = "p /*" + String(repeating: "line * / *\n", count: 300) + "*/ q"
        let (l, _) = tokens(Array(long.utf8), .go)
        XCTAssertEqual(l.last, "q@301:\(long.utf8.count - 1)")
    }

    func testLonePunctuationAndRegexAfterIt() {
        let (js, _) = tokens(Array("f(/a,b/g);{x}[/c/]\n(a)/2/1".utf8), .javascript)
        // Regex literals make no token: `/a,b/g` after "(" and `/c/` after "[" are skipped, and
        // after ")" a "/" divides.
        XCTAssertEqual(js, ["f@1:0", "(@1:1", ")@1:8", ";@1:9", "{@1:10", "x@1:11", "}@1:12", "[@1:13", "]@1:17",
                            "(@2:19", "a@2:20", ")@2:21", "/@2:22", "2@2:23", "/@2:24", "1@2:25"])
        let (_, r) = tokens(Array("a=(b);c==d;e:=f".utf8), .go)
        XCTAssertEqual(r.assignments, [1, 11])
        XCTAssertEqual(r.tokens.buffer.map(\.op), [0, 0x3D, 0x28, 0, 0x29, 0x3B, 0, 0x3D3D, 0, 0x3B, 0, 0x3D3A, 0])
    }

    func testPrefixTriggers() {
        let src = "EVP_md5(); EVP_ E EV EVX_a eVP_x xEVP_y EVP_sha1 _EVP_z MD5"
        let (got, r) = tokens(Array(src.utf8), .c, names: ["MD5"], prefixes: ["EVP_"])
        let triggered = r.triggers.map { got[Int($0)] }
        XCTAssertEqual(triggered, ["EVP_md5@1:0", "EVP_sha1@1:40", "MD5@1:56"])
        // Without prefixes an identifier starting with E is not a trigger.
        let (_, none) = tokens(Array(src.utf8), .c, names: [], prefixes: [])
        XCTAssertEqual(none.triggers, [])
    }
}

/// Literal values as the analysis reads them: string contents through the fast path for literals
/// without escapes and through the decoding path for the rest (each must give what decoding the
/// bytes gives), and number literals parsed in a temporary buffer. Bad input included: invalid
/// UTF-8 and NUL inside a literal, unterminated strings, a lone quote at the end of the text.
final class LiteralValueTests: XCTestCase {
    private func withAnalyzer(_ src: [UInt8], _ family: SourceLanguage.Family, _ body: (FileAnalyzer) -> Void) {
        var lex = LexResult()
        let tables = LanguageTables.shared
        src.withUnsafeBufferPointer { text in
            Lexer.lex(text, rules: LexerRules.forFamily(family), triggers: tables.triggers[family]!, into: &lex)
            let a = FileAnalyzer(p: text.baseAddress!, n: text.count, toks: lex.tokens.buffer, lex: lex, family: family,
                                 specs: tables.specs[family]!, byName: tables.byName[family]!, prefixSpecs: tables.prefixSpecs[family]!,
                                 rawOffsets: true, wordFlags: IdentifierMemo(FileAnalyzer.identifierWordFlags),
                                 exportable: IdentifierMemo(FileAnalyzer.exportableName), exported: ExportLedger(),
                                 algorithmNames: NameMemo(AlgorithmCatalog.parse),
                                 pureAlgorithmNames: NameMemo(AlgorithmCatalog.isPureAlgorithmName))
            body(a)
        }
    }

    private func stringValues(_ src: [UInt8], _ family: SourceLanguage.Family) -> [String] {
        var values: [String] = []
        withAnalyzer(src, family) { a in
            for i in 0..<a.toks.count where a.toks[i].kind == .string {
                let value = a.stringValue(i)
                // Whichever path is taken, the value is the decoded bytes.
                XCTAssertEqual(value, String(decoding: a.stringBytes(i), as: UTF8.self))
                values.append(value)
            }
        }
        return values
    }

    func testStringValuesWithAndWithoutEscapes() {
        let py: [UInt8] = Array(#"a = "AES/ECB/PKCS5Padding"; b = "x\ty\\z\x41\101\u0042"; c = ''; d = """tri"ple"""; e = r"raw\n"; q = "a\"b"; f = "bad "#.utf8)
            + [0xFF, 0xC3, 0x00] + Array("\"\ng = \"open\nh = \"".utf8)
        XCTAssertEqual(stringValues(py, .python), ["AES/ECB/PKCS5Padding", "x\ty\\zAAB", "", "tri\"ple", "raw\\n", "a\"b",
                                                   "bad \u{FFFD}\u{FFFD}\u{0}", "open", ""])
        // C: a raw string, a character literal, an escape at the very end of an unterminated string.
        let c = Array(#"k = R"x(DES\n)x"; ch = 'a'; s = "plain"; t = "tail\"#.utf8)
        XCTAssertEqual(stringValues(c, .c), ["DES\\n", "a", "plain", "tail\\"])
        // JavaScript template literals and C# verbatim strings take the decoding path.
        XCTAssertEqual(stringValues(Array("a = `x\\n${y}`; b = 'SHA1'".utf8), .javascript), ["x\\n${y}", "SHA1"])
        XCTAssertEqual(stringValues(Array(#"var v = @"C:\k""q"; var w = "w";"#.utf8), .csharp), [#"C:\k""q"#, "w"])
    }

    func testNumberLiterals() {
        let src = Array("0x1F 1_000 10L 0 077 1e5 1e-5 12f 0xFFFFFFFFFFFFFFFFFF 0b101 1.5 0x1fL 9223372036854775807 9223372036854775808 0X10UL".utf8)
        var values: [Int?] = []
        withAnalyzer(src, .c) { a in
            for i in 0..<a.toks.count where a.toks[i].kind == .number { values.append(a.number(i)) }
        }
        XCTAssertEqual(values, [31, 1000, 10, 0, 77, nil, nil, 12, nil, 5, nil, 31, Int.max, nil, 16])
    }
}
