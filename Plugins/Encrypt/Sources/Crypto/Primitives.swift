import CDSToolCrypto
import DSToolKit
import FoundationEssentials

/// The OpenSSL error queue as one line (and cleared).
func openSSLError(_ what: String) -> String {
    var buf = [CChar](repeating: 0, count: 256)
    dstool_openssl_last_error(&buf, buf.count)
    let detail = String(cString: buf)
    return detail.isEmpty ? what : "\(what): \(detail)"
}

/// All randomness comes from here: OpenSSL's CSPRNG, or — only in tests, to produce fixed test
/// vectors — a deterministic generator installed through `CryptoRandom.deterministicForTests`.
enum CryptoRandom {
    nonisolated(unsafe) static var deterministicForTests: ((Int) -> [UInt8])?

    static func bytes(_ count: Int) throws -> [UInt8] {
        if let hook = deterministicForTests { return hook(count) }
        var out = [UInt8](repeating: 0, count: count)
        guard count == 0 || RAND_priv_bytes(&out, Int32(count)) == 1 else {
            throw DSToolError.failed(openSSLError("the random generator failed"))
        }
        return out
    }

    static func secret(_ count: Int) throws -> SecretBuffer { SecretBuffer(try bytes(count)) }
}

/// Message digests used by the formats.
enum DigestName: String {
    case sha256 = "SHA256", sm3 = "SM3"
    var md: OpaquePointer { self == .sha256 ? EVP_sha256() : EVP_sm3() }
}

/// A C pointer to the bytes (never NULL, even when empty: OpenSSL rejects NULL passphrases).
private let emptyByte: UnsafeMutablePointer<CChar> = { let p = UnsafeMutablePointer<CChar>.allocate(capacity: 1); p.pointee = 0; return p }()
func cString(_ p: UnsafeRawBufferPointer) -> UnsafePointer<CChar> {
    p.baseAddress.map { $0.assumingMemoryBound(to: CChar.self) } ?? UnsafePointer(emptyByte)
}

enum KDF {
    /// HKDF (RFC 5869) with SHA-256 (age) or SM3 (GM envelope). An empty salt means none.
    static func hkdf(_ digest: DigestName, ikm: SecretBuffer, salt: [UInt8], info: String, length: Int) throws -> SecretBuffer {
        guard let ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nil) else { throw DSToolError.failed(openSSLError("HKDF")) }
        defer { EVP_PKEY_CTX_free(ctx) }
        let out = SecretBuffer(count: length)
        var len = length
        let infoBytes = Array(info.utf8)
        let ok = ikm.withUnsafeBytes { k -> Bool in
            guard EVP_PKEY_derive_init(ctx) == 1, EVP_PKEY_CTX_set_hkdf_md(ctx, digest.md) == 1,
                  EVP_PKEY_CTX_set1_hkdf_key(ctx, k.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(k.count)) == 1,
                  EVP_PKEY_CTX_add1_hkdf_info(ctx, infoBytes, Int32(infoBytes.count)) == 1 else { return false }
            if !salt.isEmpty && EVP_PKEY_CTX_set1_hkdf_salt(ctx, salt, Int32(salt.count)) != 1 { return false }
            return out.withUnsafeMutableBytes { EVP_PKEY_derive(ctx, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), &len) } == 1
        }
        guard ok, len == length else { throw DSToolError.failed(openSSLError("HKDF failed")) }
        return out
    }

    static func hmac(_ digest: DigestName, key: SecretBuffer, _ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        var len: UInt32 = 0
        key.withUnsafeBytes { k in
            _ = HMAC(digest.md, k.baseAddress, Int32(k.count), data, data.count, &out, &len)
        }
        return Array(out.prefix(Int(len)))
    }

    /// scrypt with r = 8, p = 1 (age's parameters).
    static func scrypt(passphrase: SecretBuffer, salt: [UInt8], logN: Int, length: Int) throws -> SecretBuffer {
        let n = UInt64(1) << UInt64(logN)
        let maxmem = 128 * 8 * (n + 3) + (1 << 20)
        let out = SecretBuffer(count: length)
        let ok = passphrase.withUnsafeBytes { p in
            out.withUnsafeMutableBytes { o in
                EVP_PBE_scrypt(cString(p), p.count, salt, salt.count, n, 8, 1, maxmem,
                               o.baseAddress!.assumingMemoryBound(to: UInt8.self), length)
            }
        }
        guard ok == 1 else { throw DSToolError.failed(openSSLError("scrypt failed (work factor \(logN) needs \(maxmem >> 20) MiB)")) }
        return out
    }

    static func pbkdf2(_ digest: DigestName, passphrase: SecretBuffer, salt: [UInt8], iterations: Int, length: Int) throws -> SecretBuffer {
        let out = SecretBuffer(count: length)
        let ok = passphrase.withUnsafeBytes { p in
            out.withUnsafeMutableBytes { o in
                PKCS5_PBKDF2_HMAC(cString(p), Int32(p.count), salt, Int32(salt.count),
                                  Int32(iterations), digest.md, Int32(length), o.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        guard ok == 1 else { throw DSToolError.failed(openSSLError("PBKDF2 failed")) }
        return out
    }

    /// Constant-time comparison.
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool { CRYPTO_memcmp(a, b, n) == 0 }
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && a.withUnsafeBytes { x in b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress!, y.baseAddress!, a.count) == 0 } }
    }
}

