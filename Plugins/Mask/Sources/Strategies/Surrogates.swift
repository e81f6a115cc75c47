import DSToolScan

/// Surrogates: realistic replacement values chosen by the key from the original, so the same
/// value always gets the same surrogate (joins hold) and another key gives unrelated ones. The
/// values come from the detectors' synthetic-data generator (real surnames, real province,
/// city and county names, real mobile network prefixes). Not reversible.
class SurrogateStrategy: MaskStrategy {
    var name: String { "surrogate" }
    var parameters: [(String, String)] { [] }
    let keys: KeyRing
    private let chooser: KeyedHash
    @exclusivity(unchecked) private var digest = [UInt8](repeating: 0, count: KeyedHash.outputSize)
    private let label: [UInt8]

    init(keys: KeyRing, label: String) throws {
        self.keys = keys
        self.label = Array(label.utf8)
        chooser = try keys.chooser()
    }

    /// A generator seeded from the key and the value.
    func generator(_ value: UnsafeBufferPointer<UInt8>) -> SyntheticPII {
        digest.withUnsafeMutableBufferPointer { d in
            chooser.mac(label: label, UnsafeRawBufferPointer(value), into: d.baseAddress!)
            var seed: UInt64 = 0
            for k in 0..<8 { seed = seed << 8 | UInt64(d[k]) }
            return SyntheticPII(seed: seed)
        }
    }

    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome { .invalid }
    func copy() throws -> MaskStrategy { self }
}

/// `surrogate-name`: a Chinese name of 2 or 3 characters, as many as the original has when it has 2 or 3.
final class SurrogateNameStrategy: SurrogateStrategy {
    override var name: String { "surrogate-name" }
    init(keys: KeyRing) throws { try super.init(keys: keys, label: "surrogate-name") }
    override func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        var length = 0
        var i = 0
        while i < value.count { i += UTF8Bytes.sequenceLength(value[i]); length += 1 }
        var g = generator(value)
        var candidate = g.name()
        for _ in 0..<16 where candidate.unicodeScalars.count != length { candidate = g.name() }
        UTF8Bytes.append(candidate, to: &out)
        return .written
    }
    override func copy() throws -> MaskStrategy { try SurrogateNameStrategy(keys: keys) }
}

/// `surrogate-address`: province, city and county of a real county code, a road and a number.
final class SurrogateAddressStrategy: SurrogateStrategy {
    override var name: String { "surrogate-address" }
    init(keys: KeyRing) throws { try super.init(keys: keys, label: "surrogate-address") }
    override func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        var g = generator(value)
        UTF8Bytes.append(g.address(), to: &out)
        return .written
    }
    override func copy() throws -> MaskStrategy { try SurrogateAddressStrategy(keys: keys) }
}

/// `surrogate-mobile`: an 11-digit number under a real network prefix.
final class SurrogateMobileStrategy: SurrogateStrategy {
    override var name: String { "surrogate-mobile" }
    init(keys: KeyRing) throws { try super.init(keys: keys, label: "surrogate-mobile") }
    override func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        var g = generator(value)
        UTF8Bytes.append(g.value(.cnMobile), to: &out)
        return .written
    }
    override func copy() throws -> MaskStrategy { try SurrogateMobileStrategy(keys: keys) }
}
