extension StringProtocol {
    /// Without leading and trailing tabs, Unicode space separators (general category Zs) and the
    /// zero-width space: what Foundation's `trimmingCharacters(in: .whitespaces)` removes (checked
    /// scalar by scalar against it), without Foundation.
    public func trimmingWhitespaces() -> String { trimmingScalars(Self.isWhitespace) }

    /// Also line breaks (U+000A–U+000D, U+0085, Zl, Zp): `.whitespacesAndNewlines`.
    public func trimmingWhitespacesAndNewlines() -> String {
        trimmingScalars { s in
            switch s.properties.generalCategory {
            case .lineSeparator, .paragraphSeparator: return true
            default: return Self.isWhitespace(s) || (s.value >= 0x0A && s.value <= 0x0D) || s.value == 0x85
            }
        }
    }

    private static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == "\t" || s.value == 0x200B || s.properties.generalCategory == .spaceSeparator
    }

    private func trimmingScalars(_ trimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end && trimmed(scalars[start]) { start = scalars.index(after: start) }
        while end > start && trimmed(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: scalars[start..<end])
        return String(kept)
    }
}
