import DSToolKit
import Foundation

/// `log_retention`: logs are kept at least `min_days` (网络安全法 art. 21: six months).
/// Configured retention (logrotate rotate × period, capped by maxage; journald MaxRetentionSec)
/// shorter than that fails. Otherwise it passes when the settings keep enough, or when the logs
/// present reach back far enough; logs alone that reach back less go to manual review (the system
/// may be young, or only part of the logs was handed over).
///
///     log_retention:
///       min_days: 180
struct LogRetention: CheckPrimitive {
    static let name = "log_retention"
    let minDays: Int

    init(_ args: PrimitiveArgs) throws {
        var a = args
        minDays = try a.int("min_days", min: 1) ?? 180
        try a.finish()
    }

    var needs: EvidenceNeeds {
        var n = EvidenceNeeds()
        n.logs = true
        n.configs = [.logrotate, .journald]
        return n
    }

    func evaluate(_ e: Evidence, _ ctx: EvaluationContext) -> Verdict {
        var short: [EvidenceRef] = [], enough: [EvidenceRef] = [], unknown: [EvidenceRef] = []
        // logrotate: each block with the group's global defaults.
        let lr = e.configs(of: .logrotate)
        let globals = Dictionary(grouping: lr.filter { !$0.isDropIn }, by: \.group).compactMapValues { $0.first?.logrotate?.global }
        for f in lr {
            guard let cfg = f.logrotate else { continue }
            let g = globals[f.group]
            for b in cfg.blocks {
                let rotate = b.rotate ?? g?.rotate ?? 0
                guard let period = b.periodDays ?? g?.periodDays else {
                    unknown.append(EvidenceRef(input: f.item, line: b.line, detail: LocalizedText(
                        en: "\(b.paths): rotated by size only; retention depends on volume", zh: "\(b.paths)：仅按大小轮转，保留时长取决于日志量")))
                    continue
                }
                var days = rotate * max(period, 1)
                if period == 0 { days = rotate / 24 }
                if let maxAge = b.maxAge ?? g?.maxAge { days = min(days, maxAge) }
                let line = b.rotateLine ?? b.line
                let detail = LocalizedText(en: "\(b.paths): keeps \(days) days (rotate \(rotate) × \(period == 0 ? "hourly" : "\(period) days"))",
                                           zh: "\(b.paths)：保留 \(days) 天（rotate \(rotate) × \(period == 0 ? "每小时" : "\(period) 天")）")
                if days < minDays { short.append(EvidenceRef(input: f.item, line: line, detail: detail)) }
                else { enough.append(EvidenceRef(input: f.item, line: line, detail: detail)) }
            }
        }
        // journald: the effective MaxRetentionSec of each system (drop-ins override the main file).
        let jd = e.configs(of: .journald)
        for (_, files) in Dictionary(grouping: jd, by: \.group) {
            let ordered = files.filter { !$0.isDropIn }.sorted { $0.item < $1.item } + files.filter(\.isDropIn).sorted { $0.item < $1.item }
            var last: (ConfigFileEvidence, ConfigEntry)?
            for f in ordered { for en in f.entries where en.key == "MaxRetentionSec" && (en.context.isEmpty || en.context == "Journal") { last = (f, en) } }
            guard let (f, en) = last, let secs = ConfigParsers.timeSpanSeconds(en.value), secs > 0 else { continue }
            let days = Int(secs / 86400)
            let detail = LocalizedText(en: "MaxRetentionSec=\(en.value) keeps \(days) days", zh: "MaxRetentionSec=\(en.value)，保留 \(days) 天")
            if days < minDays { short.append(EvidenceRef(input: f.item, line: en.line, detail: detail)) }
            else { enough.append(EvidenceRef(input: f.item, line: en.line, detail: detail)) }
        }
        if !short.isEmpty {
            return .fail("configured log retention is shorter than \(minDays) days", "日志保留配置短于 \(minDays) 天", short.capped())
        }
        // What the logs themselves show.
        let dated = e.logs.filter { $0.oldest != nil }
        let oldest = dated.min { $0.oldest! < $1.oldest! }
        var span: Int?
        var spanRef: EvidenceRef?
        if let oldest, let t = oldest.oldest {
            let d = ctx.asOf - Day(epochSeconds: t)
            span = d
            spanRef = EvidenceRef(input: oldest.item, line: oldest.oldestLine, detail: LocalizedText(
                en: "oldest entry \(Day(epochSeconds: t)) is \(d) days before \(ctx.asOf)", zh: "最早记录 \(Day(epochSeconds: t))，距 \(ctx.asOf) 共 \(d) 天"))
        }
        let broken = e.unreadable(roles: [.log]) + e.unreadable(roles: [], configType: .logrotate) + e.unreadable(roles: [], configType: .journald)
        if !enough.isEmpty && unknown.isEmpty {
            return .pass("configured retention is at least \(minDays) days", "日志保留配置不少于 \(minDays) 天", (enough + (spanRef.map { [$0] } ?? [])).capped())
        }
        if let span, span >= minDays, let spanRef {
            return .pass("logs reach back \(span) days", "日志可追溯 \(span) 天", [spanRef] + enough.capped())
        }
        if !broken.isEmpty {
            return .unreadable(broken, "log evidence could not be read", "日志证据无法读取")
        }
        if let span, let spanRef {
            return .manual("logs present reach back only \(span) days and no setting shows \(minDays) days of retention",
                           "现有日志仅可追溯 \(span) 天，且无配置表明保留 \(minDays) 天", [spanRef] + unknown.capped())
        }
        if !unknown.isEmpty || !e.logs.isEmpty {
            return .manual("retention cannot be established from the evidence", "无法从证据确定日志保留时长",
                           unknown.capped() + e.logs.prefix(5).map { EvidenceRef(input: $0.item, detail: LocalizedText(en: "no timestamp recognised", zh: "未识别到时间戳")) })
        }
        return .notApplicable("no logs or log rotation settings among the evidence", "证据中没有日志或日志轮转配置")
    }
}
