import DSToolKit
@testable import DSToolEncrypt
import Foundation
import XCTest

/// The plugin reads PEM without Foundation's regular expressions (loading Foundation and ICU took
/// 10–20 ms of every `dstool hash` / `encrypt` run): blocks from a BEGIN line to the first END line
/// after it, as the expression `-----BEGIN (PUBLIC KEY|CERTIFICATE)-----[\s\S]*?-----END (…)-----` found them.
final class PEMBlockTests: XCTestCase {
    func testPublicKeysOfABundleInOrder() throws {
        let keys = try (0..<3).map { _ in try PEMKeys.generate("ED25519") }
        let pems = try keys.map { try PEMKeys.publicKeyPEM($0) }
        let bundle = Array("a comment\n".utf8) + pems[0] + Array("between\r\n".utf8) + pems[1] + pems[2] + Array("-----BEGIN PUBLIC KEY-----\ntruncated".utf8)
        let read = try PEMKeys.readPublicKeys(bundle, name: "bundle.pem")
        XCTAssertEqual(try read.map { try PEMKeys.publicKeyPEM($0) }, pems)
        XCTAssertEqual(try PEMKeys.readPublicKeys(Array("no PEM here".utf8), name: "x").count, 0)
        XCTAssertEqual(try PEMKeys.readPublicKeys([], name: "x").count, 0)
        // A block whose END is of the other kind is still one block, and its damage is reported.
        let mixed = String(decoding: pems[0], as: UTF8.self).replacingOccurrences(of: "-----END PUBLIC KEY-----", with: "-----END CERTIFICATE-----")
        XCTAssertThrowsError(try PEMKeys.readPublicKeys(Array(mixed.utf8), name: "mixed.pem")) { error in
            XCTAssertTrue("\(error)".hasPrefix("mixed.pem: no PEM public key"), "\(error)")
        }
        // Bytes that are not UTF-8 around the blocks change nothing.
        let noisy = [0xFF, 0xFE, 0x00] + pems[1] + [0xC3]
        XCTAssertEqual(try PEMKeys.readPublicKeys(noisy, name: "noisy").map { try PEMKeys.publicKeyPEM($0) }, [pems[1]])
    }

    func testPrivateKeyHeaders() {
        for header in ["PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY"] {
            XCTAssertTrue(PEMKeys.isPrivateKey(Array("x\n-----BEGIN \(header)-----\nMIIB".utf8)), header)
        }
        for header in ["RSA PRIVATE KEY", "PUBLIC KEY", "PRIVATE KEY"] {
            XCTAssertFalse(PEMKeys.isPrivateKey(Array("-----BEGIN \(header)----".utf8)), header)
        }
    }
}
