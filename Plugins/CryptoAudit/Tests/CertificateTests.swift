import DSToolCore
import DSToolKit
import Foundation
import XCTest
@testable import DSToolCryptoAudit

/// Certificates and keys generated with the openssl command at test time: SM2, RSA, EC, Ed25519;
/// PEM, DER, PKCS#12, encrypted and unencrypted keys, OpenSSH keys; corrupt and truncated input.
final class CertificateTests: XCTestCase {
    func gen(_ tree: TempTree, _ cmd: String, file: StaticString = #filePath, line: UInt = #line) {
        let r = tree.sh(cmd)
        XCTAssertEqual(r.status, 0, "\(cmd): \(r.output)", file: file, line: line)
    }

    func assets(_ r: InProcess.Result, _ type: String) -> [JSONValue] {
        r.data.filter { $0.kind == "cryptoaudit.asset" && $0.value["asset_type"]?.stringValue == type }.map(\.value)
    }

    func testSM2CertificateAndUnprotectedKey() throws {
        let tree = TempTree()
        gen(tree, "openssl ecparam -genkey -name SM2 -noout -out sm2.key")
        gen(tree, "openssl req -x509 -new -key sm2.key -sm3 -sigopt distid:1234567812345678 -subj /CN=sm2-server -days 365 -addext basicConstraints=critical,CA:FALSE -out sm2.crt")
        let r = try runAudit([tree.root])
        let f = r.findings.map { "\($0.ruleId) \(($0.location.input as NSString).lastPathComponent)" }
        XCTAssertEqual(f, ["crypto.cert.self-signed sm2.crt", "crypto.key.unprotected sm2.key"])
        let cert = try XCTUnwrap(assets(r, "certificate").first)
        XCTAssertEqual(cert["classification"]?.stringValue, "national")
        XCTAssertEqual(cert["certificate"]?["signature_algorithm"]?.stringValue, "SM2-with-SM3")
        XCTAssertEqual(cert["certificate"]?["key"]?.stringValue, "SM2 SM2")
        XCTAssertEqual(cert["certificate"]?["subject"]?.stringValue, "CN=sm2-server")
        let key = try XCTUnwrap(assets(r, "key").first)
        XCTAssertEqual(key["key"]?["algorithm"]?.stringValue, "SM2")
        XCTAssertEqual(key["key"]?["encrypted"]?.boolValue, false)
        XCTAssertEqual(key["classification"]?.stringValue, "national")
        // Evidence never carries key material.
        for finding in r.findings { XCTAssertFalse(finding.evidence?.contains("MHc") ?? false) }
    }

    func testRSA1024SignedWithMD5ExpiringSoon() throws {
        let tree = TempTree()
        gen(tree, "openssl req -x509 -newkey rsa:1024 -md5 -nodes -keyout r.key -subj /CN=legacy -days 10 -addext basicConstraints=critical,CA:FALSE -out md5.crt")
        let r = try runAudit(["--no-inventory", tree.root])
        let f = r.findings.map { "\($0.ruleId) \(($0.location.input as NSString).lastPathComponent) \($0.severity.rawValue)" }
        XCTAssertEqual(f, [
            "crypto.key.size md5.crt high", "crypto.cert.expiring md5.crt low", "crypto.cert.self-signed md5.crt medium",
            "crypto.cert.signature md5.crt high", "crypto.key.size r.key high", "crypto.key.unprotected r.key high",
        ])
        let sig = try XCTUnwrap(r.findings.first { $0.ruleId == "crypto.cert.signature" })
        XCTAssertEqual(sig.message?.en, "signed with md5WithRSAEncryption")
        XCTAssertTrue(sig.references?.contains(Clauses.highRiskGuide) ?? false)
        // Judged in 2099 the same certificate has expired.
        let later = try runAudit(["--no-inventory", "--as-of", "2099-01-01", tree.path("md5.crt")])
        XCTAssertTrue(later.findings.contains { $0.ruleId == "crypto.cert.expired" && $0.severity == .high })
        XCTAssertFalse(later.findings.contains { $0.ruleId == "crypto.cert.expiring" })
    }

