import CDSToolCrypto
import DSToolKit
import FoundationEssentials

/// SM2 public-key encryption (GB/T 32918.4 / GM/T 0003.4) of short messages (file keys).
///
/// Ciphertexts are kept in the standard's raw byte order C1 || C3 || C2:
///   C1 = 04 || x1 || y1 (the point k*G, 65 bytes), C3 = SM3(x2 || M || y2) (32 bytes),
///   C2 = M XOR KDF(x2 || y2, |M|).
/// OpenSSL 3.0 reads and writes the ASN.1 form of GM/T 0009 (SEQUENCE { x1, y1, C3, C2 }); we
/// convert at the boundary. Encryption is done here (EC point arithmetic from OpenSSL, whose
/// EC_POINT_mul uses a constant-time ladder for a single scalar) so that k comes from the one
/// random source tests can make deterministic; decryption is OpenSSL's EVP_PKEY_decrypt.
enum SM2 {
    static let fieldSize = 32

    private final class Group {
        let group: OpaquePointer
        let ctx: OpaquePointer
        init() throws {
            guard let g = EC_GROUP_new_by_curve_name(NID_sm2), let c = BN_CTX_new() else {
                throw DSToolError.failed(openSSLError("the SM2 curve is not available"))
            }
            group = g; ctx = c
        }
        deinit { BN_CTX_free(ctx); EC_GROUP_free(group) }
    }

    /// The point as 65 uncompressed bytes, or nil if the bytes are not a point on the SM2 curve
    /// (compressed 33-byte points are accepted and expanded).
    static func normalisePoint(_ bytes: [UInt8]) -> [UInt8]? {
        guard let g = try? Group(), let p = EC_POINT_new(g.group) else { return nil }
        defer { EC_POINT_free(p) }
        guard EC_POINT_oct2point(g.group, p, bytes, bytes.count, g.ctx) == 1, EC_POINT_is_at_infinity(g.group, p) == 0 else {
            ERR_clear_error(); return nil
        }
        var out = [UInt8](repeating: 0, count: 65)
        guard EC_POINT_point2oct(g.group, p, POINT_CONVERSION_UNCOMPRESSED, &out, 65, g.ctx) == 65 else { return nil }
        return out
    }

    static func compress(_ point: [UInt8]) -> [UInt8]? {
        guard let g = try? Group(), let p = EC_POINT_new(g.group) else { return nil }
        defer { EC_POINT_free(p) }
        guard EC_POINT_oct2point(g.group, p, point, point.count, g.ctx) == 1 else { ERR_clear_error(); return nil }
        var out = [UInt8](repeating: 0, count: 33)
        guard EC_POINT_point2oct(g.group, p, POINT_CONVERSION_COMPRESSED, &out, 33, g.ctx) == 33 else { return nil }
        return out
    }

    /// GM/T 0003.4 KDF with SM3: SM3(Z || ct) for ct = 1, 2, ... (32-bit big-endian).
    static func kdf(_ z: [UInt8], length: Int) -> [UInt8] {
        var out = [UInt8]()
        var counter: UInt32 = 1
        while out.count < length {
            let block = z + [UInt8(counter >> 24), UInt8(counter >> 16 & 0xff), UInt8(counter >> 8 & 0xff), UInt8(counter & 0xff)]
            out += Digest.hash(.sm3, block)
            counter += 1
        }
        return Array(out.prefix(length))
    }

    /// Encrypts `message` to the recipient's public point (65 bytes uncompressed); raw C1C3C2.
    static func encrypt(to point: [UInt8], _ message: SecretBuffer) throws -> [UInt8] {
        let g = try Group()
        guard let pb = EC_POINT_new(g.group), let c1 = EC_POINT_new(g.group), let s = EC_POINT_new(g.group),
              let k = BN_secure_new(), let x1 = BN_new(), let y1 = BN_new(), let x2 = BN_secure_new(), let y2 = BN_secure_new() else {
            throw DSToolError.failed(openSSLError("SM2 encryption"))
        }
        defer {
            EC_POINT_free(pb); EC_POINT_clear_free(c1); EC_POINT_clear_free(s)
            BN_clear_free(k); BN_free(x1); BN_free(y1); BN_clear_free(x2); BN_clear_free(y2)
        }
        guard EC_POINT_oct2point(g.group, pb, point, point.count, g.ctx) == 1, EC_POINT_is_at_infinity(g.group, pb) == 0 else {
            throw EnvelopeError.unusable("the SM2 public key is not a point on the SM2 curve")
        }
        let order = EC_GROUP_get0_order(g.group)
        for _ in 0..<64 {
            var kb = try CryptoRandom.bytes(32)
            defer { wipe(&kb) }
            BN_bin2bn(kb, 32, k)
            if BN_is_zero(k) == 1 || BN_cmp(k, order) >= 0 { continue }
            guard EC_POINT_mul(g.group, c1, k, nil, nil, g.ctx) == 1,
                  EC_POINT_mul(g.group, s, nil, pb, k, g.ctx) == 1,
                  EC_POINT_get_affine_coordinates(g.group, c1, x1, y1, g.ctx) == 1,
                  EC_POINT_get_affine_coordinates(g.group, s, x2, y2, g.ctx) == 1 else {
                throw DSToolError.failed(openSSLError("SM2 point multiplication"))
            }
            var xb = [UInt8](repeating: 0, count: 32), yb = [UInt8](repeating: 0, count: 32)
            defer { wipe(&xb); wipe(&yb) }
            BN_bn2binpad(x2, &xb, 32); BN_bn2binpad(y2, &yb, 32)
            var t = kdf(xb + yb, length: message.count)
            defer { wipe(&t) }
            if !t.contains(where: { $0 != 0 }) { continue }  // the standard's rule: pick another k
            var c1b = [UInt8](repeating: 0, count: 65)
            c1b[0] = 4
            c1b.withUnsafeMutableBufferPointer { p in
                _ = BN_bn2binpad(x1, p.baseAddress! + 1, 32)
                _ = BN_bn2binpad(y1, p.baseAddress! + 33, 32)
            }
            var c2 = [UInt8](repeating: 0, count: message.count)
            for i in 0..<message.count { c2[i] = message.bytes[i] ^ t[i] }
            var hashInput = xb + message.bytes + yb
            let c3 = Digest.hash(.sm3, hashInput)
            wipe(&hashInput)
            return c1b + c3 + c2
        }
        throw DSToolError.failed("SM2 encryption: no usable random k")
    }

