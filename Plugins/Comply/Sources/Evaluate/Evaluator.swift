import DSToolKit
import Foundation

/// The result of one control in one pack.
public struct ControlResult: Sendable {
    public let pack: String
    public let control: PackControl
    public var status: ControlStatus
    public var reason: LocalizedText
    public var evidence: [EvidenceRef]
    /// The waiver that covers this failure (active), or the expired one that no longer does.
    public var waiver: Waiver?
    public var waiverExpired = false

    public var id: String { control.id }
    public var definition: ControlDefinition { control.definition.value }
    public var waived: Bool { status == .fail && waiver != nil && !waiverExpired }
}

public struct ClauseRollup: Sendable {
    public let clause: Clause
    public var counts: [ControlStatus: Int] = [:]
    public var waived = 0
    public var controls: [String] = []
    /// fail if any control failed (unwaived), then error, manual, pass; notapplicable if nothing applied.
    public var status: ControlStatus {
        for s in [ControlStatus.fail, .error, .manual, .pass] where (counts[s] ?? 0) > 0 { return s }
        return waived > 0 ? .pass : .notapplicable
    }
}

public struct PackScore: Sendable {
    public var counts: [ControlStatus: Int] = [:]
    public var waived = 0
    /// Severity-weighted share of decided controls that pass, 0–100; nil when nothing was decided.
    public var score: Double?
    public var passRate: Double?

    /// Weights: a failed critical control costs as much as four failed low ones.
    static func weight(_ s: Severity) -> Double {
        switch s { case .info: return 0.5; case .low: return 1; case .medium: return 2; case .high: return 3; case .critical: return 4 }
    }
}

public struct PackResult: Sendable {
    public let pack: RulePack
    public var results: [ControlResult]
    public var clauses: [ClauseRollup]
    public var score: PackScore
}

public enum Evaluator {
    public static func evaluate(_ pack: RulePack, evidence: Evidence, context: EvaluationContext, waivers: [Waiver]) -> PackResult {
        var results: [ControlResult] = []
        for control in pack.controls {
            let verdict = evaluate(control, evidence: evidence, context: context)
            var r = ControlResult(pack: pack.id, control: control, status: verdict.status, reason: verdict.reason, evidence: verdict.evidence)
            if let w = waivers.first(where: { $0.control == control.id && ($0.pack == nil || $0.pack == pack.id) }) {
                r.waiver = w
                r.waiverExpired = !w.isActive(on: context.asOf)
            }
            results.append(r)
        }
        return PackResult(pack: pack, results: results, clauses: rollup(results), score: score(results))
    }

    static func evaluate(_ control: PackControl, evidence: Evidence, context: EvaluationContext) -> Verdict {
        let def = control.definition.value
        for req in def.applicability.requires {
            let (present, why, unreadable) = req.check(in: evidence)
            if !present {
                if let unreadable, !unreadable.isEmpty {
                    return Verdict(.error, LocalizedText(en: "required evidence could not be read: \(why.en)", zh: "所需证据无法读取：\(why.zh)"),
                                   unreadable.map { EvidenceRef(input: $0.item, detail: LocalizedText($0.reason)) })
                }
                return Verdict(def.applicability.otherwise, why)
            }
        }
        return run(control.check, evidence, context)
    }

    static func run(_ check: Check, _ evidence: Evidence, _ context: EvaluationContext) -> Verdict {
        switch check {
        case .primitive(let p, _):
            return p.evaluate(evidence, context)
        case .all(let parts):
            return combineAll(parts.map { run($0, evidence, context) })
        case .any(let parts):
            return combineAny(parts.map { run($0, evidence, context) })
        }
    }

    /// all: every part must pass. A part that could not be judged keeps the whole from passing.
    static func combineAll(_ vs: [Verdict]) -> Verdict {
        for s in [ControlStatus.fail, .error, .manual] {
            let hit = vs.filter { $0.status == s }
            if !hit.isEmpty { return merge(s, hit) }
        }
        let passed = vs.filter { $0.status == .pass }
        let na = vs.filter { $0.status == .notapplicable }
        if passed.isEmpty { return merge(.notapplicable, na) }
        if na.isEmpty { return merge(.pass, passed) }
        // Part passed, part had no evidence: not a pass (never a false pass), an inspector must look.
        let m = merge(.manual, na)
        return Verdict(.manual, LocalizedText(en: "partly verified; " + m.reason.en, zh: "仅部分可验证；" + m.reason.zh),
                       passed.flatMap(\.evidence) + m.evidence)
    }

