import CDSToolCrypto
import CDSToolSM
import DSToolKit
@testable import DSToolEncrypt
import Foundation
import XCTest

/// The SIMD SM4/SM3 kernels against the standards' vectors and against OpenSSL.
final class SMKernelTests: XCTestCase {
    static var impls: [Int32] {
        [DSTOOL_SM_SCALAR, DSTOOL_SM_AESNI_AVX2, DSTOOL_SM_GFNI_AVX512].map(Int32.init).filter { dstool_sm_impl_available($0) == 1 }
    }

    struct Vectors: Decodable {
        struct SM3Case: Decodable { var message_ascii: String; var digest_hex: String }
        struct SM4Case: Decodable { var key_hex: String; var plaintext_hex: String; var ciphertext_hex: String; var iterations: Int }
        struct Group<T: Decodable>: Decodable { var cases: [T] }
        var sm3: Group<SM3Case>
        var sm4: Group<SM4Case>
    }

    func vectors() throws -> Vectors {
        let url = try TestSupport.sharedTestdata().appendingPathComponent("vectors/standard-vectors.json")
        return try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
    }

    func hex(_ s: String) -> [UInt8] {
        var out = [UInt8]()
        var it = s.makeIterator()
        while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
        return out
    }

    func testThisMachineHasAFastKernel() {
        // The benchmarks' machine class has AVX2 and AES-NI at least; the fallback is OpenSSL.
        XCTAssertTrue(Self.impls.contains(Int32(DSTOOL_SM_AESNI_AVX2)), "no AES-NI/AVX2 kernel on this CPU")
        print("SM kernels available: \(Self.impls.map { String(cString: dstool_sm_impl_name($0)) }), best \(String(cString: dstool_sm_impl_name(dstool_sm_best_impl())))")
    }

    /// GB/T 32907 vectors, the million-iteration one included, with every kernel and OpenSSL.
    func testSM4StandardVectors() throws {
        for c in try vectors().sm4.cases {
            let key = hex(c.key_hex)
            var ks = dstool_sm4_key()
            dstool_sm4_set_key(&ks, key)
            for impl in Self.impls {
                // A kernel works on whole steps (16 blocks with AES-NI, 64 with GFNI): iterate that many lanes at once.
                let lanes = dstool_sm4_parallel_blocks(impl)
                var blocks = [UInt8](repeating: 0, count: lanes * 16)
                for i in 0..<lanes { blocks.replaceSubrange((16 * i)..<(16 * i + 16), with: hex(c.plaintext_hex)) }
                blocks.withUnsafeMutableBufferPointer { b in
                    for _ in 0..<c.iterations { dstool_sm4_encrypt_blocks(impl, &ks, b.baseAddress!, b.baseAddress!, lanes) }
                }
                for i in 0..<lanes {
                    XCTAssertEqual(Digest.hex(Array(blocks[(16 * i)..<(16 * i + 16)])), c.ciphertext_hex,
                                   "\(String(cString: dstool_sm_impl_name(impl))) lane \(i), \(c.iterations) iterations")
                }
            }
            // OpenSSL
            let ctx = EVP_CIPHER_CTX_new()
            defer { EVP_CIPHER_CTX_free(ctx) }
            XCTAssertEqual(EVP_EncryptInit_ex(ctx, EVP_sm4_ecb(), nil, key, nil), 1)
            EVP_CIPHER_CTX_set_padding(ctx, 0)
            var block = hex(c.plaintext_hex)
            var outl: Int32 = 0
            block.withUnsafeMutableBufferPointer { b in
                for _ in 0..<c.iterations { _ = EVP_EncryptUpdate(ctx, b.baseAddress!, &outl, b.baseAddress!, 16) }
            }
            XCTAssertEqual(Digest.hex(block), c.ciphertext_hex, "OpenSSL, \(c.iterations) iterations")
        }
    }

    func testSM3StandardVectors() throws {
        for c in try vectors().sm3.cases {
            var out = [UInt8](repeating: 0, count: 32)
            let m = Array(c.message_ascii.utf8)
            dstool_sm3(m, m.count, &out)
            XCTAssertEqual(Digest.hex(out), c.digest_hex)
            XCTAssertEqual(Digest.sm3Hex(m), c.digest_hex)
        }
    }

