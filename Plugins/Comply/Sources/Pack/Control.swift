import DSToolKit
import Foundation

/// Evidence a control needs before it can be judged at all.
public enum EvidenceRequirement: Hashable, Sendable {
    case files, tables, passwordColumns, personalData, logs, logSettings, documents, backups, testDatasets, crypto
    case config(ConfigType)

    static let simpleNames: [String: EvidenceRequirement] = [
        "files": .files, "tables": .tables, "password-columns": .passwordColumns, "personal-data": .personalData,
        "logs": .logs, "log-settings": .logSettings, "documents": .documents, "backups": .backups,
        "test-datasets": .testDatasets, "crypto": .crypto,
    ]

    static func parse(_ s: String) -> EvidenceRequirement? {
        if let r = simpleNames[s] { return r }
        if s.hasPrefix("config:"), let t = ConfigType(rawValue: String(s.dropFirst(7))) { return .config(t) }
        return nil
    }

    static var allNames: [String] { simpleNames.keys.sorted() + ConfigType.allCases.map { "config:\($0.rawValue)" } }

    var name: String {
        if case .config(let t) = self { return "config:\(t.rawValue)" }
        return Self.simpleNames.first { $0.value == self }!.key
    }
}

public struct Applicability: Sendable {
    public var requires: [EvidenceRequirement] = []
    /// The answer when required evidence is missing: notapplicable (the control does not concern
    /// this system) or manual (the inspector has to look for it elsewhere).
    public var otherwise: ControlStatus = .notapplicable
}

/// A check: a primitive, or all / any of several checks.
indirect enum Check: Sendable {
    case all([Check])
    case any([Check])
    case primitive(any CheckPrimitive, SourcePosition)

    var needs: EvidenceNeeds {
        var n = EvidenceNeeds()
        switch self {
        case .all(let cs), .any(let cs): for c in cs { n.merge(c.needs) }
        case .primitive(let p, _): n.merge(p.needs)
        }
        return n
    }
}

/// A control as written in a rule file; its check is built per pack (parameters may differ).
public struct ControlDefinition {
    public let id: String
    public let title: LocalizedText
    public let description: LocalizedText
    public let severity: Severity
    public let clauses: [Clause]
    public let applicability: Applicability
    public let remediation: LocalizedText
    let parameters: [String: YNode]
    let checkNode: YNode
    public let position: SourcePosition

    static let keys: Set<String> = ["id", "title", "description", "severity", "clauses", "applicability", "parameters", "check", "remediation"]

    static func parse(_ node: YNode) throws -> ControlDefinition {
        let m = try node.mapping("a control")
        try m.allowOnly(keys)
        let idNode = try m.require("id")
        let id = try idNode.text("id")
        guard id.range(of: "^[A-Za-z0-9][A-Za-z0-9._-]*$", options: .regularExpression) != nil else {
            throw idNode.error("control id '\(id)' may only use letters, digits, '.', '_' and '-'")
        }
        let severity = try m.require("severity").oneOf("severity", Severity.self)
        let clausesNode = try m.require("clauses")
        var clauses: [Clause] = []
        for c in try clausesNode.sequence("clauses") {
            let text = try c.text("a clause")
            guard let clause = Clause.parse(text) else {
                throw c.error("unknown clause '\(text)': it must start with one of \(ClauseSource.known.map(\.id).joined(separator: ", ")), then a reference such as 'art. 27' or '8.1.4.3'")
            }
            clauses.append(clause)
        }
        if clauses.isEmpty { throw clausesNode.error("a control must cite at least one clause") }
        var applicability = Applicability()
        if let a = m["applicability"] {
            let am = try a.mapping("applicability")
            try am.allowOnly(["requires", "otherwise"])
            if let r = am["requires"] {
                let entries = r.isScalar ? [r] : try r.sequence("applicability.requires")
                for e in entries {
                    let s = try e.text("applicability.requires")
                    guard let req = EvidenceRequirement.parse(s) else {
                        throw e.error("unknown evidence '\(s)' (known: \(EvidenceRequirement.allNames.joined(separator: ", ")))")
                    }
                    applicability.requires.append(req)
                }
            }
            if let o = am["otherwise"] {
                let s = try o.text("applicability.otherwise")
                guard s == "notapplicable" || s == "manual" else { throw o.error("applicability.otherwise must be notapplicable or manual, not '\(s)'") }
                applicability.otherwise = ControlStatus(rawValue: s)!
            }
        }
        var parameters: [String: YNode] = [:]
        if let p = m["parameters"] {
            for pair in try p.mapping("parameters").pairs { parameters[pair.key] = pair.value }
        }
        let def = ControlDefinition(
            id: id, title: try m.require("title").localized("title"),
            description: try m.require("description").localized("description"),
            severity: severity, clauses: clauses, applicability: applicability,
            remediation: try m.require("remediation").localized("remediation"),
            parameters: parameters, checkNode: try m.require("check"), position: node.position)
        // Build the check once with the defaults, so a broken control fails at load even if no pack selects it.
        _ = try def.buildCheck(overrides: [:])
        return def
    }

    /// The check with the pack's parameter overrides applied.
    func buildCheck(overrides: [String: YNode]) throws -> Check {
        var params = parameters
        for (k, v) in overrides { params[k] = v }
        return try Self.buildCheck(checkNode, params)
    }

    static func buildCheck(_ node: YNode, _ params: [String: YNode]) throws -> Check {
        let m = try node.mapping("a check")
        guard m.pairs.count == 1, let pair = m.pairs.first else {
            throw node.error("a check is one of all, any, or a primitive (\(PrimitiveRegistry.all.map { $0.name }.joined(separator: ", "))), with its arguments")
        }
        switch pair.key {
        case "all", "any":
            let parts = try pair.value.sequence(pair.key)
            if parts.isEmpty { throw pair.value.error("\(pair.key) needs at least one check") }
            let checks = try parts.map { try buildCheck($0, params) }
            return pair.key == "all" ? .all(checks) : .any(checks)
        default:
            guard let type = PrimitiveRegistry.named(pair.key) else {
                throw pair.keyNode.error("unknown check '\(pair.key)' (known: all, any, \(PrimitiveRegistry.all.map { $0.name }.joined(separator: ", ")))")
            }
            let argsMap: YMapping
            if pair.value.isScalar, ["", "~", "null"].contains((try? pair.value.scalar("")) ?? "x") {
                argsMap = YMapping(node: pair.value, what: pair.key, pairs: [])
            } else {
                argsMap = try pair.value.mapping("the arguments of \(pair.key)")
            }
            let p = try type.init(PrimitiveArgs(primitive: pair.key, mapping: argsMap, parameters: params))
            return .primitive(p, pair.keyNode.position)
        }
    }
}

/// A control as a pack uses it: definition, check built with the pack's parameters, severity.
public struct PackControl: Sendable {
    public let definition: ControlDefinitionBox
    let check: Check
    public let severity: Severity
    public var id: String { definition.value.id }
}

/// ControlDefinition holds Yams nodes (not Sendable); results only read its plain fields.
public final class ControlDefinitionBox: @unchecked Sendable {
    public let value: ControlDefinition
    init(_ value: ControlDefinition) { self.value = value }
}
