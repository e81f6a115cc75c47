import DSToolKit
import FoundationEssentials

/// The two file formats: age v1, and the GM envelope (age's structure with SM algorithms).
public enum Scheme: String, CaseIterable {
    case age
    case gm

    public var versionLine: String { self == .age ? "age-encryption.org/v1" : "dstool-gm/v1" }
    public var armorLabel: String { self == .age ? Armor.ageLabel : Armor.gmLabel }
    public var suffix: String { self == .age ? ".age" : ".gm" }
    var digest: DigestName { self == .age ? .sha256 : .sm3 }
    var headerInfo: String { self == .age ? "header" : "dstool-gm/v1 header" }
    var payloadInfo: String { self == .age ? "payload" : "dstool-gm/v1 payload" }
    /// The stanza type of this scheme's password recipient (which must be alone in a header).
    var passwordStanza: String { self == .age ? "scrypt" : "PBKDF2-SM3" }

    static func from(versionLine: [UInt8]) -> Scheme? {
        allCases.first { Array($0.versionLine.utf8) == versionLine }
    }

    func headerMAC(fileKey: SecretBuffer, _ macInput: [UInt8]) throws -> [UInt8] {
        let key = try KDF.hkdf(digest, ikm: fileKey, salt: [], info: headerInfo, length: 32)
        return KDF.hmac(digest, key: key, macInput)
    }

    func chunkCipher(fileKey: SecretBuffer, nonce: [UInt8], encrypting: Bool, gmBackend: GMChunkCipher.Backend) throws -> ChunkCipher {
        switch self {
        case .age:
            let key = try KDF.hkdf(.sha256, ikm: fileKey, salt: nonce, info: payloadInfo, length: 32)
            return try AgeChunkCipher(payloadKey: key, encrypting: encrypting)
        case .gm:
            let keys = try KDF.hkdf(.sm3, ikm: fileKey, salt: nonce, info: payloadInfo, length: 48)
            let enc = SecretBuffer(Array(keys.bytes[0..<16])), mac = SecretBuffer(Array(keys.bytes[16..<48]))
            return try GMChunkCipher(encKey: enc, macKey: mac, backend: gmBackend)
        }
    }
}

/// Someone a file is encrypted to: wraps the file key into a stanza.
public protocol Recipient {
    var scheme: Scheme { get }
    var isPassword: Bool { get }
    /// A short description for reports (never secret).
    var label: String { get }
    func wrap(_ fileKey: SecretBuffer) throws -> Stanza
}

/// Something that can open stanzas: a private key or a passphrase.
public protocol Identity {
    var isPassword: Bool { get }
    /// The file key if one of the stanzas opens; nil if none is for this identity. Throws a
    /// header error for a malformed stanza of its own type.
    func unwrap(_ stanzas: [Stanza], scheme: Scheme) throws -> SecretBuffer?
}

public enum Envelope {
    static let fileKeySize = 16
    static let nonceSize = 16

    /// Encrypts `source` to `recipients` into `sink` (armored if asked).
    public static func encrypt(_ source: ByteSource, to recipients: [Recipient], scheme: Scheme, armor: Bool,
                               sink: ByteSink, progress: ((Int64) -> Void)? = nil,
                               gmBackend: GMChunkCipher.Backend = .best) throws {
        guard !recipients.isEmpty else { throw EnvelopeError.unusable("no recipients") }
        if let other = recipients.first(where: { $0.scheme != scheme }) {
            throw EnvelopeError.unusable("recipient \(other.label) belongs to the \(other.scheme.rawValue) scheme, not \(scheme.rawValue)")
        }
        if recipients.contains(where: \.isPassword) && recipients.count > 1 {
            throw EnvelopeError.unusable("a passphrase cannot be combined with other recipients")
        }
        let fileKey = try CryptoRandom.secret(fileKeySize)
        let stanzas = try recipients.map { try $0.wrap(fileKey) }
        var header = EnvelopeHeader.encodeWithoutMAC(version: scheme.versionLine, stanzas: stanzas)
        let mac = try scheme.headerMAC(fileKey: fileKey, header)
        header += [0x20] + Base64.encodeBytes(mac, padded: false) + [0x0A]
        let nonce = try CryptoRandom.bytes(nonceSize)
        let armorWriter = armor ? ArmorWriter(sink, label: scheme.armorLabel) : nil
        let out: ByteSink = armorWriter ?? sink
        try out.write(header + nonce)
        let cipher = try scheme.chunkCipher(fileKey: fileKey, nonce: nonce, encrypting: true, gmBackend: gmBackend)
        try StreamCodec(cipher: cipher).encrypt(from: source, to: out, progress: progress)
        try armorWriter?.finish()
    }

