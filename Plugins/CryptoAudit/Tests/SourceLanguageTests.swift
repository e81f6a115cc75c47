import XCTest
@testable import DSToolCryptoAudit

/// `SourceLanguage.detect` decides ASCII extensions on the name's bytes; every answer must be the
/// one the String path (`detectByString`) gives, on ordinary and hostile names alike.
final class SourceLanguageTests: XCTestCase {
    func testByteAndStringPathsAgree() {
        let names: [String] = [
            "A.java", "a.JAVA", "x.Kt", "s.scala", "b.groovy", "p.py", "p.PYW", "t.pyi", "m.go", "c.c", "c.h", "x.cc", "x.CPP",
            "x.c++", "x.hxx", "o.m", "o.mm", "j.js", "j.mjs", "j.cjs", "j.JSX", "t.ts", "t.tsx", "t.mts", "t.cts", "k.cs",
            "dir/sub/file.go", "dir.d/file", "dir.java/file", "file.", ".", "", "noext", "a.b.c.go", ".py", "..c",
            "a.abcdefghij", "a.javascript", "a.jav", "a.javaa", "a. java", "a.ja va", "a.java ", "a.j\u{00E4}va",
            "名字.py", "路径/文件.JAVA", "a.\u{0301}java", "\u{0600}.java", "x\u{0600}.go", "é.cs", "a.py\u{0301}",
            "a.c\u{200D}", "a\u{200D}.c", "/", "a/", "a.go/", "C:\\dir\\f.java", "f.java\n", "f\0.py", "f.p\0y",
        ]
        for name in names {
            XCTAssertEqual(SourceLanguage.detect(name: name), SourceLanguage.detectByString(name: name), name)
        }
        XCTAssertEqual(SourceLanguage.detect(name: "Main.JAVA"), .java)
        XCTAssertEqual(SourceLanguage.detect(name: "x.c++"), .cpp)
        XCTAssertNil(SourceLanguage.detect(name: "dir.java/file"))
        XCTAssertNil(SourceLanguage.detect(name: "a.abcdefghij"))
    }

    func testEveryShortASCIIExtensionAgrees() {
        // Every extension of one or two printable ASCII bytes, and the known ones in every case mix.
        var names: [String] = []
        for a in 0x20...0x7E {
            names.append("f." + String(UnicodeScalar(UInt8(a))))
            for b in stride(from: 0x20, through: 0x7E, by: 3) { names.append("f." + String(UnicodeScalar(UInt8(a))) + String(UnicodeScalar(UInt8(b)))) }
        }
        for ext in ["java", "py", "cpp", "tsx", "groovy", "scala"] {
            for mask in 0..<(1 << ext.count) {
                let mixed = ext.enumerated().map { i, ch in mask & (1 << i) != 0 ? ch.uppercased() : String(ch) }.joined()
                names.append("x." + mixed)
            }
        }
        for name in names {
            XCTAssertEqual(SourceLanguage.detect(name: name), SourceLanguage.detectByString(name: name), name)
        }
    }
}
