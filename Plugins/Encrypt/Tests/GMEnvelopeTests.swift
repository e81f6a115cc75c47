import CDSToolSM
import DSToolKit
@testable import DSToolEncrypt
import Foundation
import XCTest

/// The GM envelope: SM2 and PBKDF2-HMAC-SM3 recipients, SM4-CTR + HMAC-SM3 STREAM payload.
final class GMEnvelopeTests: XCTestCase {
    /// A synthetic SM2 test key (made with `openssl genpkey -algorithm SM2`), private scalar
    /// 573f29d0…0acf; used for the published test vector.
    static let testKeyPEM = """
    -----BEGIN PRIVATE KEY-----
    MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQgVz8p0CbTdivFexWU
    qeLsy+PQKx2gmqCTMwnKtecZCs+hRANCAAQI9htj/vWHiVgJdpAiKPzLi/gl168q
    BDtuvUeejXxmXEfy2xRRJUZjDPVcegvxAwbv7Z4/EX+GY5tn9mTHIneO
    -----END PRIVATE KEY-----

    """

    static func testKey() throws -> PKey {
        try PEMKeys.readPrivateKey(SecretBuffer(Array(testKeyPEM.utf8)), passphrase: nil, name: "test key")
    }

    static var backends: [GMChunkCipher.Backend] {
        var b: [GMChunkCipher.Backend] = [.openssl, .fast(Int32(DSTOOL_SM_SCALAR))]
        for impl in [DSTOOL_SM_AESNI_AVX2, DSTOOL_SM_GFNI_AVX512] where dstool_sm_impl_available(Int32(impl)) == 1 {
            b.append(.fast(Int32(impl)))
        }
        return b
    }

    static let sizes = [0, 1, 31, 65535, 65536, 65537, 16 * 65536 - 1, 16 * 65536, 16 * 65536 + 1, 2 * 16 * 65536 + 4097]

    /// Every backend writes the same format: encrypt with one, decrypt with every other.
    func testBackendsInteroperate() throws {
        let key = try Self.testKey()
        let recipient = try SM2Recipient(key: key, name: "test")
        let identity = try SM2Identity(key: key, name: "test")
        for (n, size) in Self.sizes.enumerated() {
            let plain = TestSupport.bytes(size, seed: UInt64(n))
            for enc in Self.backends {
                let file = try TestSupport.encrypt(plain, [recipient], scheme: .gm, backend: enc)
                // chunks of 64 KiB + 32-byte tag after the header and nonce
                let chunks = max(1, (size + 65535) / 65536)
                XCTAssertEqual(file.count - (file.firstIndex(of: 0x2D).map { _ in 0 } ?? 0) > 0, true)
                for dec in Self.backends {
                    let opened = try Envelope.open(MemorySource(file))
                    XCTAssertEqual(opened.scheme, .gm)
                    let sink = MemorySink()
                    try Envelope.decrypt(opened, identities: { _ in [identity] }, sink: sink, gmBackend: dec)
                    XCTAssertEqual(sink.bytes, plain, "size \(size): \(enc.name) → \(dec.name)")
                }
                let headerEnd = try XCTUnwrap(Self.headerLength(file))
                XCTAssertEqual(file.count, headerEnd + 16 + size + 32 * chunks, "size \(size)")
            }
        }
    }

    /// Bytes up to and including the MAC line's newline.
    static func headerLength(_ file: [UInt8]) -> Int? {
        let marker = Array("\n--- ".utf8)
        guard let i = (0..<(file.count - marker.count)).first(where: { Array(file[$0..<($0 + marker.count)]) == marker }),
              let nl = file[(i + 1)...].firstIndex(of: 0x0A) else { return nil }
        return nl + 1
    }

