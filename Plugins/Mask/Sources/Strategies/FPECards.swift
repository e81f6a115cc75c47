import DSToolScan

/// `fpe-bank-card`: keeps the first `keep_first` digits (6: the issuer), encrypts the digits
/// between them and the check digit with FF1, and recomputes the Luhn check digit, so the
/// result is a valid card number of the same issuer. Separators stay. Reversible.
final class FPEBankCardStrategy: MaskStrategy {
    let name = "fpe-bank-card"
    let keepFirst: Int
    let cipherAlgorithm: BlockCipher.Algorithm
    let domain: String
    private let keys: KeyRing
    private let ff1: FF1
    @exclusivity(unchecked) private var digits: [UInt16] = []
    @exclusivity(unchecked) private var payload: [UInt8] = []

    init(keepFirst: Int, cipher: BlockCipher.Algorithm, domain: String, keys: KeyRing) throws {
        self.keepFirst = keepFirst; self.cipherAlgorithm = cipher; self.domain = domain; self.keys = keys
        ff1 = try FF1(cipher: keys.cipher(cipher), radix: 10, tweak: Array("fpe-bank-card:\(domain):\(keepFirst)".utf8))
    }
    static func make(_ p: inout StrategyParameters, keys: KeyRing) throws -> FPEBankCardStrategy {
        try FPEBankCardStrategy(keepFirst: try p.int("keep_first", default: 6, range: 0...8), cipher: try StrategyCatalog.cipher(&p, keys),
                                domain: p.string("domain", default: ""), keys: keys)
    }
    var parameters: [(String, String)] { [("keep_first", "\(keepFirst)"), ("cipher", cipherAlgorithm.rawValue)] + (domain.isEmpty ? [] : [("domain", domain)]) }
    var isReversible: Bool { true }
    func copy() throws -> MaskStrategy { try FPEBankCardStrategy(keepFirst: keepFirst, cipher: cipherAlgorithm, domain: domain, keys: keys) }

    private func transform(_ value: UnsafeBufferPointer<UInt8>, decrypt: Bool, into out: inout [UInt8]) -> MaskOutcome {
        guard PIIValidators.confidence(.bankCard, value) != nil || PIIValidators.confidence(.creditCard, value) != nil else { return .invalid }
        digits.removeAll(keepingCapacity: true)
        for c in value where UTF8Bytes.isDigit(c) { digits.append(UInt16(c - 48)) }
        let n = digits.count
        guard n - 1 - keepFirst >= 6 else { return .invalid }
        let ok: Bool = digits.withUnsafeMutableBufferPointer { d in
            let middle = UnsafeMutableBufferPointer(rebasing: d[keepFirst..<(n - 1)])
            do { if decrypt { try ff1.decrypt(middle) } else { try ff1.encrypt(middle) } } catch { return false }
            return true
        }
        guard ok else { return .invalid }
        payload.removeAll(keepingCapacity: true)
        for k in 0..<(n - 1) { payload.append(UInt8(48 + digits[k])) }
        guard let check = Luhn.checkDigit(String(decoding: payload, as: UTF8.self)) else { return .invalid }
        payload.append(check.asciiValue!)
        var k = 0
        for c in value {
            if UTF8Bytes.isDigit(c) { out.append(payload[k]); k += 1 } else { out.append(c) }
        }
        return .written
    }

    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        transform(value, decrypt: false, into: &out)
    }
    func unmask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        transform(value, decrypt: true, into: &out)
    }
}

/// `fpe-mobile`: keeps the 3-digit network prefix (so the number stays in a real range) and
/// encrypts the 8 subscriber digits with FF1. A +86 prefix and separators stay. Reversible.
final class FPEMobileStrategy: MaskStrategy {
    let name = "fpe-mobile"
    let cipherAlgorithm: BlockCipher.Algorithm
    let domain: String
    private let keys: KeyRing
    private let ff1: FF1

