import DSToolKit
import DSToolScan
import Foundation

/// Personal data through the leak-detection engine (DSToolScan): the kinds, the validators and
/// the Hyperscan matcher are the scanner's own, not copies.
enum PersonalData {
    static let kindNames: Set<String> = Set(PIIKind.allCases.map(\.rawValue))
    /// 敏感个人信息 (GB/T 35273-2020 Appendix B): identity documents, bank and card accounts.
    static let sensitiveKinds: Set<String> = Set(PIIKind.allCases.filter { $0.sensitivity == .sensitive }.map(\.rawValue))
    /// Kinds that identify or reach a person (everything but technical identifiers and company codes).
    static let personalKinds: Set<String> = Set(PIIKind.allCases.filter { $0.sensitivity >= .personal }.map(\.rawValue))

    static func title(_ kind: String) -> LocalizedText { PIIKind(rawValue: kind)?.title ?? LocalizedText(kind) }

    static func describe(_ facts: PIFacts, kinds: Set<String>?) -> LocalizedText {
        let ks = facts.kinds(in: kinds)
        return LocalizedText(en: ks.map { "\(facts.counts[$0]!) \(title($0).en)" }.joined(separator: ", "),
                             zh: ks.map { "\(title($0).zh) \(facts.counts[$0]!) 个" }.joined(separator: "，"))
    }
}

/// Counts validated personal data in a stream of UTF-8 bytes, on one thread. Chunks are cut at
/// line ends so a value is never split; a line longer than the window is scanned in overlapping
/// windows (values are short).
final class PersonalDataCounter {
    let scanner: PIIScanner
    private var pending: [UInt8] = []
    private var matches: [PIIMatch] = []
    private(set) var facts = PIFacts()
    static let window = 1 << 20
    static let overlap = 256

    init(matcher: PIIMatcher) throws {
        scanner = try matcher.makeScanner()
        pending.reserveCapacity(Self.window + Self.overlap)
    }

    func reset() { pending.removeAll(keepingCapacity: true); facts = PIFacts() }

    func feed(_ chunk: UnsafeRawBufferPointer) throws {
        var rest = chunk
        while !rest.isEmpty {
            let room = Self.window - pending.count
            let take = min(room, rest.count)
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[0..<take]))
            rest = UnsafeRawBufferPointer(rebasing: rest[take...])
            if pending.count >= Self.window { try flush(final: false) }
        }
    }

    func finish() throws -> PIFacts {
        try flush(final: true)
        return facts
    }

    private func flush(final: Bool) throws {
        guard !pending.isEmpty else { return }
        var cut = pending.count
        if !final {
            if let nl = pending.lastIndex(of: 10), nl > pending.count / 2 { cut = nl + 1 } else { cut = pending.count - Self.overlap }
        }
        matches.removeAll(keepingCapacity: true)
        try pending.withUnsafeBytes { p in
            try scanner.matches(in: UnsafeRawBufferPointer(rebasing: p[0..<cut]), into: &matches)
        }
        for m in matches { facts.counts[m.kind.rawValue, default: 0] += 1 }
        if final { pending.removeAll(keepingCapacity: true); return }
        // Without a line end, keep an overlap (values cut at the edge are found again in the next window,
        // and ones wholly inside the overlap were already counted: drop those).
        let keepFrom = cut
        if cut == pending.count - Self.overlap {
            for m in matches where m.start >= cut - Self.overlap { facts.counts[m.kind.rawValue, default: 0] -= 1 }
            pending.removeSubrange(0..<(cut - Self.overlap))
        } else {
            pending.removeSubrange(0..<keepFrom)
        }
    }

    /// The kind of one value (a table cell) with its column name as context.
    func classify(_ value: String, column: String) -> String? {
        scanner.classify(value, column: column)?.rawValue
    }
}
