import CDSToolHyperscan
import Foundation

/// A test evaluated in code rather than by Hyperscan.
public enum ComputedAtom {
    public enum NumericOp: Sendable { case gt, gte, lt, lte }
    public enum RefMode: Sendable { case equals, contains, startsWith, endsWith }
    case cidr(FieldKey, IPNetwork)
    case numeric(FieldKey, NumericOp, Double)
    case exists(FieldKey, Bool)
    /// `null` or '' in a rule: the field is missing or empty.
    case emptyOrMissing(FieldKey)
    case fieldref(FieldKey, FieldKey, RefMode, cased: Bool)
    /// A regular expression Hyperscan cannot compile (backreferences, lookaround): run by
    /// NSRegularExpression, only for events of the rule's log source.
    case regex(FieldKey, NSRegularExpression)
}

/// Every matcher atom of all loaded rules. String atoms are shared between rules when field,
/// expression and flags are equal, so a thousand rules asking for `contains: '../'` cost one
/// pattern.
public final class SigmaAtoms {
    public struct HSAtom { public let key: FieldKey; public let pattern: HSPattern }
    public private(set) var hs: [HSAtom] = []
    public private(set) var computed: [ComputedAtom] = []
    private var index: [String: Int] = [:]

    func hsAtom(_ key: FieldKey, _ expression: String, flags: UInt32) -> Int {
        let k = "\(key)\u{1}\(flags)\u{1}\(expression)"
        if let i = index[k] { return i }
        let id = hs.count
        hs.append(HSAtom(key: key, pattern: HSPattern(expression, id: UInt32(id), flags: flags)))
        index[k] = id
        return id
    }

    func computedAtom(_ a: ComputedAtom) -> Int {
        computed.append(a)
        return computed.count - 1
    }
}

/// Turns Sigma detection values and modifiers into atoms and a condition tree.
struct SigmaCompiler {
    let atoms: SigmaAtoms
    let file: String

    static let knownModifiers: Set<String> = ["contains", "startswith", "endswith", "all", "re", "i", "m", "s", "cidr", "base64",
                                              "base64offset", "windash", "exists", "gt", "gte", "lt", "lte", "cased", "fieldref",
                                              "wide", "utf16le", "utf16be", "utf16", "expand"]

    /// A value as written in the rule: its raw text, or null.
    enum Value { case text(String), null }

    /// One `field|mods: values` entry: OR of its values (AND with |all).
    func item(field: String?, modifiers: [String], values: [Value], line: Int) throws -> CondNode {
        let key: FieldKey = field.map { FieldMapping.key(for: $0) } ?? .raw
        var mods = Set<String>()
        for m in modifiers {
            let l = m.lowercased()
            guard SigmaCompiler.knownModifiers.contains(l) else { throw SigmaError(file: file, line: line, "unknown modifier '\(m)'") }
            if l == "expand" { throw SigmaError(file: file, line: line, "placeholders (|expand) need a placeholder mapping, which this tool does not have") }
            mods.insert(l)
        }
        let matchKinds = mods.intersection(["contains", "startswith", "endswith", "re", "cidr", "exists", "gt", "gte", "lt", "lte"])
        if matchKinds.count > 1 { throw SigmaError(file: file, line: line, "modifiers \(matchKinds.sorted().joined(separator: ", ")) cannot be combined") }
        if values.isEmpty { throw SigmaError(file: file, line: line, "no values") }
        let all = mods.contains("all")
        var nodes: [CondNode] = []
        for v in values { nodes.append(try value(key, v, mods, keyword: field == nil, line: line)) }
        if nodes.count == 1 { return nodes[0] }
        return all ? .and(nodes) : .or(nodes)
    }

