import DSToolKit
import Foundation

/// One stage of a source's attack, in kill-chain order.
public struct KillChainStage: Sendable {
    public let tactic: Tactic
    public let first: Int64
    public let last: Int64
    public let techniques: [String]
    public let rules: [String]
    public let events: Int
}

/// Everything the report says about one source.
public struct SourceProfile: Sendable {
    public let source: String
    public let score: Int
    public let firstSeen: Int64?
    public let lastSeen: Int64?
    public let requests: Int
    public let distinctPaths: Int
    public let status: [Int]
    public let bytesOut: Int64
    public let authFailures: Int
    public let authSuccesses: Int
    public let users: [String]
    /// User agents of its events of interest.
    public let agents: [String]
    public let geo: GeoTable.Entry?
    public let stages: [KillChainStage]
    public let techniques: [String]
    /// Indexes of its events of interest, in time order.
    public let events: [Int]
    public let maxSeverity: Severity?
    /// The first event whose attack got a success answer (2xx) or a successful login, if any.
    public let succeeded: Bool
}

/// Attribution of host events to sources, and the per-source profiles, at the end of the run.
public enum IncidentBuilder {
    static let serviceAccounts: Set<String> = ["www-data", "apache", "nginx", "httpd", "nobody", "tomcat", "tomcat8", "tomcat9",
                                               "http", "wwwrun", "daemon", "web", "php-fpm", "www"]
    static let hostActions: Set<AuthAction> = [.sudoCommand, .sudoDenied, .suSuccess, .suFailed, .userAdded, .groupAdded,
                                              .groupMembership, .passwordChanged, .sudoersChanged, .userDeleted, .sessionOpened]

    /// Gives host events without a source the source they belong to:
    /// 1. inside an SSH session: a sudo/su/useradd... by user U while U's session from S is open;
    /// 2. through a webshell: an action by a web service account within 30 minutes after S used a webshell;
    /// 3. follow-on: an action with no user (useradd, usermod, sudoers write) within 60 seconds
    ///    after an attributed action on the same host.
    public static func attribute(_ events: inout [InterestEvent], order: [Int]) {
        var sessions: [String: [(source: String, opened: Int64)]] = [:]
        var lastWebshell: (source: String, time: Int64)?
        var lastAttributed: [String: (source: String, time: Int64)] = [:]   // by host
        let webshellRules: Set<String> = [WebshellAccess.rule.id, WebAttackDetector.webshellUpload.id]
        for i in order {
            let ev = events[i]
            if ev.action == .sshAccepted, let u = ev.user, let s = ev.source {
                sessions[u, default: []].append((s, ev.time))
                continue
            }
            if ev.action == .sessionClosed, let u = ev.user, ev.program.map({ $0.hasPrefix("sshd") }) ?? false {
                if var list = sessions[u], !list.isEmpty { list.removeLast(); sessions[u] = list }
                continue
            }
            if let s = ev.source, ev.detections.contains(where: { webshellRules.contains($0.rule.id) }) {
                lastWebshell = (s, ev.time)
                continue
            }
            guard ev.source == nil, hostActions.contains(ev.action) else { continue }
            let host = ev.host ?? ""
            if let u = ev.user, let open = sessions[u]?.last {
                events[i].attributedSource = open.source
                events[i].attribution = "in the SSH session of \(u) from \(open.source)"
            } else if let u = ev.user, serviceAccounts.contains(u), let w = lastWebshell, ev.time - w.time <= 1800 * 1_000_000, ev.time >= w.time {
                events[i].attributedSource = w.source
                events[i].attribution = "run as \(u) after \(w.source) used a webshell"
            } else if let prev = lastAttributed[host], ev.time - prev.time <= 60 * 1_000_000, ev.time >= prev.time {
                events[i].attributedSource = prev.source
                events[i].attribution = "follows an action by \(prev.source) on the same host"
            }
            if let s = events[i].attributedSource { lastAttributed[host] = (s, ev.time) }
        }
    }

