import DSToolKit
import Foundation
import Yams

/// What to do with a value that does not fit its strategy, a ragged row or broken quoting.
public enum OnInvalid: String, Sendable, CaseIterable {
    /// Keep the value as it was (a ragged row is still masked column by column).
    case leave
    /// Replace the value (or every field of a broken row) with the redaction text.
    case redact
    /// Give up on the input: no output is written for it, an error names the row and reason.
    case fail
}

/// One rule of a policy: which field, which strategy, its parameters as written.
public struct FieldSpec: Sendable, Equatable {
    public var field: String
    public var strategy: String
    /// Raw scalar text of every other key of the rule (YAML 1.1 typing is not applied).
    public var parameters: [String: String]
    public var line: Int?

    public init(field: String, strategy: String, parameters: [String: String] = [:], line: Int? = nil) {
        self.field = field; self.strategy = strategy; self.parameters = parameters; self.line = line
    }
    var origin: String { "field '\(field)'" + (line.map { " (line \($0))" } ?? "") }

    /// Equal rules do the same thing wherever they were written.
    public static func == (a: FieldSpec, b: FieldSpec) -> Bool {
        a.field == b.field && a.strategy == b.strategy && a.parameters == b.parameters
    }
}

/// A masking policy (YAML):
///
///     version: 1
///     cipher: sm4              # FF1 block cipher: aes (default) or sm4
///     on_invalid: redact       # leave | redact | fail
///     fields:
///       - field: 手机号          # CSV column, JSON path ($.a.b[*].c), table.column, or #N
///         strategy: mask-mobile
///       - field: visits.date
///         strategy: date-shift
///         subject: visits.patient_id
///     text:                    # free text: strategy per detected kind
///       cn_mobile: mask-mobile
///     k_anonymity: {k: 5, quasi: [age, zip], suppress: false}
///
/// `fields` may also be a mapping: `手机号: mask-mobile` or `手机号: {strategy: ..., ...}`.
public struct MaskPolicy: Sendable, Equatable {
    public var cipher: BlockCipher.Algorithm = .aes
    public var onInvalid: OnInvalid?
    public var delimiter: String?
    public var header: Bool?
    public var fields: [FieldSpec] = []
    /// Free text: strategy per PII kind (raw kind names, e.g. cn_mobile).
    public var text: [FieldSpec] = []
    public var k: Int?
    public var quasi: [String] = []
    public var suppressBelowK = false

    public init() {}

    static let topKeys: Set<String> = ["version", "cipher", "on_invalid", "csv", "fields", "text", "k_anonymity"]

