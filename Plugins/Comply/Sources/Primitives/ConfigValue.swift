import DSToolKit
import Foundation

/// `config_value`: a configuration key has an allowed value, in every system whose configuration
/// is among the evidence (files under one `etc/` are one system; drop-ins are applied the way
/// the software applies them).
///
///     config_value:
///       config: sshd                  # sshd, login.defs, pwquality, logrotate, journald, auditd, nginx
///       key: PermitRootLogin
///       allowed: [no]                 # any of: allowed, forbidden, min, max, forbid_tokens, require_tokens
///       default: prohibit-password    # the software's own default when the key is not set
///       section: Journal              # INI section / nginx block prefix to look in (optional)
///       when_absent: manual           # without a default: fail, manual or pass
struct ConfigValue: CheckPrimitive {
    static let name = "config_value"
    enum Absent: String, CaseIterable { case fail, manual, pass }
    let config: ConfigType
    let key: String
    let allowed: [String]?
    let forbidden: [String]?
    let min: Double?
    let max: Double?
    let forbidTokens: [String]?
    let requireTokens: [String]?
    let defaultValue: String?
    let section: String?
    let whenAbsent: Absent

    init(_ args: PrimitiveArgs) throws {
        var a = args
        config = try a.require("config").oneOf("config_value.config", ConfigType.self)
        key = try a.require("key").text("config_value.key")
        allowed = try a.strings("allowed")
        forbidden = try a.strings("forbidden")
        min = try a.double("min")
        max = try a.double("max")
        forbidTokens = try a.strings("forbid_tokens")
        requireTokens = try a.strings("require_tokens")
        defaultValue = try a.node("default")?.scalar("config_value.default")
        section = try a.string("section")
        whenAbsent = try a.node("when_absent")?.oneOf("config_value.when_absent", Absent.self) ?? .manual
        if allowed == nil && forbidden == nil && min == nil && max == nil && forbidTokens == nil && requireTokens == nil {
            throw a.error("needs a condition: allowed, forbidden, min, max, forbid_tokens or require_tokens")
        }
        if let d = defaultValue, (min != nil || max != nil), Self.number(d, config) == nil {
            throw a.error("default '\(d)' is not a number, but min/max compare numbers")
        }
        try a.finish()
    }

    var needs: EvidenceNeeds { var n = EvidenceNeeds(); n.configs = [config]; return n }

    static func number(_ v: String, _ t: ConfigType) -> Double? {
        let first = v.split(separator: " ").first.map(String.init) ?? v
        if let d = Double(first) { return d }
        if t == .journald { return ConfigParsers.timeSpanSeconds(v) }
        return nil
    }

