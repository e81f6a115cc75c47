/// `fpe`: FF1 over the value's characters in `alphabet` (digits, lower, upper, alnum,
/// alnum-lower, alnum-upper, hex, or the characters themselves); other characters stay in place.
/// Length and alphabet are kept; `dstool unmask` reverses it with the same key and `domain`
/// (the FF1 tweak: values in different domains encrypt differently).
final class FPEStrategy: BatchMaskStrategy {
    let name = "fpe"
    let alphabet: FPEAlphabet
    let cipherAlgorithm: BlockCipher.Algorithm
    let domain: String
    private let keys: KeyRing
    private let text: FPEText
    private let batchScratch = FPEBatchScratch()

    init(alphabet: FPEAlphabet, cipher: BlockCipher.Algorithm, domain: String, keys: KeyRing) throws {
        self.alphabet = alphabet; self.cipherAlgorithm = cipher; self.domain = domain; self.keys = keys
        let ff1 = try FF1(cipher: keys.cipher(cipher), radix: alphabet.radix, tweak: Array(("fpe:" + domain).utf8))
        text = FPEText(ff1: ff1, alphabet: alphabet)
    }
    static func make(_ p: inout StrategyParameters, keys: KeyRing) throws -> FPEStrategy {
        let spec = p.string("alphabet", default: "digits")
        let alphabet: FPEAlphabet
        do { alphabet = try FPEAlphabet(spec) } catch let e as PolicyError { throw PolicyError("\(p.origin): \(e.message)") }
        return try FPEStrategy(alphabet: alphabet, cipher: try StrategyCatalog.cipher(&p, keys), domain: p.string("domain", default: ""), keys: keys)
    }
    var parameters: [(String, String)] {
        [("alphabet", alphabet.text), ("cipher", cipherAlgorithm.rawValue)] + (domain.isEmpty ? [] : [("domain", domain)])
    }
    var isReversible: Bool { true }

    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        text.transform(value, decrypt: false, into: &out) ? .written : .invalid
    }
    func unmask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        text.transform(value, decrypt: true, into: &out) ? .written : .invalid
    }
    func maskBatch(_ values: UnsafeBufferPointer<UInt8>, bounds: UnsafeBufferPointer<Int>, reverse: Bool,
                   into out: inout [UInt8], ends: inout [Int], outcomes: inout [MaskOutcome]) {
        text.transformBatch(values, bounds: bounds, decrypt: reverse, into: &out, ends: &ends, outcomes: &outcomes, scratch: batchScratch)
    }
    func copy() throws -> MaskStrategy { try FPEStrategy(alphabet: alphabet, cipher: cipherAlgorithm, domain: domain, keys: keys) }
}