    public static func parse(yaml: String, name: String) throws -> MaskPolicy {
        func fail(_ message: String, _ node: Node? = nil) -> PolicyError {
            PolicyError("\(name)" + (node?.mark.map { ":\($0.line)" } ?? "") + ": " + message)
        }
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch {
            throw PolicyError("\(name): not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        guard let root else { throw PolicyError("\(name): the policy is empty") }
        guard let top = root.mapping else { throw fail("the policy must be a mapping with a 'fields' list", root) }
        var policy = MaskPolicy()
        for (k, v) in top {
            guard let key = k.scalar?.string else { throw fail("keys must be plain text", k) }
            switch key {
            case "version":
                guard v.scalar?.string == "1" else { throw fail("only policy version 1 is known", v) }
            case "cipher":
                guard let s = v.scalar?.string, let c = BlockCipher.Algorithm(rawValue: s.lowercased()) else {
                    throw fail("cipher must be aes or sm4", v)
                }
                policy.cipher = c
            case "on_invalid":
                guard let s = v.scalar?.string, let o = OnInvalid(rawValue: s) else { throw fail("on_invalid must be leave, redact or fail", v) }
                policy.onInvalid = o
            case "csv":
                guard let m = v.mapping else { throw fail("csv must be a mapping (delimiter, header)", v) }
                for (ck, cv) in m {
                    switch ck.scalar?.string {
                    case "delimiter": policy.delimiter = cv.scalar?.string
                    case "header":
                        guard let s = cv.scalar?.string, ["true", "false", "yes", "no"].contains(s.lowercased()) else {
                            throw fail("csv.header must be true or false", cv)
                        }
                        policy.header = ["true", "yes"].contains(s.lowercased())
                    default: throw fail("csv has no setting '\(ck.scalar?.string ?? "?")'", ck)
                    }
                }
            case "fields":
                policy.fields = try parseRules(v, what: "field", fail: fail)
            case "text":
                policy.text = try parseRules(v, what: "kind", fail: fail)
            case "k_anonymity":
                guard let m = v.mapping else { throw fail("k_anonymity must be a mapping (k, quasi, suppress)", v) }
                for (kk, kv) in m {
                    switch kk.scalar?.string {
                    case "k":
                        guard let s = kv.scalar?.string, let n = Int(s), n >= 2 else { throw fail("k_anonymity.k must be a whole number ≥ 2", kv) }
                        policy.k = n
                    case "quasi":
                        if let seq = kv.sequence { policy.quasi = seq.compactMap { $0.scalar?.string } }
                        else if let s = kv.scalar?.string { policy.quasi = s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                    case "suppress":
                        policy.suppressBelowK = ["true", "yes"].contains(kv.scalar?.string.lowercased() ?? "")
                    default: throw fail("k_anonymity has no setting '\(kk.scalar?.string ?? "?")'", kk)
                    }
                }
            default:
                throw fail("unknown key '\(key)' (known: \(topKeys.sorted().joined(separator: ", ")))", k)
            }
        }
        return policy
    }

    /// A list of rules (`- field: x, strategy: y, ...`) or a mapping (`x: y` / `x: {strategy: y, ...}`).
    static func parseRules(_ node: Node, what: String, fail: (String, Node?) -> PolicyError) throws -> [FieldSpec] {
        var out: [FieldSpec] = []
        func rule(name: String, body: Node, at: Node) throws -> FieldSpec {
            if let s = body.scalar?.string { return FieldSpec(field: name, strategy: s, line: at.mark?.line) }
            guard let m = body.mapping else { throw fail("the rule for '\(name)' must be a strategy name or a mapping", body) }
            var spec = FieldSpec(field: name, strategy: "", line: at.mark?.line)
            for (k, v) in m {
                guard let key = k.scalar?.string else { throw fail("rule keys must be plain text", k) }
                if key == "strategy" { spec.strategy = v.scalar?.string ?? ""; continue }
                if key == what || key == "field" { continue }
                if let s = v.scalar?.string { spec.parameters[key] = s }
                else if let seq = v.sequence { spec.parameters[key] = seq.compactMap { $0.scalar?.string }.joined(separator: ",") }
                else { throw fail("parameter '\(key)' must be a value", v) }
            }
            guard !spec.strategy.isEmpty else { throw fail("the rule for '\(name)' names no strategy", body) }
            return spec
        }
        if let seq = node.sequence {
            for item in seq {
                guard let m = item.mapping else { throw fail("each rule must be a mapping with '\(what)' and 'strategy'", item) }
                guard let name = (m[Node(what)] ?? m[Node("field")])?.scalar?.string, !name.isEmpty else {
                    throw fail("a rule has no '\(what)'", item)
                }
                out.append(try rule(name: name, body: item, at: item))
            }
        } else if let m = node.mapping {
            for (k, v) in m {
                guard let name = k.scalar?.string else { throw fail("rule names must be plain text", k) }
                out.append(try rule(name: name, body: v, at: k))
            }
        } else {
            throw fail("'\(what)' rules must be a list or a mapping", node)
        }
        return out
    }

    /// The policy as YAML (what --emit-policy writes; parse(yaml:) reads it back to the same policy).
    public func yaml(comment: String? = nil) -> String {
        var lines: [String] = []
        if let comment { lines += comment.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 } }
        lines.append("version: 1")
        lines.append("cipher: \(cipher.rawValue)")
        if let onInvalid { lines.append("on_invalid: \(onInvalid.rawValue)") }
        if delimiter != nil || header != nil {
            lines.append("csv:")
            if let delimiter { lines.append("  delimiter: \(YAMLText.quote(delimiter))") }
            if let header { lines.append("  header: \(header)") }
        }
        func emit(_ rules: [FieldSpec], key: String) {
            for r in rules {
                lines.append("  - \(key): \(YAMLText.quote(r.field))")
                lines.append("    strategy: \(r.strategy)")
                for (k, v) in r.parameters.sorted(by: { $0.key < $1.key }) { lines.append("    \(k): \(YAMLText.quote(v))") }
            }
        }
        lines.append(fields.isEmpty ? "fields: []" : "fields:")
        emit(fields, key: "field")
        if !text.isEmpty { lines.append("text:"); emit(text, key: "kind") }
        if let k {
            lines.append("k_anonymity:")
            lines.append("  k: \(k)")
            lines.append("  quasi: [\(quasi.map(YAMLText.quote).joined(separator: ", "))]")
            lines.append("  suppress: \(suppressBelowK)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

enum YAMLText {
    /// A scalar written so that YAML reads back exactly this text (quoted unless plainly safe).
    static func quote(_ s: String) -> String {
        let plainSafe = !s.isEmpty && s.unicodeScalars.allSatisfy { c in
            (c.value >= 0x80) || CharacterSet.alphanumerics.contains(c) || "_-./#".unicodeScalars.contains(c)
        } && !s.hasPrefix("-") && !s.hasPrefix("#") && !s.hasPrefix(".")
        let ambiguous: Set<String> = ["y", "Y", "n", "N", "yes", "no", "on", "off", "true", "false", "null", "~"]
        if plainSafe && !ambiguous.contains(s.lowercased()) && Double(s) == nil && Int(s) == nil { return s }
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if c.value < 0x20 { out += String(format: "\\x%02X", c.value) } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }
}
