import DSToolEncrypt
import Foundation

/// Recognises encrypted files by their first bytes (never by name: `db.sql.enc` may be plain).
/// age and dstool's GM envelope come from the encryption plugin's own definitions.
enum EncryptionMagic {
    static let signatures: [(prefix: [UInt8], name: String)] =
        Scheme.allCases.flatMap { scheme -> [([UInt8], String)] in
            let name = scheme == .age ? "age" : "dstool GM envelope"
            return [(Array((scheme.versionLine + "\n").utf8), name), (Armor.begin(scheme.armorLabel), name + " (armored)")]
        } + [
            (Array("Salted__".utf8), "openssl enc"),
            (Array("-----BEGIN PGP MESSAGE-----".utf8), "OpenPGP (armored)"),
        ]

    /// The scheme, or nil when the bytes are not a known encrypted format.
    static func detect(head: [UInt8], magic: String) -> String? {
        for s in signatures where head.count >= s.prefix.count && Array(head.prefix(s.prefix.count)) == s.prefix { return s.name }
        let m = magic.lowercased()
        if m.contains("gpg symmetrically encrypted") || m.contains("pgp") && m.contains("encrypted") { return "OpenPGP" }
        if m.contains("luks encrypted") { return "LUKS" }
        return nil
    }
}
