import Foundation

/// Linux audit log (/var/log/audit/audit.log):
/// `type=USER_AUTH msg=audit(1705312800.123:456): pid=1 uid=0 auid=4294967295 ses=4294967295
/// msg='op=PAM:authentication grantors=? acct="root" exe="/usr/sbin/sshd" hostname=1.2.3.4
/// addr=1.2.3.4 terminal=ssh res=failed'`, optionally preceded by `node=host `. Every key=value
/// (inside the quoted msg too) becomes a field; hex-encoded values (acct, cmd, proctitle) are
/// decoded. Times are epoch seconds (UTC).
public final class AuditdParser: LineParser {
    public let format = LogFormat.auditd
    public init() {}

    public func parse(_ p: UnsafePointer<UInt8>, _ n: Int, _ e: Event, _ ctx: ParseContext) -> ParseResult {
        var i = 0
        if ByteOps.hasPrefix(p, 0, n, "node=") {
            let sp = ByteOps.find(p, 5, n, 0x20)
            i = sp + 1
        }
        guard ByteOps.hasPrefix(p, i, n, "type="), let a = ByteOps.find(p, i, min(n, i + 80), " msg=audit(") else { return .fail }
        let ts = a + 11
        let colon = ByteOps.find(p, ts, n, 0x3A)
        let close = ByteOps.find(p, colon, n, 0x29)
        guard close < n else { return .fail }
        let dot = ByteOps.find(p, ts, colon, 0x2E)
        guard let secs = ByteOps.parseInt(p, ts, dot) else { return .fail }
        var ms = 0
        if dot < colon { ms = ByteOps.parseInt(p, dot + 1, colon) ?? 0 }
        e.reset(line: p, count: n)
        e.format = .auditd
        e.services = [.linux, .auditd]
        e.time = Int64(secs) * 1_000_000 + Int64(ms) * 1000
        e.hasTime = true
        e.timeStart = Int32(ts); e.timeEnd = Int32(colon)
        if i > 0 { e.set(.host, 5, i - 1) }
        e.set(.action, i + 5, a)  // the record type
        e.set(.session, colon + 1, close)  // the event serial ties records of one event together
        var j = close + 1
        if j < n && p[j] == 0x3A { j += 1 }
        pairs(p, j, n, e)
        mapFields(e)
        return .event
    }

    /// key=value pairs; a value is "quoted", 'quoted' (msg='...' holds more pairs), or bare.
    func pairs(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int, _ e: Event) {
        var i = start
        while i < n {
            i = ByteOps.skipSpaces(p, i, n)
            if i >= n { break }
            let ks = i
            while i < n && p[i] != 0x3D && p[i] != 0x20 { i += 1 }
            guard i < n, p[i] == 0x3D else { i += 1; continue }
            let ke = i
            i += 1
            if i < n && p[i] == 0x27 {  // msg='op=... res=failed'
                let vs = i + 1
                var ve = ByteOps.find(p, vs, n, 0x27)
                if ve >= n { ve = n; e.truncated = true }
                pairs(p, vs, ve, e)
                i = ve + 1
                continue
            }
            if i < n && p[i] == 0x22 {
                let vs = i + 1
                var ve = ByteOps.find(p, vs, n, 0x22)
                if ve >= n { ve = n; e.truncated = true }
                e.addExtra(nameStart: ks, nameEnd: ke, valueStart: vs, valueEnd: ve)
                i = ve + 1
                continue
            }
            let vs = i
            while i < n && p[i] != 0x20 && p[i] != 0x1D { i += 1 }
            // Bare hex (acct, cmd, proctitle, name with special characters) is decoded.
            if i - vs >= 4 && (i - vs) & 1 == 0 && isHexKey(p, ks, ke) && allHex(p, vs, i) {
                let out = e.reserve((i - vs) / 2)
                var o = 0
                var k = vs
                while k < i { out[o] = ByteOps.hexValue(p[k]) << 4 | ByteOps.hexValue(p[k + 1]); o += 1; k += 2 }
                // proctitle separates arguments with NUL bytes: show them as spaces.
                for x in 0..<o where out[x] == 0 { out[x] = 0x20 }
                let (a, b) = e.commit(o)
                e.addExtra(nameStart: ks, nameEnd: ke, valueStart: a, valueEnd: b)
            } else {
                e.addExtra(nameStart: ks, nameEnd: ke, valueStart: vs, valueEnd: i)
            }
        }
    }

