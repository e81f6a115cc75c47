import DSToolYAML
import XCTest
import Yams

/// DSToolYAML reads YAML with libyaml for plugins that do not link Foundation (Yams does). Both
/// sit on the same parser: the node trees must be the same as Yams composes them.
final class YAMLDocumentTests: XCTestCase {
    /// A Yams node as DSToolYAML's tree (scalars by their text).
    func tree(_ node: Yams.Node) -> YAMLNode {
        switch node {
        case .scalar(let s): return .scalar(s.string)
        case .sequence(let s): return .sequence(s.map(tree))
        case .mapping(let m): return .mapping(YAMLMapping(pairs: m.map { (tree($0.key), tree($0.value)) }))
        case .alias: return .scalar("(alias)")
        }
    }

    func testTreesAreThoseYamsComposes() throws {
        let documents = [
            "rules:\n  - id: acme-token\n    pattern: 'acme_[a-z0-9]{32}'\n    keywords: [acme_, \"ACME\"]\n    title: {en: Acme, zh: 令牌}\n",
            "important:\n  sensitive: 10\ncore:\n  sensitive: 1_000\n  personal: 0x10\n",
            "- a\n- - b\n  - c\n- {x: 1, y: [2, 3]}\n- ~\n- ''\n- \"tab\\tand \\u4e2d\"\n",
            "text: |\n  line one\n  line two\nfolded: >\n  folded\n  text\nplain: multi\n  line\n",
            "base: &b {k: v, n: [1, 2]}\ncopy: *b\nlist: [*b, *b]\n",
            "# only a comment\nkey: value # trailing\n? complex key\n: complex value\n",
            "\u{FEFF}bom: yes\n",
            "---\nstarted: true\n...\n",
            "中文键: 值\nemoji: 🔑\n",
        ]
        for text in documents {
            let mine = try YAML.compose(text)
            let theirs = try Yams.compose(yaml: text).map(tree)
            XCTAssertEqual(mine, theirs, text)
        }
        XCTAssertEqual(try YAML.compose("base: &b {k: v}\ncopy: *b\n")?.mapping?["copy"]?.mapping?["k"], .scalar("v"))
    }

    func testEmptyTextHasNoDocument() throws {
        for text in ["", "\n\n", "# comment only\n"] {
            XCTAssertNil(try YAML.compose(text), text.debugDescription)
            XCTAssertNil(try Yams.compose(yaml: text), text.debugDescription)
        }
        // An explicit document with nothing in it is one empty scalar, to both.
        XCTAssertEqual(try YAML.compose("---\n...\n"), .scalar(""))
        XCTAssertEqual(try Yams.compose(yaml: "---\n...\n").map(tree), .scalar(""))
    }

    func testWhatDoesNotParseThrowsWithItsPosition() {
        for text in ["dup: 1\ndup: 2\n", "key: [unclosed\n", "a: b: c\n", "key: 'open\n", "- a\nb: c\n", "x: *undefined\n", "\t- tab\n", "a: 1\n---\nb: 2\n"] {
            XCTAssertThrowsError(try YAML.compose(text), text.debugDescription)
            XCTAssertThrowsError(try Yams.compose(yaml: text), text.debugDescription)
        }
        XCTAssertThrowsError(try YAML.compose("key: [unclosed\n")) { error in
            XCTAssertEqual("\(error)", "line 2, column 1: while parsing a flow sequence: did not find expected ',' or ']'")
        }
        XCTAssertThrowsError(try YAML.compose("a: 1\nb: {c: 1, c: 2}\n")) { error in
            XCTAssertEqual("\(error)", "line 2, column 4: the key 'c' is given twice")
        }
        XCTAssertThrowsError(try YAML.compose("a: 1\n---\nb: 2\n")) { error in
            XCTAssertEqual("\(error)", "line 2, column 1: expected a single document, found another")
        }
    }

    /// Hostile documents: an alias inside its own anchor, aliases that multiply (a "billion
    /// laughs"), nesting deeper than the limit — refused with a message, never a crash or a hang.
    func testHostileDocumentsAreRefused() {
        XCTAssertThrowsError(try YAML.compose("&a [*a]\n")) { XCTAssertTrue("\($0)".contains("nested more than"), "\($0)") }
        var laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { laughs += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        XCTAssertThrowsError(try YAML.compose(laughs)) { XCTAssertTrue("\($0)".contains("nodes once aliases are expanded"), "\($0)") }
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        XCTAssertThrowsError(try YAML.compose(deep)) { XCTAssertTrue("\($0)".contains("nested more than 256"), "\($0)") }
        XCTAssertNotNil(try? YAML.compose(String(repeating: "[", count: 200) + String(repeating: "]", count: 200)))
    }
}