    /// Decrypts a raw C1C3C2 ciphertext; nil if it does not open with this key (C3 mismatch or
    /// a C1 that is not on the curve).
    static func decrypt(with key: PKey, _ raw: [UInt8]) throws -> SecretBuffer? {
        guard raw.count > 65 + 32, raw[0] == 4 else { return nil }
        let der = toDER(raw)
        guard let ctx = EVP_PKEY_CTX_new(key.pointer, nil) else { throw DSToolError.failed(openSSLError("SM2 decryption")) }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_decrypt_init(ctx) == 1 else { throw DSToolError.failed(openSSLError("SM2 decryption setup")) }
        var len = 0
        guard EVP_PKEY_decrypt(ctx, nil, &len, der, der.count) == 1 else { ERR_clear_error(); return nil }
        let out = SecretBuffer(count: len)
        let ok = out.withUnsafeMutableBytes { EVP_PKEY_decrypt(ctx, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), &len, der, der.count) }
        ERR_clear_error()
        guard ok == 1 else { return nil }
        return SecretBuffer(Array(out.bytes.prefix(len)))
    }

    // MARK: raw C1C3C2 <-> GM/T 0009 DER

    static func derLength(_ n: Int) -> [UInt8] {
        n < 128 ? [UInt8(n)] : n < 256 ? [0x81, UInt8(n)] : [0x82, UInt8(n >> 8), UInt8(n & 0xff)]
    }

    static func derInteger(_ unsigned: ArraySlice<UInt8>) -> [UInt8] {
        var v = Array(unsigned.drop(while: { $0 == 0 }))
        if v.isEmpty { v = [0] }
        if v[0] & 0x80 != 0 { v.insert(0, at: 0) }
        return [0x02] + derLength(v.count) + v
    }

    static func toDER(_ raw: [UInt8]) -> [UInt8] {
        let x = raw[1..<33], y = raw[33..<65], c3 = raw[65..<97], c2 = raw[97...]
        let body = derInteger(x) + derInteger(y) + [0x04] + derLength(c3.count) + Array(c3) + [0x04] + derLength(c2.count) + Array(c2)
        return [0x30] + derLength(body.count) + body
    }

    /// Parses OpenSSL's DER form back into raw C1C3C2; nil if malformed.
    static func fromDER(_ der: [UInt8]) -> [UInt8]? {
        var i = 0
        func readTLV(_ tag: UInt8) -> ArraySlice<UInt8>? {
            guard i < der.count, der[i] == tag, i + 1 < der.count else { return nil }
            i += 1
            var len = Int(der[i]); i += 1
            if len & 0x80 != 0 {
                let n = len & 0x7f
                guard n >= 1, n <= 2, i + n <= der.count else { return nil }
                len = 0
                for _ in 0..<n { len = len << 8 | Int(der[i]); i += 1 }
            }
            guard i + len <= der.count else { return nil }
            defer { i += len }
            return der[i..<(i + len)]
        }
        guard let seq = readTLV(0x30), i == der.count else { return nil }
        i = seq.startIndex
        func pad32(_ v: ArraySlice<UInt8>) -> [UInt8]? {
            let t = Array(v.drop(while: { $0 == 0 }))
            return t.count <= 32 ? [UInt8](repeating: 0, count: 32 - t.count) + t : nil
        }
        guard let x = readTLV(0x02).flatMap(pad32), let y = readTLV(0x02).flatMap(pad32),
              let c3 = readTLV(0x04), c3.count == 32, let c2 = readTLV(0x04), i == seq.endIndex else { return nil }
        return [4] + x + y + Array(c3) + Array(c2)
    }
}