    @inline(__always) func isHexKey(_ p: UnsafePointer<UInt8>, _ s: Int, _ t: Int) -> Bool {
        ByteOps.equals(p, s, t, "acct") || ByteOps.equals(p, s, t, "cmd") || ByteOps.equals(p, s, t, "proctitle")
            || ByteOps.equals(p, s, t, "name") || ByteOps.equals(p, s, t, "comm") || ByteOps.equals(p, s, t, "exe")
            || ByteOps.equals(p, s, t, "cwd") || ByteOps.equals(p, s, t, "data")
    }

    @inline(__always) func allHex(_ p: UnsafePointer<UInt8>, _ s: Int, _ t: Int) -> Bool {
        for k in s..<t where !ByteOps.isHex(p[k]) || (p[k] >= 0x61 && p[k] <= 0x66) { return false }
        return true
    }

    static let kAddr = Array("addr".utf8), kHostname = Array("hostname".utf8), kAcct = Array("acct".utf8)
    static let kAuid = Array("AUID".utf8), kUID = Array("UID".utf8), kExe = Array("exe".utf8), kComm = Array("comm".utf8)
    static let kCmd = Array("cmd".utf8), kRes = Array("res".utf8), kName = Array("name".utf8), kPid = Array("pid".utf8)
    static let kId = Array("id".utf8), kKey = Array("key".utf8), kNametype = Array("nametype".utf8)

    /// Canonical fields and auth actions from the audit record.
    func mapFields(_ e: Event) {
        let s = e.storage
        func valid(_ r: (Int, Int)) -> Bool { r.1 > r.0 && !(r.1 - r.0 == 1 && s[r.0] == 0x3F) }
        if let r = e.extraRange(AuditdParser.kAddr), valid(r) { e.set(.srcIP, r.0, r.1) }
        else if let r = e.extraRange(AuditdParser.kHostname), valid(r), ByteOps.isDigit(s[r.0]) || s[r.0] == 0x3A { e.set(.srcIP, r.0, r.1) }
        if let r = e.extraRange(AuditdParser.kAcct), valid(r) { e.set(.user, r.0, r.1) }
        else if let r = e.extraRange(AuditdParser.kAuid) ?? e.extraRange(AuditdParser.kUID), valid(r) { e.set(.user, r.0, r.1) }
        if let r = e.extraRange(AuditdParser.kExe), valid(r) { e.set(.program, r.0, r.1) }
        else if let r = e.extraRange(AuditdParser.kComm), valid(r) { e.set(.program, r.0, r.1) }
        if let r = e.extraRange(AuditdParser.kCmd) { e.set(.command, r.0, r.1) }
        if let r = e.extraRange(AuditdParser.kPid) { e.set(.pid, r.0, r.1) }
        guard let (ts, te) = e.range(.action) else { return }
        let res = e.extraRange(AuditdParser.kRes)
        let failed = res.map { ByteOps.hasPrefix(s, $0.0, $0.1, "fail") } ?? false
        let viaSSH = e.range(.program).map { ByteOps.find(s, $0.0, $0.1, "sshd") != nil } ?? false
        var action = AuthAction.none
        if ByteOps.equals(s, ts, te, "USER_AUTH") || ByteOps.equals(s, ts, te, "USER_LOGIN") {
            if failed { action = viaSSH ? .sshFailed : .loginFailed }
            else if ByteOps.equals(s, ts, te, "USER_LOGIN") && viaSSH { action = .sshAccepted }
        } else if ByteOps.equals(s, ts, te, "ADD_USER") {
            action = .userAdded
            if let r = e.extraRange(AuditdParser.kId) ?? e.range(.user) { e.set(.targetUser, r.0, r.1) }
        } else if ByteOps.equals(s, ts, te, "ADD_GROUP") {
            action = .groupAdded
        } else if ByteOps.equals(s, ts, te, "DEL_USER") {
            action = .userDeleted
        } else if ByteOps.equals(s, ts, te, "USER_CMD") {
            action = failed ? .sudoDenied : .sudoCommand
            if !failed, let (cs, ce) = e.range(.command), AuthMessages.commandTouchesSudoers(s, cs, ce) { action = .sudoersChanged }
        } else if ByteOps.equals(s, ts, te, "USER_CHAUTHTOK") {
            action = failed ? .none : .passwordChanged
        } else if ByteOps.equals(s, ts, te, "PATH") {
            // A PATH record exists only for a watched file that was written or changed (-p wa).
            if let r = e.extraRange(AuditdParser.kName), ByteOps.hasPrefix(s, r.0, r.1, "/etc/sudoers") { action = .sudoersChanged }
        }
        if action != .none {
            e.authAction = action
            e.services.insert(.auth)  // `action` keeps the record type; the auth action is on the event
        }
    }
}
