import DSToolKit
import Foundation

/// A rule file problem: names the file and line, and the rule is skipped.
public struct SigmaError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int
    public let message: String
    public init(file: String, line: Int, _ message: String) { self.file = file; self.line = line; self.message = message }
    public var description: String { "\(file):\(line): \(message)" }
}

public struct SigmaLogSource: Sendable, Equatable {
    public var category: String?
    public var product: String?
    public var service: String?

    /// The event services a rule with this logsource needs; nil when it names a log this tool
    /// does not read (Windows event logs, firewall, ...): such rules load but never apply.
    public var required: ServiceBits? {
        var bits: ServiceBits = []
        if let c = category?.lowercased() {
            switch c {
            case "webserver", "web", "proxy": bits.formUnion([.webserver, .access])
            case "application": bits.insert(.application)
            case "database": bits.insert(.database)
            case "authentication": bits.insert(.auth)
            default: return nil
            }
        }
        if let p = product?.lowercased() {
            switch p {
            case "linux", "unix": bits.insert(.linux)
            case "nginx": bits.insert(.nginx)
            case "apache", "apache2", "httpd": bits.insert(.apache)
            case "mysql", "mariadb": bits.insert(.mysql)
            case "json", "jsonl", "application": bits.insert(.application)
            default: return nil
            }
        }
        if let s = service?.lowercased() {
            switch s {
            case "auth", "authpriv", "secure": bits.insert(.auth)
            case "sshd", "ssh": bits.insert(.sshd)
            case "sudo": bits.insert(.sudo)
            case "su": bits.insert(.su)
            case "syslog", "messages": bits.insert(.syslog)
            case "auditd", "audit": bits.insert(.auditd)
            case "journald", "journal": bits.insert(.journald)
            case "cron": bits.insert(.cron)
            case "access": bits.insert(.access)
            case "error": bits.insert(.error)
            case "general", "query": bits.insert(.general)
            case "slow", "slowquery", "slow_query": bits.insert(.slow)
            default: return nil
            }
        }
        return bits
    }
}

/// The condition tree after compilation: leaves are matcher atoms.
public indirect enum CondNode: Sendable {
    case and([CondNode])
    case or([CondNode])
    case not(CondNode)
    /// A string/regex atom matched by Hyperscan (global atom id).
    case hs(Int)
    /// An atom evaluated in code (numbers, CIDR, exists, field references, empty values).
    case computed(Int)
    case constant(Bool)
}

/// A detection rule.
public final class SigmaRule {
    public let id: String?
    public let name: String?
    public let title: String
    public let level: Severity
    public let tags: [String]
    public let logsource: SigmaLogSource
    public let file: String
    public let line: Int
    public let description: String?
    public let falsePositives: [String]
    public let references: [String]
    public internal(set) var condition: CondNode = .constant(false)
    /// Services an event needs for the rule to apply; nil = never applies.
    public let required: ServiceBits?
    /// Whether a match is reported on its own (false for rules that only feed correlations).
    public internal(set) var generate = true
    /// Correlations fed by this rule.
    public internal(set) var correlations: [Int] = []
    /// Hyperscan atoms the rule uses.
    public internal(set) var hsAtoms: [Int] = []
    public let traceRule: TraceRule

    init(id: String?, name: String?, title: String, titleZh: String? = nil, level: Severity, tags: [String], logsource: SigmaLogSource,
         file: String, line: Int, description: String?, falsePositives: [String], references: [String], builtin: Bool) {
        self.id = id; self.name = name; self.title = title; self.level = level; self.tags = tags; self.logsource = logsource
        self.file = file; self.line = line; self.description = description; self.falsePositives = falsePositives
        self.references = references
        required = logsource.required
        traceRule = TraceRule(id: SigmaRule.ruleId(id: id, name: name, title: title, builtin: builtin),
                              title: LocalizedText(en: title, zh: titleZh ?? title), severity: level, techniques: SigmaRule.techniques(tags),
                              tactic: SigmaRule.tactic(tags), category: "attack-tracing", references: references)
    }

    static func ruleId(id: String?, name: String?, title: String, builtin: Bool) -> String {
        let base = name ?? id ?? title.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.reduce(into: "") { $0.append($1) }
        return (builtin ? "trace.sigma." : "sigma.") + base
    }

    /// ATT&CK technique ids from tags such as `attack.t1190` or `attack.t1110.001`.
    static func techniques(_ tags: [String]) -> [String] {
        tags.compactMap { t in
            let l = t.lowercased()
            guard l.hasPrefix("attack.t"), l.dropFirst(8).first?.isNumber == true else { return nil }
            return "T" + l.dropFirst(8)
        }
    }

    /// The earliest tactic named in the tags (kill-chain order).
    static func tactic(_ tags: [String]) -> Tactic? { tags.compactMap(Tactic.fromTag).min() }
}

/// A Sigma v2 correlation rule.
public final class SigmaCorrelation {
    public enum Kind: String, Sendable { case eventCount = "event_count", valueCount = "value_count", temporal, temporalOrdered = "temporal_ordered" }
    public enum Comparison: Sendable { case gt, gte, lt, lte, eq, range(Double, Double) }

    public let id: String?
    public let name: String?
    public let title: String
    public let kind: Kind
    /// Referenced rules by name or id, as written.
    public let ruleRefs: [String]
    /// Indexes of the referenced rules, in the written order (resolved after loading).
    public internal(set) var rules: [Int] = []
    public let groupBy: [String]
    /// Field name per (alias, rule name/id): group-by names that differ between rules.
    public let aliases: [String: [String: String]]
    public let timespan: Int64   // microseconds
    public let comparison: Comparison?
    public let threshold: Double
    public let valueField: String?
    public let generate: Bool
    public let level: Severity
    public let tags: [String]
    public let file: String
    public let line: Int
    public let traceRule: TraceRule

    init(id: String?, name: String?, title: String, titleZh: String? = nil, kind: Kind, ruleRefs: [String], groupBy: [String],
         aliases: [String: [String: String]], timespan: Int64, comparison: Comparison?, threshold: Double,
         valueField: String?, generate: Bool, level: Severity, tags: [String], file: String, line: Int, builtin: Bool) {
        self.id = id; self.name = name; self.title = title; self.kind = kind; self.ruleRefs = ruleRefs; self.groupBy = groupBy
        self.aliases = aliases; self.timespan = timespan; self.comparison = comparison; self.threshold = threshold
        self.valueField = valueField; self.generate = generate; self.level = level; self.tags = tags; self.file = file
        self.line = line
        traceRule = TraceRule(id: SigmaRule.ruleId(id: id, name: name, title: title, builtin: builtin),
                              title: LocalizedText(en: title, zh: titleZh ?? title), severity: level, techniques: SigmaRule.techniques(tags),
                              tactic: SigmaRule.tactic(tags))
    }

    func holds(_ v: Double) -> Bool {
        switch comparison {
        case .gt?: return v > threshold
        case .gte?: return v >= threshold
        case .lt?: return v < threshold
        case .lte?: return v <= threshold
        case .eq?: return v == threshold
        case .range(let a, let b)?: return v >= a && v <= b
        case nil: return true
        }
    }
}