    func testECAndEd25519() throws {
        let tree = TempTree()
        gen(tree, "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime192v1 -nodes -keyout p192.key -subj /CN=p192 -days 365 -out p192.crt")
        gen(tree, "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout p256.key -subj /CN=p256 -days 365 -out p256.crt")
        gen(tree, "openssl req -x509 -newkey ed25519 -nodes -keyout ed.key -subj /CN=ed -days 365 -out ed.crt")
        let r = try runAudit([tree.path("p192.crt"), tree.path("p256.crt"), tree.path("ed.crt")])
        let f = r.findings.map { "\($0.ruleId) \(($0.location.input as NSString).lastPathComponent)" }
        XCTAssertEqual(f, ["crypto.key.size p192.crt", "crypto.cert.self-signed p192.crt", "crypto.cert.self-signed p256.crt", "crypto.cert.self-signed ed.crt"])
        let keys = assets(r, "certificate").compactMap { $0["certificate"]?["key"]?.stringValue }
        XCTAssertEqual(keys, ["EC secp192r1", "EC secp256r1", "ED25519 256"])
    }

    func testEncryptedKeysAreNotFlagged() throws {
        let tree = TempTree()
        gen(tree, "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes-256-cbc -pass pass:secret -out enc.key")
        gen(tree, "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out plain.key")
        let r = try runAudit([tree.root])
        XCTAssertEqual(r.findings.map { ($0.location.input as NSString).lastPathComponent }, ["plain.key"])
        let enc = try XCTUnwrap(assets(r, "key").first { $0["key"]?["encrypted"]?.boolValue == true })
        XCTAssertEqual(enc["key"]?["protection"]?.stringValue, "PBES2")
    }

    func testDERAndTruncatedDER() throws {
        let tree = TempTree()
        gen(tree, "openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -subj /CN=der -days 365 -outform DER -out c.der")
        let der = try Data(contentsOf: URL(fileURLWithPath: tree.path("c.der")))
        tree.write("cut.der", Array(der.prefix(der.count / 2)))
        tree.write("junk.cer", Array("this is not a certificate".utf8))
        let r = try runAudit(["--no-inventory", "--fail-on", "none", tree.path("c.der"), tree.path("cut.der"), tree.path("junk.cer")])
        XCTAssertEqual(r.exitCode, 3)
        XCTAssertEqual(r.errors.map { ($0.input as NSString).lastPathComponent + ": " + $0.reason }, [
            "cut.der: truncated DER: the structure declares \(der.count) bytes, the file has \(der.count / 2)",
            "junk.cer: not a certificate or key: neither PEM nor DER (first byte 0x74)",
        ])
        let ok = try runAudit([tree.path("c.der")])
        XCTAssertEqual(assets(ok, "certificate").first?["certificate"]?["subject"]?.stringValue, "CN=der")
    }

    func testPKCS12Passwords() throws {
        let tree = TempTree()
        gen(tree, "openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -subj /CN=p12 -days 365 -out c.pem")
        gen(tree, "openssl pkcs12 -export -in c.pem -inkey k.pem -out store.p12 -passout pass:Secr3t-Pw")
        gen(tree, "openssl pkcs12 -export -in c.pem -inkey k.pem -out open.p12 -passout pass:")
        tree.write("pw.txt", Array("Secr3t-Pw\n".utf8))
        tree.write("wrong.txt", Array("guess\n".utf8))
        let p12 = tree.path("store.p12")
        // No password given.
        var r = try runAudit([p12])
        XCTAssertEqual(r.errors.map(\.reason), ["PKCS#12 file needs a password: give it with --p12-password-file or --p12-password-env"])
        XCTAssertEqual(r.exitCode, 3)
        // Wrong password.
        r = try runAudit(["--p12-password-file", tree.path("wrong.txt"), p12])
        XCTAssertEqual(r.errors.map(\.reason), ["wrong PKCS#12 password (MAC verification failed)"])
        // Right password from a file, and from the environment.
        r = try runAudit(["--p12-password-file", tree.path("pw.txt"), p12])
        XCTAssertEqual(r.errors.count, 0)
        XCTAssertEqual(assets(r, "certificate").first?["certificate"]?["subject"]?.stringValue, "CN=p12")
        XCTAssertEqual(assets(r, "key").first?["key"]?["encrypted"]?.boolValue, true)
        XCTAssertFalse(r.findings.contains { $0.ruleId == "crypto.key.unprotected" })
        setenv("CRYPTOAUDIT_TEST_P12", "Secr3t-Pw", 1)
        defer { unsetenv("CRYPTOAUDIT_TEST_P12") }
        r = try runAudit(["--p12-password-env", "CRYPTOAUDIT_TEST_P12", p12])
        XCTAssertEqual(r.errors.count, 0)
        XCTAssertEqual(assets(r, "certificate").count, 1)
        // An empty password protects nothing.
        r = try runAudit([tree.path("open.p12")])
        XCTAssertEqual(r.findings.map(\.ruleId), ["crypto.cert.self-signed", "crypto.key.unprotected"])
        XCTAssertTrue(r.findings.contains { $0.ruleId == "crypto.key.unprotected" && ($0.message?.en.contains("PKCS#12") ?? false) })
    }

