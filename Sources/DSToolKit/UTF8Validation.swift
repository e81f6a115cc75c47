/// UTF-8 validation in one place. `isValid`: strict (no overlong forms, no surrogates, nothing above U+10FFFF) — what
/// JSONDecoder and Swift's `String(validating:)` accept. One copy for the record reader, the mask
/// plugin's transcoder and the trace parsers; inlinable because they call it per value or per line.
public enum UTF8Validation {
    @inlinable
    public static func isValid(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = u.count
        while i < n {
            let b = u[i]
            if b < 0x80 { i += 1; continue }
            let need: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return false
            }
            guard n - i > need else { return false }
            let c = u[i + 1]
            guard c >= lo, c <= hi else { return false }
            var k = 2
            while k <= need { if u[i + k] & 0xC0 != 0x80 { return false }; k += 1 }
            i += need + 1
        }
        return true
    }

    /// Counts invalid bytes and valid multibyte sequences.
    static func check(_ b: UnsafeBufferPointer<UInt8>, allowTruncatedEnd: Bool) -> (invalid: Int, multibyte: Int) {
        var i = 0, invalid = 0, multibyte = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let len = UTF8Decoder.sequenceLength(c)
            if len == 0 { invalid += 1; i += 1; continue }
            if i + len > n {
                if !allowTruncatedEnd || !UTF8Decoder.validPrefix(b, i, n) { invalid += n - i }
                break
            }
            if UTF8Decoder.validSequence(b, i, len) { multibyte += 1; i += len } else { invalid += 1; i += 1 }
        }
        return (invalid, multibyte)
    }
}
