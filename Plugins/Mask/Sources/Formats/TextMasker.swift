import DSToolKit
import DSToolScan
import Foundation

/// Masks plain text and logs: the leak detectors' PII matcher (Hyperscan candidates, then the
/// validators) finds the values, each is replaced by its kind's rule (policy `text:`, else the
/// defaults). Everything else is copied byte for byte. Read in blocks of whole lines.
final class TextMasker {
    let engine: MaskEngine
    private let scanner: PIIScanner
    @exclusivity(unchecked) private var ruleByKind: [PIIKind: MaskRule] = [:]
    @exclusivity(unchecked) private var matches: [PIIMatch] = []
    @exclusivity(unchecked) private var out: [UInt8] = []
    @exclusivity(unchecked) private(set) var lines = 0
    @exclusivity(unchecked) private(set) var kinds: [String: Int] = [:]

    init(engine: MaskEngine, minimumConfidence: Double = 0.5) throws {
        self.engine = engine
        for r in engine.textRules {
            guard let kind = PIIKind(rawValue: r.spec.field) else { continue }
            if ruleByKind[kind] == nil { ruleByKind[kind] = r }
        }
        scanner = try SharedMatcher.scanner(kinds: Set(ruleByKind.keys))
    }

    /// Default strategies for what is found in free text: the Chinese display masks without a
    /// key; with a key, the reversible and consistent FF1 forms where there are any.
    static func defaultRules(withKey: Bool) -> [FieldSpec] {
        var specs: [FieldSpec] = []
        for kind in PIIKind.allCases {
            let s = AutoDefaults.strategy(for: kind, withKey: withKey)
            specs.append(FieldSpec(field: kind.rawValue, strategy: s.strategy, parameters: s.parameters))
        }
        return specs
    }

    /// Checks the `text:` rules name known kinds.
    static func validate(_ rules: [FieldSpec]) throws {
        for r in rules where PIIKind(rawValue: r.field) == nil {
            throw PolicyError("text rule '\(r.field)': not a PII kind (known: \(PIIKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
    }

    func run(_ source: ByteSource, to sink: ByteSink?, input: String) throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0
        var atEnd = false
        while !atEnd || filled > 0 {
            if !atEnd && filled < buffer.count {
                let n = try buffer.withUnsafeMutableBytes { try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
                if n == 0 { atEnd = true } else { filled += n; if filled < buffer.count { continue } }
            }
            // Whole lines only, unless the input ended (or one line fills the buffer: then grow).
            var cut = filled
            if !atEnd {
                var k = filled - 1
                while k >= 0 && buffer[k] != 10 { k -= 1 }
                if k < 0 { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)); continue }
                cut = k + 1
            }
            try buffer.withUnsafeBufferPointer { b in
                try maskBlock(UnsafeBufferPointer(rebasing: b[0..<cut]), to: sink, input: input)
            }
            buffer.withUnsafeMutableBufferPointer { b in
                if cut < filled { b.baseAddress!.update(from: b.baseAddress! + cut, count: filled - cut) }
            }
            filled -= cut
            try sink?.maybeFlush()
        }
        try sink?.flush()
    }

    private func maskBlock(_ block: UnsafeBufferPointer<UInt8>, to sink: ByteSink?, input: String) throws {
        var newlines = 0
        for c in block where c == 10 { newlines += 1 }
        let firstLine = lines + 1
        lines += newlines + ((block.last ?? 10) == 10 ? 0 : 1)
        matches.removeAll(keepingCapacity: true)
        try scanner.matches(in: UnsafeRawBufferPointer(block), into: &matches)
        matches.sort { $0.start < $1.start }
        var copied = 0
        for m in matches where m.start >= copied {
            guard let rule = ruleByKind[m.kind] else { continue }
            rule.matchedSomewhere = true
            kinds[m.kind.rawValue, default: 0] += 1
            let value = UnsafeBufferPointer(rebasing: block[m.start..<m.end])
            out.removeAll(keepingCapacity: true)
            let result = try engine.apply(rule, value, .none, into: &out, where: {
                var line = firstLine
                for c in block[0..<m.start] where c == 10 { line += 1 }
                return "line \(line), \(m.kind.rawValue)"
            }())
            guard result != .unchanged else { continue }
            sink?.append(UnsafeBufferPointer(rebasing: block[copied..<m.start]))
            if result == .replaced { out.withUnsafeBufferPointer { sink?.append($0) } }
            copied = m.end
        }
        sink?.append(UnsafeBufferPointer(rebasing: block[copied..<block.count]))
    }
}
