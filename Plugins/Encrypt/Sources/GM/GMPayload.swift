import CDSToolCrypto
import CDSToolSM
import DSToolKit
import FoundationEssentials

/// The GM envelope's payload chunks: SM4-CTR then HMAC-SM3 (encrypt-then-MAC).
/// Chunk i (flag f = 1 for the last chunk) uses the 16-byte counter block
///   CB_i = be64(i) || f || 00 00 00 || 00 00 00 00
/// C_i = P_i XOR SM4-CTR(K_enc, CB_i) (the counter is the whole block, big-endian, +1 per block);
/// T_i = HMAC-SM3(K_mac, C_i || CB_i); the chunk is stored as C_i || T_i.
/// The fast backend hands each batch to C (dstool_gm_seal_batch / dstool_gm_open_batch: SM4 with
/// AES-NI/GFNI kernels, up to 16 chunks MACed at once in SIMD lanes) under a SIGBUS guard, so the
/// batch may lie in a memory-mapped file; the OpenSSL backend is the portable fallback (and the
/// tests' cross-check).
public final class GMChunkCipher: ChunkCipher {
    let tagSize = 32

    public enum Backend: Equatable {
        case fast(Int32)   // a DSTOOL_SM_* implementation
        case openssl

        /// The fast kernels when the CPU has them, OpenSSL otherwise.
        public static var best: Backend {
            let impl = dstool_sm_best_impl()
            return impl == Int32(DSTOOL_SM_SCALAR) ? .openssl : .fast(impl)
        }
        public var name: String {
            switch self {
            case .fast(let i): return String(cString: dstool_sm_impl_name(i))
            case .openssl: return "openssl"
            }
        }
    }

    let backend: Backend
    private var sm4 = dstool_sm4_key()
    private var hmacKey = dstool_hmac_sm3_key()
    private let evpCipher: OpaquePointer?
    private let evpCtx: OpaquePointer?
    private let mac: OpenSSLHMAC?

    /// `encKey` 16 bytes, `macKey` 32 bytes.
    init(encKey: SecretBuffer, macKey: SecretBuffer, backend: Backend = .best) throws {
        self.backend = backend
        switch backend {
        case .fast:
            var ks = dstool_sm4_key(), hk = dstool_hmac_sm3_key()
            encKey.withUnsafeBytes { dstool_sm4_set_key(&ks, $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
            macKey.withUnsafeBytes { dstool_hmac_sm3_init(&hk, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), $0.count) }
            sm4 = ks; hmacKey = hk
            withUnsafeMutableBytes(of: &ks) { memset_s_portable($0.baseAddress!, $0.count) }
            withUnsafeMutableBytes(of: &hk) { memset_s_portable($0.baseAddress!, $0.count) }
            evpCipher = nil; evpCtx = nil; mac = nil
        case .openssl:
            guard let c = EVP_CIPHER_fetch(nil, "SM4-CTR", nil), let ctx = EVP_CIPHER_CTX_new() else {
                throw DSToolError.failed(openSSLError("SM4-CTR is not available"))
            }
            evpCipher = c; evpCtx = ctx
            guard encKey.withUnsafeBytes({ EVP_EncryptInit_ex(ctx, c, nil, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), nil) }) == 1 else {
                throw DSToolError.failed(openSSLError("SM4 key setup"))
            }
            mac = try OpenSSLHMAC(digest: "SM3", key: macKey)
        }
    }

    deinit {
        withUnsafeMutableBytes(of: &sm4) { memset_s_portable($0.baseAddress!, $0.count) }
        withUnsafeMutableBytes(of: &hmacKey) { memset_s_portable($0.baseAddress!, $0.count) }
        if let evpCtx { EVP_CIPHER_CTX_free(evpCtx) }
        if let evpCipher { EVP_CIPHER_free(evpCipher) }
    }

