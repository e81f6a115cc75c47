import CDSToolCrypto
import DSToolKit
import FoundationEssentials
import Glibc

/// PEM keys through OpenSSL: SM2 and Ed25519 private keys (PKCS#8, optionally PBES2-encrypted),
/// public keys (SubjectPublicKeyInfo) and certificates.
enum PEMKeys {
    static func memoryBIO(_ bytes: [UInt8]) -> OpaquePointer? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        if !bytes.isEmpty && BIO_write(bio, bytes, Int32(bytes.count)) != Int32(bytes.count) { BIO_free(bio); return nil }
        return bio
    }

    static func drain(_ bio: OpaquePointer) -> [UInt8] {
        var out = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = BIO_read(bio, &buf, Int32(buf.count))
            if n <= 0 { break }
            out += buf[0..<Int(n)]
        }
        wipe(&buf)
        return out
    }

    static func isEncrypted(_ pem: [UInt8]) -> Bool {
        let text = String(decoding: pem, as: UTF8.self)
        return text.contains("BEGIN ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED")
    }

    static func isPrivateKey(_ pem: [UInt8]) -> Bool {
        let text = String(decoding: pem, as: UTF8.self)
        return ["-----BEGIN PRIVATE KEY-----", "-----BEGIN ENCRYPTED PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----"].contains { text.contains($0) }
    }

    /// Reads a private key; `passphrase` is used for an encrypted key (an empty one otherwise,
    /// so OpenSSL never prompts by itself).
    static func readPrivateKey(_ pem: SecretBuffer, passphrase: SecretBuffer?, name: String) throws -> PKey {
        guard let bio = pem.withUnsafeBytes({ b -> OpaquePointer? in
            guard let bio = BIO_new(BIO_s_mem()) else { return nil }
            _ = BIO_write(bio, b.baseAddress, Int32(b.count))
            return bio
        }) else { throw DSToolError.failed(openSSLError("BIO")) }
        defer { BIO_free(bio) }
        var pass = (passphrase?.bytes ?? []) + [0]
        defer { wipe(&pass) }
        let key = pass.withUnsafeMutableBytes { PEM_read_bio_PrivateKey(bio, nil, nil, $0.baseAddress) }
        guard let key else {
            let why = openSSLError("cannot read")
            if isEncrypted(pem.bytes) { throw EnvelopeError.unusable("\(name): wrong passphrase for the protected key") }
            throw EnvelopeError.unusable("\(name): not a PEM private key (\(why))")
        }
        return PKey(key)
    }

    /// A public key from a PEM public key, certificate or private key.
    static func readPublicKey(_ pem: [UInt8], name: String) throws -> PKey {
        guard let bio = memoryBIO(pem), let bio2 = memoryBIO(pem) else { throw DSToolError.failed(openSSLError("BIO")) }
        defer { BIO_free(bio); BIO_free(bio2) }
        if let k = PEM_read_bio_PUBKEY(bio, nil, nil, nil) { return PKey(k) }
        ERR_clear_error()
        if let cert = PEM_read_bio_X509(bio2, nil, nil, nil) {
            defer { X509_free(cert) }
            if let k = X509_get_pubkey(cert) { return PKey(k) }
        }
        ERR_clear_error()
        if isPrivateKey(pem) && !isEncrypted(pem) {
            return try readPrivateKey(SecretBuffer(pem), passphrase: nil, name: name)
        }
        throw EnvelopeError.unusable("\(name): no PEM public key, certificate or unencrypted private key in it")
    }

    /// All public keys (PUBLIC KEY and CERTIFICATE blocks) in a PEM file, in order.
    static func readPublicKeys(_ pem: [UInt8], name: String) throws -> [PKey] {
        var keys: [PKey] = []
        // Each block runs from a BEGIN line to the first END line after it (of either kind).
        let begins = ["-----BEGIN PUBLIC KEY-----", "-----BEGIN CERTIFICATE-----"].map { Array($0.utf8) }
        let ends = ["-----END PUBLIC KEY-----", "-----END CERTIFICATE-----"].map { Array($0.utf8) }
        func first(of markers: [[UInt8]], from start: Int) -> Range<Int>? {
            markers.compactMap { m in pem[start...].firstRange(of: m) }.min { $0.lowerBound < $1.lowerBound }
        }
        var at = 0
        while let begin = first(of: begins, from: at), let end = first(of: ends, from: begin.upperBound) {
            keys.append(try readPublicKey(Array(pem[begin.lowerBound..<end.upperBound]), name: name))
            at = end.upperBound
        }
        return keys
    }

    static func generate(_ type: String) throws -> PKey {
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, type, nil) else { throw DSToolError.failed(openSSLError("\(type) keys")) }
        defer { EVP_PKEY_CTX_free(ctx) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(ctx) == 1, EVP_PKEY_generate(ctx, &key) == 1, let key else {
            throw DSToolError.failed(openSSLError("\(type) key generation failed"))
        }
        return PKey(key)
    }

    /// PKCS#8 PEM; with a passphrase, PBES2 (PBKDF2-HMAC-SHA256, `iterations`) and `cipher`.
    static func privateKeyPEM(_ key: PKey, passphrase: SecretBuffer?, cipher: String, iterations: Int32 = 600_000) throws -> SecretBuffer {
        guard let bio = memoryBIO([]) else { throw DSToolError.failed(openSSLError("BIO")) }
        defer { BIO_free(bio) }
        if let passphrase {
            guard let p8 = EVP_PKEY2PKCS8(key.pointer), let c = EVP_CIPHER_fetch(nil, cipher, nil) else {
                throw DSToolError.failed(openSSLError("PKCS#8"))
            }
            defer { PKCS8_PRIV_KEY_INFO_free(p8); EVP_CIPHER_free(c) }
            let sig = passphrase.withUnsafeBytes {
                PKCS8_encrypt(-1, c, $0.baseAddress?.assumingMemoryBound(to: CChar.self), Int32($0.count), nil, 0, iterations, p8)
            }
            guard let sig else { throw DSToolError.failed(openSSLError("cannot encrypt the private key")) }
            defer { X509_SIG_free(sig) }
            guard PEM_write_bio_PKCS8(bio, sig) == 1 else { throw DSToolError.failed(openSSLError("PEM")) }
        } else {
            guard PEM_write_bio_PrivateKey(bio, key.pointer, nil, nil, 0, nil, nil) == 1 else { throw DSToolError.failed(openSSLError("PEM")) }
        }
        return SecretBuffer(drain(bio))
    }

    static func publicKeyPEM(_ key: PKey) throws -> [UInt8] {
        guard let bio = memoryBIO([]) else { throw DSToolError.failed(openSSLError("BIO")) }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PUBKEY(bio, key.pointer) == 1 else { throw DSToolError.failed(openSSLError("PEM")) }
        return drain(bio)
    }

    /// SHA-256 of the DER public key (SubjectPublicKeyInfo), as people compare key fingerprints.
    static func fingerprint(_ key: PKey) -> String {
        var der: UnsafeMutablePointer<UInt8>?
        let n = i2d_PUBKEY(key.pointer, &der)
        guard n > 0, let der else { return "?" }
        defer { dstool_openssl_free(der) }
        return "SHA256:" + Digest.hex(Digest.hash(.sha256, Array(UnsafeBufferPointer(start: der, count: Int(n)))))
    }
}