    /// any: one passing part is enough; it fails only when no part could still pass.
    static func combineAny(_ vs: [Verdict]) -> Verdict {
        for s in [ControlStatus.pass, .error, .manual, .fail] {
            let hit = vs.filter { $0.status == s }
            if !hit.isEmpty { return merge(s, hit) }
        }
        return merge(.notapplicable, vs)
    }

    static func merge(_ status: ControlStatus, _ vs: [Verdict]) -> Verdict {
        Verdict(status, LocalizedText(en: vs.map(\.reason.en).joined(separator: "; "), zh: vs.map(\.reason.zh).joined(separator: "；")),
                vs.flatMap(\.evidence))
    }

    static func rollup(_ results: [ControlResult]) -> [ClauseRollup] {
        var by: [Clause: ClauseRollup] = [:]
        for r in results {
            for c in r.definition.clauses {
                var roll = by[c] ?? ClauseRollup(clause: c)
                if r.waived { roll.waived += 1 } else { roll.counts[r.status, default: 0] += 1 }
                roll.controls.append(r.id)
                by[c] = roll
            }
        }
        return by.values.sorted { $0.clause < $1.clause }
    }

    static func score(_ results: [ControlResult]) -> PackScore {
        var s = PackScore()
        var passW = 0.0, decidedW = 0.0, pass = 0, decided = 0
        for r in results {
            if r.waived { s.waived += 1; continue }
            s.counts[r.status, default: 0] += 1
            guard r.status == .pass || r.status == .fail else { continue }
            let w = PackScore.weight(r.control.severity)
            decidedW += w; decided += 1
            if r.status == .pass { passW += w; pass += 1 }
        }
        if decided > 0 {
            s.score = (passW / decidedW * 1000).rounded() / 10
            s.passRate = (Double(pass) / Double(decided) * 1000).rounded() / 10
        }
        return s
    }
}

extension EvidenceRequirement {
    /// Whether the evidence is present; if not, why (and which unreadable items would have been it).
    func check(in e: Evidence) -> (Bool, LocalizedText, [UnreadableEvidence]?) {
        func r(_ ok: Bool, _ en: String, _ zh: String, _ roles: ItemRoles = [], _ type: ConfigType? = nil) -> (Bool, LocalizedText, [UnreadableEvidence]?) {
            let u = roles.isEmpty && type == nil ? [] : e.unreadable(roles: roles, configType: type)
            return (ok, LocalizedText(en: en, zh: zh), u)
        }
        switch self {
        case .files:
            return r(!e.items.isEmpty, "no evidence files", "没有证据文件")
        case .tables:
            return r(!e.tables.isEmpty, "no tables (CSV, SQLite, SQL dumps) among the evidence", "证据中没有数据表（CSV、SQLite、SQL 转储）", .table)
        case .passwordColumns:
            return r(e.tables.contains { $0.columns.contains(where: \.passwordLike) }, "no password columns among the evidence tables", "证据数据表中没有口令列", .table)
        case .personalData:
            let found = e.tables.contains { $0.columns.contains { !$0.pi.isEmpty } } || e.items.contains { $0.pi.map { !$0.isEmpty } ?? false }
            return r(found, "no personal data found in the evidence", "证据中未发现个人信息", [.table, .dataFile])
        case .logs:
            return r(!e.logs.isEmpty, "no log files among the evidence", "证据中没有日志文件", .log)
        case .logSettings:
            let ok = !e.logs.isEmpty || !e.configs(of: .logrotate).isEmpty || !e.configs(of: .journald).isEmpty
            return r(ok, "no logs, logrotate or journald settings among the evidence", "证据中没有日志、logrotate 或 journald 配置", .log)
        case .documents:
            return r(!e.documents.isEmpty, "no documents among the evidence", "证据中没有文档", .document)
        case .backups:
            return r(!e.backups.isEmpty, "no backups among the evidence", "证据中没有备份", .backup)
        case .testDatasets:
            return r(e.items.contains { $0.roles.contains(.testDataset) }, "no test or development datasets among the evidence", "证据中没有测试或开发数据集", .testDataset)
        case .crypto:
            return r(e.crypto.examined > 0, "no cryptographic configuration, certificates or keys among the evidence", "证据中没有密码相关配置、证书或密钥", .crypto)
        case .config(let t):
            return r(!e.configs(of: t).isEmpty, "no \(t.rawValue) configuration among the evidence", "证据中没有 \(t.rawValue) 配置", [], t)
        }
    }
}
