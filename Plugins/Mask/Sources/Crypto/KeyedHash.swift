import CDSToolCrypto
import DSToolKit

/// HMAC-SM3 or HMAC-SHA-256 through OpenSSL's EVP_MAC. The key is set once; each value re-inits
/// the context from the stored key state (no key schedule, no allocation per value).
/// Not thread-safe: one per thread.
public final class KeyedHash {
    public enum Algorithm: String, Sendable, CaseIterable {
        case hmacSM3 = "hmac-sm3"
        case hmacSHA256 = "hmac-sha256"
        var digestName: String { self == .hmacSM3 ? "SM3" : "SHA256" }
    }

    public let algorithm: Algorithm
    private let mac: OpaquePointer
    private let ctx: OpaquePointer
    public static let outputSize = 32

    public init(_ algorithm: Algorithm, key: [UInt8]) throws {
        self.algorithm = algorithm
        guard let m = EVP_MAC_fetch(nil, "HMAC", nil) else { throw DSToolError.failed("OpenSSL has no HMAC") }
        guard let c = EVP_MAC_CTX_new(m) else { EVP_MAC_free(m); throw DSToolError.failed("out of memory") }
        mac = m
        ctx = c
        let ok: Int32 = algorithm.digestName.withCString { name in
            var params = [OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, UnsafeMutablePointer(mutating: name), 0),
                          OSSL_PARAM_construct_end()]
            return key.withUnsafeBufferPointer { EVP_MAC_init(ctx, $0.baseAddress, $0.count, &params) }
        }
        guard ok == 1 else {
            EVP_MAC_CTX_free(ctx); EVP_MAC_free(mac)
            throw DSToolError.failed("cannot set up \(algorithm.rawValue)")
        }
    }

    deinit {
        EVP_MAC_CTX_free(ctx)
        EVP_MAC_free(mac)
    }

    /// MAC of the concatenation of `parts` into `out` (32 bytes).
    @inline(__always)
    public func mac(_ data: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
        EVP_MAC_init(ctx, nil, 0, nil)
        if data.count > 0 { EVP_MAC_update(ctx, data.baseAddress!.assumingMemoryBound(to: UInt8.self), data.count) }
        var written = 0
        EVP_MAC_final(ctx, out, &written, KeyedHash.outputSize)
    }

    /// MAC of `label` || 0x00 || `data`: keyed choices (surrogates, date offsets) kept apart per use.
    public func mac(label: [UInt8], _ data: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
        EVP_MAC_init(ctx, nil, 0, nil)
        label.withUnsafeBufferPointer { if $0.count > 0 { EVP_MAC_update(ctx, $0.baseAddress!, $0.count) } }
        var zero: UInt8 = 0
        EVP_MAC_update(ctx, &zero, 1)
        if data.count > 0 { EVP_MAC_update(ctx, data.baseAddress!.assumingMemoryBound(to: UInt8.self), data.count) }
        var written = 0
        EVP_MAC_final(ctx, out, &written, KeyedHash.outputSize)
    }

    public func mac(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: KeyedHash.outputSize)
        bytes.withUnsafeBytes { b in out.withUnsafeMutableBufferPointer { mac(b, into: $0.baseAddress!) } }
        return out
    }
}

/// The masking key: a secret of at least 16 bytes read through the host (file:, env:, fd:),
/// from which every strategy derives its own key, so one secret serves FF1 (AES and SM4),
/// HMAC, surrogates and date shifts without reusing key material across them.
public final class MaskKey {
    private var secret: [UInt8]
    public static let minimumLength = 16

    public init(secret: [UInt8]) throws {
        guard secret.count >= MaskKey.minimumLength else {
            throw DSToolError.usage("the masking key must be at least \(MaskKey.minimumLength) bytes (e.g. head -c 32 /dev/urandom > mask.key)")
        }
        self.secret = secret
    }

    deinit { wipe() }

    public func wipe() {
        secret.withUnsafeMutableBytes { if let b = $0.baseAddress { memset_s_portable(b, $0.count) } }
        secret.removeAll()
    }

    /// HMAC-SHA-256(secret, "dstool-mask/v1/" + purpose), stretched with a counter past 32 bytes.
    public func derive(_ purpose: String, count: Int = 32) -> [UInt8] {
        let prf = try! KeyedHash(.hmacSHA256, key: secret)
        var out = [UInt8]()
        var counter: UInt8 = 1
        while out.count < count {
            out += prf.mac(Array("dstool-mask/v1/\(purpose)".utf8) + [counter])
            counter &+= 1
        }
        return Array(out.prefix(count))
    }

    /// A short public identifier of the key (for summaries; reveals nothing usable about it).
    public var identifier: String { Digest.hex(Array(derive("key-identifier", count: 4))) }
}
