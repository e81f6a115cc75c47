import DSToolKit
@testable import DSToolEncrypt
import Foundation
import XCTest

/// The installed binary in a pipeline: standard input to standard output, no arguments meaning
/// standard input, constant memory on a large stream.
final class CLIStreamingTests: XCTestCase {
    /// The build products folder (the test bundle sits beside dstool and the plugin libraries).
    static var productsDir: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("dstool").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    func testPipelineThroughTheInstalledBinary() throws {
        let products = Self.productsDir
        guard FileManager.default.isExecutableFile(atPath: products.appendingPathComponent("dstool").path),
              FileManager.default.fileExists(atPath: products.appendingPathComponent("libdstool-encrypt.so").path) else {
            XCTFail("dstool and libdstool-encrypt.so are not built in \(products.path): run 'swift build' before 'swift test'")
            return
        }
        let dir = try TestSupport.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let prefix = dir.appendingPathComponent("dist")
        let install = try TestSupport.run(TestSupport.packageRoot.appendingPathComponent("Scripts/install").path,
                                          ["--from-bin", products.path, "--prefix", prefix.path])
        XCTAssertEqual(install.status, 0, install.stderr)
        let dstool = prefix.appendingPathComponent("bin/dstool").path
        let key = dir.appendingPathComponent("key.txt").path
        XCTAssertEqual(try TestSupport.run(dstool, ["keygen", "-o", key]).status, 0)
        let sm2 = dir.appendingPathComponent("sm2.pem").path
        XCTAssertEqual(try TestSupport.run(dstool, ["keygen", "-t", "sm2", "-o", sm2]).status, 0)

        // 40 MB through two pipes for each scheme; memory stays bounded (checked on the decryptor).
        let plain = dir.appendingPathComponent("plain")
        var block = TestSupport.bytes(1 << 20, seed: 1)
        let fh = try FileHandle(forWritingTo: { FileManager.default.createFile(atPath: plain.path, contents: nil); return plain }())
        for i in 0..<40 { block[0] = UInt8(i); fh.write(Data(block)) }
        try fh.close()
        for (scheme, recipient, identity) in [("age", "-R \(key).pub", "-i \(key)"), ("gm", "-R \(sm2).pub", "-i \(sm2)")] {
            let out = dir.appendingPathComponent("out-\(scheme)").path
            let script = """
            set -e
            measure=""
            [ -x /usr/bin/time ] && measure="/usr/bin/time -f %M -o '\(dir.path)/rss-\(scheme)'"
            '\(dstool)' encrypt --scheme \(scheme) \(recipient) < '\(plain.path)' | eval "$measure '\(dstool)' decrypt \(identity) -" > '\(out)'
            """
            let r = try TestSupport.run("/bin/sh", ["-c", script])
            XCTAssertEqual(r.status, 0, "\(scheme): \(r.stderr)")
            XCTAssertTrue(FileManager.default.contentsEqual(atPath: out, andPath: plain.path), scheme)
            if let rss = Int((try? String(contentsOfFile: "\(dir.path)/rss-\(scheme)", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
                XCTAssertLessThan(rss, 120_000, "\(scheme): decrypting 40 MB used \(rss) KiB")
            }
        }
        // Binary ciphertext is not written to a terminal; armor is.
        let tty = try TestSupport.run("/bin/sh", ["-c", "echo hi | script -qec \"'\(dstool)' encrypt -R '\(key).pub'\" /dev/null"])
        XCTAssertTrue(String(decoding: tty.stdout, as: UTF8.self).contains("refusing to write binary ciphertext to a terminal"),
                      String(decoding: tty.stdout, as: UTF8.self))
    }
}
