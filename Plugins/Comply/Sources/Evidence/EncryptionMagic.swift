import Foundation

/// Recognises encrypted files by their first bytes (never by name: `db.sql.enc` may be plain).
enum EncryptionMagic {
    static let signatures: [(prefix: [UInt8], name: String)] = [
        (Array("age-encryption.org/v1\n".utf8), "age"),
        (Array("-----BEGIN AGE ENCRYPTED FILE-----".utf8), "age (armored)"),
        (Array("Salted__".utf8), "openssl enc"),
        (Array("-----BEGIN PGP MESSAGE-----".utf8), "OpenPGP (armored)"),
    ]

    /// The scheme, or nil when the bytes are not a known encrypted format.
    static func detect(head: [UInt8], magic: String) -> String? {
        for s in signatures where head.count >= s.prefix.count && Array(head.prefix(s.prefix.count)) == s.prefix { return s.name }
        if let n = DstoolEnvelope.detect(head) { return n }
        let m = magic.lowercased()
        if m.contains("gpg symmetrically encrypted") || m.contains("pgp") && m.contains("encrypted") { return "OpenPGP" }
        if m.contains("luks encrypted") { return "LUKS" }
        return nil
    }
}

/// The header of dstool's national-algorithm envelope (written by `dstool encrypt`, see README).
enum DstoolEnvelope {
    static let prefixes: [[UInt8]] = [Array("dstool-sm-envelope/".utf8), Array("DSTOOL-SM".utf8)]
    static func detect(_ head: [UInt8]) -> String? {
        for p in prefixes where head.count >= p.count && Array(head.prefix(p.count)) == p { return "dstool envelope" }
        return nil
    }
}
