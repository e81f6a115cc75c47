@testable import DSToolMask
import XCTest

final class FF1Tests: XCTestCase {
    static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")

    func numerals(_ s: String) -> [UInt16] { s.map { UInt16(Self.alphabet.firstIndex(of: $0)!) } }
    func text(_ x: [UInt16]) -> String { String(x.map { Self.alphabet[Int($0)] }) }

    /// NIST SP 800-38G samples (AES-128/192/256), read in place from shared/testdata; both the
    /// integer path and the general digit-array path must reproduce them, and decrypt back.
    func testNISTVectors() throws {
        let cases = (try TestPaths.vectors()["ff1"] as! [String: Any])["cases"] as! [[String: Any]]
        XCTAssertEqual(cases.count, 9)
        for c in cases {
            let key = hexBytes(c["key_hex"] as! String)
            let tweak = hexBytes(c["tweak_hex"] as! String)
            let radix = c["radix"] as! Int
            let plain = c["plaintext"] as! String, expected = c["ciphertext"] as! String
            for general in [false, true] {
                let ff1 = try FF1(cipher: BlockCipher(.aes, key: key), radix: radix, tweak: tweak)
                ff1.forceGeneral = general
                let ct = try ff1.encrypt(numerals(plain))
                XCTAssertEqual(text(ct), expected, "key \(key.count * 8) bits, radix \(radix), general \(general)")
                XCTAssertEqual(text(try ff1.decrypt(ct)), plain)
            }
        }
    }

    /// The integer path and the general path agree on random inputs of every length they share,
    /// for several radixes and tweaks, and both invert.
    func testPathsAgreeAndInvert() throws {
        var rng = SplitMix(seed: 7)
        for radix in [10, 26, 36, 62, 1000, 65536] {
            for tweak in [[UInt8](), [1, 2, 3], [UInt8](repeating: 9, count: 20)] {
                let key = (0..<16).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                let fast = try FF1(cipher: BlockCipher(.aes, key: key), radix: radix, tweak: tweak)
                let slow = try FF1(cipher: BlockCipher(.aes, key: key), radix: radix, tweak: tweak)
                slow.forceGeneral = true
                for n in fast.minimumLength...(fast.minimumLength + 24) {
                    let x = (0..<n).map { _ in UInt16(truncatingIfNeeded: rng.next() % UInt64(radix)) }
                    let a = try fast.encrypt(x), b = try slow.encrypt(x)
                    XCTAssertEqual(a, b, "radix \(radix) length \(n)")
                    XCTAssertNotEqual(a, x)
                    XCTAssertEqual(try fast.decrypt(a), x)
                    XCTAssertEqual(try slow.decrypt(b), x)
                }
            }
        }
    }

    func testSM4RoundTripAndDiffersFromAES() throws {
        let key = hexBytes("0123456789abcdeffedcba9876543210")
        let sm4 = try FF1(cipher: BlockCipher(.sm4, key: key), radix: 10, tweak: Array("id".utf8))
        let aes = try FF1(cipher: BlockCipher(.aes, key: key), radix: 10, tweak: Array("id".utf8))
        let x = numerals("110105194912310021")
        let c = try sm4.encrypt(x)
        XCTAssertEqual(c.count, 18)
        XCTAssertNotEqual(c, x)
        XCTAssertNotEqual(c, try aes.encrypt(x))
        XCTAssertEqual(try sm4.decrypt(c), x)
        // Deterministic: a new instance with the same key gives the same result.
        let again = try FF1(cipher: BlockCipher(.sm4, key: key), radix: 10, tweak: Array("id".utf8))
        XCTAssertEqual(try again.encrypt(x), c)
        // Long values (general path) round-trip too.
        let long = (0..<200).map { UInt16($0 % 10) }
        XCTAssertEqual(try sm4.decrypt(try sm4.encrypt(long)), long)
    }

