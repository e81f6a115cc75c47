import DSToolKit
import Foundation

/// ATT&CK tactics in kill-chain order (the order an attack usually unfolds).
public enum Tactic: Int, CaseIterable, Comparable, Sendable {
    case reconnaissance = 1, resourceDevelopment, initialAccess, execution, persistence, privilegeEscalation
    case defenseEvasion, credentialAccess, discovery, lateralMovement, collection, commandAndControl
    case exfiltration, impact

    public static func < (a: Tactic, b: Tactic) -> Bool { a.rawValue < b.rawValue }

    public var id: String {
        switch self {
        case .reconnaissance: return "TA0043"
        case .resourceDevelopment: return "TA0042"
        case .initialAccess: return "TA0001"
        case .execution: return "TA0002"
        case .persistence: return "TA0003"
        case .privilegeEscalation: return "TA0004"
        case .defenseEvasion: return "TA0005"
        case .credentialAccess: return "TA0006"
        case .discovery: return "TA0007"
        case .lateralMovement: return "TA0008"
        case .collection: return "TA0009"
        case .commandAndControl: return "TA0011"
        case .exfiltration: return "TA0010"
        case .impact: return "TA0040"
        }
    }
    public var name: String {
        switch self {
        case .reconnaissance: return "reconnaissance"
        case .resourceDevelopment: return "resource-development"
        case .initialAccess: return "initial-access"
        case .execution: return "execution"
        case .persistence: return "persistence"
        case .privilegeEscalation: return "privilege-escalation"
        case .defenseEvasion: return "defense-evasion"
        case .credentialAccess: return "credential-access"
        case .discovery: return "discovery"
        case .lateralMovement: return "lateral-movement"
        case .collection: return "collection"
        case .commandAndControl: return "command-and-control"
        case .exfiltration: return "exfiltration"
        case .impact: return "impact"
        }
    }
    public var zh: String {
        switch self {
        case .reconnaissance: return "侦察"
        case .resourceDevelopment: return "资源开发"
        case .initialAccess: return "初始访问"
        case .execution: return "执行"
        case .persistence: return "持久化"
        case .privilegeEscalation: return "权限提升"
        case .defenseEvasion: return "防御规避"
        case .credentialAccess: return "凭据访问"
        case .discovery: return "发现"
        case .lateralMovement: return "横向移动"
        case .collection: return "收集"
        case .commandAndControl: return "命令与控制"
        case .exfiltration: return "数据渗出"
        case .impact: return "影响"
        }
    }
    /// From a Sigma tag such as `attack.initial_access` / `attack.initial-access`.
    public static func fromTag(_ tag: String) -> Tactic? {
        let t = tag.lowercased().replacingOccurrences(of: "_", with: "-")
        guard t.hasPrefix("attack.") else { return nil }
        let name = String(t.dropFirst(7))
        return allCases.first { $0.name == name }
    }
}

/// What a detector (built-in or Sigma) reports: id, titles, severity, ATT&CK techniques and tactic.
public struct TraceRule: Sendable, Hashable {
    public let id: String
    public let title: LocalizedText
    public let severity: Severity
    /// ATT&CK technique ids, e.g. T1190, T1110.001.
    public let techniques: [String]
    public let tactic: Tactic?
    public let category: String
    public let cwe: [String]
    public let remediation: LocalizedText?
    public let references: [String]

    public init(id: String, title: LocalizedText, severity: Severity, techniques: [String], tactic: Tactic?,
                category: String = "attack-tracing", cwe: [String] = [], remediation: LocalizedText? = nil, references: [String] = []) {
        self.id = id; self.title = title; self.severity = severity; self.techniques = techniques; self.tactic = tactic
        self.category = category; self.cwe = cwe; self.remediation = remediation; self.references = references
    }
}

/// One detection on one event: the rule, and what in the event made it fire.
public struct Detection: Sendable {
    public let rule: TraceRule
    public let detail: String
    /// Raised or lowered from the rule's when the event says so (e.g. an attack that got a 200).
    public var severity: Severity
    public init(_ rule: TraceRule, detail: String, severity: Severity? = nil) {
        self.rule = rule; self.detail = detail; self.severity = severity ?? rule.severity
    }
}
