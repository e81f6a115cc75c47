import DSToolKit
import Foundation

/// Authentication and host findings from what the auth parsers extracted (sshd, PAM, sudo, su,
/// useradd/usermod, passwd, auditd). Plain failures and successes are not findings on their own
/// (they are timeline rows and feed the brute-force correlations); these are:
/// root logins, logins for accounts that do not exist, sudo and su use, refused sudo, new
/// accounts, additions to admin groups, sudoers edits and password changes. "Success after a run
/// of failures" is judged at the end of the run over all auth events in time order
/// (`compromises`), because rotated logs arrive newest first.
public enum AuthRules {
    public static let rootLogin = TraceRule(
        id: "trace.auth.root-login", title: LocalizedText(en: "Remote login as root", zh: "root 账户远程登录"),
        severity: .high, techniques: ["T1078.003"], tactic: .initialAccess,
        remediation: LocalizedText(en: "Set PermitRootLogin no; log in as a user and use sudo.", zh: "设置 PermitRootLogin no；以普通用户登录后使用 sudo。"))
    public static let invalidUser = TraceRule(
        id: "trace.auth.invalid-user", title: LocalizedText(en: "Login attempt for an account that does not exist", zh: "尝试登录不存在的账户"),
        severity: .low, techniques: ["T1110", "T1087"], tactic: .credentialAccess)
    public static let sudo = TraceRule(
        id: "trace.auth.sudo", title: LocalizedText(en: "Command run with sudo", zh: "使用 sudo 执行命令"),
        severity: .low, techniques: ["T1548.003"], tactic: .privilegeEscalation)
    public static let sudoDenied = TraceRule(
        id: "trace.auth.sudo-denied", title: LocalizedText(en: "sudo refused (wrong password or not allowed)", zh: "sudo 被拒绝（密码错误或无权限）"),
        severity: .medium, techniques: ["T1548.003"], tactic: .privilegeEscalation)
    public static let su = TraceRule(
        id: "trace.auth.su", title: LocalizedText(en: "Switched user with su", zh: "使用 su 切换用户"),
        severity: .low, techniques: ["T1078.003"], tactic: .privilegeEscalation)
    public static let suFailed = TraceRule(
        id: "trace.auth.su-failed", title: LocalizedText(en: "su failed", zh: "su 切换失败"),
        severity: .medium, techniques: ["T1110"], tactic: .privilegeEscalation)
    public static let newUser = TraceRule(
        id: "trace.auth.new-user", title: LocalizedText(en: "New local account", zh: "新建本地账户"),
        severity: .medium, techniques: ["T1136.001"], tactic: .persistence)
    public static let adminGroup = TraceRule(
        id: "trace.auth.admin-group", title: LocalizedText(en: "Account added to an administrators group", zh: "账户被加入管理员组"),
        severity: .high, techniques: ["T1098"], tactic: .persistence)
    public static let groupChange = TraceRule(
        id: "trace.auth.group-change", title: LocalizedText(en: "Account added to a group", zh: "账户被加入用户组"),
        severity: .low, techniques: ["T1098"], tactic: .persistence)
    public static let sudoers = TraceRule(
        id: "trace.auth.sudoers-change", title: LocalizedText(en: "sudoers policy changed", zh: "sudoers 权限配置被修改"),
        severity: .high, techniques: ["T1548.003"], tactic: .privilegeEscalation)
    public static let passwordChange = TraceRule(
        id: "trace.auth.password-change", title: LocalizedText(en: "Account password changed", zh: "账户密码被修改"),
        severity: .low, techniques: ["T1098"], tactic: .persistence)
    public static let deletedUser = TraceRule(
        id: "trace.auth.user-deleted", title: LocalizedText(en: "Local account deleted", zh: "本地账户被删除"),
        severity: .medium, techniques: ["T1531", "T1070"], tactic: .impact)
    public static let compromise = TraceRule(
        id: "trace.auth.success-after-failures", title: LocalizedText(en: "Login succeeded after a run of failures (likely compromise)", zh: "连续失败后登录成功（疑似失陷）"),
        severity: .critical, techniques: ["T1110", "T1078"], tactic: .initialAccess,
        remediation: LocalizedText(en: "Treat the account as compromised: lock it, rotate its credentials, review what the session did.",
                                   zh: "按失陷处理：锁定账户、轮换凭据，并审查该会话的操作。"))