    func testArmorSeveralRecipientsAndPasswords() throws {
        let a = try Self.testKey(), b = try PEMKeys.generate("SM2")
        let ra = try SM2Recipient(key: a, name: "a"), rb = try SM2Recipient(key: b, name: "b")
        let plain = TestSupport.bytes(300_000, seed: 5)
        let file = try TestSupport.encrypt(plain, [ra, rb], scheme: .gm, armor: true)
        XCTAssertTrue(String(decoding: file.prefix(50), as: UTF8.self).hasPrefix("-----BEGIN DSTOOL GM ENCRYPTED FILE-----\n"))
        for k in [a, b] { XCTAssertEqual(try TestSupport.decrypt(file, [try SM2Identity(key: k, name: "k")]), plain) }
        // the recipient string form round-trips
        XCTAssertEqual(SM2Recipient(ra.encoded)?.point, ra.point)
        XCTAssertTrue(ra.encoded.hasPrefix("sm2pub1"))

        let pass = SecretBuffer(Array("口令 passphrase".utf8))
        let pfile = try TestSupport.encrypt(plain, [PBKDF2Recipient(passphrase: pass, iterations: 1000)], scheme: .gm)
        XCTAssertEqual(try TestSupport.decrypt(pfile, [PBKDF2Identity(passphrase: pass)]), plain)
        XCTAssertEqual(TestSupport.envelopeError { try TestSupport.decrypt(pfile, [PBKDF2Identity(passphrase: SecretBuffer(Array("口令".utf8)))]) },
                       .wrongPassphrase)
        // a password stanza must be alone
        XCTAssertThrowsError(try TestSupport.encrypt(plain, [ra, PBKDF2Recipient(passphrase: pass, iterations: 1000)], scheme: .gm))
        // schemes do not mix
        XCTAssertThrowsError(try TestSupport.encrypt(plain, [ra], scheme: .age))
    }

    /// OpenSSL's own SM2 encryption (ASN.1 form) and ours (raw C1C3C2) are the same ciphertext.
    func testSM2CiphertextMatchesOpenSSL() throws {
        let openssl = try TestSupport.requireTool("openssl", package: "openssl")
        let dir = try TestSupport.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keyPath = dir.appendingPathComponent("k.pem").path, pubPath = dir.appendingPathComponent("pub.pem").path
        try Self.testKeyPEM.write(toFile: keyPath, atomically: true, encoding: .utf8)
        XCTAssertEqual(try TestSupport.run(openssl, ["pkey", "-in", keyPath, "-pubout", "-out", pubPath]).status, 0)
        let key = try Self.testKey()
        let message = SecretBuffer(TestSupport.bytes(16, seed: 1))
        // ours -> openssl pkeyutl -decrypt
        let raw = try SM2.encrypt(to: try XCTUnwrap(key.ecPublicPoint), message)
        XCTAssertEqual(raw.count, 113)
        try TestSupport.write(SM2.toDER(raw), to: dir.appendingPathComponent("c.der"))
        let d = try TestSupport.run(openssl, ["pkeyutl", "-decrypt", "-inkey", keyPath, "-in", dir.appendingPathComponent("c.der").path])
        XCTAssertEqual(d.status, 0, d.stderr)
        XCTAssertEqual(Array(d.stdout), message.bytes)
        // openssl pkeyutl -encrypt -> ours
        try TestSupport.write(message.bytes, to: dir.appendingPathComponent("m"))
        let e = try TestSupport.run(openssl, ["pkeyutl", "-encrypt", "-pubin", "-inkey", pubPath, "-in", dir.appendingPathComponent("m").path])
        XCTAssertEqual(e.status, 0, e.stderr)
        let fromOpenSSL = try XCTUnwrap(SM2.fromDER(Array(e.stdout)))
        XCTAssertEqual(SM2.toDER(fromOpenSSL), Array(e.stdout))
        XCTAssertEqual(try SM2.decrypt(with: key, fromOpenSSL)?.bytes, message.bytes)
        // a flipped C3 bit does not open
        var bad = fromOpenSSL
        bad[70] ^= 1
        XCTAssertNil(try SM2.decrypt(with: key, bad))
    }

