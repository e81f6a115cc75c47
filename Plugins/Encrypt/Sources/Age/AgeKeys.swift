import DSToolKit
import FoundationEssentials

/// age's X25519 recipient type: `-> X25519 <ephemeral share>`, body = the file key sealed with
/// ChaCha20-Poly1305 under HKDF-SHA-256(shared secret, salt = share || recipient,
/// info = "age-encryption.org/v1/X25519").
public struct X25519Recipient: Recipient {
    public let publicKey: [UInt8]
    public var scheme: Scheme { .age }
    public var isPassword: Bool { false }
    public var label: String { encoded }
    public var encoded: String { Bech32.encode(hrp: "age", data: publicKey) }

    public init(publicKey: [UInt8]) { self.publicKey = publicKey }

    /// Parses an age1… recipient.
    public init?(_ text: String) {
        guard let (hrp, data) = Bech32.decode(text), hrp == "age", data.count == 32, text == text.lowercased() else { return nil }
        publicKey = data
    }

    static let info = "age-encryption.org/v1/X25519"

    public func wrap(_ fileKey: SecretBuffer) throws -> Stanza {
        let ephemeral = try CryptoRandom.secret(32)
        let share = try X25519.publicKey(secret: ephemeral)
        guard let shared = X25519.shared(secret: ephemeral, peer: publicKey) else {
            throw EnvelopeError.unusable("the X25519 recipient \(encoded) is a low-order point")
        }
        let key = try KDF.hkdf(.sha256, ikm: shared, salt: share + publicKey, info: Self.info, length: 32)
        return Stanza(type: "X25519", args: [Base64.encode(share, padded: false)], body: try ChaChaPoly.seal(key: key, fileKey))
    }
}

public final class X25519Identity: Identity {
    let secret: SecretBuffer
    public let publicKey: [UInt8]
    public var isPassword: Bool { false }

    public init(secret: SecretBuffer) throws {
        self.secret = secret
        self.publicKey = try X25519.publicKey(secret: secret)
    }

    /// Parses an AGE-SECRET-KEY-1… identity (upper case, as age writes it).
    public static func parse(_ text: String) throws -> X25519Identity? {
        guard let (hrp, data) = Bech32.decode(text), hrp == "age-secret-key-", data.count == 32, text == text.uppercased() else { return nil }
        return try X25519Identity(secret: SecretBuffer(data))
    }

    public static func generate() throws -> X25519Identity { try X25519Identity(secret: try CryptoRandom.secret(32)) }

    public var encoded: String { Bech32.encode(hrp: "age-secret-key-", data: secret.bytes).uppercased() }
    public var recipient: X25519Recipient { X25519Recipient(publicKey: publicKey) }

    public func unwrap(_ stanzas: [Stanza], scheme: Scheme) throws -> SecretBuffer? {
        guard scheme == .age else { return nil }
        for s in stanzas where s.type == "X25519" {
            guard s.args.count == 1 else { throw EnvelopeError.header("X25519 stanza with \(s.args.count) arguments (expected 1)") }
            guard let share = Base64.decode(s.args[0], padded: false), share.count == 32 else {
                throw EnvelopeError.header("X25519 share is not 32 bytes of canonical base64")
            }
            guard s.body.count == Envelope.fileKeySize + ChaChaPoly.tagSize else {
                throw EnvelopeError.header("X25519 stanza body is \(s.body.count) bytes (expected 32)")
            }
            guard let shared = X25519.shared(secret: secret, peer: share) else {
                throw EnvelopeError.header("X25519 share is a low-order point")
            }
            let key = try KDF.hkdf(.sha256, ikm: shared, salt: share + publicKey, info: X25519Recipient.info, length: 32)
            if let fileKey = try ChaChaPoly.open(key: key, s.body) { return fileKey }
        }
        return nil
    }
}

/// age's scrypt recipient type: `-> scrypt <salt> <log2 N>`, key = scrypt(passphrase,
/// "age-encryption.org/v1/scrypt" || salt, N, r = 8, p = 1).
public struct ScryptRecipient: Recipient {
    let passphrase: SecretBuffer
    let logN: Int
    public var scheme: Scheme { .age }
    public var isPassword: Bool { true }
    public var label: String { "passphrase (scrypt, work factor \(logN))" }
    static let label = Array("age-encryption.org/v1/scrypt".utf8)

    public init(passphrase: SecretBuffer, logN: Int = 18) {
        self.passphrase = passphrase
        self.logN = logN
    }

    public func wrap(_ fileKey: SecretBuffer) throws -> Stanza {
        let salt = try CryptoRandom.bytes(16)
        let key = try KDF.scrypt(passphrase: passphrase, salt: Self.label + salt, logN: logN, length: 32)
        return Stanza(type: "scrypt", args: [Base64.encode(salt, padded: false), String(logN)], body: try ChaChaPoly.seal(key: key, fileKey))
    }
}

public final class ScryptIdentity: Identity {
    let passphrase: SecretBuffer
    /// The largest work factor accepted when decrypting (age's default limit).
    let maxLogN: Int
    public var isPassword: Bool { true }

    public init(passphrase: SecretBuffer, maxLogN: Int = 22) {
        self.passphrase = passphrase
        self.maxLogN = maxLogN
    }

    public func unwrap(_ stanzas: [Stanza], scheme: Scheme) throws -> SecretBuffer? {
        guard scheme == .age else { return nil }
        for s in stanzas where s.type == "scrypt" {
            guard s.args.count == 2 else { throw EnvelopeError.header("scrypt stanza with \(s.args.count) arguments (expected 2)") }
            guard let salt = Base64.decode(s.args[0], padded: false), salt.count == 16 else {
                throw EnvelopeError.header("scrypt salt is not 16 bytes of canonical base64")
            }
            guard let logN = canonicalDecimal(s.args[1]), logN >= 1 else {
                throw EnvelopeError.header("scrypt work factor '\(s.args[1])' is not a positive decimal number")
            }
            guard logN <= maxLogN else {
                throw EnvelopeError.header("scrypt work factor \(logN) is above the limit \(maxLogN)")
            }
            guard s.body.count == Envelope.fileKeySize + ChaChaPoly.tagSize else {
                throw EnvelopeError.header("scrypt stanza body is \(s.body.count) bytes (expected 32)")
            }
            let key = try KDF.scrypt(passphrase: passphrase, salt: ScryptRecipient.label + salt, logN: logN, length: 32)
            if let fileKey = try ChaChaPoly.open(key: key, s.body) { return fileKey }
        }
        return nil
    }
}

/// A decimal without sign, leading zeros or other characters, that fits in an Int.
func canonicalDecimal(_ s: String) -> Int? {
    let u = Array(s.utf8)
    guard !u.isEmpty, u.count <= 18, u.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), u.count == 1 || u[0] != 0x30 else { return nil }
    return Int(s)
}