/// Signatures: SM2 with SM3 and the user ID 1234567812345678 (set explicitly: OpenSSL 3.0
/// defaults to an empty ID, which other SM2 implementations do not use), and Ed25519 (PureEdDSA,
/// which signs the whole message in one call, so the file is memory-mapped).
enum Signatures {
    static let sm2ID = Array("1234567812345678".utf8)

    enum Algorithm: String { case sm2 = "SM2-SM3", ed25519 = "Ed25519" }

    static func algorithm(of key: PKey) throws -> Algorithm {
        if key.isA("SM2") { return .sm2 }
        if key.isA("ED25519") { return .ed25519 }
        throw EnvelopeError.unusable("the key is neither SM2 nor Ed25519")
    }

    /// Signs the bytes from `source` (SM2 streams; Ed25519 needs the whole message: `wholeFile`).
    static func sign(_ key: PKey, source: ByteSource, wholeFile: () throws -> MappedFile) throws -> [UInt8] {
        let alg = try algorithm(of: key)
        guard let mctx = EVP_MD_CTX_new() else { throw DSToolError.failed(openSSLError("signing")) }
        defer { EVP_MD_CTX_free(mctx) }
        var sig = [UInt8](repeating: 0, count: 256)
        var len = sig.count
        switch alg {
        case .sm2:
            guard EVP_DigestSignInit(mctx, nil, EVP_sm3(), nil, key.pointer) == 1,
                  dstool_evp_md_ctx_set_sm2_id(mctx, sm2ID, Int32(sm2ID.count)) == 1 else {
                throw DSToolError.failed(openSSLError("SM2 signing setup"))
            }
            try stream(source) { p in
                guard EVP_DigestSignUpdate(mctx, p.baseAddress, p.count) == 1 else { throw DSToolError.failed(openSSLError("SM2 signing")) }
            }
            guard EVP_DigestSignFinal(mctx, &sig, &len) == 1 else { throw DSToolError.failed(openSSLError("SM2 signing")) }
        case .ed25519:
            let file = try wholeFile()
            guard EVP_DigestSignInit(mctx, nil, nil, nil, key.pointer) == 1,
                  EVP_DigestSign(mctx, &sig, &len, file.bytes, file.count) == 1 else {
                throw DSToolError.failed(openSSLError("Ed25519 signing"))
            }
        }
        return Array(sig.prefix(len))
    }

