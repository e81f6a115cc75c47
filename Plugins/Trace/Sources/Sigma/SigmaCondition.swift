import Foundation

/// A parsed Sigma condition, before the selections are compiled in.
public indirect enum ConditionAST: Equatable, Sendable {
    case and([ConditionAST])
    case or([ConditionAST])
    case not(ConditionAST)
    case identifier(String)
    /// `1 of pattern` (`them` = every selection not starting with '_').
    case oneOf(String)
    /// `all of pattern`.
    case allOf(String)
}

/// Parses Sigma conditions: `and`, `or`, `not`, brackets, `1 of x*`, `all of them`, `any of`.
/// Operator precedence: not > and > or. Sigma v1 aggregations (`| count() by x > 5`) are refused
/// with a message that points at correlation rules, their replacement.
public enum ConditionParser {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    enum Token: Equatable { case word(String), open, close, pipe, end }

    static func tokenize(_ s: String) throws -> [Token] {
        var out: [Token] = []
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" { i = s.index(after: i); continue }
            if c == "(" { out.append(.open); i = s.index(after: i); continue }
            if c == ")" { out.append(.close); i = s.index(after: i); continue }
            if c == "|" { out.append(.pipe); i = s.index(after: i); continue }
            var j = i
            while j < s.endIndex, !" \t\n\r()|".contains(s[j]) { j = s.index(after: j) }
            out.append(.word(String(s[i..<j])))
            i = j
        }
        out.append(.end)
        return out
    }

    public static func parse(_ text: String) throws -> ConditionAST {
        let tokens = try tokenize(text)
        if tokens.contains(.pipe) {
            throw Failure(message: "aggregation conditions ('| count() ...') are Sigma v1; write a correlation rule instead")
        }
        var pos = 0
        let ast = try parseOr(tokens, &pos)
        guard tokens[pos] == .end else { throw Failure(message: "unexpected '\(describe(tokens[pos]))' in condition '\(text)'") }
        return ast
    }

    static func describe(_ t: Token) -> String {
        switch t {
        case .word(let w): return w
        case .open: return "("
        case .close: return ")"
        case .pipe: return "|"
        case .end: return "end of condition"
        }
    }

    static func isKeyword(_ t: Token, _ k: String) -> Bool {
        if case .word(let w) = t { return w.lowercased() == k }
        return false
    }

    static func parseOr(_ t: [Token], _ pos: inout Int) throws -> ConditionAST {
        var items = [try parseAnd(t, &pos)]
        while isKeyword(t[pos], "or") { pos += 1; items.append(try parseAnd(t, &pos)) }
        return items.count == 1 ? items[0] : .or(items)
    }

    static func parseAnd(_ t: [Token], _ pos: inout Int) throws -> ConditionAST {
        var items = [try parseNot(t, &pos)]
        while isKeyword(t[pos], "and") { pos += 1; items.append(try parseNot(t, &pos)) }
        return items.count == 1 ? items[0] : .and(items)
    }

    static func parseNot(_ t: [Token], _ pos: inout Int) throws -> ConditionAST {
        if isKeyword(t[pos], "not") { pos += 1; return .not(try parseNot(t, &pos)) }
        return try parsePrimary(t, &pos)
    }

    static func parsePrimary(_ t: [Token], _ pos: inout Int) throws -> ConditionAST {
        switch t[pos] {
        case .open:
            pos += 1
            let inner = try parseOr(t, &pos)
            guard t[pos] == .close else { throw Failure(message: "missing ')'") }
            pos += 1
            return inner
        case .word(let w):
            let lw = w.lowercased()
            if lw == "1" || lw == "all" || lw == "any" {
                guard isKeyword(t[pos + 1], "of") else {
                    if lw == "1" || lw == "all" { throw Failure(message: "'\(w)' must be followed by 'of'") }
                    pos += 1
                    return .identifier(w)
                }
                guard case .word(let pattern) = t[pos + 2] else { throw Failure(message: "'\(w) of' needs a selection pattern or 'them'") }
                pos += 3
                return lw == "all" ? .allOf(pattern) : .oneOf(pattern)
            }
            if let n = Int(w), n > 1, isKeyword(t[pos + 1], "of") {
                throw Failure(message: "'\(n) of' is not Sigma; use '1 of' or 'all of'")
            }
            if ["and", "or", "of", "near"].contains(lw) { throw Failure(message: "unexpected '\(w)'") }
            pos += 1
            return .identifier(w)
        case .close: throw Failure(message: "unexpected ')'")
        case .pipe: throw Failure(message: "unexpected '|'")
        case .end: throw Failure(message: "condition ends too early")
        }
    }

    /// Selection names matching a `1 of`/`all of` pattern (`*` wildcard; `them` = all but `_x`).
    public static func expand(_ pattern: String, _ names: [String]) -> [String] {
        if pattern.lowercased() == "them" { return names.filter { !$0.hasPrefix("_") } }
        return names.filter { fnmatch(pattern, $0, 0) == 0 }
    }
}