    static func tokens(_ v: String) -> [String] {
        v.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == ":" }).map { String($0).lowercased() }
    }

    /// nil when the value is acceptable, else why not.
    func problem(_ value: String) -> LocalizedText? {
        let v = value.trimmingCharacters(in: .whitespaces)
        let first = (v.split(separator: " ").first.map(String.init) ?? v).lowercased()
        if let allowed, !allowed.contains(where: { $0.lowercased() == first }) {
            return LocalizedText(en: "'\(v)' is not one of \(allowed.joined(separator: ", "))", zh: "“\(v)”不在允许值 \(allowed.joined(separator: "、")) 之内")
        }
        if let forbidden, forbidden.contains(where: { $0.lowercased() == first }) {
            return LocalizedText(en: "'\(v)' is forbidden", zh: "不允许取值“\(v)”")
        }
        if min != nil || max != nil {
            guard let n = Self.number(v, config) else { return LocalizedText(en: "'\(v)' is not a number", zh: "“\(v)”不是数值") }
            if let min, n < min { return LocalizedText(en: "\(v) is below the minimum \(Self.fmt(min))", zh: "\(v) 低于最小值 \(Self.fmt(min))") }
            if let max, n > max { return LocalizedText(en: "\(v) is above the maximum \(Self.fmt(max))", zh: "\(v) 超过最大值 \(Self.fmt(max))") }
        }
        let toks = Self.tokens(v)
        if let bad = forbidTokens?.first(where: { toks.contains($0.lowercased()) }) {
            return LocalizedText(en: "includes forbidden '\(bad)'", zh: "包含不允许的“\(bad)”")
        }
        if let missing = requireTokens?.first(where: { !toks.contains($0.lowercased()) }) {
            return LocalizedText(en: "lacks required '\(missing)'", zh: "缺少必需的“\(missing)”")
        }
        return nil
    }

    static func fmt(_ d: Double) -> String { d == d.rounded() ? String(Int64(d)) : String(d) }

    func matches(_ entry: ConfigEntry) -> Bool {
        let k = config.caseInsensitiveKeys ? entry.key.lowercased() == key.lowercased() : entry.key == key
        guard k else { return false }
        if let section { return entry.context == section || entry.context.hasPrefix(section) }
        // sshd: settings inside Match blocks apply only to some connections; judge the global ones.
        if config == .sshd { return entry.context.isEmpty }
        return true
    }

    /// The settings that take effect in one system, in the order the software reads them.
    func effective(_ files: [ConfigFileEvidence]) -> [(ConfigFileEvidence, ConfigEntry)] {
        let mains = files.filter { !$0.isDropIn }.sorted { $0.item < $1.item }
        let drops = files.filter(\.isDropIn).sorted { $0.item < $1.item }
        var ordered: [(ConfigFileEvidence, ConfigEntry)] = []
        switch config {
        case .sshd:
            // sshd reads an Include where it stands; the first value obtained wins.
            for m in mains {
                for e in m.entries {
                    if e.key.lowercased() == "include" && e.context.isEmpty {
                        for d in drops { for de in d.entries where matches(de) { ordered.append((d, de)) } }
                    } else if matches(e) { ordered.append((m, e)) }
                }
            }
            if mains.isEmpty { for d in drops { for de in d.entries where matches(de) { ordered.append((d, de)) } } }
            return Array(ordered.prefix(1))
        default:
            for f in mains + drops { for e in f.entries where matches(e) { ordered.append((f, e)) } }
            if config.precedence == .last, let last = ordered.last { return [last] }
            return ordered
        }
    }

    func evaluate(_ e: Evidence, _ ctx: EvaluationContext) -> Verdict {
        let files = e.configs(of: config)
        let broken = e.unreadable(roles: [], configType: config)
        if files.isEmpty {
            if !broken.isEmpty {
                return .unreadable(broken, "the \(config.rawValue) configuration could not be read", "\(config.rawValue) 配置无法读取")
            }
            return .notApplicable("no \(config.rawValue) configuration among the evidence", "证据中没有 \(config.rawValue) 配置")
        }
        var bad: [EvidenceRef] = [], good: [EvidenceRef] = [], unset: [EvidenceRef] = []
        let groups = Dictionary(grouping: files, by: \.group)
        for g in groups.keys.sorted() {
            let fs = groups[g]!
            let eff = effective(fs)
            if eff.isEmpty {
                let main = fs.first { !$0.isDropIn } ?? fs[0]
                if let d = defaultValue {
                    if let p = problem(d) {
                        bad.append(EvidenceRef(input: main.item, detail: LocalizedText(en: "\(key) is not set; the default \(p.en)", zh: "未设置 \(key)，默认值\(p.zh)")))
                    } else {
                        good.append(EvidenceRef(input: main.item, detail: LocalizedText(en: "\(key) is not set; the default '\(d)' is acceptable", zh: "未设置 \(key)，默认值“\(d)”符合要求")))
                    }
                } else {
                    let ref = EvidenceRef(input: main.item, detail: LocalizedText(en: "\(key) is not set", zh: "未设置 \(key)"))
                    switch whenAbsent {
                    case .fail: bad.append(ref)
                    case .manual: unset.append(ref)
                    case .pass: good.append(ref)
                    }
                }
                continue
            }
            for (f, entry) in eff {
                if let p = problem(entry.value) {
                    bad.append(EvidenceRef(input: f.item, line: entry.line, detail: LocalizedText(en: "\(entry.key) \(entry.value): \(p.en)", zh: "\(entry.key) \(entry.value)：\(p.zh)")))
                } else {
                    good.append(EvidenceRef(input: f.item, line: entry.line, detail: LocalizedText("\(entry.key) \(entry.value)")))
                }
            }
        }
        if !bad.isEmpty { return .fail("\(key) is not set as required in \(bad.count) place(s)", "\(bad.count) 处 \(key) 设置不符合要求", bad.capped()) }
        if !broken.isEmpty {
            return .unreadable(broken, "part of the \(config.rawValue) configuration could not be read", "部分 \(config.rawValue) 配置无法读取")
        }
        if !unset.isEmpty { return .manual("\(key) is not set and its effect must be checked by hand", "未设置 \(key)，需人工确认其实际效果", unset.capped()) }
        return .pass("\(key) is set as required", "\(key) 设置符合要求", good.capped())
    }
}
