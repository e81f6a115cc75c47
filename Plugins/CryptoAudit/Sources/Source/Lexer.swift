import FoundationEssentials
import Glibc

/// A token of source text: a byte range and what it is. Identifiers carry a hash so that the API
/// tables are looked up without making Strings.
struct Token {
    var start: Int32
    var end: Int32
    var line: Int32
    var kind: Kind
    /// Operators: the one or two characters (first in the low byte).
    var op: UInt16
    /// Identifiers: FNV-1a of the bytes.
    var hash: UInt32

    enum Kind: UInt8 { case ident, string, number, op }
}

/// Lexical rules of a language family: which comments and string forms exist.
struct LexerRules: Sendable {
    var slashComments = true
    var hashComments = false
    /// Go raw strings and JavaScript template literals.
    var backtickStrings = false
    /// `/regex/` literals after an operator (JavaScript).
    var regexLiterals = false
    /// C# `@"..."` with `""` as the escaped quote.
    var verbatimStrings = false
    /// `"""..."""` (Java text blocks, Kotlin raw strings, C# raw strings, Python).
    var tripleQuotes = false
    /// Python's r/b/u/f string prefixes (`'` is always a string there).
    var pythonPrefixes = false
    /// C++ `R"delim(...)delim"`.
    var cppRawStrings = false
    /// `'x'` is a character literal, not a string (C, C++, Java, C#, Go, Kotlin).
    var charLiterals = true

    static func forFamily(_ f: SourceLanguage.Family) -> LexerRules {
        var r = LexerRules()
        switch f {
        case .jvm: r.tripleQuotes = true
        case .python: r.slashComments = false; r.hashComments = true; r.tripleQuotes = true; r.pythonPrefixes = true; r.charLiterals = false
        case .go: r.backtickStrings = true
        case .c: r.cppRawStrings = true
        case .javascript: r.backtickStrings = true; r.regexLiterals = true; r.charLiterals = false
        case .csharp: r.verbatimStrings = true; r.tripleQuotes = true
        }
        return r
    }
}

/// Identifier hashes the lexer should report (the API tables' trigger names), as a 64 Ki-bit filter
/// plus the exact set, and identifier prefixes ("EVP_", "TLS_") that are triggers too.
struct TriggerSet: @unchecked Sendable {
    private let bits: UnsafeMutablePointer<UInt64>
    private let exact: Set<UInt32>
    let prefixes: [[UInt8]]
    /// Whether some prefix starts with this byte: most identifiers are ruled out by one load.
    private let prefixStarts: UnsafeMutablePointer<Bool>

    init(names: [String], prefixes: [String]) {
        bits = UnsafeMutablePointer<UInt64>.allocate(capacity: 1024)
        bits.initialize(repeating: 0, count: 1024)
        var e = Set<UInt32>()
        for n in names {
            let h = Lexer.hash(Array(n.utf8))
            e.insert(h)
            let b = Int(h & 0xFFFF)
            bits[b >> 6] |= 1 << UInt64(b & 63)
        }
        exact = e
        self.prefixes = prefixes.map { Array($0.utf8) }
        prefixStarts = UnsafeMutablePointer<Bool>.allocate(capacity: 256)
        prefixStarts.initialize(repeating: false, count: 256)
        for pre in self.prefixes where !pre.isEmpty { prefixStarts[Int(pre[0])] = true }
    }

    /// Whether an identifier starting with `b` may begin with one of the prefixes.
    @inline(__always) func mayHavePrefix(startingWith b: UInt8) -> Bool { prefixStarts[Int(b)] }

    @inline(__always) func contains(_ h: UInt32) -> Bool {
        let b = Int(h & 0xFFFF)
        guard bits[b >> 6] & (1 << UInt64(b & 63)) != 0 else { return false }
        return exact.contains(h)
    }
}

/// The tokens of one file, in storage reused from file to file: a plain pointer, because appending
/// to an Array checked the Array's uniqueness on every token. The lexer writes through the pointer
/// with the count in a local variable (a class property's count was loaded, checked for exclusive
/// access and stored back on every token) and sets `count` when it is done.
final class TokenBuffer {
    private(set) var base: UnsafeMutablePointer<Token>
    /// Tokens written; set by the lexer when it has written them.
    var count = 0
    private(set) var capacity = 4096

