import Foundation

/// What an authentication message says happened.
public enum AuthAction: UInt8, CaseIterable, Sendable {
    case none = 0
    case sshFailed, sshInvalidUser, sshAccepted, sshPreauthClose, sshMaxAttempts, sshNoIdent
    case pamFailure, sessionOpened, sessionClosed
    case sudoCommand, sudoDenied, suSuccess, suFailed
    case userAdded, groupAdded, userDeleted, groupMembership, passwordChanged, sudoersChanged
    case consoleRootLogin, loginFailed

    public var name: String {
        switch self {
        case .none: return ""
        case .sshFailed: return "ssh_failed"
        case .sshInvalidUser: return "ssh_invalid_user"
        case .sshAccepted: return "ssh_accepted"
        case .sshPreauthClose: return "ssh_preauth_close"
        case .sshMaxAttempts: return "ssh_max_attempts"
        case .sshNoIdent: return "ssh_no_identification"
        case .pamFailure: return "pam_failure"
        case .sessionOpened: return "session_opened"
        case .sessionClosed: return "session_closed"
        case .sudoCommand: return "sudo_command"
        case .sudoDenied: return "sudo_denied"
        case .suSuccess: return "su_success"
        case .suFailed: return "su_failed"
        case .userAdded: return "user_added"
        case .groupAdded: return "group_added"
        case .userDeleted: return "user_deleted"
        case .groupMembership: return "group_membership"
        case .passwordChanged: return "password_changed"
        case .sudoersChanged: return "sudoers_changed"
        case .consoleRootLogin: return "console_root_login"
        case .loginFailed: return "login_failed"
        }
    }
    public var isFailure: Bool {
        switch self {
        case .sshFailed, .sshInvalidUser, .sshMaxAttempts, .pamFailure, .sudoDenied, .suFailed, .loginFailed: return true
        default: return false
        }
    }
}

/// Reads sshd, PAM, sudo, su, useradd/usermod, passwd and login messages into fields: action,
/// user, target user, source address, command, and the repeat count of rsyslog's
/// "message repeated N times: [ ... ]". Byte scanning only: auth.log can be large under brute force.
public enum AuthMessages {
    /// `p` may be the event's own storage: the few bytes appended here are reserved first so that
    /// it does not move while being read.
    public static func annotate(_ e: Event, _ p0: UnsafePointer<UInt8>, _ ms: Int, _ n: Int) {
        let inStorage = p0 == UnsafePointer(e.storage)
        e.ensure(e.used + 128)
        let p = inStorage ? UnsafePointer(e.storage) : p0
        var s = ms
        var end = n
        // message repeated 5 times: [ Failed password for root from 1.2.3.4 port 22 ssh2]
        if ByteOps.hasPrefix(p, s, n, "message repeated ") {
            let ns = s + 17
            let sp = ByteOps.find(p, ns, n, 0x20)
            if let count = ByteOps.parseInt(p, ns, sp), let lb = ByteOps.find(p, sp, n, "[") {
                e.repeatCount = max(1, count)
                s = ByteOps.skipSpaces(p, lb + 1, n)
                if end > s && p[end - 1] == 0x5D { end -= 1 }
            }
        }
        let action = classify(e, p, s, end)
        if action != .none { setAction(e, action) }
    }

    static func setAction(_ e: Event, _ a: AuthAction) {
        e.authAction = a
        e.services.insert(.auth)
        let (s, t) = e.append(a.name)
        e.set(.action, s, t)
    }

    @inline(__always) static func token(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) -> Int {
        var i = s
        while i < n && p[i] != 0x20 && p[i] != 0x3B && p[i] != 0x2C { i += 1 }
        return i
    }

    /// "... from ADDR port N" → sets srcIP.
    @inline(__always) static func fromAddress(_ e: Event, _ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) {
        if let f = ByteOps.find(p, s, n, " from ") {
            let a = f + 6
            e.set(.srcIP, a, token(p, a, n))
        }
    }