/// ChaCha20-Poly1305 (RFC 8439) through OpenSSL, one context reused for many messages.
final class ChaChaPoly {
    static let tagSize = 16
    private let ctx: OpaquePointer
    private let cipher: OpaquePointer
    let encrypting: Bool

    init(key: SecretBuffer, encrypting: Bool) throws {
        guard let cipher = EVP_CIPHER_fetch(nil, "ChaCha20-Poly1305", nil), let ctx = EVP_CIPHER_CTX_new() else {
            throw DSToolError.failed(openSSLError("ChaCha20-Poly1305 is not available"))
        }
        self.cipher = cipher; self.ctx = ctx; self.encrypting = encrypting
        let ok = key.withUnsafeBytes { EVP_CipherInit_ex(ctx, cipher, nil, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), nil, encrypting ? 1 : 0) }
        guard ok == 1, key.count == 32 else { throw DSToolError.failed(openSSLError("ChaCha20-Poly1305 key setup")) }
    }

    deinit {
        EVP_CIPHER_CTX_free(ctx)  // clears the key schedule
        EVP_CIPHER_free(cipher)
    }

    /// dst gets count bytes of ciphertext then the 16-byte tag.
    func seal(nonce: [UInt8], _ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutableRawPointer) throws {
        var outl: Int32 = 0
        guard EVP_CipherInit_ex(ctx, nil, nil, nil, nonce, 1) == 1,
              count == 0 || EVP_CipherUpdate(ctx, dst.assumingMemoryBound(to: UInt8.self), &outl, src.assumingMemoryBound(to: UInt8.self), Int32(count)) == 1,
              EVP_CipherFinal_ex(ctx, dst.assumingMemoryBound(to: UInt8.self) + Int(outl), &outl) == 1,
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, Int32(Self.tagSize), dst + count) == 1 else {
            throw DSToolError.failed(openSSLError("ChaCha20-Poly1305 encryption failed"))
        }
    }

    /// src holds count bytes of ciphertext then the tag; dst gets the plaintext. False if the tag
    /// does not verify (dst is wiped then).
    func open(nonce: [UInt8], _ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutableRawPointer) -> Bool {
        var outl: Int32 = 0
        var tag = [UInt8](repeating: 0, count: Self.tagSize)
        tag.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: src + count, byteCount: Self.tagSize) }
        let ok = EVP_CipherInit_ex(ctx, nil, nil, nil, nonce, 0) == 1
            && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, Int32(Self.tagSize), &tag) == 1
            && (count == 0 || EVP_CipherUpdate(ctx, dst.assumingMemoryBound(to: UInt8.self), &outl, src.assumingMemoryBound(to: UInt8.self), Int32(count)) == 1)
            && EVP_CipherFinal_ex(ctx, dst.assumingMemoryBound(to: UInt8.self) + Int(outl), &outl) == 1
        if !ok {
            ERR_clear_error()
            if count > 0 { memset_s_portable(dst, count) }
        }
        return ok
    }

    /// One-shot helpers for small messages (wrapped file keys).
    static func seal(key: SecretBuffer, nonce: [UInt8] = [UInt8](repeating: 0, count: 12), _ plaintext: SecretBuffer) throws -> [UInt8] {
        let c = try ChaChaPoly(key: key, encrypting: true)
        var out = [UInt8](repeating: 0, count: plaintext.count + tagSize)
        try plaintext.withUnsafeBytes { p in
            try out.withUnsafeMutableBytes { try c.seal(nonce: nonce, p.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, count: p.count, into: $0.baseAddress!) }
        }
        return out
    }

    static func open(key: SecretBuffer, nonce: [UInt8] = [UInt8](repeating: 0, count: 12), _ ciphertext: [UInt8]) throws -> SecretBuffer? {
        guard ciphertext.count >= tagSize else { return nil }
        let c = try ChaChaPoly(key: key, encrypting: false)
        let out = SecretBuffer(count: ciphertext.count - tagSize)
        let ok = ciphertext.withUnsafeBytes { s in
            out.withUnsafeMutableBytes { o in
                c.open(nonce: nonce, s.baseAddress!, count: s.count - tagSize, into: o.baseAddress ?? UnsafeMutableRawPointer(bitPattern: 1)!)
            }
        }
        return ok ? out : nil
    }
}

