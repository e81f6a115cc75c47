import DSToolKit
@testable import DSToolCryptoAudit

/// The lexer as it was before its fast paths (identifier bytes and two-character operators
/// looked up in tables of their own, indentation eight spaces at a time, the prefix-trigger
/// filter, the regex state kept only for JavaScript, wrapping arithmetic in the hot loops): every
/// byte looked at on its own, operators matched by a `switch`. The tests compare the lexer with it
/// token by token.
enum ReferenceLexer {
    @inline(__always) static func isIdentOrDigit(_ c: UInt8) -> Bool {
        let k = Lexer.classes[Int(c)]
        return k == Lexer.cIdent || k == Lexer.cDigit
    }

    /// Tokenizes `text` into `out` as the lexer did before its fast paths.
    static func lex(_ text: UnsafeBufferPointer<UInt8>, rules: LexerRules, triggers: TriggerSet, into out: inout LexResult) {
        out.reset()
        guard let p = text.baseAddress else { return }
        let n = text.count
        var i = 0
        var line: Int32 = 1
        // Whether a `/` here would start a regex (JavaScript): after an operator or at the start.
        var regexAllowed = true

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
            tokenCount += 1
        }
        /// A string token from `s` (its prefix) to `e`, quote at `q`; noted if it holds an http:// URL.
        @inline(__always) func pushString(_ s: Int, quote q: Int, _ e: Int, _ l: Int32) {
            push(.string, s, e, l)
            if e - q > 8 && Lexer.isHTTP(p + q + 1, e - q - 2) { out.httpStrings.append(Int32(tokenCount - 1)) }
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
            var k = Lexer.classes[Int(c)]
            if k >= Lexer.cSpace {
                // White space comes in runs (the space after a token; a newline and the next
                // line's indentation): taken in one go here, so each token costs one dispatch.
                repeat {
                    if k == Lexer.cNewline { line += 1 }
                    i += 1
                    guard i < n else { break }
                    c = p[i]
                    k = Lexer.classes[Int(c)]
                } while k >= Lexer.cSpace
                if i == n { break }
            }
            if k == Lexer.cIdent {
                let s = i
                var h: UInt32 = 2166136261
                while i < n && isIdentOrDigit(p[i]) { h = (h ^ UInt32(p[i])) &* 16777619; i += 1 }
                // String prefixes glued to a quote: Python r"", b'', f"", C# @"" / $"", C++ R"(...)".
                if i < n && (p[i] == 0x22 || p[i] == 0x27) {
                    let len = i - s
                    if rules.pythonPrefixes && len <= 2 && Lexer.isPythonPrefix(p + s, len) {
                        let l = line
                        let q = i
                        i = stringEnd(p, n, at: q, rules: rules, line: &line)
                        pushString(s, quote: q, i, l)
                        regexAllowed = false
                        continue
                    }
                    if rules.cppRawStrings && len == 1 && p[s] == UInt8(ascii: "R") && p[i] == 0x22 {
                        let startLine = line
                        i = Lexer.skipCppRaw(p, n, from: i + 1, line: &line)
                        push(.string, s, i, startLine)
                        regexAllowed = false
                        continue
                    }
                }
                let idx = tokenCount
                push(.ident, s, i, line, hash: h)
                if triggers.contains(h) { out.triggers.append(Int32(idx)) }
                else if !triggers.prefixes.isEmpty {
                    for pre in triggers.prefixes where i - s > pre.count {
                        var match = true
                        for (j, b) in pre.enumerated() where p[s + j] != b { match = false; break }
                        if match { out.triggers.append(Int32(idx)); break }
                    }
                }
                // Only JavaScript has regex literals; other languages skip the keyword check.
                if rules.regexLiterals { regexAllowed = Lexer.isKeywordBeforeExpression(p + s, i - s) }
                continue
            }
            if k == Lexer.cDigit || (c == UInt8(ascii: ".") && i + 1 < n && Lexer.classes[Int(p[i + 1])] == Lexer.cDigit) {
                let s = i
                i += 1
                while i < n {
                    let d = p[i]
                    if isIdentOrDigit(d) || d == UInt8(ascii: ".") { i += 1; continue }
                    // Exponent signs: 1e-5.
                    if (d == UInt8(ascii: "-") || d == UInt8(ascii: "+")) && (p[i - 1] | 0x20) == UInt8(ascii: "e") && p[s] != UInt8(ascii: "0") { i += 1; continue }
                    break
                }
                push(.number, s, i, line)
                regexAllowed = false
                continue
            }
            switch c {
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
                    i = Lexer.lineEnd(p, n, from: i)
                    continue
                }
            case 0x2F: // /
                if rules.slashComments && i + 1 < n {
                    if p[i + 1] == 0x2F {
                        i = Lexer.lineEnd(p, n, from: i)
                        continue
                    }
                    if p[i + 1] == 0x2A {
                        i += 2
                        while i + 1 < n && !(p[i] == 0x2A && p[i + 1] == 0x2F) { if p[i] == 0x0A { line += 1 }; i += 1 }
                        i = min(i + 2, n)
                        continue
                    }
                }
                if rules.regexLiterals && regexAllowed {
                    i = Lexer.skipRegex(p, n, from: i + 1)
                    regexAllowed = false
                    continue
                }
            default: break
            }
            // Operators: two-character forms that matter for the analysis, else one character.
            var op = UInt16(c)
            var len = 1
            if i + 1 < n {
                let d = p[i + 1]
                if isTwoCharOp(c, d) { op |= UInt16(d) << 8; len = 2 }
            }
            let idx = tokenCount
            push(.op, i, i + len, line, op: op)
            if op == 0x3D || op == 0x3D3A { out.assignments.append(Int32(idx)) }  // "=" or ":="
            // After ")", "]" or "}" a "/" divides; after other operators it starts a regex.
            regexAllowed = !(c == 0x29 || c == 0x5D || c == 0x7D)
            i += len
        }
    }

    @inline(__always) static func isTwoCharOp(_ a: UInt8, _ b: UInt8) -> Bool {
        // One 16-bit key (first byte high) instead of a tuple pattern per pair.
        switch UInt16(a) << 8 | UInt16(b) {
        case 0x3D3D, 0x213D, 0x3C3D, 0x3E3D, 0x3D3E, 0x2D3E, 0x3A3A,
             0x3A3D, 0x2B3D, 0x2D3D, 0x2A3D, 0x2F3D, 0x2626, 0x7C7C,
             0x3C3C, 0x3E3E, 0x2A2A, 0x2B2B, 0x2D2D, 0x3F2E, 0x3F3F,
             0x7C3D, 0x263D:
            return true
        default:
            return false
        }
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

}
