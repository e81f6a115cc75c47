import Foundation

/// Decides an item's format from its first lines: every candidate parser reads them and the one
/// that understands the most wins (ties go to the more specific format). Unknown when no parser
/// understands at least a third of the non-blank lines.
public enum FormatDetector {
    public struct Result {
        public let format: LogFormat
        public let hits: Int
        public let lines: Int
    }

    public static func detect(_ lines: [[UInt8]], custom: NginxLogFormat?, forced: LogFormat? = nil,
                              zone: ZoneResolver, path: String, fieldMap: FieldMap) -> Result? {
        let nonBlank = lines.filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
        if nonBlank.isEmpty { return nil }
        var candidates: [LogFormat] = []
        if let forced { candidates = [forced] }
        else {
            if custom != nil { candidates.append(.accessCustom) }
            candidates += Parsers.detectionOrder
        }
        var best: Result?
        let probe = Event(capacity: 4096)
        for format in candidates {
            let parser = Parsers.make(format, customFormat: custom)
            let ctx = ParseContext(zone: zone, years: YearInference(referenceYear: 2000, referenceMonth: 12), path: path, fieldMap: fieldMap)
            var hits = 0
            for line in nonBlank {
                let r = line.withUnsafeBufferPointer { b in parser.parse(b.baseAddress!, b.count, probe, ctx) }
                switch r {
                case .event, .pending, .eventAndPending:
                    // A cut-off line counts for its format only weakly: truncation is also how a
                    // wrong parser fails late.
                    if !(r == .event && probe.truncated) { hits += 1 }
                case .skip: hits += 1
                case .fail: break
                }
            }
            if hits > (best?.hits ?? 0) { best = Result(format: format, hits: hits, lines: nonBlank.count) }
        }
        guard let b = best, b.hits * 3 >= b.lines else { return nil }
        // The access parser reports common or combined per line; name the item by its first event.
        if b.format == .accessCombined {
            let parser = AccessLogParser()
            let ctx = ParseContext(zone: zone, path: path, fieldMap: fieldMap)
            for line in nonBlank {
                let r = line.withUnsafeBufferPointer { parser.parse($0.baseAddress!, $0.count, probe, ctx) }
                if case .event = r, !probe.truncated { return Result(format: probe.format, hits: b.hits, lines: b.lines) }
            }
        }
        return b
    }
}

extension ParseResult: Equatable {}