    /// The fast SM4 (CDSToolSM, key expanded once) against OpenSSL's SM4: the standard's
    /// example, random blocks one at a time and in batches of every size up to past two SIMD
    /// steps, and FF1-SM4 ciphertexts on random inputs (both FF1 paths, several radixes,
    /// tweaks and lengths) byte for byte.
    func testSM4FastPathMatchesOpenSSL() throws {
        // GB/T 32907-2016, example 1.
        let standardKey = hexBytes("0123456789abcdeffedcba9876543210")
        let fast0 = try BlockCipher(.sm4, key: standardKey)
        var block = standardKey
        block.withUnsafeMutableBufferPointer { fast0.encryptBlock($0.baseAddress!, $0.baseAddress!) }
        XCTAssertEqual(block, hexBytes("681edf34d206965e86b3e94f536e4246"))

        var rng = SplitMix(seed: 4242)
        func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
        for _ in 0..<20 {
            let key = bytes(16)
            let fast = try BlockCipher(.sm4, key: key)
            let reference = try BlockCipher(.sm4, key: key, implementation: .openssl)
            for count in [1, 2, 15, 16, 17, 63, 64, 65, 130] {
                let input = bytes(16 * count)
                var expected = input, batched = input, single = input
                expected.withUnsafeMutableBufferPointer { e in
                    for b in 0..<count { reference.encryptBlock(e.baseAddress! + 16 * b, e.baseAddress! + 16 * b) }
                }
                batched.withUnsafeMutableBufferPointer { fast.encryptBlocks($0.baseAddress!, $0.baseAddress!, count: count) }
                single.withUnsafeMutableBufferPointer { s in
                    for b in 0..<count { fast.encryptBlock(s.baseAddress! + 16 * b, s.baseAddress! + 16 * b) }
                }
                XCTAssertEqual(batched, expected, "\(count) blocks, batched")
                XCTAssertEqual(single, expected, "\(count) blocks, one at a time")
            }
        }
        var compared = 0
        for radix in [10, 36, 62, 65536] {
            for tweak in [[UInt8](), Array("fpe:phone".utf8), bytes(21)] {
                let key = bytes(16)
                for general in [false, true] {
                    let fast = try FF1(cipher: BlockCipher(.sm4, key: key), radix: radix, tweak: tweak)
                    let reference = try FF1(cipher: BlockCipher(.sm4, key: key, implementation: .openssl), radix: radix, tweak: tweak)
                    fast.forceGeneral = general; reference.forceGeneral = general
                    for n in fast.minimumLength...(fast.minimumLength + 30) {
                        let x = (0..<n).map { _ in UInt16(truncatingIfNeeded: rng.next() % UInt64(radix)) }
                        let c = try fast.encrypt(x)
                        XCTAssertEqual(c, try reference.encrypt(x), "radix \(radix) length \(n) general \(general)")
                        XCTAssertEqual(try fast.decrypt(c), x)
                        compared += 1
                    }
                }
            }
        }
        XCTAssertEqual(compared, 4 * 3 * 2 * 31)
    }

    func testIntegerAPIMatchesNumerals() throws {
        let ff1 = try FF1(cipher: BlockCipher(.aes, key: hexBytes("2B7E151628AED2A6ABF7158809CF4F3C")), radix: 10)
        XCTAssertEqual(try ff1.encrypt(123456789, length: 10), 2433477484)
        XCTAssertEqual(try ff1.decrypt(2433477484, length: 10), 123456789)
    }

    func testRejectsBadInput() throws {
        let ff1 = try FF1(cipher: BlockCipher(.aes, key: [UInt8](repeating: 1, count: 16)), radix: 10)
        XCTAssertThrowsError(try ff1.encrypt(numerals("12345"))) { XCTAssertEqual($0 as? FF1.Failure, .tooShort(5)) }
        XCTAssertThrowsError(try ff1.encrypt([1, 2, 3, 4, 5, 6, 7, 11])) { XCTAssertEqual($0 as? FF1.Failure, .numeral(11)) }
        XCTAssertThrowsError(try FF1(cipher: BlockCipher(.aes, key: [1]), radix: 10))
        XCTAssertThrowsError(try BlockCipher(.sm4, key: [UInt8](repeating: 0, count: 32)))
        XCTAssertThrowsError(try FF1(cipher: BlockCipher(.aes, key: [UInt8](repeating: 0, count: 16)), radix: 1))
    }
}

/// A small deterministic generator for test inputs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