    public static let all: [TraceRule] = [rootLogin, invalidUser, sudo, sudoDenied, su, suFailed, newUser, adminGroup, groupChange,
                                          sudoers, passwordChange, deletedUser, compromise]

    static let adminGroups: Set<String> = ["sudo", "wheel", "admin", "root", "adm", "docker", "lxd", "disk", "shadow"]

    /// Per-event findings.
    public static func detect(_ e: Event, into out: inout [Detection]) {
        switch e.authAction {
        case .sshAccepted:
            if e.string(.user) == "root" { out.append(Detection(rootLogin, detail: "root logged in from \(e.string(.srcIP) ?? "?")")) }
        case .consoleRootLogin:
            out.append(Detection(rootLogin, detail: "root logged in on a console", severity: .medium))
        case .sshInvalidUser:
            out.append(Detection(invalidUser, detail: "account '\(e.string(.user) ?? "?")' does not exist"))
        case .sudoCommand:
            out.append(Detection(sudo, detail: "\(e.string(.user) ?? "?") ran as \(e.string(.targetUser) ?? "root"): \(e.string(.command) ?? "?")"))
        case .sudoDenied:
            out.append(Detection(sudoDenied, detail: "\(e.string(.user) ?? "?"): \(e.string(.command) ?? "")"))
        case .suSuccess:
            out.append(Detection(su, detail: "\(e.string(.user) ?? "?") became \(e.string(.targetUser) ?? "?")"))
        case .suFailed:
            out.append(Detection(suFailed, detail: "\(e.string(.user) ?? "?") failed to become \(e.string(.targetUser) ?? "?")"))
        case .userAdded:
            out.append(Detection(newUser, detail: "account '\(e.string(.targetUser) ?? "?")' created"))
        case .groupMembership:
            let group = e.string(.command) ?? ""
            let who = e.string(.targetUser) ?? "?"
            if adminGroups.contains(group) { out.append(Detection(adminGroup, detail: "'\(who)' added to group '\(group)'")) }
            else { out.append(Detection(groupChange, detail: "'\(who)' added to group '\(group)'")) }
        case .sudoersChanged:
            out.append(Detection(sudoers, detail: e.string(.command).map { "by command \($0)" } ?? "sudoers file written"))
        case .passwordChanged:
            out.append(Detection(passwordChange, detail: "password of '\(e.string(.targetUser) ?? e.string(.user) ?? "?")' changed"))
        case .userDeleted:
            out.append(Detection(deletedUser, detail: "account '\(e.string(.targetUser) ?? "?")' deleted"))
        default:
            break
        }
    }

    /// A login that followed at least `threshold` failures from the same source within `window`.
    public struct Compromise {
        public let success: Int        // index of the success in the events given
        public let firstFailure: Int
        public let failures: Int
        public let users: [String]
    }

    /// Finds successes after runs of failures. `events` must be in time order; each is
    /// (time, source, user, isFailure, isSuccess, weight).
    public static func compromises(_ events: [(time: Int64, source: String, user: String, failure: Bool, success: Bool, weight: Int)],
                                   threshold: Int, window: Int64 = 3600 * 1_000_000) -> [Compromise] {
        struct Run { var count = 0; var first = 0; var firstTime: Int64 = 0; var users: [String] = [] }
        var runs: [String: Run] = [:]
        var out: [Compromise] = []
        for (i, ev) in events.enumerated() where !ev.source.isEmpty {
            if ev.failure {
                var r = runs[ev.source] ?? Run()
                if r.count > 0 && ev.time - r.firstTime > window { r = Run() }
                if r.count == 0 { r.first = i; r.firstTime = ev.time }
                r.count += ev.weight
                if r.users.count < 10 && !r.users.contains(ev.user) { r.users.append(ev.user) }
                runs[ev.source] = r
            } else if ev.success {
                if let r = runs[ev.source], r.count >= threshold, ev.time - r.firstTime <= window {
                    out.append(Compromise(success: i, firstFailure: r.first, failures: r.count, users: r.users))
                }
                runs[ev.source] = nil
            }
        }
        return out
    }
}