    static func counterBlock(_ index: UInt64, last: Bool) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 { b[7 - i] = UInt8(truncatingIfNeeded: index >> (8 * UInt64(i))) }
        b[8] = last ? 1 : 0
        return b
    }

    private func ctr(_ cb: [UInt8], _ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _ count: Int) throws {
        guard count > 0 else { return }
        switch backend {
        case .fast(let impl):
            dstool_sm4_ctr_xor(impl, &sm4, cb, src.assumingMemoryBound(to: UInt8.self), dst.assumingMemoryBound(to: UInt8.self), count)
        case .openssl:
            var outl: Int32 = 0
            guard EVP_EncryptInit_ex(evpCtx, nil, nil, nil, cb) == 1,
                  EVP_EncryptUpdate(evpCtx, dst.assumingMemoryBound(to: UInt8.self), &outl, src.assumingMemoryBound(to: UInt8.self), Int32(count)) == 1 else {
                throw DSToolError.failed(openSSLError("SM4-CTR failed"))
            }
        }
    }

    /// Runs a C batch operation (seal or open) over the chunks, guarded against SIGBUS from a
    /// memory-mapped input; returns the first failing chunk for open.
    private func fastBatch(_ op: @convention(c) (UnsafeMutableRawPointer?) -> Void, _ batch: [ChunkRef],
                           inputs: [UnsafeRawPointer], impl: Int32) throws -> Int {
        precondition(batch.count <= 64)
        var cbs = [UInt8]()
        for c in batch { cbs += Self.counterBlock(c.index, last: c.last) }
        let ins: [UnsafePointer<UInt8>?] = inputs.map { $0.assumingMemoryBound(to: UInt8.self) }
        let outs: [UnsafeMutablePointer<UInt8>?] = batch.map { $0.dst.assumingMemoryBound(to: UInt8.self) }
        let lens = batch.map(\.count)
        var failed = batch.count
        let rc = withUnsafeMutablePointer(to: &sm4) { ks in
            withUnsafeMutablePointer(to: &hmacKey) { hk in
                ins.withUnsafeBufferPointer { i in
                    outs.withUnsafeBufferPointer { o in
                        lens.withUnsafeBufferPointer { l in
                            cbs.withUnsafeBufferPointer { c -> Int32 in
                                var b = dstool_gm_batch(impl: impl, ks: ks, hk: hk, n: batch.count, in: i.baseAddress, out: o.baseAddress,
                                                        len: l.baseAddress, cbs: c.baseAddress, failed: 0)
                                let rc = dstool_sm_guarded(op, &b)
                                failed = b.failed
                                return rc
                            }
                        }
                    }
                }
            }
        }
        guard rc == 0 else { throw DSToolError.io("the input file changed (shrank) while it was being read") }
        return failed
    }

    /// Tags through OpenSSL (the fallback backend).
    private func opensslTags(_ batch: [ChunkRef], ciphertexts cts: [UnsafeRawPointer]) throws -> [UInt8] {
        var tags = [UInt8]()
        for (k, c) in batch.enumerated() {
            tags += try mac!.mac(UnsafeRawBufferPointer(start: cts[k], count: c.count), Self.counterBlock(c.index, last: c.last))
        }
        return tags
    }

    func seal(_ batch: [ChunkRef]) throws {
        if case .fast(let impl) = backend {
            _ = try fastBatch(dstool_gm_seal_batch, batch, inputs: batch.map(\.src), impl: impl)
            return
        }
        for c in batch { try ctr(Self.counterBlock(c.index, last: c.last), c.src, c.dst, c.count) }
        let t = try opensslTags(batch, ciphertexts: batch.map { UnsafeRawPointer($0.dst) })
        for (k, c) in batch.enumerated() {
            t.withUnsafeBytes { (c.dst + c.count).copyMemory(from: $0.baseAddress! + 32 * k, byteCount: 32) }
        }
    }

    func open(_ batch: [ChunkRef]) throws -> Int? {
        // Every tag is verified before anything is decrypted (encrypt-then-MAC).
        if case .fast(let impl) = backend {
            let failed = try fastBatch(dstool_gm_open_batch, batch, inputs: batch.map(\.src), impl: impl)
            return failed < batch.count ? failed : nil
        }
        let t = try opensslTags(batch, ciphertexts: batch.map(\.src))
        var failed: Int?
        for (k, c) in batch.enumerated() where failed == nil {
            let ok = t.withUnsafeBytes { KDF.equal($0.baseAddress! + 32 * k, c.src + c.count, 32) }
            if !ok { failed = k }
        }
        for c in batch.prefix(failed ?? batch.count) {
            try ctr(Self.counterBlock(c.index, last: c.last), c.src, c.dst, c.count)
        }
        return failed
    }

    func authenticates(_ src: UnsafeRawPointer, count: Int, index: UInt64, last: Bool) -> Bool {
        var scratch = [UInt8](repeating: 0, count: max(count, 1))
        defer { wipe(&scratch) }
        return scratch.withUnsafeMutableBytes { s in
            let probe = ChunkRef(index: index, last: last, src: src, dst: s.baseAddress!, count: count)
            do { return try open([probe]) == nil } catch { return false }
        }
    }
}

/// HMAC through OpenSSL's EVP_MAC, keyed once and re-initialised per message.
final class OpenSSLHMAC {
    private let mac: OpaquePointer
    private let ctx: OpaquePointer

    init(digest: String, key: SecretBuffer) throws {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil), let ctx = EVP_MAC_CTX_new(mac) else {
            throw DSToolError.failed(openSSLError("HMAC is not available"))
        }
        self.mac = mac; self.ctx = ctx
        let ok = digest.withCString { d -> Int32 in
            let params = [OSSL_PARAM_construct_utf8_string("digest", UnsafeMutablePointer(mutating: d), 0), OSSL_PARAM_construct_end()]
            return key.withUnsafeBytes { EVP_MAC_init(ctx, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), $0.count, params) }
        }
        guard ok == 1 else { throw DSToolError.failed(openSSLError("HMAC-\(digest) key setup")) }
    }

    deinit {
        EVP_MAC_CTX_free(ctx)
        EVP_MAC_free(mac)
    }

    func mac(_ data: UnsafeRawBufferPointer, _ suffix: [UInt8]) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        var len = 0
        guard EVP_MAC_init(ctx, nil, 0, nil) == 1,
              data.count == 0 || EVP_MAC_update(ctx, data.baseAddress!.assumingMemoryBound(to: UInt8.self), data.count) == 1,
              EVP_MAC_update(ctx, suffix, suffix.count) == 1,
              EVP_MAC_final(ctx, &out, &len, out.count) == 1 else {
            throw DSToolError.failed(openSSLError("HMAC failed"))
        }
        return Array(out.prefix(len))
    }
}
