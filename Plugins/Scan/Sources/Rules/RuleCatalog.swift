import DSToolKit
import FoundationEssentials
import DSToolYAML

/// The rules of a run: the built-in ones (RuleRegistry), then rules from `--rules FILE` that add
/// or replace them, then `--only`/`--skip`.
public enum RuleCatalog {
    public static func rules(options: ScanOptions) throws -> [SecretRule] {
        var rules = RuleRegistry.all
        for file in options.rulesFiles {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw DSToolError.usage("--rules \(file): cannot read the file")
            }
            let loaded = try UserRules.parse(text, source: file)
            for change in loaded {
                switch change {
                case .add(let r):
                    if let i = rules.firstIndex(where: { $0.id == r.id }) { rules[i] = r } else { rules.append(r) }
                case .disable(let id):
                    guard let i = rules.firstIndex(where: { $0.id == id }) else {
                        throw DSToolError.usage("--rules \(file): cannot disable unknown rule '\(id)'")
                    }
                    rules.remove(at: i)
                }
            }
        }
        return rules.filter { options.selects(ruleId: $0.ruleId, categories: ["secret", $0.category]) }
    }

    /// Manifest entries for every built-in rule and personal-data kind.
    public static func manifestRules() -> [PluginManifest.Rule] {
        RuleRegistry.all.map {
            PluginManifest.Rule(id: $0.ruleId, severity: $0.severity, title: $0.title,
                                references: $0.references.isEmpty ? SecretRule.defaultReferences : $0.references)
        } + PIIKind.allCases.map { PluginManifest.Rule(id: $0.ruleId, severity: $0.defaultSeverity, title: $0.title, references: $0.references) }
    }
}

/// Rules from a YAML file (read through libyaml's nodes, DSToolYAML, keeping each scalar's raw text):
/// ```
/// rules:
///   - id: acme-api-key
///     title: {en: ACME API key, zh: ACME 接口密钥}
///     category: saas
///     severity: high
///     keywords: [acme_]
///     pattern: 'acme_[a-z0-9]{32}'
///     secret: whole            # or after-assignment, url-password, last-token, "after:TEXT"
///     min_entropy: 3.5
///     examples: ["key = acme_..."]
///     counter_examples: ["acme_example"]
///   - id: generic-password
///     disabled: true           # turns a built-in rule off
/// ```
public enum UserRules {
    public enum Change { case add(SecretRule), disable(String) }

    public static func parse(_ text: String, source: String) throws -> [Change] {
        func fail(_ m: String) -> DSToolError { DSToolError.usage("--rules \(source): \(m)") }
        let root: YAMLNode?
        do { root = try YAML.compose(text) } catch { throw fail("not valid YAML (\(error))") }
        guard let list = root?.mapping?["rules"]?.sequence ?? root?.sequence else {
            throw fail("expected a list under 'rules'")
        }
        var out: [Change] = []
        for (n, node) in list.enumerated() {
            guard let m = node.mapping else { throw fail("rule \(n + 1) is not a mapping") }
            func scalar(_ k: String) -> String? { m[k]?.scalar }
            func strings(_ k: String) throws -> [String] {
                guard let v = m[k] else { return [] }
                if let s = v.scalar { return [s] }
                guard let seq = v.sequence else { throw fail("rule \(n + 1): '\(k)' must be a list") }
                return try seq.map { guard let s = $0.scalar else { throw fail("rule \(n + 1): '\(k)' must hold strings") }; return s }
            }
            let known: Set<String> = ["id", "title", "category", "severity", "keywords", "pattern", "secret", "min_entropy",
                                      "max_entropy", "examples", "counter_examples", "references", "disabled"]
            for (k, _) in m { if let key = k.scalar, !known.contains(key) { throw fail("rule \(n + 1): unknown key '\(key)'") } }
            guard let id = scalar("id"), !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
                throw fail("rule \(n + 1): 'id' is missing or has characters other than letters, digits, - _ .")
            }
            if let d = scalar("disabled"), ["true", "yes", "on"].contains(d.lowercased()) { out.append(.disable(id)); continue }
            guard let pattern = scalar("pattern"), !pattern.isEmpty else { throw fail("rule \(id): 'pattern' is missing") }
            var title = LocalizedText(id)
            if let t = m["title"] {
                if let s = t.scalar { title = LocalizedText(s) }
                else if let tm = t.mapping {
                    let en = tm["en"]?.scalar ?? id
                    title = LocalizedText(en: en, zh: tm["zh"]?.scalar ?? en)
                }
            }
            let sevText = scalar("severity") ?? "high"
            guard let severity = Severity(rawValue: sevText) else { throw fail("rule \(id): severity '\(sevText)' is not one of info, low, medium, high, critical") }
            var part = SecretPart.whole
            if let s = scalar("secret") {
                switch s {
                case "whole": part = .whole
                case "after-assignment": part = .afterAssignment
                case "url-password": part = .urlPassword
                case "last-token": part = .lastToken
                default:
                    guard s.hasPrefix("after:"), s.count > 6 else { throw fail("rule \(id): secret '\(s)' is not whole, after-assignment, url-password last-token or after:TEXT") }
                    part = .after(String(s.dropFirst(6)))
                }
            }
            func number(_ k: String) throws -> Double? {
                guard let s = scalar(k) else { return nil }
                guard let v = Double(s), v >= 0, v <= 8 else { throw fail("rule \(id): '\(k)' must be a number from 0 to 8") }
                return v
            }
            // Read in this order so that the first bad field is the one reported, as before.
            let keywords = try strings("keywords").map { $0.lowercased() }
            let minEntropy = try number("min_entropy"), maxEntropy = try number("max_entropy")
            let examples = try strings("examples"), counterExamples = try strings("counter_examples")
            let references = try strings("references")
            out.append(.add(SecretRule(id: id, title: title, category: scalar("category") ?? "custom", severity: severity,
                                       keywords: keywords, pattern: pattern, secret: part,
                                       minEntropy: minEntropy, maxEntropy: maxEntropy,
                                       examples: examples, counterExamples: counterExamples, references: references)))
        }
        return out
    }
}
