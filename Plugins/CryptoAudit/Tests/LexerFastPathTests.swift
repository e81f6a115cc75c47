import DSToolKit
import XCTest
@testable import DSToolCryptoAudit

/// The lexer's fast paths (identifier bytes and two-character operators from tables, the pair
/// looked up only before punctuation, indentation eight spaces at a time, the prefix-trigger
/// filter, regex state only for JavaScript, numbers after a leading point) against
/// `ReferenceLexer`, the lexer before them: the same tokens (offsets, lines, kinds, operators,
/// hashes) and the same trigger, assignment and http:// lists, on source of every language family
/// and on hostile input.
final class LexerFastPathTests: XCTestCase {
    private static let families: [SourceLanguage.Family] = [.jvm, .python, .go, .c, .javascript, .csharp]

    private struct Lexed: Equatable {
        /// Start, end, line, kind, operator and hash of each token, one after the other.
        var tokens: [Int64]
        var triggers: [Int32]
        var assignments: [Int32]
        var httpStrings: [Int32]
    }

    private func lexBoth(_ bytes: [UInt8], _ family: SourceLanguage.Family, file: StaticString = #filePath, line: UInt = #line) {
        let triggers = LanguageTables.shared.triggers[family]!
        func collect(_ r: LexResult) -> Lexed {
            var tokens: [Int64] = []
            tokens.reserveCapacity(r.tokens.count * 6)
            for t in r.tokens.buffer {
                tokens += [Int64(t.start), Int64(t.end), Int64(t.line), Int64(t.kind.rawValue), Int64(t.op), Int64(t.hash)]
            }
            return Lexed(tokens: tokens, triggers: r.triggers, assignments: r.assignments, httpStrings: r.httpStrings)
        }
        var new = LexResult(), old = LexResult()
        bytes.withUnsafeBufferPointer {
            Lexer.lex($0, rules: LexerRules.forFamily(family), triggers: triggers, into: &new)
            ReferenceLexer.lex($0, rules: LexerRules.forFamily(family), triggers: triggers, into: &old)
        }
        let a = collect(new), b = collect(old)
        if a != b {
            let firstDiff = zip(a.tokens, b.tokens).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.tokens.count, b.tokens.count)
            XCTFail("\(family): tokens differ from the reference at token \(firstDiff / 6) (\(a.tokens.count / 6) against \(b.tokens.count / 6) tokens)", file: file, line: line)
        }
    }

    /// A deterministic generator (SplitMix64): the same inputs on every run.
    private struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Pieces that matter to a lexer: every quote, escape, comment opener and closer, white space
    /// of every kind (CRLF too), identifiers of lengths around the eight-byte step, API names,
    /// numbers, operators, NUL, invalid UTF-8 and GB18030 bytes.
    private static let pieces: [[UInt8]] = {
        let text: [String] = [
            " ", "  ", "        ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\n    ", "\n\n        ",
            "a", "ab", "abcdefg", "abcdefgh", "abcdefghi", "getInstance", "MessageDigest", "EVP_md5", "hashlib", "md5",
            "_x", "$y", "x1", "ÄÖ", "名字", "0", "42", "0x1F", "1e-5", "3.14", ".5",
            "\"", "'", "`", "\\", "\\\"", "\\'", "\"\"\"", "'''", "@\"", "R\"(", ")\"", "r\"", "b'", "f\"",
            "/*", "*/", "*", "/", "//", "#", "/**/", "http://x.example/a", "\"http://h.example\"",
            "(", ")", "[", "]", "{", "}", ";", ",", ".", "=", "==", ":=", "->", "::", "+", "-", "!", "?", "<", ">",
            "return", "in", "typeof",
        ]
        var p = text.map { Array($0.utf8) }
        p.append([0x00]); p.append([0xFF]); p.append([0xC3]); p.append([0xE2, 0x28])
        p.append([0x81, 0x30, 0x81, 0x30])  // GB18030 four-byte sequence
        p.append([0xD6, 0xD0, 0xCE, 0xC4])  // GB18030 two-byte Chinese
        return p
    }()

    func testRandomPiecesInEveryFamilyMatchTheReference() {
        var g = Generator(state: 2026)
        for round in 0..<600 {
            var bytes: [UInt8] = []
            let count = 1 + g.below(round < 300 ? 40 : 400)
            for _ in 0..<count { bytes += Self.pieces[g.below(Self.pieces.count)] }
            for family in Self.families { lexBoth(bytes, family) }
            // Every prefix length of short inputs: each way of ending the text (inside a word,
            // an identifier, a string, a comment, white space) is tried.
            if round < 40 {
                for cut in 0..<bytes.count { for family in Self.families { lexBoth(Array(bytes[0..<cut]), family) } }
            }
        }
    }

    func testRandomBytesMatchTheReference() {
        var g = Generator(state: 39786)
        for _ in 0..<300 {
            let bytes = (0..<(1 + g.below(300))).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            for family in Self.families { lexBoth(bytes, family) }
        }
    }

    func testSourceOfEveryFamilyMatchesTheReference() {
        let sources: [(SourceLanguage.Family, String)] = [
            (.jvm, "package a;\r\n/** Doc */\npublic class S {\n    private static final String ALG = \"DES/ECB/PKCS5Padding\";\n    void f() throws Exception {\n        Cipher c = Cipher.getInstance(ALG); // \"x\"\n        String t = \"\"\"\n  text \"block\"\n  \"\"\";\n        char q = '\\'';\n    }\n}\n"),
            (.python, "import hashlib\n# comment \"x\"\ndef f(x):\n    h = hashlib.md5(b\"k\\x00\")\n    s = '''multi\nline'''\n    r = rb'raw\\'\n    return f\"{x}\" + u'\u{00E9}'\n"),
            (.go, "package main\nimport \"crypto/md5\"\nfunc f() {\n\tx := md5.Sum([]byte(`raw\n\\string`))\n\t/* block\n * comment */ y := 'c'\n}\n"),
            (.c, "#include <openssl/evp.h>\nint f(void) {\n    const EVP_MD *m = EVP_md5(); /* legacy */\n    char *s = R\"x(raw \" string)x\";\n    unsigned char k[16] = {0x00, 0x01};\n    return k[0] == 0 ? 1 : 0;\n}\n"),
            (.javascript, "const crypto = require('crypto');\nconst re = /a\\/b[/]c/g, d = x / 2 / y;\nconst h = crypto.createHash(\"md5\");\nconst t = `http://x.example/${id}\n`;\nif (typeof re === 'object') { return /x/.test(t) }\n"),
            (.csharp, "using System.Security.Cryptography;\nclass C {\n    string p = @\"C:\\path\"\"q\";\n    string r = \"\"\"\n raw \"\"\";\n    void F() { var d = MD5.Create(); var s = $\"{d}\"; }\n}\n"),
        ]
        for (family, src) in sources {
            lexBoth(Array(src.utf8), family)
            // Every family's rules on every source: a file named .js may hold any text.
            for other in Self.families { lexBoth(Array(src.utf8), other) }
        }
    }

    func testHostileInputMatchesTheReference() {
        // Unterminated string, comment and text block at the very end; lone prefixes.
        for text in ["x = \"open", "x = 'o", "y /* never", "t = \"\"\"never", "s = R\"delim(never", "z = @\"never", "r = `never", "k = \"\\", "/", "*", "@", "R"] {
            for family in Self.families { lexBoth(Array(text.utf8), family) }
        }
        // Deeply nested brackets, NUL bytes in code and strings, CRLF everywhere.
        let nested = Array((String(repeating: "f([{", count: 5000) + "x" + String(repeating: "}])", count: 5000)).utf8)
        for family in Self.families { lexBoth(nested, family) }
        let nul: [UInt8] = Array("a\0b = \"c\0d\"; \0\0\0\0\0\0\0\0\0 e".utf8)
        for family in Self.families { lexBoth(nul, family) }
        let crlf = Array(String(repeating: "key = \"v\";\r\n\r\n  /* c\r\n */ x = 1;\r\n", count: 50).utf8)
        for family in Self.families { lexBoth(crlf, family) }
        // GB18030 text (as the bytes a wrongly declared file would give the lexer).
        let gb: [UInt8] = [0xC3, 0xDC, 0xC2, 0xEB, 0x20, 0x3D, 0x20, 0x22, 0xCB, 0xE3, 0xB7, 0xA8, 0x22, 0x3B, 0x0A] + [0x81, 0x30, 0x81, 0x30, 0x28, 0x29]
        for family in Self.families { lexBoth(gb, family) }
    }

    func testTenMegabyteSingleLineMatchesTheReference() {
        // One line of 10 MB: long identifiers, long strings and long runs of spaces, no newline.
        var line: [UInt8] = []
        line.reserveCapacity(10_500_000)
        let unit = Array("Cipher.getInstance(\"AES/GCM/NoPadding\" + averyveryverylongidentifiername_0123456789);        /* c */ ".utf8)
        while line.count < 10_000_000 { line += unit }
        lexBoth(line, .jvm)
        lexBoth(line, .javascript)
    }

    func testEveryTwoCharacterOperatorIsOneToken() {
        // Each listed operator is one token with both bytes; every other pair of punctuation
        // (and a listed operator's bytes the other way round, where that is not listed) is two.
        let listed = Set(Lexer.twoCharOperators)
        let punctuation = Array("=!<>-:+*/&|?.%^~,;()[]{}".utf8)
        for a in punctuation {
            for b in punctuation {
                let text: [UInt8] = [UInt8(ascii: "x"), a, b, UInt8(ascii: "y")]
                var out = LexResult()
                text.withUnsafeBufferPointer { Lexer.lex($0, rules: LexerRules.forFamily(.c), triggers: TriggerSet(names: [], prefixes: []), into: &out) }
                let pair = String(decoding: [a, b], as: UTF8.self)
                // `//` and `/*` open comments in C: nothing after them is a token.
                if pair == "//" || pair == "/*" { XCTAssertEqual(out.tokens.count, 1, pair); continue }
                let ops = out.tokens.buffer.filter { $0.kind == .op }.map(\.op)
                if listed.contains(pair) {
                    XCTAssertEqual(ops, [UInt16(a) | UInt16(b) << 8], pair)
                } else {
                    XCTAssertEqual(ops, [UInt16(a), UInt16(b)], pair)
                }
            }
        }
        XCTAssertEqual(listed.count, 23)
    }

    func testPrefixTriggersOnlyWhereAPrefixStarts() {
        // C's `EVP_` prefix: identifiers starting with E are checked, others never are; a name
        // that is only the prefix, or shorter, is not a trigger.
        let src = Array("EVP_md5 EVP_ EVX_a E evp_md5 XEVP_a EVP_sha256()".utf8)
        var out = LexResult()
        let set = TriggerSet(names: [], prefixes: ["EVP_"])
        src.withUnsafeBufferPointer { Lexer.lex($0, rules: LexerRules.forFamily(.c), triggers: set, into: &out) }
        XCTAssertEqual(out.triggers, [0, 6])
        XCTAssertTrue(set.mayHavePrefix(startingWith: UInt8(ascii: "E")))
        XCTAssertFalse(set.mayHavePrefix(startingWith: UInt8(ascii: "e")))
        XCTAssertFalse(TriggerSet(names: ["E"], prefixes: []).mayHavePrefix(startingWith: UInt8(ascii: "E")))
    }

    func testIndentationRunsMatchTheReference() {
        // Indentation of every width from 0 to 40 after LF and CRLF, with tabs mixed in, and text
        // that ends inside the indentation at every length.
        var src = ""
        for width in 0...40 {
            src += "\n" + String(repeating: " ", count: width) + "a\(width)"
            src += "\r\n" + String(repeating: " ", count: width) + "\tb"
            src += "\n" + String(repeating: " ", count: width) + "\n"
        }
        for family in Self.families { lexBoth(Array(src.utf8), family) }
        for width in 0...20 {
            let tail = Array(("x\n" + String(repeating: " ", count: width)).utf8)
            for family in Self.families { lexBoth(tail, family) }
        }
    }

    func testIdentifiersOfEveryLengthNearTheEndOfTheTextMatchTheReference() {
        // The identifier loop takes four bytes per bounds check while four remain: identifiers
        // of 1 to 40 bytes, ending 0 to 9 bytes before the end, after and before one-character
        // operators (pushed without looking at the next byte), ASCII and UTF-8.
        for len in 1...40 {
            let name = String(decoding: (0..<len).map { UInt8(ascii: "a") + UInt8($0 % 26) }, as: UTF8.self)
            for gap in 0...9 {
                for family in Self.families { lexBoth(Array(("(" + name + String(repeating: ")", count: gap)).utf8), family) }
                lexBoth(Array(("\u{00E9}" + name + String(repeating: " ", count: gap)).utf8), .jvm)
            }
        }
    }

    func testEveryByteBeforePunctuationMatchesTheReference() {
        // Each byte value before each punctuation byte and at the very end: the one-character
        // operators, pushed without a look at the next byte, are exactly those that start no
        // two-character operator, string, comment, number or regex.
        let punctuation = Array("=!<>-:+*/&|?.%^~,;()[]{}\"'`@#\\".utf8)
        for b in 0...255 {
            for d in punctuation { for family in Self.families { lexBoth([UInt8(b), d, 0x61], family) } }
            for family in Self.families { lexBoth([0x61, UInt8(b)], family) }
        }
    }
}