    init() { base = .allocate(capacity: capacity) }
    deinit { base.deallocate() }

    /// Doubles the storage, keeping the first `kept` tokens.
    func grow(keeping kept: Int) {
        let bigger = UnsafeMutablePointer<Token>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: kept)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    /// Token is a trivial type: nothing to deinitialize.
    func removeAll() { count = 0 }
    var isEmpty: Bool { count == 0 }
    var buffer: UnsafeBufferPointer<Token> { UnsafeBufferPointer(start: base, count: count) }
}

/// What one pass of the lexer leaves behind. The storage is reused from file to file.
struct LexResult {
    let tokens = TokenBuffer()
    /// Indices of identifier tokens that are API triggers.
    var triggers: [Int32] = []
    /// Indices of `=` and `:=` tokens (candidate assignments).
    var assignments: [Int32] = []
    /// Indices of string tokens that start with http:// (case-insensitive).
    var httpStrings: [Int32] = []

    mutating func reset() {
        tokens.removeAll()
        triggers.removeAll(keepingCapacity: true)
        assignments.removeAll(keepingCapacity: true)
        httpStrings.removeAll(keepingCapacity: true)
    }
}

/// A tokenizer per language family: fast, not a parser. It knows comments and every string form
/// so that code in comments and strings is never mistaken for calls, and it never fails: text that
/// does not parse still yields tokens.
enum Lexer {
    // Byte classes (white space last: `>= cSpace` is white space; punctuation first: `<= cSpecial`).
    // `cSpecial` is punctuation that may start something other than an operator (a string, a
    // comment, a number, a regex): only those bytes go through the `switch` before the operator code.
    static let cOther: UInt8 = 0, cSpecial: UInt8 = 1, cIdent: UInt8 = 2, cDigit: UInt8 = 3, cSpace: UInt8 = 4, cNewline: UInt8 = 5
    static let classes: UnsafeMutablePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        t.initialize(repeating: cOther, count: 256)
        for c in UInt8(ascii: "a")...UInt8(ascii: "z") { t[Int(c)] = cIdent }
        for c in UInt8(ascii: "A")...UInt8(ascii: "Z") { t[Int(c)] = cIdent }
        for c in UInt8(ascii: "0")...UInt8(ascii: "9") { t[Int(c)] = cDigit }
        t[Int(UInt8(ascii: "_"))] = cIdent
        t[Int(UInt8(ascii: "$"))] = cIdent
        for c in 0x80...0xFF { t[c] = cIdent }
        for c in [0x20, 0x09, 0x0D, 0x0B, 0x0C] { t[c] = cSpace }
        t[0x0A] = cNewline
        for c in [0x2E, 0x22, 0x27, 0x60, 0x40, 0x23, 0x2F] { t[c] = cSpecial }  // . " ' ` @ # /
        return t
    }()

    /// Bytes that continue an identifier (`cIdent` or `cDigit`): one load and test per byte.
    static let identOrDigit: UnsafeMutablePointer<Bool> = {
        let t = UnsafeMutablePointer<Bool>.allocate(capacity: 256)
        for c in 0..<256 { t[c] = classes[c] == cIdent || classes[c] == cDigit }
        return t
    }()

    static func hash(_ bytes: [UInt8]) -> UInt32 {
        var h: UInt32 = 2166136261
        for b in bytes { h = (h ^ UInt32(b)) &* 16777619 }
        return h
    }

    /// `hash` of a String's UTF-8 bytes (no Array made).
    static func hash(_ s: String) -> UInt32 {
        var h: UInt32 = 2166136261
        for b in s.utf8 { h = (h ^ UInt32(b)) &* 16777619 }
        return h
    }

    /// Tokenizes `text` into `out` (which is reset first).
    static func lex(_ text: UnsafeBufferPointer<UInt8>, rules: LexerRules, triggers: TriggerSet, into out: inout LexResult) {
        out.reset()
        guard let p = text.baseAddress else { return }
        let n = text.count
        var i = 0
        var line: Int32 = 1
        // Whether a `/` here would start a regex (JavaScript): after an operator or at the start.
        var regexAllowed = true

        // The tables in locals: a static's every use checks that it was initialized. In the hot
        // loops positions and line numbers are advanced with wrapping arithmetic (`&+=`): a
        // position stays below `n`, and the overflow checks were 8% of the lexer's instructions.
        let identOrDigit = Lexer.identOrDigit
        let twoCharOperatorBits = Lexer.twoCharOperatorBits
        let tokens = out.tokens
        var tokenBase = tokens.base
        var tokenCount = 0
        var tokenCapacity = tokens.capacity
        defer { tokens.count = tokenCount }
        @inline(__always) func push(_ kind: Token.Kind, _ s: Int, _ e: Int, _ l: Int32, op: UInt16 = 0, hash: UInt32 = 0) {
            if tokenCount == tokenCapacity {
                tokens.grow(keeping: tokenCount)
                tokenBase = tokens.base
                tokenCapacity = tokens.capacity
            }
            (tokenBase + tokenCount).initialize(to: Token(start: Int32(truncatingIfNeeded: s), end: Int32(truncatingIfNeeded: e), line: l, kind: kind, op: op, hash: hash))
            tokenCount &+= 1
        }
        /// A string token from `s` (its prefix) to `e`, quote at `q`; noted if it holds an http:// URL.
        @inline(__always) func pushString(_ s: Int, quote q: Int, _ e: Int, _ l: Int32) {
            push(.string, s, e, l)
            if e - q > 8 && isHTTP(p + q + 1, e - q - 2) { out.httpStrings.append(Int32(tokenCount - 1)) }
        }

        /// Skips a quoted string whose opening quote is at `i`; escapes with backslash unless `raw`.
        /// Single-line strings stop at an unescaped newline (an unterminated string ends its line).
        @inline(__always) func skipQuoted(_ q: UInt8, from start: Int, multiline: Bool, backslash: Bool) -> Int {
            var j = start
            while j < n {
                let c = p[j]
                if c == q { return j + 1 }
                if c == 0x5C && backslash { j += 2; continue }
                if c == 0x0A {
                    if !multiline { return j }
                    line += 1
                }
                j += 1
            }
            return n
        }

        while i < n {
            var c = p[i]
            var k = classes[Int(c)]
            if k >= cSpace {
                // White space comes in runs (the space after a token; a newline and the next
                // line's indentation): taken in one go here, so each token costs one dispatch.
                repeat {
                    if k == cNewline {
                        line &+= 1
                        // Indentation of any width: the spaces after the newline counted eight
                        // bytes at a time (the first byte that is not a space ends the count; the
                        // newline itself is passed below).
                        while i &+ 9 <= n {
                            let word = UInt64(littleEndian: UnsafeRawPointer(p + i + 1).loadUnaligned(as: UInt64.self))
                            let spaces = (word ^ 0x2020_2020_2020_2020).trailingZeroBitCount &>> 3
                            i &+= spaces
                            if spaces < 8 { break }
                        }
                    }
                    i &+= 1
                    guard i < n else { break }
                    c = p[i]
                    k = classes[Int(c)]
                } while k >= cSpace
                if i == n { break }
            }
            if k == cIdent {
                let s = i
                var h: UInt32 = 2166136261
                // Four bytes per bounds check while four remain (most identifiers end within them),
                // then byte by byte.
                identifier: do {
                    while i &+ 4 <= n {
                        let b0 = p[i]
                        guard identOrDigit[Int(b0)] else { break identifier }
                        h = (h ^ UInt32(b0)) &* 16777619
                        let b1 = p[i &+ 1]
                        guard identOrDigit[Int(b1)] else { i &+= 1; break identifier }
                        h = (h ^ UInt32(b1)) &* 16777619
                        let b2 = p[i &+ 2]
                        guard identOrDigit[Int(b2)] else { i &+= 2; break identifier }
                        h = (h ^ UInt32(b2)) &* 16777619
                        let b3 = p[i &+ 3]
                        guard identOrDigit[Int(b3)] else { i &+= 3; break identifier }
                        h = (h ^ UInt32(b3)) &* 16777619
                        i &+= 4
                    }
                    while i < n && identOrDigit[Int(p[i])] { h = (h ^ UInt32(p[i])) &* 16777619; i &+= 1 }
                }
                // String prefixes glued to a quote: Python r"", b'', f"", C# @"" / $"", C++ R"(...)".
                if i < n && (p[i] == 0x22 || p[i] == 0x27) {
                    let len = i - s
                    if rules.pythonPrefixes && len <= 2 && isPythonPrefix(p + s, len) {
                        let l = line
                        let q = i
                        i = stringEnd(p, n, at: q, rules: rules, line: &line)
                        pushString(s, quote: q, i, l)
                        regexAllowed = false
                        continue
                    }
                    if rules.cppRawStrings && len == 1 && p[s] == UInt8(ascii: "R") && p[i] == 0x22 {
                        let startLine = line
                        i = skipCppRaw(p, n, from: i + 1, line: &line)
                        push(.string, s, i, startLine)
                        regexAllowed = false
                        continue
                    }
                }
                let idx = tokenCount
                push(.ident, s, i, line, hash: h)
                if triggers.contains(h) { out.triggers.append(Int32(idx)) }
                else if triggers.mayHavePrefix(startingWith: p[s]) {
                    for pre in triggers.prefixes where i - s > pre.count {
                        var match = true
                        for (j, b) in pre.enumerated() where p[s + j] != b { match = false; break }
                        if match { out.triggers.append(Int32(idx)); break }
                    }
                }
                // Only JavaScript has regex literals; other languages skip the keyword check.
                if rules.regexLiterals { regexAllowed = isKeywordBeforeExpression(p + s, i - s) }
                continue
            }
            if k == cDigit {
                let s = i
                i = numberEnd(p, n, from: s, identOrDigit: identOrDigit)
                push(.number, s, i, line)
                regexAllowed = false
                continue
            }
            if k == cSpecial {
                switch c {
                case 0x2E: // .
                    // A number that starts with its decimal point (.5); else the operator.
                    if i + 1 < n && classes[Int(p[i + 1])] == cDigit {
                        let s = i
                        i = numberEnd(p, n, from: s, identOrDigit: identOrDigit)
                        push(.number, s, i, line)
                        regexAllowed = false
                        continue
                    }
                case 0x22, 0x27: // " '
                    if c == 0x27 && rules.charLiterals {
                        // A character literal: short, escape-aware, never spans lines.
                        let s = i
                        i = skipQuoted(0x27, from: i + 1, multiline: false, backslash: true)
                        push(.string, s, i, line)
                        regexAllowed = false
                        continue
                    }
                    let l = line
                    let q = i
                    i = stringEnd(p, n, at: q, rules: rules, line: &line)
                    pushString(q, quote: q, i, l)
                    regexAllowed = false
                    continue
                case 0x60: // `
                    if rules.backtickStrings {
                        let s = i, l = line
                        i = skipQuoted(0x60, from: i + 1, multiline: true, backslash: rules.regexLiterals)
                        pushString(s, quote: s, i, l)
                        regexAllowed = false
                        continue
                    }
                case 0x40: // @
                    if rules.verbatimStrings && i + 1 < n && p[i + 1] == 0x22 {
                        let s = i, l = line
                        var j = i + 2
                        while j < n {
                            if p[j] == 0x22 { if j + 1 < n && p[j + 1] == 0x22 { j += 2; continue }; j += 1; break }
                            if p[j] == 0x0A { line += 1 }
                            j += 1
                        }
                        i = j
                        push(.string, s, i, l)
                        continue
                    }
                case 0x23: // #
                    if rules.hashComments {
                        i = lineEnd(p, n, from: i)
                        continue
                    }
                case 0x2F: // /
                    if rules.slashComments && i + 1 < n {
                        if p[i + 1] == 0x2F {
                            i = lineEnd(p, n, from: i)
                            continue
                        }
                        if p[i + 1] == 0x2A {
                            i += 2
                            while i + 1 < n && !(p[i] == 0x2A && p[i + 1] == 0x2F) { if p[i] == 0x0A { line &+= 1 }; i &+= 1 }
                            i = min(i + 2, n)
                            continue
                        }
                    }
                    if rules.regexLiterals && regexAllowed {
                        i = skipRegex(p, n, from: i + 1)
                        regexAllowed = false
                        continue
                    }
                default: break
                }
            }
            // Operators: two-character forms that matter for the analysis, else one character.
            var op = UInt16(c)
            var len = 1
            // The second byte of a two-character operator is punctuation: an operator followed by a
            // name, a number or white space (most are) is one character without the pair look-up.
            if i &+ 1 < n && classes[Int(p[i &+ 1])] <= cSpecial {
                let d = p[i &+ 1]
                let pair = Int(c) << 8 | Int(d)
                if twoCharOperatorBits[pair >> 6] & (1 << UInt64(pair & 63)) != 0 { op |= UInt16(d) << 8; len = 2 }
            }
            let idx = tokenCount
            push(.op, i, i &+ len, line, op: op)
            if op == 0x3D || op == 0x3D3A { out.assignments.append(Int32(idx)) }  // "=" or ":="
            // After ")", "]" or "}" a "/" divides; after other operators it starts a regex.
            if rules.regexLiterals { regexAllowed = !(c == 0x29 || c == 0x5D || c == 0x7D) }
            i &+= len
        }
    }

    /// Where a number literal that starts at `s` (a digit, or a point before one) ends: digits,
    /// letters (hex digits, suffixes), points, and the sign of a decimal exponent (1e-5).
    @inline(__always) static func numberEnd(_ p: UnsafePointer<UInt8>, _ n: Int, from s: Int, identOrDigit: UnsafeMutablePointer<Bool>) -> Int {
        var i = s + 1
        while i < n {
            let d = p[i]
            if identOrDigit[Int(d)] || d == UInt8(ascii: ".") { i += 1; continue }
            if (d == UInt8(ascii: "-") || d == UInt8(ascii: "+")) && (p[i - 1] | 0x20) == UInt8(ascii: "e") && p[s] != UInt8(ascii: "0") { i += 1; continue }
            break
        }
        return i
    }

    /// The position of the next newline at or after `from`, or `n` (memchr: comments are long runs).
    @inline(__always) static func lineEnd(_ p: UnsafePointer<UInt8>, _ n: Int, from: Int) -> Int {
        guard from < n, let q = memchr(p + from, 0x0A, n - from) else { return n }
        return UnsafeRawPointer(q) - UnsafeRawPointer(p)
    }

    /// The two-character operators that matter for the analysis.
    static let twoCharOperators: [String] = ["==", "!=", "<=", ">=", "=>", "->", "::", ":=", "+=", "-=", "*=", "/=",
                                             "&&", "||", "<<", ">>", "**", "++", "--", "?.", "??", "|=", "&="]
    /// `twoCharOperators` as a bit per byte pair (first byte high): one bit test per operator
    /// token, where a `switch` over the pairs was a chain of compares.
    static let twoCharOperatorBits: UnsafeMutablePointer<UInt64> = {
        let t = UnsafeMutablePointer<UInt64>.allocate(capacity: 1024)
        t.initialize(repeating: 0, count: 1024)
        for o in twoCharOperators {
            let b = Array(o.utf8)
            let key = Int(b[0]) << 8 | Int(b[1])
            t[key >> 6] |= 1 << UInt64(key & 63)
        }
        return t
    }()

    static func isPythonPrefix(_ p: UnsafePointer<UInt8>, _ len: Int) -> Bool {
        for j in 0..<len {
            switch p[j] | 0x20 {
            case UInt8(ascii: "r"), UInt8(ascii: "b"), UInt8(ascii: "u"), UInt8(ascii: "f"): continue
            default: return false
            }
        }
        return true
    }

    /// Words after which an expression (so a regex) may follow in JavaScript.
    static func isKeywordBeforeExpression(_ p: UnsafePointer<UInt8>, _ len: Int) -> Bool {
        switch len {
        case 2: return (p[0] == 0x69 && p[1] == 0x6E) || (p[0] == 0x64 && p[1] == 0x6F) // in, do
        case 4: return memcmp(p, "case", 4) == 0 || memcmp(p, "else", 4) == 0 || memcmp(p, "void", 4) == 0
        case 5: return memcmp(p, "throw", 5) == 0 || memcmp(p, "yield", 5) == 0 || memcmp(p, "await", 5) == 0
        case 6: return memcmp(p, "return", 6) == 0 || memcmp(p, "typeof", 6) == 0 || memcmp(p, "delete", 6) == 0
        default: return false
        }
    }

    /// http:// at the start of string content.
    @inline(__always) static func isHTTP(_ p: UnsafePointer<UInt8>, _ len: Int) -> Bool {
        len >= 8 && (p[0] | 0x20) == 0x68 && (p[1] | 0x20) == 0x74 && (p[2] | 0x20) == 0x74 && (p[3] | 0x20) == 0x70
            && p[4] == 0x3A && p[5] == 0x2F && p[6] == 0x2F
    }

    /// Where a string whose opening quote is at `q` ends (after its closing quote, or where an
    /// unterminated one stops).
    static func stringEnd(_ p: UnsafePointer<UInt8>, _ n: Int, at q: Int, rules: LexerRules, line: inout Int32) -> Int {
        let quote = p[q]
        var i: Int
        if rules.tripleQuotes && q + 2 < n && p[q + 1] == quote && p[q + 2] == quote {
            i = q + 3
            while i + 2 < n && !(p[i] == quote && p[i + 1] == quote && p[i + 2] == quote) {
                if p[i] == 0x5C { i += 1 }
                else if p[i] == 0x0A { line += 1 }
                i += 1
            }
            i = min(i + 3, n)
        } else {
            i = q + 1
            while i < n {
                let c = p[i]
                if c == quote { i += 1; break }
                if c == 0x5C { i += 2; continue }
                if c == 0x0A { break }  // unterminated: the string ends with its line
                i += 1
            }
            i = min(i, n)
        }
        return i
    }

    static func skipCppRaw(_ p: UnsafePointer<UInt8>, _ n: Int, from: Int, line: inout Int32) -> Int {
        // R"delim( ... )delim"
        var j = from
        while j < n && p[j] != UInt8(ascii: "(") && j - from < 16 { j += 1 }
        let delim = Array(UnsafeBufferPointer(start: p + from, count: j - from))
        j += 1
        while j < n {
            if p[j] == 0x0A { line += 1 }
            if p[j] == UInt8(ascii: ")") && j + delim.count + 1 < n + 1 {
                var ok = j + delim.count < n
                if ok { for (k, b) in delim.enumerated() where p[j + 1 + k] != b { ok = false; break } }
                if ok && j + 1 + delim.count < n && p[j + 1 + delim.count] == 0x22 { return j + 2 + delim.count }
            }
            j += 1
        }
        return n
    }

    /// Skips a regex literal body (the opening `/` consumed); classes `[...]` may hold `/`.
    static func skipRegex(_ p: UnsafePointer<UInt8>, _ n: Int, from: Int) -> Int {
        var j = from
        var inClass = false
        while j < n {
            let c = p[j]
            if c == 0x0A { return j }
            if c == 0x5C { j += 2; continue }
            if c == UInt8(ascii: "[") { inClass = true }
            else if c == UInt8(ascii: "]") { inClass = false }
            else if c == UInt8(ascii: "/") && !inClass {
                j += 1
                while j < n && classes[Int(p[j])] == cIdent { j += 1 }  // flags
                return j
            }
            j += 1
        }
        return n
    }
}

/// A set of identifier names with a 4096-bit filter of their token hashes in front: a token whose
/// hash misses the filter is not one of them, and no String is made for it.
struct IdentifierSet: @unchecked Sendable {
    let names: Set<String>
    private let bits: [UInt64]

    init(_ names: Set<String>) {
        self.names = names
        var b = [UInt64](repeating: 0, count: 64)
        for n in names {
            let h = Int(Lexer.hash(Array(n.utf8)) & 0xFFF)
            b[h >> 6] |= 1 << UInt64(h & 63)
        }
        bits = b
    }

    /// Whether a token with this hash may be one of the names (no false negatives).
    @inline(__always) func contains(_ hash: UInt32) -> Bool {
        let h = Int(hash & 0xFFF)
        return bits[h >> 6] & (1 << UInt64(h & 63)) != 0
    }
}
