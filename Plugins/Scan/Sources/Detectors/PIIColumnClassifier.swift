import Foundation

/// Classifies whole values (table cells) of one column. The column's name is matched against the
/// kinds' context words once, not once per cell, and values are read as bytes: a cell costs only
/// its validators. `PIIValidators.classify(_:column:minimumConfidence:kinds:)` is this type.
public struct PIIColumnClassifier: Sendable {
    private struct Candidate: Sendable {
        let kind: PIIKind
        /// The column's name carries one of the kind's context words.
        let named: Bool
        let boost: Double
    }

    /// The kinds to try, most specific first.
    private let candidates: [Candidate]
    public let minimumConfidence: Double

    public init(column: String?, kinds: Set<PIIKind> = Set(PIIKind.allCases), minimumConfidence: Double = 0.4) {
        let lowerColumn = column.map { Array($0.lowercased().utf8) }
        candidates = PIIValidators.classifyOrder.filter(kinds.contains).map { kind in
            let named = lowerColumn.map { name in PIIContext.words(kind).contains { Self.contains(name, $0) } } ?? false
            return Candidate(kind: kind, named: named, boost: PIIContext.boost(kind))
        }
        self.minimumConfidence = minimumConfidence
    }

    /// The most confident kind of `value`, or nil below the floor.
    public func classify(_ value: String) -> PIIKind? {
        var v = value
        return v.withUTF8 { classify(utf8: $0) }
    }

    /// Same over a value's UTF-8 bytes (no allocation unless the value is edged by non-ASCII space).
    public func classify(utf8 value: UnsafeBufferPointer<UInt8>) -> PIIKind? {
        var s = 0
        var e = value.count
        while s < e, Self.isASCIISpace(value[s]) { s += 1 }
        while e > s, Self.isASCIISpace(value[e - 1]) { e -= 1 }
        if s < e && (value[s] >= 0x80 || value[e - 1] >= 0x80) {
            // Unicode white space (U+3000, U+00A0, …) is trimmed too, as Foundation does.
            let trimmed = String(decoding: UnsafeBufferPointer(rebasing: value[s..<e]), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            var t = trimmed
            return t.withUTF8 { best($0) }
        }
        return best(UnsafeBufferPointer(rebasing: value[s..<e]))
    }

    private func best(_ value: UnsafeBufferPointer<UInt8>) -> PIIKind? {
        guard !value.isEmpty, value.count <= 256 else { return nil }
        var bestKind: PIIKind?
        var bestConfidence = 0.0
        for c in candidates {
            guard var confidence = PIIValidators.confidence(c.kind, value) else { continue }
            if c.named { confidence = min(0.99, confidence + c.boost) }
            if confidence > bestConfidence { bestKind = c.kind; bestConfidence = confidence }
        }
        return bestConfidence >= minimumConfidence ? bestKind : nil
    }

    /// What `.whitespacesAndNewlines` holds below 0x80: tab, LF, VT, FF, CR and space.
    @inline(__always) static func isASCIISpace(_ c: UInt8) -> Bool { c == 32 || (c >= 9 && c <= 13) }

    static func contains(_ hay: [UInt8], _ word: [UInt8]) -> Bool {
        guard hay.count >= word.count else { return false }
        return (0...(hay.count - word.count)).contains { hay[$0..<($0 + word.count)].elementsEqual(word) }
    }
}
