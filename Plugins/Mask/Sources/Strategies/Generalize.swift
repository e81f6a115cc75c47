/// `generalize-date`: keeps the month (2023-05-17 → 2023-05) or only the year (→ 2023), in the
/// value's own layout; a time after the date is dropped.
final class GeneralizeDateStrategy: MaskStrategy {
    let name = "generalize-date"
    let toYear: Bool
    init(toYear: Bool) { self.toYear = toYear }
    static func make(_ p: inout StrategyParameters) throws -> GeneralizeDateStrategy {
        GeneralizeDateStrategy(toYear: try p.choice("to", ["month", "year"], default: "month") == "year")
    }
    var parameters: [(String, String)] { [("to", toYear ? "year" : "month")] }
    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        guard let d = DateText.parse(value) else { return .invalid }
        if toYear && d.layout == .chinese {
            DateText.appendNumber(d.year, width: 4, to: &out); out.append(contentsOf: DateText.nian)
        } else {
            d.write(year: d.year, month: toYear ? nil : d.month, day: nil, to: &out)
        }
        return .written
    }
    func copy() throws -> MaskStrategy { self }
}

/// `generalize-age`: an age in whole years becomes its band: 37 → 30-39 (band 10); ages at or
/// above `top` become "90+".
final class GeneralizeAgeStrategy: MaskStrategy {
    let name = "generalize-age"
    let band: Int, top: Int
    init(band: Int, top: Int) { self.band = band; self.top = top }
    static func make(_ p: inout StrategyParameters) throws -> GeneralizeAgeStrategy {
        GeneralizeAgeStrategy(band: try p.int("band", default: 10, range: 1...100), top: try p.int("top", default: 90, range: 1...200))
    }
    var parameters: [(String, String)] { [("band", "\(band)"), ("top", "\(top)")] }
    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        guard let age = Integers.parse(value, allowSign: false), age <= 150 else { return .invalid }
        if age >= top {
            UTF8Bytes.append("\(top)+", to: &out)
        } else {
            let lo = Int(age) / band * band
            UTF8Bytes.append(band == 1 ? "\(lo)" : "\(lo)-\(min(lo + band - 1, top - 1))", to: &out)
        }
        return .written
    }
    func copy() throws -> MaskStrategy { self }
}

/// `generalize-number`: a number becomes the range of width `width` it falls in:
/// 12345 → 12000-12999 (width 1000). Decimals are placed by their integer part.
final class GeneralizeNumberStrategy: MaskStrategy {
    let name = "generalize-number"
    let width: Int64
    init(width: Int64) { self.width = width }
    static func make(_ p: inout StrategyParameters) throws -> GeneralizeNumberStrategy {
        GeneralizeNumberStrategy(width: Int64(try p.int("width", default: 1000, range: 1...1_000_000_000_000)))
    }
    var parameters: [(String, String)] { [("width", "\(width)")] }
    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        // Integer part, and whether a fraction follows (negative fractions round down further).
        var end = 0
        while end < value.count && value[end] != UInt8(ascii: ".") { end += 1 }
        if end < value.count {
            guard end + 1 < value.count else { return .invalid }
            for k in (end + 1)..<value.count where !UTF8Bytes.isDigit(value[k]) { return .invalid }
        }
        guard var n = Integers.parse(UnsafeBufferPointer(rebasing: value[0..<end]), allowSign: true) else { return .invalid }
        var fractional = false
        if end < value.count { for k in (end + 1)..<value.count where value[k] != 48 { fractional = true } }
        if value[0] == UInt8(ascii: "-") && fractional { n -= 1 }
        let (q, r) = n.quotientAndRemainder(dividingBy: width)
        let lo = (r < 0 ? q - 1 : q) * width
        UTF8Bytes.append(width == 1 ? "\(lo)" : "\(lo)-\(lo + width - 1)", to: &out)
        return .written
    }
    func copy() throws -> MaskStrategy { self }
}

/// `generalize-prefix`: keeps the first `keep` characters and fills the rest: postcode
/// 100020 → 10**** (fill "*"), region code 110105 → 110000 (keep 2, fill "0").
final class GeneralizePrefixStrategy: MaskStrategy {
    let name = "generalize-prefix"
    let keep: Int
    let fill: [UInt8]
    @exclusivity(unchecked) private var starts: [Int] = []
    init(keep: Int, fill: String) { self.keep = keep; self.fill = Array(fill.utf8) }
    static func make(_ p: inout StrategyParameters) throws -> GeneralizePrefixStrategy {
        let fill = p.string("fill", default: "*")
        guard fill.count == 1 else { throw PolicyError("\(p.origin): fill must be one character, not '\(fill)'") }
        return GeneralizePrefixStrategy(keep: try p.int("keep", default: 3, range: 0...1000), fill: fill)
    }
    var parameters: [(String, String)] { [("keep", "\(keep)"), ("fill", String(decoding: fill, as: UTF8.self))] }
    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        UTF8Bytes.characterStarts(value, into: &starts)
        let n = starts.count - 1
        guard n > keep else { return .invalid }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: value[0..<starts[keep]]))
        UTF8Bytes.appendRepeated(fill, n - keep, to: &out)
        return .written
    }
    func copy() throws -> MaskStrategy { GeneralizePrefixStrategy(keep: keep, fill: String(decoding: fill, as: UTF8.self)) }
}

enum Integers {
    /// A decimal integer (optional sign), at most 18 digits, nothing else.
    static func parse(_ v: UnsafeBufferPointer<UInt8>, allowSign: Bool) -> Int64? {
        var i = 0
        var negative = false
        if allowSign, i < v.count, v[i] == UInt8(ascii: "-") || v[i] == UInt8(ascii: "+") { negative = v[i] == UInt8(ascii: "-"); i += 1 }
        guard i < v.count, v.count - i <= 18 else { return nil }
        var n: Int64 = 0
        while i < v.count {
            guard UTF8Bytes.isDigit(v[i]) else { return nil }
            n = n * 10 + Int64(v[i] - 48)
            i += 1
        }
        return negative ? -n : n
    }
}
