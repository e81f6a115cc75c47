import CDSToolCrypto
import DSToolKit

/// One 128-bit block cipher in ECB mode through OpenSSL EVP: the PRF under FF1. The context is
/// set up once and reused for every block (no allocation per call). Not thread-safe: one per thread.
public final class BlockCipher {
    public enum Algorithm: String, Sendable, CaseIterable {
        case aes, sm4
    }

    public let algorithm: Algorithm
    private let ctx: OpaquePointer
    private let cipher: OpaquePointer

    /// AES takes 16, 24 or 32 key bytes (AES-128/192/256); SM4 takes 16.
    public init(_ algorithm: Algorithm, key: [UInt8]) throws {
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
        guard let c = EVP_CIPHER_fetch(nil, name, nil) else { throw DSToolError.failed("OpenSSL has no \(name)") }
        guard let x = EVP_CIPHER_CTX_new() else { EVP_CIPHER_free(c); throw DSToolError.failed("out of memory") }
        cipher = c
        ctx = x
        guard EVP_EncryptInit_ex2(ctx, cipher, key, nil, nil) == 1 else {
            EVP_CIPHER_CTX_free(ctx); EVP_CIPHER_free(cipher)
            throw DSToolError.failed("cannot set up \(name)")
        }
        EVP_CIPHER_CTX_set_padding(ctx, 0)
    }

    deinit {
        EVP_CIPHER_CTX_free(ctx)  // also wipes the expanded key
        EVP_CIPHER_free(cipher)
    }

    /// Encrypts one 16-byte block; `input` and `output` may be the same memory.
    @inline(__always)
    public func encryptBlock(_ input: UnsafePointer<UInt8>, _ output: UnsafeMutablePointer<UInt8>) {
        var outLength: Int32 = 0
        EVP_EncryptUpdate(ctx, output, &outLength, input, 16)
    }
}