/// An OpenSSL key (EVP_PKEY), freed with the object.
final class PKey {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }

    func isA(_ name: String) -> Bool { EVP_PKEY_is_a(pointer, name) == 1 }

    var rawPublicKey: [UInt8]? {
        var len = 0
        guard EVP_PKEY_get_raw_public_key(pointer, nil, &len) == 1 else { return nil }
        var out = [UInt8](repeating: 0, count: len)
        guard EVP_PKEY_get_raw_public_key(pointer, &out, &len) == 1 else { return nil }
        return out
    }

    /// The uncompressed EC point (04 || x || y) of an EC/SM2 key.
    var ecPublicPoint: [UInt8]? {
        var len = 0
        guard EVP_PKEY_get_octet_string_param(pointer, "pub", nil, 0, &len) == 1 else { return nil }
        var out = [UInt8](repeating: 0, count: len)
        guard EVP_PKEY_get_octet_string_param(pointer, "pub", &out, len, &len) == 1 else { return nil }
        return out
    }
}

/// X25519 (RFC 7748) through OpenSSL.
enum X25519 {
    static func publicKey(secret: SecretBuffer) throws -> [UInt8] {
        guard secret.count == 32, let p = secret.withUnsafeBytes({ EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nil, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), 32) }) else {
            throw DSToolError.failed(openSSLError("invalid X25519 secret key"))
        }
        let key = PKey(p)
        guard let pub = key.rawPublicKey, pub.count == 32 else { throw DSToolError.failed(openSSLError("X25519 public key")) }
        return pub
    }

    /// The shared secret, or nil if the peer's share is a low-order point (all-zero result).
    static func shared(secret: SecretBuffer, peer: [UInt8]) -> SecretBuffer? {
        guard secret.count == 32, peer.count == 32,
              let s = secret.withUnsafeBytes({ EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nil, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), 32) }),
              let p = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nil, peer, 32) else { ERR_clear_error(); return nil }
        let own = PKey(s), other = PKey(p)
        guard let ctx = EVP_PKEY_CTX_new(own.pointer, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(ctx) }
        let out = SecretBuffer(count: 32)
        var len = 32
        let ok = EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer(ctx, other.pointer) == 1
            && out.withUnsafeMutableBytes({ EVP_PKEY_derive(ctx, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), &len) }) == 1
        ERR_clear_error()
        // OpenSSL refuses an all-zero result; check anyway (RFC 7748 section 6.1).
        guard ok, len == 32, out.bytes.contains(where: { $0 != 0 }) else { return nil }
        return out
    }
}