    func testCorruptAndTruncatedPEM() throws {
        let tree = TempTree([
            "bad.pem": "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
            "cut.pem": "-----BEGIN CERTIFICATE-----\nMIIB\n",
        ])
        let r = try runAudit([tree.path("bad.pem"), tree.path("cut.pem")])
        XCTAssertEqual(r.errors.map { ($0.input as NSString).lastPathComponent + ": " + $0.reason }, [
            "bad.pem: CERTIFICATE at line 1: corrupt certificate (too long)",
            "cut.pem: CERTIFICATE at line 1: truncated (no END line)",
        ])
        XCTAssertEqual(r.exitCode, 3)
    }

    /// Base64 lines may start with "+": only quotes and `+ "` concatenation are stripped from embedded PEM.
    func testPEMLineCleaning() {
        XCTAssertEqual(CertificateAnalyzer.cleanPEMLine("+abc/DEF=="), "+abc/DEF==")
        XCTAssertEqual(CertificateAnalyzer.cleanPEMLine("    \"+abc\\n\" +"), "+abc")
        XCTAssertEqual(CertificateAnalyzer.cleanPEMLine("+ \"MIIB\\n\""), "MIIB")
        XCTAssertEqual(CertificateAnalyzer.cleanPEMLine("'-----END PRIVATE KEY-----'"), "-----END PRIVATE KEY-----")
    }

    func testPrivateKeyEmbeddedInSource() throws {
        let tree = TempTree()
        gen(tree, "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k.pem")
        let pem = try String(contentsOfFile: tree.path("k.pem"), encoding: .utf8)
        let java = "class K {\n    static final String KEY =\n" + pem.split(separator: "\n").map { "        \"\($0)\\n\" +" }.joined(separator: "\n") + "\n        \"\";\n}\n"
        tree.write("src/K.java", Array(java.utf8))
        try FileManager.default.removeItem(atPath: tree.path("k.pem"))
        let r = try runAudit(["--no-inventory", tree.root])
        XCTAssertEqual(r.findings.map { "\($0.ruleId) \(($0.location.input as NSString).lastPathComponent):\($0.location.line ?? 0)" }, ["crypto.key.unprotected K.java:3"])
    }

    /// The command asks the host for libmagic types of binary items only: an extensionless PEM key
    /// (typed text/plain) is still found by its content.
    func testExtensionlessPEMKey() throws {
        let tree = TempTree()
        gen(tree, "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out server_key")
        let r = try runAudit(["--no-inventory", tree.root])
        XCTAssertEqual(r.findings.map { "\($0.ruleId) \(($0.location.input as NSString).lastPathComponent)" }, ["crypto.key.unprotected server_key"])
    }

    /// openssh-key-v1 containers built by hand: cipher "none" is unprotected, "aes256-ctr" is not.
    func testOpenSSHKeys() throws {
        func sshString(_ b: [UInt8]) -> [UInt8] { [UInt8(b.count >> 24 & 255), UInt8(b.count >> 16 & 255), UInt8(b.count >> 8 & 255), UInt8(b.count & 255)] + b }
        func blob(cipher: String) -> String {
            let pub = sshString(Array("ssh-ed25519".utf8)) + sshString([UInt8](repeating: 7, count: 32))
            var b = Array("openssh-key-v1\u{0}".utf8)
            b += sshString(Array(cipher.utf8)) + sshString(Array((cipher == "none" ? "none" : "bcrypt").utf8)) + sshString([])
            b += [0, 0, 0, 1] + sshString(pub) + sshString([UInt8](repeating: 1, count: 64))
            let b64 = Data(b).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
            return "-----BEGIN OPENSSH PRIVATE KEY-----\n\(b64)\n-----END OPENSSH PRIVATE KEY-----\n"
        }
        let tree = TempTree(["home/u/.ssh/id_ed25519": blob(cipher: "none"), "home/v/.ssh/id_ed25519": blob(cipher: "aes256-ctr")])
        let r = try runAudit([tree.root])
        XCTAssertEqual(r.findings.map { "\($0.ruleId) \($0.location.input.replacingOccurrences(of: tree.root + "/", with: ""))" },
                       ["crypto.key.unprotected home/u/.ssh/id_ed25519"])
        XCTAssertEqual(assets(r, "key").compactMap { $0["key"]?["protection"]?.stringValue }, ["aes256-ctr"])
    }
}
