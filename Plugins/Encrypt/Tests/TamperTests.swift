import DSToolCore
import DSToolKit
@testable import DSToolEncrypt
import Foundation
import XCTest

/// Every kind of bad input gets its own error, for both formats: wrong key, wrong passphrase,
/// truncation, any flipped bit, reordered / dropped / duplicated chunks, a tampered header,
/// garbage armor, data after the end — and nothing is written when decryption fails.
final class TamperTests: XCTestCase {
    struct Fixture {
        var scheme: Scheme
        var recipient: Recipient
        var identity: Identity
        var other: Identity
    }

    func fixtures() throws -> [Fixture] {
        let age = try X25519Identity.generate(), ageOther = try X25519Identity.generate()
        let sm2 = try PEMKeys.generate("SM2"), sm2Other = try PEMKeys.generate("SM2")
        return [
            Fixture(scheme: .age, recipient: age.recipient, identity: age, other: ageOther),
            Fixture(scheme: .gm, recipient: try SM2Recipient(key: sm2, name: "a"), identity: try SM2Identity(key: sm2, name: "a"),
                    other: try SM2Identity(key: sm2Other, name: "b")),
        ]
    }

    func error(_ file: [UInt8], _ ids: [Identity]) -> EnvelopeError? {
        TestSupport.envelopeError { try TestSupport.decrypt(file, ids) }
    }

    /// (header length, nonce end) of a binary file.
    func layout(_ file: [UInt8]) throws -> (header: Int, payload: Int) {
        let h = try XCTUnwrap(GMEnvelopeTests.headerLength(file))
        return (h, h + 16)
    }

    func testWrongKeyAndWrongPassphrase() throws {
        for f in try fixtures() {
            let file = try TestSupport.encrypt(Array("secret".utf8), [f.recipient], scheme: f.scheme)
            XCTAssertEqual(error(file, [f.other])?.code, "decrypt.no-identity", "\(f.scheme)")
            XCTAssertEqual(try TestSupport.decrypt(file, [f.other, f.identity]), Array("secret".utf8))
        }
        let pass = SecretBuffer(Array("right".utf8)), wrong = SecretBuffer(Array("wrong".utf8))
        let a = try TestSupport.encrypt([1, 2, 3], [ScryptRecipient(passphrase: pass, logN: 10)], scheme: .age)
        XCTAssertEqual(error(a, [ScryptIdentity(passphrase: wrong)]), .wrongPassphrase)
        let g = try TestSupport.encrypt([1, 2, 3], [PBKDF2Recipient(passphrase: pass, iterations: 1000)], scheme: .gm)
        XCTAssertEqual(error(g, [PBKDF2Identity(passphrase: wrong)]), .wrongPassphrase)
        // a passphrase file opened with keys only
        XCTAssertEqual(error(g, [try X25519Identity.generate()])?.code, "decrypt.no-identity")
    }

    func testTruncation() throws {
        for f in try fixtures() {
            let plain = TestSupport.bytes(3 * 65536 + 500, seed: 1)
            let file = try TestSupport.encrypt(plain, [f.recipient], scheme: f.scheme)
            let (h, p) = try layout(file)
            let tag = f.scheme == .age ? 16 : 32
            let chunk = 65536 + tag
            XCTAssertEqual(error(Array(file.prefix(0)), [f.identity])?.code, "decrypt.header")
            XCTAssertEqual(error(Array(file.prefix(h - 10)), [f.identity])?.code, "decrypt.header", "inside the header")
            XCTAssertEqual(error(Array(file.prefix(h + 5)), [f.identity])?.code, "decrypt.header", "inside the nonce")
            XCTAssertEqual(error(Array(file.prefix(p)), [f.identity]), .truncated("the payload has no chunks"))
            XCTAssertEqual(error(Array(file.prefix(p + 2 * chunk)), [f.identity]),
                           .truncated("the file ends after chunk 1, which is not the final chunk"), "at a chunk boundary")
            XCTAssertEqual(error(Array(file.prefix(p + 2 * chunk + 10)), [f.identity])?.code, "decrypt.truncated", "inside a tag")
            XCTAssertEqual(error(Array(file.prefix(p + chunk + 1000)), [f.identity]), .lastChunkInvalid(chunk: 1), "inside a chunk")
            XCTAssertEqual(error(Array(file.dropLast(1)), [f.identity]), .lastChunkInvalid(chunk: 3))
        }
    }

