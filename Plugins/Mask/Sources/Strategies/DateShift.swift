/// `date-shift`: moves every date of a subject by the same number of days, chosen from the key
/// and the subject's value (`subject`: the field naming the person), so intervals between one
/// person's dates survive and dates of different people move differently. Without a subject one
/// offset (from the key) applies to the whole data set. 1 ≤ |offset| ≤ max_days. The layout and
/// any time of day are kept; `dstool unmask` moves the dates back.
final class DateShiftStrategy: MaskStrategy {
    let name = "date-shift"
    let maxDays: Int
    let subjectField: String?
    private let keys: KeyRing
    private let chooser: KeyedHash
    @exclusivity(unchecked) private var digest = [UInt8](repeating: 0, count: KeyedHash.outputSize)
    private static let label: [UInt8] = Array("date-shift".utf8)

    init(maxDays: Int, subjectField: String?, keys: KeyRing) throws {
        self.maxDays = maxDays; self.subjectField = subjectField; self.keys = keys
        chooser = try keys.chooser()
    }
    static func make(_ p: inout StrategyParameters, keys: KeyRing) throws -> DateShiftStrategy {
        try DateShiftStrategy(maxDays: try p.int("max_days", default: 30, range: 1...36500), subjectField: p.string("subject"), keys: keys)
    }
    var parameters: [(String, String)] { [("max_days", "\(maxDays)")] + (subjectField.map { [("subject", $0)] } ?? []) }
    var isReversible: Bool { true }

    /// The offset in days for a subject (never 0).
    func offset(_ subject: UnsafeBufferPointer<UInt8>?) -> Int {
        digest.withUnsafeMutableBufferPointer { d in
            chooser.mac(label: DateShiftStrategy.label, UnsafeRawBufferPointer(subject ?? UnsafeBufferPointer(start: nil, count: 0)), into: d.baseAddress!)
            var x: UInt64 = 0
            for k in 0..<8 { x = x << 8 | UInt64(d[k]) }
            let magnitude = Int(x % UInt64(maxDays)) + 1
            return d[8] & 1 == 0 ? magnitude : -magnitude
        }
    }

    private func shift(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, sign: Int, into out: inout [UInt8]) -> MaskOutcome {
        guard let d = DateText.parse(value) else { return .invalid }
        let subject = subjectField == nil ? nil : context.subject
        let days = CivilDays.days(year: d.year, month: d.month, day: d.day) + sign * offset(subject)
        let n = CivilDays.date(days)
        guard n.year >= 1000, n.year <= 9999 else { return .invalid }
        d.write(year: n.year, month: n.month, day: n.day, to: &out)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: value[d.end..<value.count]))
        return .written
    }

    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        shift(value, context, sign: 1, into: &out)
    }
    func unmask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        shift(value, context, sign: -1, into: &out)
    }
    func copy() throws -> MaskStrategy { try DateShiftStrategy(maxDays: maxDays, subjectField: subjectField, keys: keys) }
}