    /// key=value inside PAM messages ("rhost=1.2.3.4  user=root").
    @inline(__always) static func pamValue(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int, _ key: StaticString) -> (Int, Int)? {
        var i = s
        while let k = ByteOps.find(p, i, n, key) {
            if k == s || p[k - 1] == 0x20 || p[k - 1] == 0x3B {
                let vs = k + key.utf8CodeUnitCount
                let ve = token(p, vs, n)
                return ve > vs ? (vs, ve) : nil
            }
            i = k + 1
        }
        return nil
    }

    static func classify(_ e: Event, _ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) -> AuthAction {
        guard n - s >= 6 else { return .none }
        switch p[s] {
        case 0x46:  // F
            if ByteOps.hasPrefix(p, s, n, "Failed ") {
                // Failed password for [invalid user ]NAME from ADDR port N ssh2
                guard let f = ByteOps.find(p, s, n, " for ") else { return .none }
                var us = f + 5
                var invalid = false
                if ByteOps.hasPrefix(p, us, n, "invalid user ") { us += 13; invalid = true }
                guard let fr = ByteOps.find(p, us, n, " from ") else { return .none }
                e.set(.user, us, fr)
                fromAddress(e, p, fr, n)
                if invalid { e.set(.targetUser, us, fr) }  // the account does not exist
                return .sshFailed
            }
            if ByteOps.hasPrefix(p, s, n, "FAILED SU (to ") {
                let ts = s + 14
                let te = ByteOps.find(p, ts, n, 0x29)
                e.set(.targetUser, ts, te)
                let us = te + 2
                if us < n { e.set(.user, us, token(p, us, n)) }
                return .suFailed
            }
            if ByteOps.hasPrefix(p, s, n, "FAILED LOGIN ") {
                if let f = ByteOps.find(p, s, n, "FOR '") {
                    let us = f + 5
                    e.set(.user, us, ByteOps.find(p, us, n, 0x27))
                }
                if let f = ByteOps.find(p, s, n, "FROM '") {
                    let a = f + 6
                    e.set(.srcIP, a, ByteOps.find(p, a, n, 0x27))
                }
                return .loginFailed
            }
        case 0x41:  // A
            if ByteOps.hasPrefix(p, s, n, "Accepted ") {
                guard let f = ByteOps.find(p, s, n, " for "), let fr = ByteOps.find(p, f + 5, n, " from ") else { return .none }
                e.set(.user, f + 5, fr)
                fromAddress(e, p, fr, n)
                let ms = s + 9
                e.set(.command, ms, token(p, ms, n))  // the method: password, publickey, keyboard-interactive/pam
                return .sshAccepted
            }
        case 0x49:  // I
            if ByteOps.hasPrefix(p, s, n, "Invalid user ") {
                let us = s + 13
                let fr = ByteOps.find(p, us, n, " from ") ?? token(p, us, n)
                e.set(.user, us, fr)
                e.set(.targetUser, us, fr)
                fromAddress(e, p, fr, n)
                return .sshInvalidUser
            }
        case 0x43:  // C
            if ByteOps.hasPrefix(p, s, n, "Connection closed by authenticating user ")
                || ByteOps.hasPrefix(p, s, n, "Connection closed by invalid user ") {
                let invalid = p[s + 21] == 0x69
                let us = s + (invalid ? 34 : 41)
                let ue = token(p, us, n)
                e.set(.user, us, ue)
                let a = ue + 1
                if a < n { e.set(.srcIP, a, token(p, a, n)) }
                return .sshPreauthClose
            }
        case 0x44:  // D
            if ByteOps.hasPrefix(p, s, n, "Did not receive identification string from ") {
                let a = s + 43
                e.set(.srcIP, a, token(p, a, n))
                return .sshNoIdent
            }
        case 0x65:  // e
            if ByteOps.hasPrefix(p, s, n, "error: maximum authentication attempts exceeded for ") {
                var us = s + 52
                if ByteOps.hasPrefix(p, us, n, "invalid user ") { us += 13 }
                let fr = ByteOps.find(p, us, n, " from ") ?? n
                e.set(.user, us, fr)
                fromAddress(e, p, fr, n)
                return .sshMaxAttempts
            }
        case 0x70:  // p
            if ByteOps.hasPrefix(p, s, n, "pam_unix(") || ByteOps.hasPrefix(p, s, n, "pam_sss(") || ByteOps.hasPrefix(p, s, n, "pam_faillock(") {
                return pam(e, p, s, n)
            }
        case 0x50:  // P
            if ByteOps.hasPrefix(p, s, n, "PAM ") && ByteOps.find(p, s, n, "authentication failure") != nil {
                // PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root
                if let c = ByteOps.parseInt(p, s + 4, token(p, s + 4, n)) { e.repeatCount = max(1, c) }
                if let r = pamValue(p, s, n, "rhost=") { e.set(.srcIP, r.0, r.1) }
                if let u = pamValue(p, s, n, "user=") { e.set(.user, u.0, u.1) }
                return .pamFailure
            }
        case 0x6E:  // n
            if ByteOps.hasPrefix(p, s, n, "new user: name=") {
                let us = s + 15
                e.set(.targetUser, us, token(p, us, n))
                e.set(.user, us, token(p, us, n))
                return .userAdded
            }
            if ByteOps.hasPrefix(p, s, n, "new group: name=") {
                let gs = s + 16
                e.set(.targetUser, gs, token(p, gs, n))
                return .groupAdded
            }
        case 0x61:  // a
            // usermod/gpasswd: add 'bob' to group 'sudo' / add 'bob' to shadow group 'sudo'
            if ByteOps.hasPrefix(p, s, n, "add '") {
                let us = s + 5
                let ue = ByteOps.find(p, us, n, 0x27)
                e.set(.targetUser, us, ue)
                e.set(.user, us, ue)
                if let g = ByteOps.find(p, ue, n, "group '") {
                    let gs = g + 7
                    e.set(.command, gs, ByteOps.find(p, gs, n, 0x27))
                }
                return .groupMembership
            }
        case 0x64:  // d
            if ByteOps.hasPrefix(p, s, n, "delete user '") {
                let us = s + 13
                e.set(.targetUser, us, ByteOps.find(p, us, n, 0x27))
                return .userDeleted
            }
        case 0x28:  // (to root) bob on pts/0   (su)
            if ByteOps.hasPrefix(p, s, n, "(to ") {
                let ts = s + 4
                let te = ByteOps.find(p, ts, n, 0x29)
                e.set(.targetUser, ts, te)
                let us = te + 2
                if us < n { e.set(.user, us, token(p, us, n)) }
                return .suSuccess
            }
        case 0x53:  // Successful su for root by bob
            if ByteOps.hasPrefix(p, s, n, "Successful su for ") {
                let ts = s + 18
                let te = token(p, ts, n)
                e.set(.targetUser, ts, te)
                if let b = ByteOps.find(p, te, n, " by ") { e.set(.user, b + 4, token(p, b + 4, n)) }
                return .suSuccess
            }
        case 0x52:  // ROOT LOGIN  on '/dev/tty1'
            if ByteOps.hasPrefix(p, s, n, "ROOT LOGIN ") {
                let (us, ue) = e.append("root")
                e.set(.user, us, ue)
                if let f = ByteOps.find(p, s, n, "FROM ") { e.set(.srcIP, f + 5, token(p, f + 5, n)) }
                return .consoleRootLogin
            }
        default:
            break
        }
        // sudo: "  bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/bash"
        if e.services.contains(.sudo), let t = ByteOps.find(p, s, n, " : "), ByteOps.find(p, t, n, "COMMAND=") != nil || ByteOps.find(p, t, n, "USER=") != nil {
            var us = s
            while us < t && p[us] == 0x20 { us += 1 }
            e.set(.user, us, t)
            if let u = ByteOps.find(p, t, n, "USER=") { e.set(.targetUser, u + 5, token(p, u + 5, n)) }
            var denied = false
            if ByteOps.find(p, t, n, "incorrect password attempt") != nil || ByteOps.find(p, t, n, "NOT in sudoers") != nil
                || ByteOps.find(p, t, n, "command not allowed") != nil { denied = true }
            if let c = ByteOps.find(p, t, n, "COMMAND=") {
                e.set(.command, c + 8, n)
                if !denied && commandTouchesSudoers(p, c + 8, n) { return .sudoersChanged }
            }
            return denied ? .sudoDenied : .sudoCommand
        }
        if ByteOps.hasPrefix(p, s, n, "password changed for ") || ByteOps.hasPrefix(p, s, n, "password for '") {
            let us = s + (p[s + 9] == 0x63 ? 21 : 14)
            var ue = token(p, us, n)
            if ue > us && p[ue - 1] == 0x27 { ue -= 1 }
            e.set(.targetUser, us, ue)
            return .passwordChanged
        }
        return .none
    }

