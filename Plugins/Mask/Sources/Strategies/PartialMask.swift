/// `mask`: keeps the first N and last M characters and replaces each character between with the
/// mask character. A value too short to keep anything is masked whole.
final class PartialMaskStrategy: MaskStrategy {
    let name = "mask"
    let keepFirst: Int, keepLast: Int
    let maskChar: [UInt8]
    @exclusivity(unchecked) private var starts: [Int] = []

    init(keepFirst: Int, keepLast: Int, maskChar: String = "*") {
        self.keepFirst = keepFirst; self.keepLast = keepLast; self.maskChar = Array(maskChar.utf8)
    }
    static func make(_ p: inout StrategyParameters) throws -> PartialMaskStrategy {
        let f = try p.int("keep_first", default: 0, range: 0...1000)
        let l = try p.int("keep_last", default: 0, range: 0...1000)
        let c = p.string("char", default: "*")
        guard c.count == 1 else { throw PolicyError("\(p.origin): char must be one character, not '\(c)'") }
        return PartialMaskStrategy(keepFirst: f, keepLast: l, maskChar: c)
    }
    var parameters: [(String, String)] {
        [("keep_first", "\(keepFirst)"), ("keep_last", "\(keepLast)"), ("char", String(decoding: maskChar, as: UTF8.self))]
    }

    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        PartialMaskStrategy.keep(value, first: keepFirst, last: keepLast, maskChar: maskChar, starts: &starts, into: &out)
        return .written
    }

    /// Shared by the convention masks: keep `first` and `last` characters, mask the rest.
    static func keep(_ value: UnsafeBufferPointer<UInt8>, first: Int, last: Int, maskChar: [UInt8],
                     starts: inout [Int], into out: inout [UInt8]) {
        UTF8Bytes.characterStarts(value, into: &starts)
        let n = starts.count - 1
        if n <= first + last {
            UTF8Bytes.appendRepeated(maskChar, n, to: &out)
            return
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: value[0..<starts[first]]))
        UTF8Bytes.appendRepeated(maskChar, n - first - last, to: &out)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: value[starts[n - last]..<value.count]))
    }

    func copy() throws -> MaskStrategy { PartialMaskStrategy(keepFirst: keepFirst, keepLast: keepLast, maskChar: String(decoding: maskChar, as: UTF8.self)) }
}