    static func weight(_ s: Severity) -> Int {
        switch s { case .info: return 0; case .low: return 1; case .medium: return 3; case .high: return 6; case .critical: return 10 }
    }

    /// Builds the profile of every source with at least one detection, ranked by threat score:
    /// the severity weight of each distinct rule it triggered (info 0, low 1, medium 3, high 6,
    /// critical 10), plus 3 per distinct ATT&CK tactic (breadth of the attack), plus 5 when an
    /// attack got a success answer (2xx) or a login succeeded.
    public static func profiles(_ events: [InterestEvent], order: [Int], actors: ActorTable, geo: GeoTable?) -> [SourceProfile] {
        var bySource: [String: [Int]] = [:]
        for i in order {
            guard let s = events[i].effectiveSource, !events[i].detections.isEmpty || events[i].action != .none else { continue }
            bySource[s, default: []].append(i)
        }
        var out: [SourceProfile] = []
        for (source, idx) in bySource {
            var ruleSeverity: [String: Severity] = [:]
            var stages: [Tactic: (first: Int64, last: Int64, techniques: [String], rules: [String], count: Int)] = [:]
            var succeeded = false
            var techniques: [String] = []
            for i in idx {
                let ev = events[i]
                for d in ev.detections {
                    if let old = ruleSeverity[d.rule.id] { if d.severity > old { ruleSeverity[d.rule.id] = d.severity } }
                    else { ruleSeverity[d.rule.id] = d.severity }
                    for t in d.rule.techniques where !techniques.contains(t) { techniques.append(t) }
                    if let tac = d.rule.tactic {
                        var st = stages[tac] ?? (ev.time, ev.time, [], [], 0)
                        st.first = min(st.first, ev.time); st.last = max(st.last, ev.time)
                        for t in d.rule.techniques where !st.techniques.contains(t) { st.techniques.append(t) }
                        if !st.rules.contains(d.rule.id) { st.rules.append(d.rule.id) }
                        st.count += 1
                        stages[tac] = st
                    }
                    if d.severity >= .high && ev.status >= 200 && ev.status < 300 { succeeded = true }
                    if d.rule.id == AuthRules.compromise.id || d.rule.id == AuthRules.rootLogin.id { succeeded = true }
                }
            }
            if ruleSeverity.isEmpty { continue }
            var score = ruleSeverity.values.reduce(0) { $0 + weight($1) } + 3 * stages.count
            if succeeded { score += 5 }
            let stats = actors.lookup(source)
            let chain = stages.sorted { $0.key < $1.key }.map {
                KillChainStage(tactic: $0.key, first: $0.value.first, last: $0.value.last, techniques: $0.value.techniques,
                               rules: $0.value.rules, events: $0.value.count)
            }
            let times = idx.map { events[$0] }.filter(\.hasTime).map(\.time)
            var agents: [String] = []
            for i in idx { if let a = events[i].userAgent, agents.count < 5, !agents.contains(a) { agents.append(a) } }
            out.append(SourceProfile(
                source: source, score: score,
                firstSeen: stats.flatMap { $0.first == .max ? nil : $0.first } ?? times.min(),
                lastSeen: stats.flatMap { $0.last == .min ? nil : $0.last } ?? times.max(),
                requests: stats?.requests ?? 0, distinctPaths: stats?.distinctPaths ?? 0,
                status: stats?.status ?? [Int](repeating: 0, count: 6), bytesOut: stats?.bytesOut ?? 0,
                authFailures: stats?.authFailures ?? 0, authSuccesses: stats?.authSuccesses ?? 0,
                users: stats?.users ?? [], agents: agents, geo: geo?.lookup(source), stages: chain,
                techniques: techniques, events: idx, maxSeverity: ruleSeverity.values.max(), succeeded: succeeded))
        }
        return out.sorted { $0.score != $1.score ? $0.score > $1.score : $0.source < $1.source }
    }
}
