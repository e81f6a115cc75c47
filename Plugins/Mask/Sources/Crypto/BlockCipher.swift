import CDSToolCrypto
import CDSToolSM
import DSToolKit

/// One 128-bit block cipher in ECB mode: the PRF under FF1. Not thread-safe: one per thread.
///
/// AES goes through OpenSSL EVP (AES-NI inside), with the context set up once. SM4 goes through
/// the encrypt plugin's C library (CDSToolSM) with the key schedule expanded once: one FF1 round
/// is one block, and OpenSSL's software SM4 behind an EVP call per block was FF1-SM4's whole cost.
/// `encryptBlocks` hands independent blocks to its SIMD kernels (AES-NI/GFNI, chosen at run
/// time). `.openssl` keeps the EVP path for SM4 too: the tests' reference.
public final class BlockCipher {
    public enum Algorithm: String, Sendable, CaseIterable {
        case aes, sm4
    }
    public enum Implementation: Sendable { case fast, openssl }

    public let algorithm: Algorithm
    private let ctx: OpaquePointer?
    private let cipher: OpaquePointer?
    private let sm4Key: UnsafeMutablePointer<dstool_sm4_key>?
    /// The SM4 kernel for batches (dstool_sm_best_impl: the fastest this CPU runs).
    private let sm4Batch: Int32

    /// AES takes 16, 24 or 32 key bytes (AES-128/192/256); SM4 takes 16.
    public init(_ algorithm: Algorithm, key: [UInt8], implementation: Implementation = .fast) throws {
        self.algorithm = algorithm
        let name: String
        switch (algorithm, key.count) {
        case (.aes, 16): name = "AES-128-ECB"
        case (.aes, 24): name = "AES-192-ECB"
        case (.aes, 32): name = "AES-256-ECB"
        case (.sm4, 16): name = "SM4-ECB"
        default:
            throw DSToolError.invalid("\(algorithm.rawValue.uppercased()) does not take a \(key.count)-byte key")
        }
        if algorithm == .sm4 && implementation == .fast {
            let ks = UnsafeMutablePointer<dstool_sm4_key>.allocate(capacity: 1)
            key.withUnsafeBufferPointer { dstool_sm4_set_key(ks, $0.baseAddress!) }
            sm4Key = ks
            sm4Batch = dstool_sm_best_impl()
            ctx = nil
            cipher = nil
            return
        }
        sm4Key = nil
        sm4Batch = 0
        guard let c = EVP_CIPHER_fetch(nil, name, nil) else { throw DSToolError.failed("OpenSSL has no \(name)") }
        guard let x = EVP_CIPHER_CTX_new() else { EVP_CIPHER_free(c); throw DSToolError.failed("out of memory") }
        cipher = c
        ctx = x
        guard EVP_EncryptInit_ex2(x, c, key, nil, nil) == 1 else {
            EVP_CIPHER_CTX_free(x); EVP_CIPHER_free(c)
            throw DSToolError.failed("cannot set up \(name)")
        }
        EVP_CIPHER_CTX_set_padding(x, 0)
    }

    deinit {
        if let sm4Key {
            dstool_sm_wipe(sm4Key, MemoryLayout<dstool_sm4_key>.size)
            sm4Key.deallocate()
        }
        EVP_CIPHER_CTX_free(ctx)  // also wipes the expanded key
        EVP_CIPHER_free(cipher)
    }

    /// Encrypts one 16-byte block; `input` and `output` may be the same memory.
    @inline(__always)
    public func encryptBlock(_ input: UnsafePointer<UInt8>, _ output: UnsafeMutablePointer<UInt8>) {
        if let sm4Key {
            // One block: T-table code (the SIMD kernels only pay from 16 blocks on).
            dstool_sm4_encrypt_block(sm4Key, input, output)
            return
        }
        var outLength: Int32 = 0
        EVP_EncryptUpdate(ctx, output, &outLength, input, 16)
    }

    /// Encrypts `count` independent 16-byte blocks; `input` and `output` may be the same memory.
    @inline(__always)
    public func encryptBlocks(_ input: UnsafePointer<UInt8>, _ output: UnsafeMutablePointer<UInt8>, count: Int) {
        if let sm4Key {
            // The SIMD kernels from 16 blocks on; below that, or with no SIMD kernel, the T-tables
            // (faster than the portable kernel's byte S-box).
            if count >= 16 && sm4Batch != Int32(DSTOOL_SM_SCALAR) {
                dstool_sm4_encrypt_blocks(sm4Batch, sm4Key, input, output, count)
            } else {
                for k in 0..<count { dstool_sm4_encrypt_block(sm4Key, input + 16 * k, output + 16 * k) }
            }
            return
        }
        var outLength: Int32 = 0
        EVP_EncryptUpdate(ctx, output, &outLength, input, Int32(16 * count))
    }
}
