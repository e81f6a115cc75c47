import DSToolKit
import Foundation
import Yams

/// Where something is in a rule pack or waiver file (1-based line and column, columns in
/// Unicode scalars as libyaml counts them).
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) { self.file = file; self.line = line; self.column = column }
    public var description: String { "\(file):\(line):\(column)" }
}

/// A broken rule pack or waiver file: `file:line:column: message`. Nothing runs after one.
public struct PackError: Error, CustomStringConvertible, Equatable, Sendable {
    public var position: SourcePosition
    public var message: String
    public init(_ position: SourcePosition, _ message: String) { self.position = position; self.message = message }
    public var description: String { "\(position): \(message)" }
}

/// A node of a rule file, read through `Yams.compose` so every scalar keeps its raw text
/// (YAML 1.1 typing would turn `no` into false and `010` into 8, and lose the position).
struct YNode {
    let node: Node
    let file: String

    var position: SourcePosition {
        SourcePosition(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    func error(_ message: String) -> PackError { PackError(position, message) }

    /// Parses one YAML document; syntax errors carry libyaml's position.
    static func parse(_ text: String, file: String) throws -> YNode {
        if let alias = firstAnchorOrAlias(text) {
            throw PackError(SourcePosition(file: file, line: alias.line, column: alias.column), "YAML anchors and aliases are not allowed in rule files")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let e as YamlError {
            throw Self.translate(e, text: text, file: file)
        }
        guard let root else { throw PackError(SourcePosition(file: file, line: 1, column: 1), "the file is empty") }
        return YNode(node: root, file: file)
    }

    static func translate(_ e: YamlError, text: String, file: String) -> PackError {
        func at(_ m: Mark) -> SourcePosition { SourcePosition(file: file, line: max(m.line, 1), column: max(m.column, 1)) }
        switch e {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return PackError(at(mark), "YAML syntax: \(problem)")
        case .reader(let problem, let offset, _, _):
            return PackError(position(ofCharacter: offset ?? 0, in: text, file: file), "YAML encoding: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? "?"
            // Yams points at the first occurrence; the error is the second one.
            let second = secondOccurrence(of: key, after: context.mark, in: text)
                .map { SourcePosition(file: file, line: $0.line, column: $0.column) } ?? at(context.mark)
            return PackError(second, "duplicate key '\(key)' (first at line \(context.mark.line))")
        default:
            return PackError(SourcePosition(file: file, line: 1, column: 1), "YAML: \(e)")
        }
    }

    static func position(ofCharacter offset: Int, in text: String, file: String) -> SourcePosition {
        var line = 1, column = 1
        for (i, ch) in text.unicodeScalars.enumerated() {
            if i >= offset { break }
            if ch == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return SourcePosition(file: file, line: line, column: column)
    }

    /// The line after `first` where `key:` starts at the same column.
    static func secondOccurrence(of key: String, after first: Mark, in text: String) -> (line: Int, column: Int)? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard first.line >= 1, first.line <= lines.count else { return nil }
        for n in first.line..<lines.count {
            let scalars = Array(lines[n].unicodeScalars)
            let start = first.column - 1
            guard start >= 0, scalars.count > start else { continue }
            let rest = String(String.UnicodeScalarView(scalars[start...]))
            if rest.hasPrefix(key) {
                let after = rest.dropFirst(key.count).drop { $0 == " " }
                if after.hasPrefix(":") { return (n + 1, first.column) }
            }
        }
        return nil
    }

    /// Where an anchor (`&a`) or alias (`*a`) starts a node, outside quotes and comments. Yams
    /// resolves aliases into the anchored node (and its position), so they are refused up front:
    /// rule files stay literal, and an alias bomb cannot expand.
    static func firstAnchorOrAlias(_ text: String) -> (line: Int, column: Int)? {
        var line = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            line += 1
            let cs = Array(raw.unicodeScalars)
            var quote: Unicode.Scalar?
            var prev: Unicode.Scalar = " "
            for (i, c) in cs.enumerated() {
                if let q = quote {
                    if c == q { quote = nil }
                } else if c == "\"" || c == "'" {
                    if prev == " " || prev == "[" || prev == "{" || prev == "," || prev == ":" || i == 0 || prev == "-" { quote = c }
                } else if c == "#" && (prev == " " || i == 0) {
                    break
                } else if (c == "&" || c == "*") && (i == 0 || prev == " " || prev == "[" || prev == "{" || prev == ",") {
                    if i + 1 < cs.count, cs[i + 1] != " " { return (line, i + 1) }
                }
                prev = c
            }
        }
        return nil
    }

    var isScalar: Bool { if case .scalar = node { return true }; return false }
    var isSequence: Bool { if case .sequence = node { return true }; return false }
    var isMapping: Bool { if case .mapping = node { return true }; return false }

    /// The scalar's raw text.
    func scalar(_ what: String) throws -> String {
        guard case .scalar(let s) = node else { throw error("\(what) must be a single value, not a \(kindName)") }
        return s.string
    }

    /// A non-empty scalar.
    func text(_ what: String) throws -> String {
        let s = try scalar(what).trimmingCharacters(in: .whitespacesAndNewlines)
        if s.isEmpty { throw error("\(what) must not be empty") }
        return s
    }

    var kindName: String {
        switch node {
        case .scalar: return "value"
        case .sequence: return "list"
        case .mapping: return "mapping"
        case .alias: return "alias"
        }
    }

    func mapping(_ what: String) throws -> YMapping {
        guard case .mapping(let m) = node else { throw error("\(what) must be a mapping, not a \(kindName)") }
        var pairs: [YMapping.Pair] = []
        for (k, v) in m {
            let key = YNode(node: k, file: file)
            pairs.append(YMapping.Pair(key: try key.text("a key in \(what)"), keyNode: key, value: YNode(node: v, file: file)))
        }
        return YMapping(node: self, what: what, pairs: pairs)
    }

    func sequence(_ what: String) throws -> [YNode] {
        guard case .sequence(let s) = node else { throw error("\(what) must be a list, not a \(kindName)") }
        return s.map { YNode(node: $0, file: file) }
    }

    /// One value or a list of values, each with its node (to point at a bad one).
    func textNodes(_ what: String) throws -> [(text: String, node: YNode)] {
        if isScalar { return [(try text(what), self)] }
        let items = try sequence(what)
        if items.isEmpty { throw error("\(what) must not be an empty list") }
        return try items.map { (try $0.text("an entry of \(what)"), $0) }
    }

    /// One value or a list of values.
    func texts(_ what: String) throws -> [String] {
        if isScalar { return [try text(what)] }
        let items = try sequence(what)
        if items.isEmpty { throw error("\(what) must not be an empty list") }
        return try items.map { try $0.text("an entry of \(what)") }
    }

    /// `{zh: ..., en: ...}`, both required.
    func localized(_ what: String) throws -> LocalizedText {
        let m = try mapping(what)
        try m.allowOnly(["zh", "en"])
        return LocalizedText(en: try m.require("en").text("\(what).en"), zh: try m.require("zh").text("\(what).zh"))
    }

    func int(_ what: String, min: Int? = nil, max: Int? = nil) throws -> Int {
        let s = try text(what)
        guard let v = Int(s) else { throw error("\(what) must be a whole number, not '\(s)'") }
        if let min, v < min { throw error("\(what) must be at least \(min), not \(v)") }
        if let max, v > max { throw error("\(what) must be at most \(max), not \(v)") }
        return v
    }

    func double(_ what: String) throws -> Double {
        let s = try text(what)
        guard let v = Double(s), v.isFinite else { throw error("\(what) must be a number, not '\(s)'") }
        return v
    }

    func bool(_ what: String) throws -> Bool {
        switch try text(what) {
        case "true": return true
        case "false": return false
        case let s: throw error("\(what) must be true or false, not '\(s)'")
        }
    }

    func day(_ what: String) throws -> Day {
        let s = try text(what)
        guard let d = Day(s) else { throw error("\(what) must be a date YYYY-MM-DD, not '\(s)'") }
        return d
    }

    func oneOf<T: RawRepresentable & CaseIterable>(_ what: String, _ type: T.Type) throws -> T where T.RawValue == String {
        let s = try text(what)
        guard let v = T(rawValue: s) else {
            throw error("\(what) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), not '\(s)'")
        }
        return v
    }
}

/// A mapping's pairs in file order, keys as raw text.
struct YMapping {
    struct Pair { let key: String; let keyNode: YNode; let value: YNode }
    let node: YNode
    let what: String
    let pairs: [Pair]

    subscript(key: String) -> YNode? { pairs.first { $0.key == key }?.value }

    func require(_ key: String) throws -> YNode {
        guard let v = self[key] else { throw node.error("\(what) has no '\(key)'") }
        return v
    }

    /// Unknown keys are errors at the key's position (a typo must not silently disable a check).
    func allowOnly(_ keys: Set<String>) throws {
        for p in pairs where !keys.contains(p.key) {
            throw p.keyNode.error("unknown key '\(p.key)' in \(what) (expected \(keys.sorted().joined(separator: ", ")))")
        }
    }
}

/// A calendar day (no time zone games: waiver expiry and document dates are whole days).
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let ordinal: Int

    public init(ordinal: Int) { self.ordinal = ordinal }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year) else { return nil }
        ordinal = Day.daysFromCivil(year, month, day)
    }

    /// `YYYY-MM-DD`.
    public init?(_ s: String) {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public init(epochSeconds: Int64) { ordinal = Int((Double(epochSeconds) / 86400).rounded(.down)) }

    public static func today() -> Day {
        var t = time(nil)
        var tmv = tm()
        localtime_r(&t, &tmv)
        return Day(year: Int(tmv.tm_year) + 1900, month: Int(tmv.tm_mon) + 1, day: Int(tmv.tm_mday))!
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = ordinal + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    public var description: String {
        let c = components
        return String(format: "%04d-%02d-%02d", c.year, c.month, c.day)
    }

    public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }
    public static func - (a: Day, b: Day) -> Int { a.ordinal - b.ordinal }
    public static func + (a: Day, n: Int) -> Day { Day(ordinal: a.ordinal + n) }
}
