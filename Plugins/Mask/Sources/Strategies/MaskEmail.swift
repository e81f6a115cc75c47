/// `mask-email`: keeps the first character of the local part and the whole domain:
/// zhangsan@example.com → z***@example.com (the number of stars is fixed, so the length of the
/// name is not revealed).
final class MaskEmailStrategy: MaskStrategy {
    let name = "mask-email"
    let stars: [UInt8]
    init(stars: Int = 3, maskChar: String = "*") {
        self.stars = Array(String(repeating: maskChar, count: stars).utf8)
    }
    static func make(_ p: inout StrategyParameters) throws -> MaskEmailStrategy {
        let c = p.string("char", default: "*")
        guard c.count == 1 else { throw PolicyError("\(p.origin): char must be one character, not '\(c)'") }
        return MaskEmailStrategy(stars: try p.int("stars", default: 3, range: 1...64), maskChar: c)
    }
    var parameters: [(String, String)] { [("stars", "\(stars.count)")] }

    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        guard let at = EmailParts.split(value) else { return .invalid }
        let first = UTF8Bytes.sequenceLength(value[0])
        out.append(contentsOf: UnsafeBufferPointer(rebasing: value[0..<min(first, at)]))
        out.append(contentsOf: stars)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: value[at..<value.count]))
        return .written
    }
    func copy() throws -> MaskStrategy { self }
}

/// The shape of an address: local@domain.tld, one "@", a non-empty local part, a dotted domain,
/// no spaces. (Whether a cell *is* an email is for the detectors; this only finds the parts.)
enum EmailParts {
    /// The index of "@", or nil if the value is not shaped like an address.
    static func split(_ v: UnsafeBufferPointer<UInt8>) -> Int? {
        var at = -1
        var dotAfterAt = false
        for i in 0..<v.count {
            let c = v[i]
            if c == UInt8(ascii: "@") {
                if at >= 0 { return nil }
                at = i
            } else if c <= 32 || c == UInt8(ascii: ",") || c == UInt8(ascii: ";") {
                return nil
            } else if c == UInt8(ascii: ".") && at >= 0 && i > at + 1 && i < v.count - 1 {
                dotAfterAt = true
            }
        }
        guard at > 0, at < v.count - 1, dotAfterAt else { return nil }
        return at
    }
}
