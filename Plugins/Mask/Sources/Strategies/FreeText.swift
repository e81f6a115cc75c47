import DSToolScan

/// `scan-text`: for free-text fields (remarks, messages, log columns): the PII detectors find
/// values inside the text and each is replaced by its kind's text rule; the rest of the text
/// stays. A value a rule cannot take is redacted (never left in place).
final class FreeTextStrategy: MaskStrategy {
    let name = "scan-text"
    var parameters: [(String, String)] { [] }
    private let textRules: [FieldSpec]
    private let keys: KeyRing?
    private let scanner: PIIScanner
    @exclusivity(unchecked) private var byKind: [PIIKind: MaskStrategy] = [:]
    @exclusivity(unchecked) private var matches: [PIIMatch] = []

    init(textRules: [FieldSpec], keys: KeyRing?) throws {
        self.textRules = textRules
        self.keys = keys
        for r in textRules {
            guard let kind = PIIKind(rawValue: r.field), byKind[kind] == nil else { continue }
            byKind[kind] = try StrategyCatalog.make(r, keys: keys)
        }
        scanner = try SharedMatcher.scanner(kinds: Set(byKind.keys))
    }

    func mask(_ value: UnsafeBufferPointer<UInt8>, _ context: ValueContext, into out: inout [UInt8]) -> MaskOutcome {
        matches.removeAll(keepingCapacity: true)
        guard (try? scanner.matches(in: UnsafeRawBufferPointer(value), into: &matches)) != nil, !matches.isEmpty else { return .unchanged }
        matches.sort { $0.start < $1.start }
        var copied = 0
        for m in matches where m.start >= copied {
            guard let s = byKind[m.kind] else { continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: value[copied..<m.start]))
            let mark = out.count
            switch s.mask(UnsafeBufferPointer(rebasing: value[m.start..<m.end]), .none, into: &out) {
            case .written: break
            case .unchanged: out.append(contentsOf: UnsafeBufferPointer(rebasing: value[m.start..<m.end]))
            case .null: break
            case .invalid: out.removeSubrange(mark...); out.append(contentsOf: MaskEngine.redaction)
            }
            copied = m.end
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: value[copied..<value.count]))
        return .written
    }

    func copy() throws -> MaskStrategy { try FreeTextStrategy(textRules: textRules, keys: keys) }
}
