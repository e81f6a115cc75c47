import DSToolKit
@testable import DSToolEncrypt
import Foundation
import XCTest

/// `dstool hash`: SM3 and SHA-256, manifests in coreutils' tagged format, --check.
final class HashTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try TestSupport.tempDir() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func testDigestsOfKnownInputs() throws {
        try TestSupport.write(Array("abc".utf8), to: dir.appendingPathComponent("abc.txt"))
        try TestSupport.write([], to: dir.appendingPathComponent("empty"))
        let r = try TestSupport.dstool(["hash", path("abc.txt"), path("empty")])
        XCTAssertEqual(r.exitCode, 0, r.report)
        XCTAssertTrue(r.report.hasPrefix("""
        SM3 (\(path("abc.txt"))) = 66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0
        SHA256 (\(path("abc.txt"))) = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        SM3 (\(path("empty"))) = 1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b
        SHA256 (\(path("empty"))) = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

        """), r.report)
        let one = try TestSupport.dstool(["hash", "--algorithm", "sm3", "--format", "json", path("abc.txt")])
        XCTAssertEqual(one.data.first?.value.objectValue?["sm3"], .string("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"))
        XCTAssertNil(one.data.first?.value.objectValue?["sha256"])
        XCTAssertEqual(one.data.first?.value.objectValue?["size"], .int(3))
        XCTAssertEqual(try TestSupport.dstool(["hash", "--algorithm", "md5", path("abc.txt")]).exitCode, 2)
    }

    func testManifestRoundTripAndCheck() throws {
        let names = ["a.csv", "b c.txt", "证据.log", "line\nbreak", "back\\slash"]
        for (i, n) in names.enumerated() { try TestSupport.write(TestSupport.bytes(1000 * i + 7, seed: UInt64(i)), to: dir.appendingPathComponent(n)) }
        let manifest = path("evidence.sums")
        let w = try TestSupport.dstool(["hash", "-o", manifest] + names.map(path))
        XCTAssertEqual(w.exitCode, 0, w.report)
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        XCTAssertEqual(text.split(separator: "\n").count, 2 * names.count)
        XCTAssertTrue(text.contains("\\SM3 (\(path("line\\nbreak"))) = "), text)
        XCTAssertTrue(text.contains("\\SHA256 (\(path("back\\\\slash"))) = "), text)
        let c = try TestSupport.dstool(["hash", "--check", "--format", "json", manifest])
        XCTAssertEqual(c.exitCode, 0, c.report)
        XCTAssertEqual(c.data.count, 2 * names.count)
        XCTAssertTrue(c.data.allSatisfy { $0.value.objectValue?["ok"] == .bool(true) })

        // coreutils checks the SHA256 lines of the same manifest
        let sha256sum = try TestSupport.requireTool("sha256sum", package: "coreutils")
        let s = try TestSupport.run(sha256sum, ["-c", manifest])
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertEqual(String(decoding: s.stdout, as: UTF8.self).components(separatedBy: ": OK").count - 1, names.count)

        // one changed, one missing
        try TestSupport.write(Array("changed".utf8), to: dir.appendingPathComponent("a.csv"))
        try FileManager.default.removeItem(at: dir.appendingPathComponent("b c.txt"))
        let bad = try TestSupport.dstool(["hash", "--check", "--format", "json", manifest])
        XCTAssertEqual(bad.exitCode, 1)
        XCTAssertEqual(bad.findings.filter { $0.ruleId == "encrypt.hash-mismatch" }.map(\.location.input), [path("a.csv"), path("a.csv")])
        XCTAssertEqual(bad.findings.filter { $0.ruleId == "encrypt.hash-missing" }.map(\.location.input), [path("b c.txt")])
        XCTAssertEqual(bad.data.count, 2 * (names.count - 2))
    }

    func testMalformedManifestLines() throws {
        try TestSupport.write(Array("abc".utf8), to: dir.appendingPathComponent("abc"))
        let m = """
        # comment
        SM3 (\(path("abc"))) = 66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0
        MD5 (\(path("abc"))) = 900150983cd24fb0d6963f7d28e17f72
        SHA256 (\(path("abc"))) = nothex
        66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0  abc

        """
        try m.write(toFile: path("m.sums"), atomically: true, encoding: .utf8)
        let r = try TestSupport.dstool(["hash", "--check", "--format", "json", path("m.sums")])
        XCTAssertEqual(r.exitCode, 3)
        XCTAssertEqual(r.errors.map(\.input), [path("m.sums") + ":3", path("m.sums") + ":4", path("m.sums") + ":5"])
        XCTAssertEqual(Set(r.errors.map(\.code)), ["hash.malformed"])
        XCTAssertEqual(r.data.count, 1)
    }

    func testParseAndFormatAreInverse() {
        for p in ["plain", "with ) = inside", "a\nb", "c\\d", "e\rf", "(paren"] {
            let line = DigestManifest.Line(algorithm: .sm3, path: p, hex: String(repeating: "ab", count: 32))
            XCTAssertEqual(DigestManifest.parse(Substring(DigestManifest.format(line))), line, p)
        }
    }
}
