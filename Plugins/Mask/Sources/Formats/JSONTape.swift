/// One JSON value of a parsed document: where it is in the buffer and where it sits in the tree.
struct JSONToken {
    enum Kind: UInt8 { case object, array, string, number, literal }
    var kind: Kind
    /// Byte range of the value (strings include their quotes; containers their brackets).
    var start: Int
    var end: Int
    /// Index of the enclosing container's token, -1 at the top.
    var parent: Int32
    /// The member name's range inside its quotes (object members), else start = -1.
    var keyStart: Int
    var keyEnd: Int
    /// Position in the enclosing array.
    var index: Int32
    var keyEscaped: Bool
    /// Strings: contains backslash escapes.
    var escaped: Bool
    /// The rule that applies to this value, -1 for none.
    var rule: Int32
}

/// A strict JSON parser (RFC 8259) that records every value as a token, without building
/// strings. Iterative, so hostile nesting cannot overflow the stack (depth is capped).
final class JSONTape {
    @exclusivity(unchecked) private(set) var tokens: [JSONToken] = []
    /// Called for each new value with the tape so far; returns the rule index for it.
    @exclusivity(unchecked) var ruleFor: ((JSONTape, Int) -> Int32)?
    static let maxDepth = 1000

    struct ParseError: Error { let message: String; let offset: Int }

    @exclusivity(unchecked) private var stack: [Int32] = []

    func parse(_ b: UnsafeBufferPointer<UInt8>) throws {
        tokens.removeAll(keepingCapacity: true)
        stack.removeAll(keepingCapacity: true)
        var i = 0
        let n = b.count
        @inline(__always) func ws() { while i < n, b[i] == 32 || b[i] == 10 || b[i] == 13 || b[i] == 9 { i += 1 } }
        func fail(_ m: String) -> ParseError { ParseError(message: m, offset: i) }

        /// Scans a string starting at the quote; returns (end after quote, escaped).
        func string() throws -> (Int, Bool) {
            var j = i + 1
            var escaped = false
            while j < n {
                let c = b[j]
                if c == 34 { return (j + 1, escaped) }
                if c == 92 {
                    escaped = true
                    guard j + 1 < n else { break }
                    switch b[j + 1] {
                    case 34, 92, 47, 98, 102, 110, 114, 116: j += 2
                    case 117:
                        guard j + 5 < n, (2...5).allSatisfy({ JSONText.hexValue(b[j + $0]) >= 0 }) else {
                            i = j; throw fail("bad \\u escape")
                        }
                        j += 6
                    default: i = j; throw fail("bad escape")
                    }
                    continue
                }
                if c < 32 { i = j; throw fail("control character in a string") }
                j += 1
            }
            i = n
            throw fail("string never closed")
        }

        func number() throws -> Int {
            var j = i
            if j < n, b[j] == 45 { j += 1 }
            guard j < n, b[j] >= 48, b[j] <= 57 else { throw fail("bad number") }
            if b[j] == 48 { j += 1 } else { while j < n, b[j] >= 48, b[j] <= 57 { j += 1 } }
            if j < n, b[j] == 46 {
                j += 1
                guard j < n, b[j] >= 48, b[j] <= 57 else { i = j; throw fail("bad number") }
                while j < n, b[j] >= 48, b[j] <= 57 { j += 1 }
            }
            if j < n, b[j] == 101 || b[j] == 69 {
                j += 1
                if j < n, b[j] == 43 || b[j] == 45 { j += 1 }
                guard j < n, b[j] >= 48, b[j] <= 57 else { i = j; throw fail("bad number") }
                while j < n, b[j] >= 48, b[j] <= 57 { j += 1 }
            }
            return j
        }

        func literal() throws -> Int {
            for word in [JSONText.trueBytes, JSONText.falseBytes, JSONText.nullBytes] where i + word.count <= n {
                var k = 0
                while k < word.count && b[i + k] == word[k] { k += 1 }
                if k == word.count { return i + k }
            }
            throw fail("unexpected character")
        }

        // The next value, with its key (object members) or index (array elements).
        var keyStart = -1, keyEnd = -1, keyEscaped = false
        var index: Int32 = 0
        ws()
        parseValue: while true {
            guard i < n else { throw fail("unexpected end") }
            let parent: Int32 = stack.last ?? -1
            var token = JSONToken(kind: .literal, start: i, end: i, parent: parent, keyStart: keyStart, keyEnd: keyEnd,
                                  index: index, keyEscaped: keyEscaped, escaped: false, rule: -1)
            let c = b[i]
            var opened = false
            switch c {
            case 123: token.kind = .object; opened = true
            case 91: token.kind = .array; opened = true
            case 34:
                let (e, esc) = try string()
                token.kind = .string; token.end = e; token.escaped = esc
            case 45, 48...57:
                token.kind = .number; token.end = try number()
            default:
                token.kind = .literal; token.end = try literal()
            }
            tokens.append(token)
            let me = Int32(tokens.count - 1)
            if let ruleFor { tokens[Int(me)].rule = ruleFor(self, Int(me)) }
            if opened {
                guard stack.count < JSONTape.maxDepth else { throw fail("nested deeper than \(JSONTape.maxDepth)") }
                stack.append(me)
                i += 1
                ws()
                let isObject = c == 123
                if i < n, b[i] == (isObject ? 125 : 93) {
                    // Empty container.
                    i += 1
                    tokens[Int(me)].end = i
                    stack.removeLast()
                } else {
                    if isObject { try member() } else { keyStart = -1; keyEnd = -1; keyEscaped = false; index = 0 }
                    continue parseValue
                }
            } else {
                i = token.end
            }
            // After a value: close containers or move to the next member or element.
            while true {
                ws()
                guard let top = stack.last else {
                    guard i == n else { throw fail("text after the JSON value") }
                    return
                }
                let isObject = tokens[Int(top)].kind == .object
                guard i < n else { throw fail("unexpected end") }
                if b[i] == 44 {
                    i += 1
                    ws()
                    if isObject { try member() } else { keyStart = -1; keyEnd = -1; keyEscaped = false; index += 1 }
                    continue parseValue
                }
                if b[i] == (isObject ? 125 : 93) {
                    i += 1
                    tokens[Int(top)].end = i
                    stack.removeLast()
                    // Restore the index of the closed container in its parent.
                    index = tokens[Int(top)].index
                    continue
                }
                throw fail(isObject ? "expected , or }" : "expected , or ]")
            }
        }

        /// Reads `"key" :` and leaves `i` at the member's value.
        func member() throws {
            guard i < n, b[i] == 34 else { throw fail("expected a member name") }
            let (e, esc) = try string()
            keyStart = i + 1; keyEnd = e - 1; keyEscaped = esc
            i = e
            ws()
            guard i < n, b[i] == 58 else { throw fail("expected :") }
            i += 1
            ws()
            index = 0
        }
    }
}

