import DSToolScan

/// The strategy `--auto` (and free text without a `text:` section) uses for each kind of
/// personal data. Without a key: the usual Chinese display masks. With a key: format-preserving
/// encryption where the kind has a format to keep (consistent across files and reversible),
/// surrogates for names, keyed hashes for identifiers without a checksum.
public enum AutoDefaults {
    public static func strategy(for kind: PIIKind, withKey: Bool) -> (strategy: String, parameters: [String: String]) {
        switch kind {
        case .cnIDCard, .cnIDCard15: return withKey ? ("fpe-id-card", [:]) : ("mask-id-card", [:])
        case .cnMobile: return withKey ? ("fpe-mobile", [:]) : ("mask-mobile", [:])
        case .bankCard, .creditCard: return withKey ? ("fpe-bank-card", [:]) : ("mask-bank-card", [:])
        case .email: return withKey ? ("fpe-email", [:]) : ("mask-email", [:])
        case .personName: return withKey ? ("surrogate-name", [:]) : ("mask-name", [:])
        case .address: return ("mask-address", [:])
        case .cnLandline: return ("mask", ["keep_first": "4", "keep_last": "2"])
        case .ipv4, .ipv6, .mac: return withKey ? ("hash", ["length": "16"]) : ("mask", ["keep_first": "3", "keep_last": "0"])
        case .cnUSCC: return ("mask", ["keep_first": "8", "keep_last": "2"])
        case .passport, .hkMacaoPermit, .taiwanPermit, .cnPlate, .imei, .iban, .usSSN:
            return withKey ? ("hash", ["length": "16"]) : ("mask", ["keep_first": "2", "keep_last": "2"])
        }
    }
}