    /// Reads the scheme and header of `source`. `armor`: nil to detect ASCII armor from the first
    /// bytes, true/false to insist.
    public static func open(_ source: ByteSource, armor: Bool? = nil) throws -> (scheme: Scheme, header: EnvelopeHeader, body: BufferedSource, armored: Bool) {
        let outer = (source as? BufferedSource) ?? BufferedSource(source)
        var body = outer
        var armored = false
        if armor == true {
            body = BufferedSource(ArmorReader(outer, labels: [Armor.ageLabel, Armor.gmLabel]))
            armored = true
        } else if armor == nil, let label = try Armor.detect(outer) {
            guard label == Armor.ageLabel || label == Armor.gmLabel else {
                throw EnvelopeError.armor("unknown armor type (expected \(Armor.ageLabel) or \(Armor.gmLabel))")
            }
            body = BufferedSource(ArmorReader(outer, labels: [label]))
            armored = true
        }
        let first: (line: [UInt8], terminated: Bool)?
        do { first = try body.readLine(max: 64) } catch is BufferedSource.LineTooLong {
            throw EnvelopeError.header("not an age or GM-envelope file (no version line)")
        }
        guard let first else { throw EnvelopeError.header("the file is empty") }
        guard first.terminated, let scheme = Scheme.from(versionLine: first.line) else {
            if first.line.starts(with: Array("age-encryption.org/".utf8)) || first.line.starts(with: Array("dstool-gm/".utf8)) {
                throw EnvelopeError.header("unsupported version \(String(decoding: first.line, as: UTF8.self))")
            }
            throw EnvelopeError.header("not an age or GM-envelope file (no version line)")
        }
        let header = try EnvelopeHeader.parse(version: scheme.versionLine, from: body)
        return (scheme, header, body, armored)
    }

    /// Finds the file key: structural rules first, then each identity in turn, then the MAC.
    static func unlock(_ header: EnvelopeHeader, scheme: Scheme, identities: [Identity]) throws -> SecretBuffer {
        let password = header.stanzas.contains { $0.type == scheme.passwordStanza }
        if password && header.stanzas.count != 1 {
            throw EnvelopeError.header("a \(scheme.passwordStanza) stanza must be the only stanza in the header")
        }
        for identity in identities {
            if let key = try identity.unwrap(header.stanzas, scheme: scheme) {
                guard KDF.equal(try scheme.headerMAC(fileKey: key, header.macInput), header.mac) else { throw EnvelopeError.headerMAC }
                return key
            }
        }
        if password && identities.contains(where: \.isPassword) { throw EnvelopeError.wrongPassphrase }
        if password { throw EnvelopeError.noIdentityMatched("the file is encrypted with a passphrase; give --passphrase") }
        let keys = identities.filter { !$0.isPassword }.count
        throw EnvelopeError.noIdentityMatched("none of the \(keys) identit\(keys == 1 ? "y" : "ies") opens any of the \(header.stanzas.count) recipient stanza\(header.stanzas.count == 1 ? "" : "s")")
    }

    /// Decrypts an opened file; `identities` is asked for lazily with whether a password stanza
    /// is present (so a passphrase is only prompted for when needed).
    /// `payloadFrom`, if given, supplies the payload (the bytes after the nonce, at the given
    /// offset of the file) from somewhere faster than the header's reader (a memory map).
    public static func decrypt(_ opened: (scheme: Scheme, header: EnvelopeHeader, body: BufferedSource, armored: Bool),
                               identities: (Bool) throws -> [Identity], sink: ByteSink,
                               progress: ((Int64) -> Void)? = nil, gmBackend: GMChunkCipher.Backend = .best,
                               payloadFrom: ((Int64) throws -> ByteSource?)? = nil) throws {
        let scheme = opened.scheme
        let password = opened.header.stanzas.contains { $0.type == scheme.passwordStanza }
        let fileKey = try unlock(opened.header, scheme: scheme, identities: try identities(password))
        var nonce = [UInt8](repeating: 0, count: nonceSize)
        let n = try nonce.withUnsafeMutableBytes { try opened.body.readFully(into: $0) }
        guard n == nonceSize else { throw EnvelopeError.header("the file ends inside the payload nonce (truncated)") }
        let cipher = try scheme.chunkCipher(fileKey: fileKey, nonce: nonce, encrypting: false, gmBackend: gmBackend)
        let payload = opened.armored ? nil : try payloadFrom?(opened.body.consumed)
        try StreamCodec(cipher: cipher).decrypt(from: payload ?? opened.body, to: sink, progress: progress)
    }
}