/// JSON string and number text.
enum JSONText {
    static let trueBytes = Array("true".utf8), falseBytes = Array("false".utf8), nullBytes = Array("null".utf8)

    @inline(__always) static func hexValue(_ c: UInt8) -> Int {
        switch c {
        case 48...57: return Int(c) - 48
        case 65...70: return Int(c) - 55
        case 97...102: return Int(c) - 87
        default: return -1
        }
    }

    /// Undoes the escapes of a string's content (between the quotes) into `out`.
    static func unescape(_ b: UnsafeBufferPointer<UInt8>, into out: ScratchBytes) {
        out.removeAll()
        var i = 0
        while i < b.count {
            let c = b[i]
            guard c == 92, i + 1 < b.count else { out.append(c); i += 1; continue }
            let e = b[i + 1]
            switch e {
            case 98: out.append(8); i += 2
            case 102: out.append(12); i += 2
            case 110: out.append(10); i += 2
            case 114: out.append(13); i += 2
            case 116: out.append(9); i += 2
            case 117:
                var v = UInt32(hex4(b, i + 2))
                i += 6
                if v >= 0xD800 && v < 0xDC00, i + 5 < b.count, b[i] == 92, b[i + 1] == 117 {
                    let lo = UInt32(hex4(b, i + 2))
                    if lo >= 0xDC00 && lo < 0xE000 { v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00); i += 6 }
                }
                if v >= 0xD800 && v < 0xE000 { v = 0xFFFD }
                appendUTF8(v, out)
            default: out.append(e); i += 2
            }
        }
    }

    static func hex4(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var v = 0
        for k in 0..<4 { v = v << 4 | max(0, hexValue(b[i + k])) }
        return v
    }

    static func appendUTF8(_ v: UInt32, _ out: ScratchBytes) {
        if v < 0x80 { out.append(UInt8(v)) }
        else if v < 0x800 { out.append(UInt8(0xC0 | (v >> 6))); out.append(UInt8(0x80 | (v & 0x3F))) }
        else if v < 0x10000 {
            out.append(UInt8(0xE0 | (v >> 12))); out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        } else {
            out.append(UInt8(0xF0 | (v >> 18))); out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes `v` as a JSON string, quotes included.
    static func writeString(_ v: UnsafeBufferPointer<UInt8>, to sink: ByteSink) {
        sink.append(34)
        for c in v {
            switch c {
            case 34: sink.append(92); sink.append(34)
            case 92: sink.append(92); sink.append(92)
            case 10: sink.append(92); sink.append(110)
            case 13: sink.append(92); sink.append(114)
            case 9: sink.append(92); sink.append(116)
            case 0..<32:
                sink.append(92); sink.append(117); sink.append(48); sink.append(48)
                sink.append(hexDigits[Int(c >> 4)]); sink.append(hexDigits[Int(c & 15)])
            default: sink.append(c)
            }
        }
        sink.append(34)
    }

    /// Whether `v` is a JSON number as written (-?int frac? exp?).
    static func isNumber(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        var j = 0
        let n = v.count
        @inline(__always) func digits() -> Bool {
            let s = j
            while j < n, v[j] >= 48, v[j] <= 57 { j += 1 }
            return j > s
        }
        if j < n, v[j] == 45 { j += 1 }
        guard j < n else { return false }
        if v[j] == 48 { j += 1 } else if !digits() { return false }
        if j < n, v[j] == 46 { j += 1; if !digits() { return false } }
        if j < n, v[j] == 101 || v[j] == 69 {
            j += 1
            if j < n, v[j] == 43 || v[j] == 45 { j += 1 }
            if !digits() { return false }
        }
        return j == n
    }
}
