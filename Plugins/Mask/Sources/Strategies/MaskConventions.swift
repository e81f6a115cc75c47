import DSToolScan

/// `mask-mobile`: 13812345678 → 138****5678 (a +86/0086 prefix and separators are kept).
final class MaskMobileStrategy: MaskStrategy {
    let name = "mask-mobile"
    let maskChar: UInt8
    init(maskChar: UInt8 = 42) { self.maskChar = maskChar }
    static func make(_ p: inout StrategyParameters) throws -> MaskMobileStrategy {
        MaskMobileStrategy(maskChar: try ConventionMask.maskByte(&p))
    }
    var parameters: [(String, String)] { [] }
    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        guard PIIValidators.confidence(.cnMobile, value) != nil else { return .invalid }
        // The subscriber number is the last 11 digits: keep its first 3 and last 4.
        ConventionMask.maskDigits(value, fromEnd: 11, keepFirst: 3, keepLast: 4, maskChar: maskChar, into: &out)
        return .written
    }
    func copy() throws -> MaskStrategy { self }
}

/// `mask-id-card`: keeps the first 6 (region) and last 4 characters by default:
/// 110105194912310021 → 110105********0021.
final class MaskIDCardStrategy: MaskStrategy {
    let name = "mask-id-card"
    let keepFirst: Int, keepLast: Int
    let maskChar: UInt8
    init(keepFirst: Int = 6, keepLast: Int = 4, maskChar: UInt8 = 42) { self.keepFirst = keepFirst; self.keepLast = keepLast; self.maskChar = maskChar }
    static func make(_ p: inout StrategyParameters) throws -> MaskIDCardStrategy {
        MaskIDCardStrategy(keepFirst: try p.int("keep_first", default: 6, range: 0...17), keepLast: try p.int("keep_last", default: 4, range: 0...17),
                           maskChar: try ConventionMask.maskByte(&p))
    }
    var parameters: [(String, String)] { [("keep_first", "\(keepFirst)"), ("keep_last", "\(keepLast)")] }
    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        guard PIIValidators.confidence(.cnIDCard, value) != nil || PIIValidators.confidence(.cnIDCard15, value) != nil else { return .invalid }
        let n = value.count
        for i in 0..<n { out.append(i < keepFirst || i >= n - keepLast ? value[i] : maskChar) }
        return .written
    }
    func copy() throws -> MaskStrategy { self }
}

/// `mask-bank-card`: keeps the first 6 (the issuer) and last 4 digits; separators are kept:
/// 6222 0212 3456 7890 → 6222 02** **** 7890.
final class MaskBankCardStrategy: MaskStrategy {
    let name = "mask-bank-card"
    let keepFirst: Int, keepLast: Int
    let maskChar: UInt8
    init(keepFirst: Int = 6, keepLast: Int = 4, maskChar: UInt8 = 42) { self.keepFirst = keepFirst; self.keepLast = keepLast; self.maskChar = maskChar }
    static func make(_ p: inout StrategyParameters) throws -> MaskBankCardStrategy {
        MaskBankCardStrategy(keepFirst: try p.int("keep_first", default: 6, range: 0...19), keepLast: try p.int("keep_last", default: 4, range: 0...19),
                             maskChar: try ConventionMask.maskByte(&p))
    }
    var parameters: [(String, String)] { [("keep_first", "\(keepFirst)"), ("keep_last", "\(keepLast)")] }
    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        guard PIIValidators.confidence(.bankCard, value) != nil || PIIValidators.confidence(.creditCard, value) != nil else { return .invalid }
        let digits = value.reduce(0) { $0 + (UTF8Bytes.isDigit($1) ? 1 : 0) }
        ConventionMask.maskDigits(value, fromEnd: digits, keepFirst: keepFirst, keepLast: keepLast, maskChar: maskChar, into: &out)
        return .written
    }
    func copy() throws -> MaskStrategy { self }
}

/// `mask-name`: keeps the surname, a compound one (欧阳, 司马...) whole: 张三 → 张*,
/// 欧阳娜娜 → 欧阳**. A name in Latin letters keeps its first letter: John Smith → J*** *****.
final class MaskNameStrategy: MaskStrategy {
    let name = "mask-name"
    let maskChar: [UInt8]
    @exclusivity(unchecked) private var scalars: [UInt32] = []
    @exclusivity(unchecked) private var starts: [Int] = []
    init(maskChar: String = "*") { self.maskChar = Array(maskChar.utf8) }
    static func make(_ p: inout StrategyParameters) throws -> MaskNameStrategy {
        let c = p.string("char", default: "*")
        guard c.count == 1 else { throw PolicyError("\(p.origin): char must be one character, not '\(c)'") }
        return MaskNameStrategy(maskChar: c)
    }
    var parameters: [(String, String)] { [] }
    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        UTF8Bytes.characterStarts(value, into: &starts)
        let n = starts.count - 1
        guard n >= 1 else { return .invalid }
        scalars.removeAll(keepingCapacity: true)
        for i in 0..<n { scalars.append(UTF8Bytes.scalar(value, at: starts[i]).0) }
        if scalars.allSatisfy({ $0 >= 0x3400 && $0 <= 0x9FFF || $0 == 0xB7 || $0 == 0x00B7 }) {
            // Han name (a · separates parts of transliterated names): keep the surname.
            let keep = max(1, ChineseSurnames.surnameLength(scalars))
            out.append(contentsOf: UnsafeBufferPointer(rebasing: value[0..<starts[min(keep, n)]]))
            for i in keep..<max(keep, n) {
                if scalars[i] == 0xB7 { out.append(contentsOf: UnsafeBufferPointer(rebasing: value[starts[i]..<starts[i + 1]])) }
                else { out.append(contentsOf: maskChar) }
            }
            return .written
        }
        // Other scripts: the first letter stays, letters after it are masked, spaces kept.
        for i in 0..<n {
            let s = scalars[i]
            if i == 0 || s == 32 || s == 0x2E || s == 0x2D { out.append(contentsOf: UnsafeBufferPointer(rebasing: value[starts[i]..<starts[i + 1]])) }
            else { out.append(contentsOf: maskChar) }
        }
        return .written
    }
    func copy() throws -> MaskStrategy { MaskNameStrategy(maskChar: String(decoding: maskChar, as: UTF8.self)) }
}

enum ConventionMask {
    static func maskByte(_ p: inout StrategyParameters) throws -> UInt8 {
        let c = p.string("char", default: "*")
        guard c.utf8.count == 1, let b = c.utf8.first else { throw PolicyError("\(p.origin): char must be one ASCII character, not '\(c)'") }
        return b
    }

    /// Over the last `fromEnd` digits of the value: keeps the first `keepFirst` and last
    /// `keepLast` of them and masks the digits between; every other byte is copied.
    static func maskDigits(_ v: UnsafeBufferPointer<UInt8>, fromEnd total: Int, keepFirst: Int, keepLast: Int,
                           maskChar: UInt8, into out: inout [UInt8]) {
        let allDigits = v.reduce(0) { $0 + (UTF8Bytes.isDigit($1) ? 1 : 0) }
        let skip = allDigits - total
        var k = 0
        for c in v {
            guard UTF8Bytes.isDigit(c) else { out.append(c); continue }
            let j = k - skip
            out.append(j < 0 || j < keepFirst || j >= total - keepLast ? c : maskChar)
            k += 1
        }
    }
}