    static func verify(_ key: PKey, signature: [UInt8], source: ByteSource, wholeFile: () throws -> MappedFile) throws -> Bool {
        let alg = try algorithm(of: key)
        guard let mctx = EVP_MD_CTX_new() else { throw DSToolError.failed(openSSLError("verification")) }
        defer { EVP_MD_CTX_free(mctx) }
        let ok: Int32
        switch alg {
        case .sm2:
            guard EVP_DigestVerifyInit(mctx, nil, EVP_sm3(), nil, key.pointer) == 1,
                  dstool_evp_md_ctx_set_sm2_id(mctx, sm2ID, Int32(sm2ID.count)) == 1 else {
                throw DSToolError.failed(openSSLError("SM2 verification setup"))
            }
            try stream(source) { p in
                guard EVP_DigestVerifyUpdate(mctx, p.baseAddress, p.count) == 1 else { throw DSToolError.failed(openSSLError("SM2 verification")) }
            }
            ok = EVP_DigestVerifyFinal(mctx, signature, signature.count)
        case .ed25519:
            let file = try wholeFile()
            guard EVP_DigestVerifyInit(mctx, nil, nil, nil, key.pointer) == 1 else { throw DSToolError.failed(openSSLError("Ed25519 verification setup")) }
            ok = EVP_DigestVerify(mctx, signature, signature.count, file.bytes, file.count)
        }
        ERR_clear_error()
        return ok == 1
    }

    static func stream(_ source: ByteSource, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try buf.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return }
            try buf.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }
}

/// A read-only memory map of a whole file (Ed25519 signs the whole message at once).
final class MappedFile {
    let bytes: UnsafePointer<UInt8>
    let count: Int
    private let mapping: UnsafeMutableRawPointer?

    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DSToolError.io("\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw DSToolError.io("\(path): \(String(cString: strerror(errno)))") }
        count = Int(st.st_size)
        if count == 0 {
            mapping = nil
            bytes = UnsafePointer(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))
            return
        }
        guard let m = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), m != MAP_FAILED else {
            throw DSToolError.io("\(path): cannot map: \(String(cString: strerror(errno)))")
        }
        _ = madvise(m, count, MADV_SEQUENTIAL)
        mapping = m
        bytes = UnsafePointer(m.assumingMemoryBound(to: UInt8.self))
    }

    deinit {
        if let mapping { munmap(mapping, count) } else { bytes.deallocate() }
    }
}
