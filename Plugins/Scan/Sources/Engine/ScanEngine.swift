import DSToolKit
import Foundation

/// Scans items window by window and reports findings in the shared schema.
public final class ScanEngine {
    public let options: ScanOptions
    let pii: PIIMatcher

    public init(options: ScanOptions) throws {
        self.options = options
        let kinds = Set(PIIKind.allCases.filter { options.selects(ruleId: $0.ruleId, categories: ["pii", $0.sensitivity.rawValue]) })
        pii = try PIIMatcher(kinds: kinds, minimumConfidence: options.minimumConfidence)
    }

    public func run(_ context: PluginContext) throws -> PluginStatus {
        let scanner = try pii.makeScanner()
        var status = PluginStatus.ok
        var matches: [PIIMatch] = []
        while let item = context.nextItem() {
            if context.isCancelled { break }
            if item.isEncrypted || item.isContainer { continue }
            do {
                var reader = TextWindowReader(item: item, decodeText: item.isText)
                while let w = try reader.next() {
                    matches.removeAll(keepingCapacity: true)
                    try w.bytes.withUnsafeBytes { raw in
                        try scanner.matches(inWindow: UnsafeRawBufferPointer(rebasing: raw[0..<w.count]), continuesBefore: !w.isFirst,
                                            continuesAfter: !w.isLast, ownStart: w.overlap, into: &matches)
                    }
                    report(matches, window: w, item: item, context: context)
                }
            } catch {
                context.emitError(input: item.name, reason: "\(error)", code: "scan.read")
                status = .inputErrors
            }
        }
        return status
    }

    func report(_ matches: [PIIMatch], window w: TextWindow, item: InputItem, context: PluginContext) {
        guard !matches.isEmpty else { return }
        var lineAt = 0, line = w.line, column = w.column
        for m in matches.sorted(by: { $0.start < $1.start }) {
            let (dl, col) = LineCounter.advance(w.bytes, lineAt, m.start, column: column)
            line += dl; column = col; lineAt = m.start
            let value = String(decoding: w.bytes[m.start..<m.end], as: UTF8.self)
            let raw = w.rawOffset(m.start)
            var location = item.location(line: item.isText ? line : nil, column: item.isText ? column + 1 : nil, offset: Int64(raw))
            location.length = Int(w.rawOffset(m.end) - raw)
            let fingerprint = Fingerprint.make(ruleId: m.kind.ruleId, location: item.location(), evidence: value)
            let evidence = options.showSecrets ? value : Redaction.redact(value)
            var props: [String: JSONValue] = ["kind": .string(m.kind.rawValue), "sensitivity": .string(m.kind.sensitivity.rawValue)]
            if let c = m.context { props["context"] = .string(c) }
            context.emit(Finding(ruleId: m.kind.ruleId, title: m.kind.title, category: "pii", severity: m.kind.defaultSeverity,
                                 confidence: (m.confidence * 100).rounded() / 100, dataLevel: m.kind.baseDataLevel,
                                 location: location, evidence: evidence, fingerprint: fingerprint,
                                 references: m.kind.references, properties: .object(props)))
        }
    }
}
