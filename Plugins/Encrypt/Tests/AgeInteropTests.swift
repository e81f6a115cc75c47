import DSToolKit
@testable import DSToolEncrypt
import Foundation
import XCTest

/// dstool and Debian's `age` must read each other's files: X25519 and passphrase recipients,
/// binary and armored, several recipients, recipient files, keys made by either side.
final class AgeInteropTests: XCTestCase {
    var dir: URL!
    var age = "", ageKeygen = ""

    override func setUpWithError() throws {
        age = try TestSupport.requireTool("age", package: "age")
        ageKeygen = try TestSupport.requireTool("age-keygen", package: "age")
        dir = try TestSupport.tempDir()
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// An age-keygen identity file and its recipient.
    func ageKey(_ name: String) throws -> (file: String, recipient: String) {
        let file = path(name)
        let r = try TestSupport.run(ageKeygen, ["-o", file])
        XCTAssertEqual(r.status, 0, r.stderr)
        let y = try TestSupport.run(ageKeygen, ["-y", file])
        return (file, String(decoding: y.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs age on a pseudo-terminal (it reads passphrases only from a terminal), typing `input`.
    func ageOnTerminal(_ args: [String], typing input: String) throws -> TestSupport.Output {
        let command = ([age] + args).map { "'\($0)'" }.joined(separator: " ")
        let feed = input.split(separator: "\n").map { "sleep 1; printf '%s\\n' '\($0)'" }.joined(separator: "; ")
        return try TestSupport.run("/bin/sh", ["-c", "(\(feed)) | script -qec \"\(command)\" /dev/null"])
    }

    static let sizes = [0, 1, 1000, 65536, 65537, 16 * 65536, 16 * 65536 + 1, 3_000_001]

    func testAgeDecryptsDstoolFiles() throws {
        let key = try ageKey("key.txt")
        for (n, size) in Self.sizes.enumerated() {
            for armor in [false, true] {
                let plain = TestSupport.bytes(size, seed: UInt64(n))
                try TestSupport.write(plain, to: URL(fileURLWithPath: path("p\(n)")))
                let enc = path("p\(n)\(armor ? ".asc" : "").age")
                let r = try TestSupport.dstool(["encrypt", "-r", key.recipient, "-o", enc, path("p\(n)")] + (armor ? ["--armor"] : []))
                XCTAssertEqual(r.exitCode, 0, r.report)
                let out = path("out\(n)\(armor)")
                let d = try TestSupport.run(age, ["-d", "-i", key.file, "-o", out, enc])
                XCTAssertEqual(d.status, 0, "age -d failed for \(size) bytes (armor \(armor)): \(d.stderr)")
                // age creates its output on the first write: an empty plaintext leaves no file.
                let got = size == 0 && !FileManager.default.fileExists(atPath: out) ? [] : try TestSupport.read(URL(fileURLWithPath: out))
                XCTAssertEqual(got, plain, "size \(size) armor \(armor)")
            }
        }
    }

    func testDstoolDecryptsAgeFiles() throws {
        let key = try ageKey("key.txt")
        for (n, size) in Self.sizes.enumerated() {
            for armor in [false, true] {
                let plain = TestSupport.bytes(size, seed: UInt64(100 + n))
                try TestSupport.write(plain, to: URL(fileURLWithPath: path("p\(n)")))
                let enc = path("p\(n)\(armor).age")
                let e = try TestSupport.run(age, ["-r", key.recipient, "-o", enc] + (armor ? ["-a"] : []) + [path("p\(n)")])
                XCTAssertEqual(e.status, 0, e.stderr)
                let out = path("out\(n)\(armor)")
                let r = try TestSupport.dstool(["decrypt", "-i", key.file, "-o", out, enc])
                XCTAssertEqual(r.exitCode, 0, "size \(size) armor \(armor): \(r.report) \(r.errors)")
                XCTAssertEqual(try TestSupport.read(URL(fileURLWithPath: out)), plain, "size \(size) armor \(armor)")
            }
        }
    }

    func testSeveralRecipientsAndRecipientFiles() throws {
        let a = try ageKey("a.txt"), b = try ageKey("b.txt"), c = try ageKey("c.txt")
        let recipients = path("team.txt")
        try "# team keys\n\n\(b.recipient)\n\(c.recipient)\n".write(toFile: recipients, atomically: true, encoding: .utf8)
        let plain = TestSupport.bytes(200_000, seed: 7)
        try TestSupport.write(plain, to: URL(fileURLWithPath: path("p")))
        let r = try TestSupport.dstool(["encrypt", "-r", a.recipient, "-R", recipients, "-o", path("p.age"), path("p")])
        XCTAssertEqual(r.exitCode, 0, r.report)
        for k in [a, b, c] {
            let d = try TestSupport.run(age, ["-d", "-i", k.file, "-o", path("out-\(k.recipient.suffix(6))"), path("p.age")])
            XCTAssertEqual(d.status, 0, d.stderr)
            XCTAssertEqual(try TestSupport.read(URL(fileURLWithPath: path("out-\(k.recipient.suffix(6))"))), plain)
        }
        // age with a recipients file, dstool with one of the keys.
        let e = try TestSupport.run(age, ["-R", recipients, "-o", path("q.age"), path("p")])
        XCTAssertEqual(e.status, 0, e.stderr)
        let d = try TestSupport.dstool(["decrypt", "-i", c.file, "-o", path("q"), path("q.age")])
        XCTAssertEqual(d.exitCode, 0, d.report)
        XCTAssertEqual(try TestSupport.read(URL(fileURLWithPath: path("q"))), plain)
        // A key that is not a recipient.
        let x = try TestSupport.dstool(["decrypt", "-i", a.file, "-o", path("x"), path("q.age")])
        XCTAssertEqual(x.exitCode, 3)
        XCTAssertEqual(x.errors.first?.code, "decrypt.no-identity")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x")))
    }

    func testPassphraseBothWays() throws {
        let plain = TestSupport.bytes(70_000, seed: 9)
        try TestSupport.write(plain, to: URL(fileURLWithPath: path("p")))
        setenv("DSTOOL_TEST_PASSPHRASE", "correct horse battery", 1)
        defer { unsetenv("DSTOOL_TEST_PASSPHRASE") }
        // dstool -> age
        let r = try TestSupport.dstool(["encrypt", "--passphrase", "env:DSTOOL_TEST_PASSPHRASE", "--scrypt-log-n", "12", "-o", path("p.age"), path("p")])
        XCTAssertEqual(r.exitCode, 0, r.report)
        let d = try ageOnTerminal(["-d", "-o", path("out1"), path("p.age")], typing: "correct horse battery")
        XCTAssertEqual(d.status, 0, String(decoding: d.stdout, as: UTF8.self))
        XCTAssertEqual(try TestSupport.read(URL(fileURLWithPath: path("out1"))), plain)
        // age -> dstool
        let e = try ageOnTerminal(["-p", "-o", path("q.age"), path("p")], typing: "correct horse battery\ncorrect horse battery")
        XCTAssertEqual(e.status, 0, String(decoding: e.stdout, as: UTF8.self))
        let x = try TestSupport.dstool(["decrypt", "--passphrase", "env:DSTOOL_TEST_PASSPHRASE", "-o", path("out2"), path("q.age")])
        XCTAssertEqual(x.exitCode, 0, x.report)
        XCTAssertEqual(try TestSupport.read(URL(fileURLWithPath: path("out2"))), plain)
        // A wrong passphrase is its own error.
        setenv("DSTOOL_TEST_PASSPHRASE", "wrong", 1)
        let w = try TestSupport.dstool(["decrypt", "--passphrase", "env:DSTOOL_TEST_PASSPHRASE", "-o", path("out3"), path("q.age")])
        XCTAssertEqual(w.exitCode, 3)
        XCTAssertEqual(w.errors.first?.code, "decrypt.wrong-passphrase")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("out3")))
    }

    func testKeysMadeByEitherSide() throws {
        // dstool keygen -> age uses the identity; its .pub is a recipients file for age.
        let k = try TestSupport.dstool(["keygen", "-o", path("dk.txt")])
        XCTAssertEqual(k.exitCode, 0, k.report)
        let attrs = try FileManager.default.attributesOfItem(atPath: path("dk.txt"))
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let pub = try String(contentsOfFile: path("dk.txt.pub"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(pub.hasPrefix("age1"))
        let y = try TestSupport.run(ageKeygen, ["-y", path("dk.txt")])
        XCTAssertEqual(String(decoding: y.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines), pub)
        XCTAssertEqual(k.data.first?.value.objectValue?["recipient"]?.stringValue, pub)
        let plain = TestSupport.bytes(5000, seed: 3)
        try TestSupport.write(plain, to: URL(fileURLWithPath: path("p")))
        XCTAssertEqual(try TestSupport.run(age, ["-R", path("dk.txt.pub"), "-o", path("p.age"), path("p")]).status, 0)
        XCTAssertEqual(try TestSupport.run(age, ["-d", "-i", path("dk.txt"), "-o", path("o1"), path("p.age")]).status, 0)
        XCTAssertEqual(try TestSupport.read(URL(fileURLWithPath: path("o1"))), plain)

        // A passphrase-protected dstool identity file: age asks for its passphrase.
        setenv("DSTOOL_TEST_KEYPASS", "key pass phrase", 1)
        defer { unsetenv("DSTOOL_TEST_KEYPASS") }
        let pk = try TestSupport.dstool(["keygen", "-o", path("pk.age"), "--passphrase", "env:DSTOOL_TEST_KEYPASS"])
        XCTAssertEqual(pk.exitCode, 0, pk.report)
        let pkText = try String(contentsOfFile: path("pk.age"), encoding: .utf8)
        XCTAssertTrue(pkText.hasPrefix("-----BEGIN AGE ENCRYPTED FILE-----"))
        XCTAssertFalse(pkText.contains("AGE-SECRET-KEY"))
        XCTAssertEqual(try TestSupport.run(age, ["-R", path("pk.age.pub"), "-o", path("q.age"), path("p")]).status, 0)
        let d = try ageOnTerminal(["-d", "-i", path("pk.age"), "-o", path("o2"), path("q.age")], typing: "key pass phrase")
        XCTAssertEqual(d.status, 0, String(decoding: d.stdout, as: UTF8.self))
        XCTAssertEqual(try TestSupport.read(URL(fileURLWithPath: path("o2"))), plain)
        // and dstool opens it with --key-passphrase.
        let x = try TestSupport.dstool(["decrypt", "-i", path("pk.age"), "--key-passphrase", "env:DSTOOL_TEST_KEYPASS", "-o", path("o3"), path("q.age")])
        XCTAssertEqual(x.exitCode, 0, x.report)
        XCTAssertEqual(try TestSupport.read(URL(fileURLWithPath: path("o3"))), plain)
        setenv("DSTOOL_TEST_KEYPASS", "not it", 1)
        let w = try TestSupport.dstool(["decrypt", "-i", path("pk.age"), "--key-passphrase", "env:DSTOOL_TEST_KEYPASS", "-o", path("o4"), path("q.age")])
        XCTAssertEqual(w.exitCode, 3)
        XCTAssertEqual(w.errors.first?.code, "key.unusable")
        XCTAssertTrue(w.errors.first?.reason.contains("wrong passphrase") ?? false, "\(w.errors)")
    }
}
