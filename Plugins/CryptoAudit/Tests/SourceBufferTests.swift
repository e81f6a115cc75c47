import DSToolCore
import DSToolKit
import Foundation
import XCTest
@testable import DSToolCryptoAudit

/// Source files are read into buffers the workers hand back and the reader fills again.
final class SourceBufferTests: XCTestCase {
    func testGrowingKeepsTheBytesAndRemoveAllEmpties() {
        let b = SourceBuffer(capacity: 4)
        var expected: [UInt8] = []
        for k in 0..<200 {
            let piece = (0..<(k % 37)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ k) }
            piece.withUnsafeBytes { b.append($0) }
            expected += piece
        }
        XCTAssertEqual(Array(b.bytes), expected)
        XCTAssertGreaterThanOrEqual(b.capacity, expected.count)
        b.reserve(b.capacity + 1)
        XCTAssertEqual(Array(b.bytes), expected)
        b.removeAll()
        XCTAssertEqual(Array(b.bytes), [])

        let pool = SourceBufferPool()
        let small = pool.take()
        pool.give(small)
        XCTAssertTrue(pool.take() === small)
        let big = SourceBuffer(capacity: SourceBufferPool.largestKept + 1)
        pool.give(big)
        XCTAssertFalse(pool.take() === big, "a buffer grown for a large file is not kept")
    }

    /// A tree's findings are those of each file audited on its own (fresh buffers), whichever
    /// buffer a file was read into: a long file and then short and empty ones (a short file must
    /// not see the long one's tail), a file larger than the kept size, UTF-16 and GB18030 files
    /// (decoded, then copied in), NUL bytes, and a cut UTF-8 sequence at the end; one job and two.
    func testReusedBuffersGiveEachFileItsOwnFindings() throws {
        let md5 = "class A { void a() throws Exception { MessageDigest.getInstance(\"MD5\"); } }\n"
        let des = "class D { void d() throws Exception { Cipher.getInstance(\"DES/ECB/PKCS5Padding\"); } }\n"
        func utf16le(_ s: String) -> [UInt8] { [0xFF, 0xFE] + s.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }
        let files: [(String, [UInt8])] = [
            ("t/1-long.java", Array((String(repeating: "// filler line\n", count: 3000) + md5).utf8)),
            ("t/2-short.java", Array("class B {}\n".utf8)),
            ("t/3-empty.java", []),
            ("t/4-des.java", Array(des.utf8)),
            ("t/5-huge.java", Array((String(repeating: "// more filler\n", count: 90_000) + des + md5).utf8)),
            ("t/6-after-huge.java", Array(md5.utf8)),
            ("t/7-utf16.java", utf16le("// 注释\n" + des)),
            ("t/8-gb18030.java", [0x2F, 0x2F, 0x20, 0xD7, 0xA2, 0xCA, 0xCD, 0x0A] + Array(md5.utf8)),
            ("t/9-nul.java", Array(des.utf8) + [0, 0, 0, 0x0A] + Array(md5.utf8)),
            ("t/a-cut.java", Array(md5.utf8) + [0xE4, 0xB8]),
        ]
        var alone: [String] = []
        for (name, bytes) in files {
            let one = TempTree()
            one.write(name, bytes)
            alone += try treeFindings(one)
        }
        // Each file with a misuse has its findings (so the comparison below compares something).
        for file in ["1-long", "4-des", "5-huge", "6-after-huge", "7-utf16", "8-gb18030", "9-nul", "a-cut"] {
            XCTAssertTrue(alone.contains { $0.contains("t/\(file).java:") }, file)
        }
        XCTAssertFalse(alone.contains { $0.contains("2-short") || $0.contains("3-empty") })
        let tree = TempTree()
        for (name, bytes) in files { tree.write(name, bytes) }
        XCTAssertEqual(try treeFindings(tree, ["--jobs", "1"]), alone)
        XCTAssertEqual(try treeFindings(tree, ["--jobs", "2"]), alone)
    }
}
