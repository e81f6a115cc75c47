import DSToolKit

/// Every strategy by its policy name. Adding a strategy is one file plus one line here.
public enum StrategyCatalog {
    public struct Entry: Sendable {
        public let name: String
        public let needsKey: Bool
        public let summary: String
    }

    public static let entries: [Entry] = [
        Entry(name: "redact", needsKey: false, summary: "replace with a fixed text (value, default ***)"),
        Entry(name: "constant", needsKey: false, summary: "replace with value"),
        Entry(name: "suppress", needsKey: false, summary: "remove the cell (empty, JSON null, SQL NULL)"),
        Entry(name: "mask", needsKey: false, summary: "keep keep_first/keep_last characters, mask the rest with char"),
        Entry(name: "mask-mobile", needsKey: false, summary: "138****5678"),
        Entry(name: "mask-id-card", needsKey: false, summary: "keep the first 6 and last 4 (keep_first, keep_last)"),
        Entry(name: "mask-bank-card", needsKey: false, summary: "keep the first 6 and last 4 (keep_first, keep_last)"),
        Entry(name: "mask-name", needsKey: false, summary: "keep the surname (compound surnames too): 张**"),
        Entry(name: "mask-email", needsKey: false, summary: "keep the first letter and the domain: z***@example.com"),
        Entry(name: "mask-address", needsKey: false, summary: "keep down to the district: 北京市朝阳区****"),
        Entry(name: "hash", needsKey: true, summary: "HMAC-SM3 (or algorithm: hmac-sha256) as hex, length characters"),
        Entry(name: "fpe", needsKey: true, summary: "FF1 over alphabet (digits, lower, upper, alnum, alnum-lower, hex or the characters); reversible"),
        Entry(name: "fpe-id-card", needsKey: true, summary: "FF1 keeping a valid region, a real birth date and the check character; reversible"),
        Entry(name: "fpe-bank-card", needsKey: true, summary: "FF1 keeping the first keep_first (6) digits, Luhn recomputed; reversible"),
        Entry(name: "fpe-mobile", needsKey: true, summary: "FF1 of the last 8 digits, the 3-digit network prefix kept; reversible"),
        Entry(name: "fpe-email", needsKey: true, summary: "FF1 of the letters and digits of the local part, domain kept; reversible"),
        Entry(name: "surrogate-name", needsKey: true, summary: "a realistic Chinese name chosen from the key"),
        Entry(name: "surrogate-address", needsKey: true, summary: "a realistic address (real province, city, county) chosen from the key"),
        Entry(name: "surrogate-mobile", needsKey: true, summary: "a mobile number in a real network range chosen from the key"),
        Entry(name: "generalize-date", needsKey: false, summary: "to: month (default) or year"),
        Entry(name: "generalize-age", needsKey: false, summary: "band (10) and top (90): 37 → 30-39"),
        Entry(name: "generalize-number", needsKey: false, summary: "width (1000): 12345 → 12000-12999"),
        Entry(name: "generalize-prefix", needsKey: false, summary: "keep (3) characters, fill the rest"),
        Entry(name: "date-shift", needsKey: true, summary: "shift by 1..max_days (30) days, one offset per subject; reversible"),
        Entry(name: "scan-text", needsKey: false, summary: "free text: mask what the PII detectors find inside the value, by the text rules"),
    ]

    public static var names: [String] { entries.map(\.name) }

    /// Builds the strategy of a rule. `keys` is nil when no key was given.
    /// `textRules`: the strategy per PII kind that `scan-text` applies (policy `text:`, else defaults).
    public static func make(_ spec: FieldSpec, keys: KeyRing?, textRules: [FieldSpec] = []) throws -> MaskStrategy {
        var p = StrategyParameters(spec.parameters, origin: spec.origin)
        guard let entry = entries.first(where: { $0.name == spec.strategy }) else {
            throw PolicyError("\(spec.origin): unknown strategy '\(spec.strategy)' (known: \(names.joined(separator: ", ")))")
        }
        if entry.needsKey && keys == nil {
            throw PolicyError("\(spec.origin): strategy \(spec.strategy) needs a key (--key file:PATH, env:NAME or fd:N)")
        }
        let s: MaskStrategy
        switch spec.strategy {
        case "redact", "constant": s = try RedactStrategy.make(spec.strategy, &p)
        case "suppress": s = SuppressStrategy()
        case "mask": s = try PartialMaskStrategy.make(&p)
        case "mask-mobile": s = try MaskMobileStrategy.make(&p)
        case "mask-id-card": s = try MaskIDCardStrategy.make(&p)
        case "mask-bank-card": s = try MaskBankCardStrategy.make(&p)
        case "mask-name": s = try MaskNameStrategy.make(&p)
        case "mask-email": s = try MaskEmailStrategy.make(&p)
        case "mask-address": s = try MaskAddressStrategy.make(&p)
        case "hash": s = try KeyedHashStrategy.make(&p, keys: keys!)
        case "fpe": s = try FPEStrategy.make(&p, keys: keys!)
        case "fpe-id-card": s = try FPEIDCardStrategy.make(&p, keys: keys!)
        case "fpe-bank-card": s = try FPEBankCardStrategy.make(&p, keys: keys!)
        case "fpe-mobile": s = try FPEMobileStrategy.make(&p, keys: keys!)
        case "fpe-email": s = try FPEEmailStrategy.make(&p, keys: keys!)
        case "surrogate-name": s = try SurrogateNameStrategy(keys: keys!)
        case "surrogate-address": s = try SurrogateAddressStrategy(keys: keys!)
        case "surrogate-mobile": s = try SurrogateMobileStrategy(keys: keys!)
        case "generalize-date": s = try GeneralizeDateStrategy.make(&p)
        case "generalize-age": s = try GeneralizeAgeStrategy.make(&p)
        case "generalize-number": s = try GeneralizeNumberStrategy.make(&p)
        case "generalize-prefix": s = try GeneralizePrefixStrategy.make(&p)
        case "date-shift": s = try DateShiftStrategy.make(&p, keys: keys!)
        case "scan-text": s = try FreeTextStrategy(textRules: textRules.isEmpty ? TextMasker.defaultRules(withKey: keys != nil) : textRules, keys: keys)
        default: throw PolicyError("\(spec.origin): unknown strategy '\(spec.strategy)'")
        }
        try p.checkAllUsed(strategy: spec.strategy)
        return s
    }

    /// The rule's FF1 cipher: its own `cipher`, else the policy's.
    static func cipher(_ p: inout StrategyParameters, _ keys: KeyRing) throws -> BlockCipher.Algorithm {
        let s = try p.choice("cipher", BlockCipher.Algorithm.allCases.map(\.rawValue), default: keys.defaultCipher.rawValue)
        return BlockCipher.Algorithm(rawValue: s)!
    }
}
