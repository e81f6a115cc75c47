import CDSToolSM
import DSToolKit
import FoundationEssentials

/// The GM envelope's SM2 recipient type: `-> SM2`, body = the 16-byte file key encrypted with
/// SM2 (GM/T 0003.4) in raw C1C3C2 order: 65 + 32 + 16 = 113 bytes.
public struct SM2Recipient: Recipient {
    /// Uncompressed point, 65 bytes.
    public let point: [UInt8]
    public var scheme: Scheme { .gm }
    public var isPassword: Bool { false }
    public var label: String { encoded }
    static let hrp = "sm2pub"
    static let bodySize = 65 + 32 + Envelope.fileKeySize

    public init?(point: [UInt8]) {
        guard let p = SM2.normalisePoint(point) else { return nil }
        self.point = p
    }

    /// Parses an sm2pub1… recipient (Bech32 of the compressed point).
    public init?(_ text: String) {
        guard let (hrp, data) = Bech32.decode(text), hrp == Self.hrp, data.count == 33, text == text.lowercased(),
              let p = SM2.normalisePoint(data) else { return nil }
        point = p
    }

    init(key: PKey, name: String) throws {
        guard key.isA("SM2"), let p = key.ecPublicPoint, let n = SM2.normalisePoint(p) else {
            throw EnvelopeError.unusable("\(name): not an SM2 public key")
        }
        point = n
    }

    public var encoded: String { Bech32.encode(hrp: Self.hrp, data: SM2.compress(point) ?? []) }

    public func wrap(_ fileKey: SecretBuffer) throws -> Stanza {
        Stanza(type: "SM2", args: [], body: try SM2.encrypt(to: point, fileKey))
    }
}

final class SM2Identity: Identity {
    let key: PKey
    var isPassword: Bool { false }

    init(key: PKey, name: String) throws {
        guard key.isA("SM2") else { throw EnvelopeError.unusable("\(name): not an SM2 private key") }
        self.key = key
    }

    func unwrap(_ stanzas: [Stanza], scheme: Scheme) throws -> SecretBuffer? {
        guard scheme == .gm else { return nil }
        for s in stanzas where s.type == "SM2" {
            guard s.args.isEmpty else { throw EnvelopeError.header("SM2 stanza with arguments (expected none)") }
            guard s.body.count == SM2Recipient.bodySize, s.body[0] == 4 else {
                throw EnvelopeError.header("SM2 stanza body is not a \(SM2Recipient.bodySize)-byte C1C3C2 ciphertext")
            }
            if let fileKey = try SM2.decrypt(with: key, s.body) {
                guard fileKey.count == Envelope.fileKeySize else { throw EnvelopeError.header("SM2 stanza holds a file key of the wrong size") }
                return fileKey
            }
        }
        return nil
    }
}

/// The GM envelope's password recipient type: `-> PBKDF2-SM3 <salt> <iterations>`,
/// DK = PBKDF2-HMAC-SM3(passphrase, "dstool-gm/v1 PBKDF2-SM3" || salt, iterations, 48);
/// body = SM4-CTR(DK[0..16], counter 0, file key) || HMAC-SM3(DK[16..48], that ciphertext).
public struct PBKDF2Recipient: Recipient {
    let passphrase: SecretBuffer
    let iterations: Int
    public var scheme: Scheme { .gm }
    public var isPassword: Bool { true }
    public var label: String { "passphrase (PBKDF2-HMAC-SM3, \(iterations) iterations)" }
    static let label = Array("dstool-gm/v1 PBKDF2-SM3".utf8)
    static let bodySize = Envelope.fileKeySize + 32

    public init(passphrase: SecretBuffer, iterations: Int = 600_000) {
        self.passphrase = passphrase
        self.iterations = iterations
    }

    static func wrapKeys(_ passphrase: SecretBuffer, salt: [UInt8], iterations: Int) throws -> (SecretBuffer, SecretBuffer) {
        let dk = try KDF.pbkdf2(.sm3, passphrase: passphrase, salt: label + salt, iterations: iterations, length: 48)
        return (SecretBuffer(Array(dk.bytes[0..<16])), SecretBuffer(Array(dk.bytes[16..<48])))
    }

    static func sm4ctr(_ key: SecretBuffer, _ data: [UInt8]) -> [UInt8] {
        var ks = dstool_sm4_key()
        defer { withUnsafeMutableBytes(of: &ks) { memset_s_portable($0.baseAddress!, $0.count) } }
        key.withUnsafeBytes { dstool_sm4_set_key(&ks, $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        var out = [UInt8](repeating: 0, count: data.count)
        dstool_sm4_ctr_xor(Int32(DSTOOL_SM_AUTO), &ks, [UInt8](repeating: 0, count: 16), data, &out, data.count)
        return out
    }

    public func wrap(_ fileKey: SecretBuffer) throws -> Stanza {
        let salt = try CryptoRandom.bytes(16)
        let (enc, mac) = try Self.wrapKeys(passphrase, salt: salt, iterations: iterations)
        let ct = Self.sm4ctr(enc, fileKey.bytes)
        return Stanza(type: "PBKDF2-SM3", args: [Base64.encode(salt, padded: false), String(iterations)],
                      body: ct + KDF.hmac(.sm3, key: mac, ct))
    }
}

final class PBKDF2Identity: Identity {
    let passphrase: SecretBuffer
    static let maxIterations = 1 << 24
    var isPassword: Bool { true }

    init(passphrase: SecretBuffer) { self.passphrase = passphrase }

    func unwrap(_ stanzas: [Stanza], scheme: Scheme) throws -> SecretBuffer? {
        guard scheme == .gm else { return nil }
        for s in stanzas where s.type == "PBKDF2-SM3" {
            guard s.args.count == 2 else { throw EnvelopeError.header("PBKDF2-SM3 stanza with \(s.args.count) arguments (expected 2)") }
            guard let salt = Base64.decode(s.args[0], padded: false), salt.count == 16 else {
                throw EnvelopeError.header("PBKDF2-SM3 salt is not 16 bytes of canonical base64")
            }
            guard let iterations = canonicalDecimal(s.args[1]), iterations >= 1 else {
                throw EnvelopeError.header("PBKDF2-SM3 iteration count '\(s.args[1])' is not a positive decimal number")
            }
            guard iterations <= Self.maxIterations else {
                throw EnvelopeError.header("PBKDF2-SM3 iteration count \(iterations) is above the limit \(Self.maxIterations)")
            }
            guard s.body.count == PBKDF2Recipient.bodySize else {
                throw EnvelopeError.header("PBKDF2-SM3 stanza body is \(s.body.count) bytes (expected \(PBKDF2Recipient.bodySize))")
            }
            let (enc, mac) = try PBKDF2Recipient.wrapKeys(passphrase, salt: salt, iterations: iterations)
            let ct = Array(s.body[0..<16])
            guard KDF.equal(KDF.hmac(.sm3, key: mac, ct), Array(s.body[16...])) else { continue }
            return SecretBuffer(PBKDF2Recipient.sm4ctr(enc, ct))
        }
        return nil
    }
}