    /// One flipped bit anywhere: in the header it is a header, MAC or key error; in the nonce or
    /// the payload, the chunk that holds it fails. Never a success, never a crash.
    func testEveryFlippedBit() throws {
        for f in try fixtures() {
            let plain = TestSupport.bytes(40, seed: 2)
            let file = try TestSupport.encrypt(plain, [f.recipient], scheme: f.scheme)
            let (h, p) = try layout(file)
            var seen: [String: Int] = [:]
            for byte in 0..<file.count {
                for bit in 0..<8 {
                    var t = file
                    t[byte] ^= UInt8(1 << bit)
                    guard let e = error(t, [f.identity]) else { XCTFail("\(f.scheme): flip at \(byte).\(bit) decrypted"); continue }
                    seen[e.code, default: 0] += 1
                    if byte < h {
                        XCTAssertTrue(["decrypt.header", "decrypt.header-mac", "decrypt.no-identity"].contains(e.code), "\(f.scheme) header byte \(byte): \(e)")
                    } else if byte < p {
                        XCTAssertEqual(e, .lastChunkInvalid(chunk: 0), "\(f.scheme) nonce byte \(byte)")
                    } else {
                        XCTAssertEqual(e, .lastChunkInvalid(chunk: 0), "\(f.scheme) payload byte \(byte)")
                    }
                }
            }
            XCTAssertEqual(seen.values.reduce(0, +), file.count * 8)
            XCTAssertNotNil(seen["decrypt.header-mac"], "\(f.scheme): some flips only the MAC catches")
        }
    }

    func testFlippedBitInAFullChunk() throws {
        for f in try fixtures() {
            let file = try TestSupport.encrypt(TestSupport.bytes(3 * 65536, seed: 3), [f.recipient], scheme: f.scheme)
            let (_, p) = try layout(file)
            let chunk = 65536 + (f.scheme == .age ? 16 : 32)
            for (offset, index) in [(10, 0), (chunk + 65536 + 3, 1), (2 * chunk + 100, 2)] {
                var t = file
                t[p + offset] ^= 0x40
                XCTAssertEqual(error(t, [f.identity]), .chunkModified(chunk: UInt64(index)), "\(f.scheme)")
            }
        }
    }

    func chunks(_ file: [UInt8], _ scheme: Scheme) throws -> (prefix: [UInt8], chunks: [[UInt8]]) {
        let (_, p) = try layout(file)
        let size = 65536 + (scheme == .age ? 16 : 32)
        var out: [[UInt8]] = []
        var i = p
        while i < file.count { out.append(Array(file[i..<min(i + size, file.count)])); i += size }
        return (Array(file[..<p]), out)
    }