    init(cipher: BlockCipher.Algorithm, domain: String, keys: KeyRing) throws {
        self.cipherAlgorithm = cipher; self.domain = domain; self.keys = keys
        ff1 = try FF1(cipher: keys.cipher(cipher), radix: 10, tweak: Array("fpe-mobile:\(domain)".utf8))
    }
    static func make(_ p: inout StrategyParameters, keys: KeyRing) throws -> FPEMobileStrategy {
        try FPEMobileStrategy(cipher: try StrategyCatalog.cipher(&p, keys), domain: p.string("domain", default: ""), keys: keys)
    }
    var parameters: [(String, String)] { [("cipher", cipherAlgorithm.rawValue)] + (domain.isEmpty ? [] : [("domain", domain)]) }
    var isReversible: Bool { true }
    func copy() throws -> MaskStrategy { try FPEMobileStrategy(cipher: cipherAlgorithm, domain: domain, keys: keys) }

    private func transform(_ value: UnsafeBufferPointer<UInt8>, decrypt: Bool, into out: inout [UInt8]) -> MaskOutcome {
        guard PIIValidators.confidence(.cnMobile, value) != nil else { return .invalid }
        // The last 8 digits are the subscriber number.
        var subscriber: UInt64 = 0
        var seen = 0
        let total = value.reduce(0) { $0 + (UTF8Bytes.isDigit($1) ? 1 : 0) }
        for c in value where UTF8Bytes.isDigit(c) {
            if seen >= total - 8 { subscriber = subscriber * 10 + UInt64(c - 48) }
            seen += 1
        }
        guard let y = try? (decrypt ? ff1.decrypt(subscriber, length: 8) : ff1.encrypt(subscriber, length: 8)) else { return .invalid }
        var k = 0
        var divisor: UInt64 = 10_000_000
        for c in value {
            if UTF8Bytes.isDigit(c) {
                if k >= total - 8 { out.append(UInt8(48 + y / divisor % 10)); divisor /= 10 } else { out.append(c) }
                k += 1
            } else {
                out.append(c)
            }
        }
        return .written
    }

    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        transform(value, decrypt: false, into: &out)
    }
    func unmask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        transform(value, decrypt: true, into: &out)
    }
}

/// `fpe-email`: FF1 over the letters and digits of the local part (dots, dashes, '+' stay),
/// the domain kept, so mail still routes to the same organisation. Reversible. A local part
/// with fewer than 4 letters and digits is too short for FF1 and does not fit.
final class FPEEmailStrategy: MaskStrategy {
    let name = "fpe-email"
    let cipherAlgorithm: BlockCipher.Algorithm
    let domain: String
    private let keys: KeyRing
    private let text: FPEText

    init(cipher: BlockCipher.Algorithm, domain: String, keys: KeyRing) throws {
        self.cipherAlgorithm = cipher; self.domain = domain; self.keys = keys
        let alphabet = try FPEAlphabet("alnum")
        text = FPEText(ff1: try FF1(cipher: keys.cipher(cipher), radix: alphabet.radix, tweak: Array("fpe-email:\(domain)".utf8)), alphabet: alphabet)
    }
    static func make(_ p: inout StrategyParameters, keys: KeyRing) throws -> FPEEmailStrategy {
        try FPEEmailStrategy(cipher: try StrategyCatalog.cipher(&p, keys), domain: p.string("domain", default: ""), keys: keys)
    }
    var parameters: [(String, String)] { [("cipher", cipherAlgorithm.rawValue)] + (domain.isEmpty ? [] : [("domain", domain)]) }
    var isReversible: Bool { true }
    func copy() throws -> MaskStrategy { try FPEEmailStrategy(cipher: cipherAlgorithm, domain: domain, keys: keys) }

    private func transform(_ value: UnsafeBufferPointer<UInt8>, decrypt: Bool, into out: inout [UInt8]) -> MaskOutcome {
        guard let at = EmailParts.split(value), PIIValidators.confidence(.email, value) != nil else { return .invalid }
        let mark = out.count
        guard text.transform(UnsafeBufferPointer(rebasing: value[0..<at]), decrypt: decrypt, into: &out) else {
            out.removeSubrange(mark...)
            return .invalid
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: value[at..<value.count]))
        return .written
    }

    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        transform(value, decrypt: false, into: &out)
    }
    func unmask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        transform(value, decrypt: true, into: &out)
    }
}