    /// The published test vector (README, "GM envelope test vector"): fixed file key, SM2 k and
    /// nonce through the test-only deterministic random source.
    func testPublishedVector() throws {
        let key = try Self.testKey()
        let recipient = try SM2Recipient(key: key, name: "test")
        let fileKey = Array(0..<16).map(UInt8.init)
        let k = hex("6cb28d99385c175c94f94e934817663fc176d925dd72b727260dbaae1fb2f96f")
        let nonce = Array(repeating: UInt8(0xA5), count: 16)
        var queue = [fileKey, k, nonce]
        CryptoRandom.deterministicForTests = { n in
            let next = queue.removeFirst()
            precondition(next.count == n, "test vector: unexpected random request of \(n) bytes")
            return next
        }
        defer { CryptoRandom.deterministicForTests = nil }
        let plain = Array("GB/T 39786 envelope test vector\n".utf8)
        for backend in Self.backends {
            queue = [fileKey, k, nonce]
            let file = try TestSupport.encrypt(plain, [recipient], scheme: .gm, backend: backend)
            XCTAssertEqual(Digest.hex(file), Self.vectorHex, backend.name)
            XCTAssertEqual(try TestSupport.decrypt(file, [try SM2Identity(key: key, name: "t")]), plain)
        }
        // The README shows the same bytes.
        let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
            .replacingOccurrences(of: "\n", with: "")
        XCTAssertTrue(readme.contains(Self.vectorHex), "README.md must list the GM envelope test vector")
    }

    static let vectorHex = "6473746f6f6c2d676d2f76310a2d3e20534d320a4250616d68367458524e584c75687a3550595132515739317736374431324b4254565a54464b2f31656f6e3538626a75425546304257564a486b5145506555380a3962767431684d7a42784a67333856345030656e755948654b4b2b4c4c76715a4e36766d434f6552707163646d4a6242396350694e7459657a74715a737666660a36477a3672314e376b517a2f3076554d347244486377670a2d2d2d204730636c694c4c7066674657767335384f56527754536852345078632b50574949726d7242615646694e590aa5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5608dca6cf555774d050f5c068bbbd54704eeb9938311efbb01ed0d634615a3c01ed3b4a771a49953f982262e4624bf7c2ad39f40a3129a3d8682160a328078f4"

    /// An independent decoder written from the README (Tests/gm_reference.py: Python hashlib for
    /// SM3, its own SM4, openssl for SM2) reads what dstool writes.
    func testIndependentImplementationReadsDstoolFiles() throws {
        let python = try TestSupport.requireTool("python3", package: "python3")
        _ = try TestSupport.requireTool("openssl", package: "openssl")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Reference/gm_reference.py").path
        let dir = try TestSupport.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keyPath = dir.appendingPathComponent("k.pem").path
        try Self.testKeyPEM.write(toFile: keyPath, atomically: true, encoding: .utf8)
        let key = try Self.testKey()
        let plain = TestSupport.bytes(65536 + 100, seed: 11)
        let pass = SecretBuffer(Array("reference pass".utf8))
        let cases: [(Recipient, [String])] = [
            (try SM2Recipient(key: key, name: "k"), ["--key", keyPath]),
            (PBKDF2Recipient(passphrase: pass, iterations: 1000), ["--passphrase-env", "GM_REF_PASS"]),
        ]
        for (recipient, args) in cases {
            let file = dir.appendingPathComponent("f.gm")
            try TestSupport.write(try TestSupport.encrypt(plain, [recipient], scheme: .gm), to: file)
            let r = try TestSupport.run(python, [script, file.path] + args, env: ["GM_REF_PASS": "reference pass"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(Array(r.stdout), plain, recipient.label)
        }
    }

    func hex(_ s: String) -> [UInt8] {
        var out = [UInt8]()
        var it = s.makeIterator()
        while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
        return out
    }
}