    func testReorderedDroppedDuplicatedChunks() throws {
        for f in try fixtures() {
            let file = try TestSupport.encrypt(TestSupport.bytes(5 * 65536 + 77, seed: 4), [f.recipient], scheme: f.scheme)
            let (prefix, c) = try chunks(file, f.scheme)
            XCTAssertEqual(c.count, 6)
            let swapped = prefix + c[0] + c[2] + c[1] + c[3] + c[4] + c[5]
            XCTAssertEqual(error(swapped, [f.identity]), .chunkReordered(position: 1, actual: 2), "\(f.scheme) swap")
            let dropped = [prefix, c[0], c[1], c[3], c[4], c[5]].flatMap { $0 }
            XCTAssertEqual(error(dropped, [f.identity]), .chunkDropped(position: 2, actual: 3), "\(f.scheme) drop")
            let twoDropped = [prefix, c[0], c[3], c[4], c[5]].flatMap { $0 }
            XCTAssertEqual(error(twoDropped, [f.identity]), .chunkDropped(position: 1, actual: 3))
            let duplicated = [prefix, c[0], c[1], c[1], c[2], c[3], c[4], c[5]].flatMap { $0 }
            XCTAssertEqual(error(duplicated, [f.identity]), .chunkReordered(position: 2, actual: 1), "\(f.scheme) duplicate")
            let lastMissing = [prefix, c[0], c[1], c[2], c[3], c[4]].flatMap { $0 }
            XCTAssertEqual(error(lastMissing, [f.identity]), .truncated("the file ends after chunk 4, which is not the final chunk"))
            let appended = file + TestSupport.bytes(100, seed: 9)
            XCTAssertEqual(error(appended, [f.identity])?.code, "decrypt.last-chunk-invalid")
            // A full final chunk followed by more data (appended data, or the final chunk twice).
            let even = try TestSupport.encrypt(TestSupport.bytes(2 * 65536, seed: 6), [f.recipient], scheme: f.scheme)
            XCTAssertEqual(error(even + [0], [f.identity]), .trailingData("chunk 1 is the final chunk but more data follows it"), "\(f.scheme)")
            let (ep, ec) = try chunks(even, f.scheme)
            XCTAssertEqual(error([ep, ec[0], ec[1], ec[1]].flatMap { $0 }, [f.identity])?.code, "decrypt.trailing-data")
            // A whole final chunk from another file of the same key is still refused (different nonce and key).
            let other = try TestSupport.encrypt(TestSupport.bytes(77, seed: 5), [f.recipient], scheme: f.scheme)
            let (_, oc) = try chunks(other, f.scheme)
            XCTAssertEqual(error([prefix, c[0], c[1], c[2], c[3], c[4], oc[0]].flatMap { $0 }, [f.identity]), .lastChunkInvalid(chunk: 5))
        }
    }

    func testTamperedHeader() throws {
        for f in try fixtures() {
            let file = try TestSupport.encrypt(Array("payload".utf8), [f.recipient], scheme: f.scheme)
            let (h, _) = try layout(file)
            let text = String(decoding: file[..<h], as: UTF8.self)
            let rest = Array(file[h...])
            func with(_ header: String) -> [UInt8] { Array(header.utf8) + rest }
            // an extra (well-formed, unknown) stanza: only the MAC notices
            let extra = text.replacingOccurrences(of: "\n---", with: "\n-> grease x\nAAAA\n---")
            XCTAssertEqual(error(with(extra), [f.identity]), .headerMAC)
            // the MAC itself changed (still canonical base64)
            let macStart = text.range(of: "--- ")!.upperBound
            var mac = Array(text[macStart...].dropLast().utf8)
            mac[0] = mac[0] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            XCTAssertEqual(error(with(String(text[..<macStart]) + String(decoding: mac, as: UTF8.self) + "\n"), [f.identity]), .headerMAC)
            // malformed lines
            XCTAssertEqual(error(with(text.replacingOccurrences(of: "\n---", with: "\n-> \n---")), [f.identity])?.code, "decrypt.header")
            XCTAssertEqual(error(with(text.replacingOccurrences(of: "--- ", with: "---  ")), [f.identity])?.code, "decrypt.header")
            XCTAssertEqual(error(with(text.replacingOccurrences(of: "\n", with: "\r\n")), [f.identity])?.code, "decrypt.header")
            XCTAssertEqual(error(with(text.replacingOccurrences(of: "/v1", with: "/v2")), [f.identity]),
                           .header("unsupported version \(f.scheme.versionLine.replacingOccurrences(of: "/v1", with: "/v2"))"))
        }
    }