    /// CTR output equals OpenSSL's sm4-ctr for odd lengths, odd alignments and counters that
    /// carry across 32- and 64-bit word boundaries.
    func testSM4CTRMatchesOpenSSL() {
        let key = TestSupport.bytes(16, seed: 1)
        var ks = dstool_sm4_key()
        dstool_sm4_set_key(&ks, key)
        let ivs: [[UInt8]] = [
            [UInt8](repeating: 0, count: 16),
            TestSupport.bytes(12, seed: 2) + [0xFF, 0xFF, 0xFF, 0xF5],
            TestSupport.bytes(8, seed: 3) + [UInt8](repeating: 0xFF, count: 7) + [0xF0],
            [UInt8](repeating: 0xFF, count: 15) + [0xFA],
        ]
        let data = TestSupport.bytes(70_000, seed: 4)
        for iv in ivs {
            for len in [0, 1, 15, 16, 17, 255, 256, 511, 512, 513, 4096 + 7, 70_000 - 3] {
                let expected = openSSLCTR(key: key, iv: iv, Array(data[3..<(3 + len)]))
                for impl in Self.impls {
                    var out = [UInt8](repeating: 0, count: len)
                    data.withUnsafeBufferPointer { d in dstool_sm4_ctr_xor(impl, &ks, iv, d.baseAddress! + 3, &out, len) }
                    XCTAssertEqual(out, expected, "\(String(cString: dstool_sm_impl_name(impl))) len \(len) iv \(Digest.hex(iv))")
                }
            }
        }
    }

    func openSSLCTR(key: [UInt8], iv: [UInt8], _ input: [UInt8]) -> [UInt8] {
        let ctx = EVP_CIPHER_CTX_new()
        defer { EVP_CIPHER_CTX_free(ctx) }
        _ = EVP_EncryptInit_ex(ctx, EVP_sm4_ctr(), nil, key, iv)
        var out = [UInt8](repeating: 0, count: input.count + 16)
        var outl: Int32 = 0
        if !input.isEmpty { _ = EVP_EncryptUpdate(ctx, &out, &outl, input, Int32(input.count)) }
        return Array(out.prefix(input.count))
    }

    /// Multi-lane HMAC-SM3 equals OpenSSL's HMAC-SM3 of message || suffix, for every group size.
    func testHMACSM3LanesMatchOpenSSL() throws {
        let key = TestSupport.bytes(32, seed: 5)
        var hk = dstool_hmac_sm3_key()
        dstool_hmac_sm3_init(&hk, key, key.count)
        let n = 17, len = 4096
        let data = TestSupport.bytes(n * (len + 32), seed: 6)
        let suffixes = TestSupport.bytes(16 * n, seed: 7)
        let offsets = (0..<n).map { Int32($0 * (len + 32)) }
        let mac = try OpenSSLHMAC(digest: "SM3", key: SecretBuffer(key))
        var expected = [UInt8]()
        for i in 0..<n {
            expected += try data.withUnsafeBytes { try mac.mac(UnsafeRawBufferPointer(rebasing: $0[Int(offsets[i])..<(Int(offsets[i]) + len)]), Array(suffixes[(16 * i)..<(16 * i + 16)])) }
        }
        for impl in Self.impls {
            for count in [1, 2, 7, 8, 9, 16, 17] {
                var out = [UInt8](repeating: 0, count: 32 * count)
                dstool_hmac_sm3_multi(impl, &hk, count, data, offsets, len, suffixes, &out)
                XCTAssertEqual(out, Array(expected.prefix(32 * count)), "\(String(cString: dstool_sm_impl_name(impl))) \(count) messages")
            }
        }
        // the single-message function, with and without a suffix, odd lengths
        for l in [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000] {
            var out = [UInt8](repeating: 0, count: 32)
            dstool_hmac_sm3_suffixed(&hk, data, l, suffixes, 16, &out)
            XCTAssertEqual(out, try data.withUnsafeBytes { try mac.mac(UnsafeRawBufferPointer(rebasing: $0[0..<l]), Array(suffixes[0..<16])) }, "length \(l)")
        }
    }
}
