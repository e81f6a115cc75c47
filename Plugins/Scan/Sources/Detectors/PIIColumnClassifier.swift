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

    /// Same over a value's UTF-8 bytes (valid UTF-8), trimmed first as
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` trims, without allocating.
    public func classify(utf8 value: UnsafeBufferPointer<UInt8>) -> PIIKind? {
        var s = 0
        var e = value.count
        while s < e {
            if Self.isASCIISpace(value[s]) { s += 1 } else if let n = Self.unicodeSpace(value, at: s, end: e) { s += n } else { break }
        }
        while e > s {
            if Self.isASCIISpace(value[e - 1]) { e -= 1 } else if let n = Self.unicodeSpace(value, endingAt: e, start: s) { e -= n } else { break }
        }
        return best(UnsafeBufferPointer(rebasing: value[s..<e]))
    }

    /// What `.whitespacesAndNewlines` holds below 0x80: tab, LF, VT, FF, CR and space.
    @inline(__always) static func isASCIISpace(_ c: UInt8) -> Bool { c == 32 || (c >= 9 && c <= 13) }

    /// The rest of `.whitespacesAndNewlines` (Unicode Z* and U+0085), as UTF-8: the length of
    /// the one starting at `i`, if any.
    static func unicodeSpace(_ b: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> Int? {
        if b[i] == 0xC2, i + 1 < end, b[i + 1] == 0x85 || b[i + 1] == 0xA0 { return 2 }
        if b[i] >= 0xE1 && b[i] <= 0xE3, i + 2 < end, isThreeByteSpace(b[i], b[i + 1], b[i + 2]) { return 3 }
        return nil
    }

    /// The length of the one ending at `end`, if any.
    static func unicodeSpace(_ b: UnsafeBufferPointer<UInt8>, endingAt end: Int, start: Int) -> Int? {
        if end - 2 >= start, b[end - 2] == 0xC2, b[end - 1] == 0x85 || b[end - 1] == 0xA0 { return 2 }
        if end - 3 >= start, isThreeByteSpace(b[end - 3], b[end - 2], b[end - 1]) { return 3 }
        return nil
    }

    /// U+1680, U+2000–U+200B (Foundation counts the zero-width space), U+2028, U+2029, U+202F,
    /// U+205F, U+3000.
    @inline(__always) static func isThreeByteSpace(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Bool {
        switch (a, b) {
        case (0xE1, 0x9A): return c == 0x80
        case (0xE2, 0x80): return c <= 0x8B || c == 0xA8 || c == 0xA9 || c == 0xAF
        case (0xE2, 0x81): return c == 0x9F
        case (0xE3, 0x80): return c == 0x80
        default: return false
        }
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

    static func contains(_ hay: [UInt8], _ word: [UInt8]) -> Bool {
        guard hay.count >= word.count else { return false }
        return (0...(hay.count - word.count)).contains { hay[$0..<($0 + word.count)].elementsEqual(word) }
    }
}