    /// pam_unix(sshd:auth): authentication failure; ... rhost=1.2.3.4  user=root
    /// pam_unix(sshd:session): session opened for user bob(uid=1000) by (uid=0)
    /// pam_unix(su:session): session opened for user root(uid=0) by bob(uid=1000)
    static func pam(_ e: Event, _ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) -> AuthAction {
        let ps = ByteOps.find(p, s, n, 0x28) + 1
        let colon = ByteOps.find(p, ps, n, 0x3A)
        let close = ByteOps.find(p, colon, n, 0x29)
        guard close < n else { return .none }
        let service = (ps, colon)
        let isSu = colon - ps == 2 && ByteOps.equals(p, ps, colon, "su") || ByteOps.equals(p, ps, colon, "su-l")
        let rest = close + 1
        if ByteOps.find(p, rest, min(n, rest + 40), "authentication failure") != nil {
            if let r = pamValue(p, rest, n, "rhost=") { e.set(.srcIP, r.0, r.1) }
            if let u = pamValue(p, rest, n, "user=") {
                e.set(isSu ? .targetUser : .user, u.0, u.1)
            }
            if isSu, let r = pamValue(p, rest, n, "ruser=") { e.set(.user, r.0, r.1) }
            return isSu ? .suFailed : .pamFailure
        }
        if let o = ByteOps.find(p, rest, n, "session opened for user ") {
            let us = o + 24
            var ue = us
            while ue < n && p[ue] != 0x28 && p[ue] != 0x20 { ue += 1 }
            e.set(.targetUser, us, ue)
            if let b = ByteOps.find(p, ue, n, " by ") {
                let bs = b + 4
                var be = bs
                while be < n && p[be] != 0x28 && p[be] != 0x20 { be += 1 }
                if be > bs { e.set(.user, bs, be) }
            }
            if !e.has(.user) { e.set(.user, us, ue) }
            if isSu { return .suSuccess }
            _ = service
            return .sessionOpened
        }
        if let c = ByteOps.find(p, rest, n, "password changed for ") {
            let us = c + 21
            e.set(.targetUser, us, token(p, us, n))
            return .passwordChanged
        }
        if let c = ByteOps.find(p, rest, n, "session closed for user ") {
            let us = c + 24
            e.set(.user, us, token(p, us, n))
            return .sessionClosed
        }
        return .none
    }

    /// sudo commands that edit the sudoers policy: visudo, or any command naming /etc/sudoers.
    static func commandTouchesSudoers(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) -> Bool {
        if ByteOps.find(p, s, n, "visudo") != nil { return true }
        guard ByteOps.find(p, s, n, "/etc/sudoers") != nil else { return false }
        // Reading it (cat, less, grep) is not a change.
        let cmdEnd = token(p, s, n)
        let readers: [StaticString] = ["/bin/cat", "/usr/bin/cat", "/usr/bin/less", "/bin/less", "/usr/bin/grep", "/bin/grep",
                                       "/usr/bin/head", "/usr/bin/tail", "/usr/bin/more"]
        for r in readers where ByteOps.equals(p, s, cmdEnd, r) { return false }
        return true
    }
}