    func testGarbageArmor() throws {
        let id = try X25519Identity.generate()
        let file = String(decoding: try TestSupport.encrypt(Array("x".utf8), [id.recipient], scheme: .age, armor: true), as: UTF8.self)
        func check(_ s: String, _ expected: String, line: UInt = #line) {
            let e = error(Array(s.utf8), [id])
            XCTAssertEqual(e?.code, "decrypt.armor", "\(String(describing: e))", line: line)
            XCTAssertEqual(e?.description.hasPrefix("invalid armor: \(expected)"), true, "\(String(describing: e))", line: line)
        }
        check(file.replacingOccurrences(of: "-----END AGE ENCRYPTED FILE-----\n", with: ""), "unexpected end of file")
        check(file + "trailing\n", "data after the END line")
        let lines = file.split(separator: "\n").map(String.init)
        check(([lines[0], String(lines[1].dropLast()) + "!"] + lines[2...]).joined(separator: "\n") + "\n", "invalid base64")
        check(([lines[0], String(lines[1].prefix(60))] + lines[2...]).joined(separator: "\n") + "\n", "a short line is not followed")
        check(([lines[0], ""] + lines[1...]).joined(separator: "\n") + "\n", "empty line")
        check("-----BEGIN AGE ENCRYPTED FILE-----\n" + String(repeating: "Z", count: 70) + "\n", "line longer than 64")
        check("-----BEGIN DSTOOL GM ENCRYPTED FILE-----\n" + lines[1...].joined(separator: "\n") + "\n", "a short line is not followed")
        // leading garbage is not armor at all: a header error
        XCTAssertEqual(error(Array(("garbage\n" + file).utf8), [id])?.code, "decrypt.header")
        XCTAssertEqual(error(Array("-----BEGIN PGP MESSAGE-----\nabc\n".utf8), [id])?.code, "decrypt.armor")
    }

    /// Through the host: a failed decryption leaves no output file and no temporary file, names
    /// the input, and the run goes on to the next input.
    func testFailedDecryptionWritesNothing() throws {
        let dir = try TestSupport.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = dir.appendingPathComponent("key.txt").path
        XCTAssertEqual(try TestSupport.dstool(["keygen", "-o", key]).exitCode, 0)
        let plain = TestSupport.bytes(200_000, seed: 8)
        for name in ["a", "b"] { try TestSupport.write(plain, to: dir.appendingPathComponent(name)) }
        let r = try TestSupport.dstool(["encrypt", "-R", key + ".pub", dir.appendingPathComponent("a").path, dir.appendingPathComponent("b").path])
        XCTAssertEqual(r.exitCode, 0, r.report)
        var bad = try TestSupport.read(dir.appendingPathComponent("a.age"))
        bad[bad.count - 70_000] ^= 1  // inside chunk 2
        try TestSupport.write(bad, to: dir.appendingPathComponent("a.age"))
        for name in ["a", "b"] { try FileManager.default.removeItem(at: dir.appendingPathComponent(name)) }
        let d = try TestSupport.dstool(["decrypt", "-i", key, "--format", "json", dir.appendingPathComponent("a.age").path, dir.appendingPathComponent("b.age").path])
        XCTAssertEqual(d.exitCode, 3)
        XCTAssertEqual(d.errors.count, 1)
        XCTAssertEqual(d.errors.first?.code, "decrypt.chunk-modified")
        XCTAssertEqual(d.errors.first?.input, dir.appendingPathComponent("a.age").path)
        XCTAssertEqual(d.errors.first?.reason, "chunk 1 failed authentication: the data was modified")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertEqual(names, ["a.age", "b", "b.age", "key.txt", "key.txt.pub"])
        XCTAssertEqual(try TestSupport.read(dir.appendingPathComponent("b")), plain)
    }