    func value(_ key: FieldKey, _ v: Value, _ mods: Set<String>, keyword: Bool, line: Int) throws -> CondNode {
        guard case .text(let text) = v else {
            if keyword { throw SigmaError(file: file, line: line, "a keyword cannot be null") }
            return .computed(atoms.computedAtom(.emptyOrMissing(key)))
        }
        if mods.contains("exists") {
            switch text.lowercased() {
            case "true", "yes": return .computed(atoms.computedAtom(.exists(key, true)))
            case "false", "no": return .computed(atoms.computedAtom(.exists(key, false)))
            default: throw SigmaError(file: file, line: line, "|exists needs true or false, not '\(text)'")
            }
        }
        for (m, op) in [("gt", ComputedAtom.NumericOp.gt), ("gte", .gte), ("lt", .lt), ("lte", .lte)] where mods.contains(m) {
            guard let d = Double(text) else { throw SigmaError(file: file, line: line, "|\(m) needs a number, not '\(text)'") }
            return .computed(atoms.computedAtom(.numeric(key, op, d)))
        }
        if mods.contains("cidr") {
            guard let net = IPNetwork(text) else { throw SigmaError(file: file, line: line, "'\(text)' is not a CIDR block") }
            return .computed(atoms.computedAtom(.cidr(key, net)))
        }
        let cased = mods.contains("cased")
        if mods.contains("fieldref") {
            let mode: ComputedAtom.RefMode = mods.contains("contains") ? .contains : mods.contains("startswith") ? .startsWith
                : mods.contains("endswith") ? .endsWith : .equals
            return .computed(atoms.computedAtom(.fieldref(key, FieldMapping.key(for: text), mode, cased: cased)))
        }
        if mods.contains("re") {
            var flags = HSPattern.singleMatch
            var options: NSRegularExpression.Options = []
            if mods.contains("i") { flags |= HSPattern.caseless; options.insert(.caseInsensitive) }
            if mods.contains("m") { flags |= HSPattern.multiline; options.insert(.anchorsMatchLines) }
            if mods.contains("s") { flags |= HSPattern.dotall; options.insert(.dotMatchesLineSeparators) }
            if let problem = HSDatabase.check(text, flags: flags) {
                // Hyperscan refuses it (backreference, lookaround ...): fall back to NSRegularExpression.
                guard let re = try? NSRegularExpression(pattern: text, options: options) else {
                    throw SigmaError(file: file, line: line, "bad regular expression '\(text)': \(problem)")
                }
                return .computed(atoms.computedAtom(.regex(key, re)))
            }
            return .hs(atoms.hsAtom(key, text, flags: flags))
        }
        // String matching, after the value transforms.
        var variants: [[UInt8]] = [Array(text.utf8)]
        if mods.contains("windash") { variants = variants.flatMap(SigmaCompiler.windash) }
        if mods.contains("wide") || mods.contains("utf16le") { variants = variants.map { SigmaCompiler.utf16($0, bigEndian: false, bom: false) } }
        else if mods.contains("utf16be") { variants = variants.map { SigmaCompiler.utf16($0, bigEndian: true, bom: false) } }
        else if mods.contains("utf16") { variants = variants.map { SigmaCompiler.utf16($0, bigEndian: false, bom: true) } }
        var wildcards = true
        if mods.contains("base64offset") {
            variants = variants.flatMap(SigmaCompiler.base64Offsets)
            wildcards = false
        } else if mods.contains("base64") {
            variants = variants.map { Array(Data($0).base64EncodedString().utf8) }
            wildcards = false
        }
        let contains = mods.contains("contains") || mods.contains("base64offset") || (keyword && !mods.contains("startswith") && !mods.contains("endswith"))
        let starts = mods.contains("startswith"), ends = mods.contains("endswith")
        var nodes: [CondNode] = []
        for raw in variants {
            let (expr, onlyWildcards, empty) = SigmaCompiler.regex(fromSigma: raw, wildcards: wildcards)
            if empty || onlyWildcards {
                // '' matches an empty field; '*' (or contains '') any present value.
                if empty && !contains && !starts && !ends { nodes.append(.computed(atoms.computedAtom(.emptyOrMissing(key)))) }
                else { nodes.append(.computed(atoms.computedAtom(.exists(key, true)))) }
                continue
            }
            var e = expr
            if !contains {
                if starts { e = "^" + e } else if ends { e = e + "$" } else { e = "^" + e + "$" }
            }
            let flags = cased ? HSPattern.caseSensitiveFlags : HSPattern.defaultFlags
            nodes.append(.hs(atoms.hsAtom(key, e, flags: flags)))
        }
        return nodes.count == 1 ? nodes[0] : .or(nodes)
    }

    /// A Sigma string (with `*` and `?` wildcards, `\` escaping `*`, `?` and `\`) as a
    /// Hyperscan expression; every literal byte outside [A-Za-z0-9_] is written as \xHH.
    static func regex(fromSigma b: [UInt8], wildcards: Bool) -> (String, onlyWildcards: Bool, empty: Bool) {
        if b.isEmpty { return ("", false, true) }
        var out = ""
        var i = 0
        var literal = 0
        while i < b.count {
            let c = b[i]
            if wildcards && c == 0x5C && i + 1 < b.count && (b[i + 1] == 0x2A || b[i + 1] == 0x3F || b[i + 1] == 0x5C) {
                out += hex(b[i + 1]); literal += 1; i += 2; continue
            }
            if wildcards && c == 0x2A { out += ".*"; i += 1; continue }
            if wildcards && c == 0x3F { out += "."; i += 1; continue }
            literal += 1
            if (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F {
                out.append(Character(UnicodeScalar(c)))
            } else {
                out += hex(c)
            }
            i += 1
        }
        return (out, literal == 0 && b.allSatisfy { $0 == 0x2A }, false)
    }

    @inline(__always) static func hex(_ c: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "\\x" + String(digits[Int(c >> 4)]) + String(digits[Int(c & 15)])
    }

    /// `-` at the start of a word in all its Windows spellings: -, /, en dash, em dash, horizontal bar.
    static func windash(_ b: [UInt8]) -> [[UInt8]] {
        let replacements: [[UInt8]] = [[0x2D], [0x2F], Array("\u{2013}".utf8), Array("\u{2014}".utf8), Array("\u{2015}".utf8)]
        var positions: [Int] = []
        for (i, c) in b.enumerated() where c == 0x2D && (i == 0 || b[i - 1] == 0x20) { positions.append(i) }
        if positions.isEmpty { return [b] }
        return replacements.map { r in
            var out: [UInt8] = []
            for (i, c) in b.enumerated() {
                if positions.contains(i) { out += r } else { out.append(c) }
            }
            return out
        }
    }

    static func utf16(_ b: [UInt8], bigEndian: Bool, bom: Bool) -> [UInt8] {
        var out: [UInt8] = bom ? [0xFF, 0xFE] : []
        for u in String(decoding: b, as: UTF8.self).utf16 {
            if bigEndian { out += [UInt8(u >> 8), UInt8(u & 0xFF)] } else { out += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        }
        return out
    }

    /// The three base64 spellings of a value at any offset in a longer base64 text (Sigma's base64offset).
    static func base64Offsets(_ b: [UInt8]) -> [[UInt8]] {
        let startOffsets = [0, 2, 3]
        let endOffsets = [0, 3, 2]  // characters cut at the end, by (len + i) % 3
        var out: [[UInt8]] = []
        for i in 0..<3 {
            let padded = [UInt8](repeating: 0x20, count: i) + b
            let enc = Array(Data(padded).base64EncodedString().utf8)
            let cutEnd = endOffsets[(b.count + i) % 3]
            let s = startOffsets[i]
            let e = enc.count - cutEnd
            if e > s { out.append(Array(enc[s..<e])) }
        }
        return out
    }
}
