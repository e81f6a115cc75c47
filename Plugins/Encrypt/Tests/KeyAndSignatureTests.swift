import DSToolKit
@testable import DSToolEncrypt
import Foundation
import XCTest

/// keygen (X25519, SM2, Ed25519), key protection, and SM2/Ed25519 signatures checked by openssl.
final class KeyAndSignatureTests: XCTestCase {
    var dir: URL!
    var openssl = ""

    override func setUpWithError() throws {
        openssl = try TestSupport.requireTool("openssl", package: "openssl")
        dir = try TestSupport.tempDir()
        setenv("DSTOOL_TEST_KEYPASS", "签名口令 key pass", 1)
    }

    override func tearDownWithError() throws {
        unsetenv("DSTOOL_TEST_KEYPASS")
        try? FileManager.default.removeItem(at: dir)
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    func testKeygenWritesPrivateKeysWithMode0600() throws {
        for type in ["x25519", "sm2", "ed25519"] {
            let k = try TestSupport.dstool(["keygen", "-t", type, "-o", path("\(type).key")])
            XCTAssertEqual(k.exitCode, 0, k.report)
            XCTAssertEqual(try mode(path("\(type).key")), 0o600, type)
            XCTAssertEqual(try mode(path("\(type).key.pub")), 0o644, type)
            // refuses to overwrite without --force
            let again = try TestSupport.dstool(["keygen", "-t", type, "-o", path("\(type).key")])
            XCTAssertEqual(again.exitCode, 3)
            XCTAssertTrue(again.errors.first?.reason.contains("exists") ?? false, "\(again.errors)")
            XCTAssertEqual(try TestSupport.dstool(["keygen", "-t", type, "-o", path("\(type).key"), "--force"]).exitCode, 0)
        }
        let pem = try String(contentsOfFile: path("sm2.key"), encoding: .utf8)
        XCTAssertTrue(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let text = try TestSupport.run(openssl, ["pkey", "-in", path("sm2.key"), "-text", "-noout"])
        XCTAssertTrue(String(decoding: text.stdout, as: UTF8.self).contains("ASN1 OID: SM2"), text.stderr)
        let ed = try TestSupport.run(openssl, ["pkey", "-in", path("ed25519.key"), "-text", "-noout"])
        XCTAssertTrue(String(decoding: ed.stdout, as: UTF8.self).contains("ED25519"), ed.stderr)
        XCTAssertEqual(try TestSupport.dstool(["keygen", "-t", "rsa", "-o", path("r")]).exitCode, 2)
        XCTAssertEqual(try TestSupport.dstool(["keygen"]).exitCode, 2)
    }

    func testProtectedKeysOpenWithOpenSSLAndDstool() throws {
        for type in ["sm2", "ed25519"] {
            let k = try TestSupport.dstool(["keygen", "-t", type, "-o", path("\(type).key"), "--passphrase", "env:DSTOOL_TEST_KEYPASS"])
            XCTAssertEqual(k.exitCode, 0, k.report)
            let pem = try String(contentsOfFile: path("\(type).key"), encoding: .utf8)
            XCTAssertTrue(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"), type)
            let r = try TestSupport.run(openssl, ["pkey", "-in", path("\(type).key"), "-passin", "env:DSTOOL_TEST_KEYPASS", "-noout"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let asn = try TestSupport.run(openssl, ["asn1parse", "-in", path("\(type).key")])
            let asnText = String(decoding: asn.stdout, as: UTF8.self)
            XCTAssertTrue(asnText.contains("PBES2") && asnText.contains("PBKDF2"), asnText)
            XCTAssertTrue(asnText.contains(type == "sm2" ? "sm4-cbc" : "aes-256-cbc"), asnText)
        }
        try TestSupport.write(Array("evidence".utf8), to: dir.appendingPathComponent("f"))
        let s = try TestSupport.dstool(["sign", "-k", path("sm2.key"), "--key-passphrase", "env:DSTOOL_TEST_KEYPASS", path("f")])
        XCTAssertEqual(s.exitCode, 0, s.report)
        setenv("DSTOOL_TEST_KEYPASS", "wrong", 1)
        let w = try TestSupport.dstool(["sign", "-k", path("sm2.key"), "--key-passphrase", "env:DSTOOL_TEST_KEYPASS", "-o", path("g.sig"), path("f")])
        XCTAssertEqual(w.exitCode, 2)
        XCTAssertEqual(w.errors.first?.reason, "\(path("sm2.key")): wrong passphrase for the protected key")
        // without a passphrase source and without a terminal: a clear refusal, not a hang
        let n = try TestSupport.dstool(["sign", "-k", path("sm2.key"), "-o", path("h.sig"), path("f")])
        XCTAssertEqual(n.exitCode, 2)
        XCTAssertTrue(n.errors.first?.reason.contains("no terminal") ?? false, "\(n.errors)")
        // the passphrase itself is never accepted on the command line
        let argv = try TestSupport.dstool(["keygen", "-t", "sm2", "-o", path("x.key"), "--passphrase", "hunter2"])
        XCTAssertEqual(argv.exitCode, 2)
        XCTAssertTrue(argv.errors.first?.reason.contains("never the passphrase itself") ?? false)
    }

    func testSignaturesVerifyWithOpenSSL() throws {
        let data = TestSupport.bytes(3_000_000, seed: 1)
        try TestSupport.write(data, to: dir.appendingPathComponent("evidence.bin"))
        for type in ["sm2", "ed25519"] {
            XCTAssertEqual(try TestSupport.dstool(["keygen", "-t", type, "-o", path("\(type).key")]).exitCode, 0)
            let sig = path("evidence.bin.\(type).sig")
            let s = try TestSupport.dstool(["sign", "-k", path("\(type).key"), "-o", sig, path("evidence.bin")])
            XCTAssertEqual(s.exitCode, 0, s.report)
            var args = ["pkeyutl", "-verify", "-pubin", "-inkey", path("\(type).key.pub"), "-rawin", "-in", path("evidence.bin"), "-sigfile", sig]
            if type == "sm2" { args += ["-digest", "sm3", "-pkeyopt", "distid:1234567812345678"] }
            let v = try TestSupport.run(openssl, args)
            XCTAssertEqual(v.status, 0, "\(type): \(v.stderr)")
            XCTAssertTrue(String(decoding: v.stdout, as: UTF8.self).contains("Signature Verified Successfully"))
            // and dstool verifies it (with the public key, or the private key)
            for key in [path("\(type).key.pub"), path("\(type).key")] {
                let d = try TestSupport.dstool(["verify", "-k", key, "-s", sig, "--format", "json", path("evidence.bin")])
                XCTAssertEqual(d.exitCode, 0, d.report)
                XCTAssertEqual(d.data.first?.value.objectValue?["valid"], .bool(true))
            }
            // an SM2 signature made with the empty default ID does not verify: the ID matters
            if type == "sm2" {
                let v2 = try TestSupport.run(openssl, ["pkeyutl", "-verify", "-pubin", "-inkey", path("sm2.key.pub"), "-rawin", "-in", path("evidence.bin"),
                                                       "-sigfile", sig, "-digest", "sm3", "-pkeyopt", "distid:"])
                XCTAssertNotEqual(v2.status, 0)
            }
        }
    }

    func testOpenSSLSignaturesVerifyWithDstool() throws {
        try TestSupport.write(Array("证据 evidence\n".utf8), to: dir.appendingPathComponent("f.txt"))
        XCTAssertEqual(try TestSupport.run(openssl, ["genpkey", "-algorithm", "SM2", "-out", path("o.pem")]).status, 0)
        XCTAssertEqual(try TestSupport.run(openssl, ["pkey", "-in", path("o.pem"), "-pubout", "-out", path("o.pub")]).status, 0)
        let s = try TestSupport.run(openssl, ["pkeyutl", "-sign", "-inkey", path("o.pem"), "-rawin", "-in", path("f.txt"), "-digest", "sm3",
                                              "-pkeyopt", "distid:1234567812345678", "-out", path("f.txt.sig")])
        XCTAssertEqual(s.status, 0, s.stderr)
        let v = try TestSupport.dstool(["verify", "-k", path("o.pub"), path("f.txt")])
        XCTAssertEqual(v.exitCode, 0, v.report)
        XCTAssertTrue(v.report.contains("signature OK (SM2-SM3"), v.report)
    }

    func testBadSignaturesAreFindings() throws {
        try TestSupport.write(Array("original".utf8), to: dir.appendingPathComponent("f"))
        XCTAssertEqual(try TestSupport.dstool(["keygen", "-t", "ed25519", "-o", path("a.key")]).exitCode, 0)
        XCTAssertEqual(try TestSupport.dstool(["keygen", "-t", "ed25519", "-o", path("b.key")]).exitCode, 0)
        XCTAssertEqual(try TestSupport.dstool(["sign", "-k", path("a.key"), path("f")]).exitCode, 0)
        // another key
        let other = try TestSupport.dstool(["verify", "-k", path("b.key.pub"), "--format", "json", path("f")])
        XCTAssertEqual(other.exitCode, 1)
        XCTAssertEqual(other.findings.map(\.ruleId), ["encrypt.signature-invalid"])
        XCTAssertEqual(other.findings.first?.severity, .high)
        // a changed file
        try TestSupport.write(Array("0riginal".utf8), to: dir.appendingPathComponent("f"))
        XCTAssertEqual(try TestSupport.dstool(["verify", "-k", path("a.key.pub"), path("f")]).findings.count, 1)
        // a missing signature is an input error
        try TestSupport.write(Array("x".utf8), to: dir.appendingPathComponent("g"))
        let missing = try TestSupport.dstool(["verify", "-k", path("a.key.pub"), path("g")])
        XCTAssertEqual(missing.exitCode, 3)
        XCTAssertEqual(missing.errors.first?.reason, "cannot read the signature \(path("g.sig"))")
        // a garbage key file
        try TestSupport.write(Array("not a key".utf8), to: dir.appendingPathComponent("junk.pem"))
        let junk = try TestSupport.dstool(["verify", "-k", path("junk.pem"), path("f")])
        XCTAssertEqual(junk.exitCode, 2)
        XCTAssertTrue(junk.errors.first?.reason.contains("no PEM public key") ?? false, "\(junk.errors)")
    }

    /// SM2 keys from keygen (or openssl) encrypt and decrypt GM envelopes, also when protected.
    func testSM2KeysForTheGMEnvelope() throws {
        let k = try TestSupport.dstool(["keygen", "-t", "sm2", "-o", path("gm.key"), "--passphrase", "env:DSTOOL_TEST_KEYPASS"])
        let recipient = try XCTUnwrap(k.data.first?.value.objectValue?["recipient"]?.stringValue)
        XCTAssertTrue(recipient.hasPrefix("sm2pub1"))
        XCTAssertEqual(try TestSupport.run(openssl, ["genpkey", "-algorithm", "SM2", "-out", path("o.pem")]).status, 0)
        XCTAssertEqual(try TestSupport.run(openssl, ["pkey", "-in", path("o.pem"), "-pubout", "-out", path("o.pub")]).status, 0)
        let plain = TestSupport.bytes(150_000, seed: 2)
        try TestSupport.write(plain, to: dir.appendingPathComponent("p"))
        let e = try TestSupport.dstool(["encrypt", "-r", recipient, "-R", path("o.pub"), "-o", path("p.gm"), path("p")])
        XCTAssertEqual(e.exitCode, 0, e.report)
        XCTAssertTrue(try String(decoding: TestSupport.read(dir.appendingPathComponent("p.gm")).prefix(13), as: UTF8.self) == "dstool-gm/v1\n")
        let d1 = try TestSupport.dstool(["decrypt", "-i", path("gm.key"), "--key-passphrase", "env:DSTOOL_TEST_KEYPASS", "-o", path("o1"), path("p.gm")])
        XCTAssertEqual(d1.exitCode, 0, d1.report)
        XCTAssertEqual(try TestSupport.read(dir.appendingPathComponent("o1")), plain)
        let d2 = try TestSupport.dstool(["decrypt", "-i", path("o.pem"), "-o", path("o2"), path("p.gm")])
        XCTAssertEqual(d2.exitCode, 0, d2.report)
        XCTAssertEqual(try TestSupport.read(dir.appendingPathComponent("o2")), plain)
        // an age key cannot decrypt it; an SM2 recipient cannot go into an age file
        XCTAssertEqual(try TestSupport.dstool(["keygen", "-o", path("age.key")]).exitCode, 0)
        XCTAssertEqual(try TestSupport.dstool(["decrypt", "-i", path("age.key"), "-o", path("o3"), path("p.gm")]).errors.first?.code, "decrypt.no-identity")
        let mixed = try TestSupport.dstool(["encrypt", "-r", recipient, "--scheme", "age", "-o", path("x"), path("p")])
        XCTAssertEqual(mixed.exitCode, 2)
        // GM passphrase files
        let p = try TestSupport.dstool(["encrypt", "--scheme", "gm", "--passphrase", "env:DSTOOL_TEST_KEYPASS", "--pbkdf2-iterations", "2000", "-a", "-o", path("q.gm"), path("p")])
        XCTAssertEqual(p.exitCode, 0, p.report)
        XCTAssertTrue(try String(contentsOfFile: path("q.gm"), encoding: .utf8).hasPrefix("-----BEGIN DSTOOL GM ENCRYPTED FILE-----\n"))
        let q = try TestSupport.dstool(["decrypt", "--passphrase", "env:DSTOOL_TEST_KEYPASS", "-o", path("o4"), path("q.gm")])
        XCTAssertEqual(q.exitCode, 0, q.report)
        XCTAssertEqual(try TestSupport.read(dir.appendingPathComponent("o4")), plain)
    }
}