    /// GM files through the host, where the payload is read in place from a memory map.
    func testGMFilesThroughTheHost() throws {
        let dir = try TestSupport.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ n: String) -> String { dir.appendingPathComponent(n).path }
        XCTAssertEqual(try TestSupport.dstool(["keygen", "-t", "sm2", "-o", path("k.pem")]).exitCode, 0)
        let plain = TestSupport.bytes(5 * 65536 + 999, seed: 12)
        try TestSupport.write(plain, to: dir.appendingPathComponent("p"))
        XCTAssertEqual(try TestSupport.dstool(["encrypt", "-R", path("k.pem.pub"), "-o", path("p.gm"), path("p")]).exitCode, 0)
        let file = try TestSupport.read(dir.appendingPathComponent("p.gm"))
        XCTAssertEqual(TestSupport.envelopeError { try TestSupport.decrypt(file, [try SM2Identity(key: try PEMKeys.readPrivateKey(
            SecretBuffer(try TestSupport.read(dir.appendingPathComponent("k.pem"))), passphrase: nil, name: "k"), name: "k")]) } == nil, true)
        let (prefix, c) = try chunks(file, .gm)
        let cases: [(String, [UInt8], String)] = [
            ("flip", { var f = file; f[prefix.count + 2 * (65536 + 32) + 5] ^= 4; return f }(), "decrypt.chunk-modified"),
            ("swap", [prefix, c[0], c[2], c[1], c[3], c[4], c[5]].flatMap { $0 }, "decrypt.chunk-reordered"),
            ("drop", [prefix, c[0], c[1], c[3], c[4], c[5]].flatMap { $0 }, "decrypt.chunk-dropped"),
            ("cut", [prefix, c[0], c[1], c[2]].flatMap { $0 }, "decrypt.truncated"),
        ]
        for (name, bytes, code) in cases {
            try TestSupport.write(bytes, to: dir.appendingPathComponent("\(name).gm"))
            let r = try TestSupport.dstool(["decrypt", "-i", path("k.pem"), "-o", path("\(name).out"), path("\(name).gm")])
            XCTAssertEqual(r.exitCode, 3, name)
            XCTAssertEqual(r.errors.first?.code, code, "\(name): \(r.errors)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: path("\(name).out")), name)
        }
        let ok = try TestSupport.dstool(["decrypt", "-i", path("k.pem"), "-o", path("p.out"), path("p.gm")])
        XCTAssertEqual(ok.exitCode, 0, ok.report)
        XCTAssertEqual(try TestSupport.read(dir.appendingPathComponent("p.out")), plain)
    }

    /// A memory-mapped input that shrinks while it is read is an error, not a crash (SIGBUS is
    /// caught around every access).
    func testInputShrinkingWhileReadIsAnError() throws {
        let dir = try TestSupport.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = try PEMKeys.generate("SM2")
        let plainURL = dir.appendingPathComponent("p"), encURL = dir.appendingPathComponent("p.gm")
        let plain = TestSupport.bytes(40 * 65536, seed: 13)
        try TestSupport.write(plain, to: plainURL)
        try TestSupport.write(try TestSupport.encrypt(plain, [try SM2Recipient(key: key, name: "k")], scheme: .gm), to: encURL)
        // encryption: the plaintext shrinks after it was mapped
        let mappedPlain = try MappedFile(path: plainURL.path)
        XCTAssertEqual(truncate(plainURL.path, 65536), 0)
        XCTAssertThrowsError(try Envelope.encrypt(MappedInput(file: mappedPlain, offset: 0), to: [try SM2Recipient(key: key, name: "k")],
                                                  scheme: .gm, armor: false, sink: MemorySink())) { e in
            XCTAssertEqual("\(e)", "the input file changed (shrank) while it was being read")
        }
        // decryption: the ciphertext shrinks after it was mapped
        let opened = try Envelope.open(MemorySource(try TestSupport.read(encURL)))
        let mappedEnc = try MappedFile(path: encURL.path)
        XCTAssertEqual(truncate(encURL.path, 4096), 0)
        let sink = MemorySink()
        XCTAssertThrowsError(try Envelope.decrypt(opened, identities: { _ in [try SM2Identity(key: key, name: "k")] }, sink: sink,
                                                  payloadFrom: { MappedInput(file: mappedEnc, offset: Int($0)) })) { e in
            XCTAssertEqual("\(e)", "the input file changed (shrank) while it was being read")
        }
        XCTAssertEqual(sink.bytes.count, 0)
    }
}
