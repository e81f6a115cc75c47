import Foundation

/// Traditional syslog files (auth.log, secure, messages, syslog): RFC 3164 `Jan 15 10:00:00 host
/// prog[pid]: message`, optionally with `<PRI>`, or rsyslog's high-precision RFC 3339 timestamp
/// (`2024-01-15T10:00:00.123456+08:00 host prog[pid]: message`). RFC 3164 has no year and no
/// zone: the year comes from YearInference, the zone from --tz.
public final class SyslogParser: LineParser {
    public let format = LogFormat.syslog
    public init() {}

    public func parse(_ p: UnsafePointer<UInt8>, _ n: Int, _ e: Event, _ ctx: ParseContext) -> ParseResult {
        var i = 0
        var pri = -1
        if n > 3 && p[0] == 0x3C {  // <PRI>
            let close = ByteOps.find(p, 1, min(n, 5), 0x3E)
            guard close < min(n, 5), let v = ByteOps.parseInt(p, 1, close) else { return .fail }
            pri = v; i = close + 1
        }
        guard n - i >= 16 else { return .fail }
        var local: Int64 = 0
        var utc: Int64? = nil
        let ts = i
        if ByteOps.isDigit(p[i]) {
            guard let r = CivilTime.iso8601(p, i, n), r.end < n, p[r.end] == 0x20 else { return .fail }
            if r.hasZone { utc = r.micros } else { local = r.micros }
            i = r.end
        } else {
            guard p[i + 3] == 0x20, p[i + 6] == 0x20, p[i + 9] == 0x3A, p[i + 12] == 0x3A, p[i + 15] == 0x20 else { return .fail }
            let month = CivilTime.month(p, i)
            let day = p[i + 4] == 0x20 ? ByteOps.digits(p, i + 5, 1) : ByteOps.digits(p, i + 4, 2)
            let hh = ByteOps.digits(p, i + 7, 2), mm = ByteOps.digits(p, i + 10, 2), ss = ByteOps.digits(p, i + 13, 2)
            guard month > 0, day > 0 else { return .fail }
            let year = ctx.years.year(forMonth: month)
            guard let secs = CivilTime.seconds(year: year, month: month, day: day, hour: hh, minute: mm, second: ss) else { return .fail }
            local = secs * 1_000_000
            i += 15
        }
        let te = i
        // host
        let hs = i + 1
        let he = ByteOps.find(p, hs, n, 0x20)
        guard he < n, he > hs else { return .fail }
        // program[pid]: or program:
        let ps = he + 1
        var colon = ps
        while colon < n && p[colon] != 0x3A && p[colon] != 0x20 { colon += 1 }
        guard colon < n, colon > ps, p[colon] == 0x3A else {
            // Some daemons log without "prog:"; keep it as a message from an unnamed program.
            e.reset(line: p, count: n)
            setCommon(e, ctx, ts: ts, te: te, local: local, utc: utc, pri: pri, hs: hs, he: he)
            e.set(.message, ps, n)
            return .event
        }
        e.reset(line: p, count: n)
        setCommon(e, ctx, ts: ts, te: te, local: local, utc: utc, pri: pri, hs: hs, he: he)
        var pe = colon
        if p[colon - 1] == 0x5D {
            let lb = ByteOps.find(p, ps, colon, 0x5B)
            if lb < colon { e.set(.pid, lb + 1, colon - 1); pe = lb }
        }
        e.set(.program, ps, pe)
        let ms = ByteOps.skipSpaces(p, colon + 1, n)
        e.set(.message, ms, n)
        e.services.formUnion(ProgramClass.services(p, ps, pe, authFile: ctx.authFile))
        AuthMessages.annotate(e, p, ms, n)
        return .event
    }

    @inline(__always) private func setCommon(_ e: Event, _ ctx: ParseContext, ts: Int, te: Int, local: Int64, utc: Int64?,
                                             pri: Int, hs: Int, he: Int) {
        e.format = .syslog
        e.services = [.linux, .syslog]
        if ctx.authFile { e.services.insert(.auth) }
        e.timeStart = Int32(ts); e.timeEnd = Int32(te)
        if let utc { e.time = utc; e.hasTime = true } else { ctx.setLocalTime(e, local) }
        e.set(.host, hs, he)
        if pri >= 0 { SyslogParser.setPriority(e, pri) }
    }

    static let facilities: [StaticString] = ["kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
                                             "authpriv", "ftp", "ntp", "security", "console", "solaris-cron", "local0", "local1",
                                             "local2", "local3", "local4", "local5", "local6", "local7"]
    static let severities: [StaticString] = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]

    static func setPriority(_ e: Event, _ pri: Int) {
        let fac = pri >> 3, sev = pri & 7
        if fac < facilities.count {
            let f = facilities[fac]
            let (s, t) = e.append(f.utf8Start, f.utf8CodeUnitCount)
            e.set(.facility, s, t)
        }
        let v = severities[sev]
        let (s, t) = e.append(v.utf8Start, v.utf8CodeUnitCount)
        e.set(.severity, s, t)
    }
}

/// RFC 5424: `<34>1 2003-10-11T22:14:15.003Z host app procid msgid [sd-id k="v"] message`.
public final class Syslog5424Parser: LineParser {
    public let format = LogFormat.syslog5424
    public init() {}

    public func parse(_ p: UnsafePointer<UInt8>, _ n: Int, _ e: Event, _ ctx: ParseContext) -> ParseResult {
        var i = 0
        var pri = -1
        if n > 0 && p[0] == 0x3C {
            let close = ByteOps.find(p, 1, min(n, 5), 0x3E)
            guard close < min(n, 5), let v = ByteOps.parseInt(p, 1, close) else { return .fail }
            pri = v; i = close + 1
        }
        // VERSION
        let vs = i
        while i < n && ByteOps.isDigit(p[i]) { i += 1 }
        guard i > vs, i - vs <= 2, i < n, p[i] == 0x20 else { return .fail }
        i += 1
        let ts = i
        var micros: Int64 = 0
        var zoned = true
        var te = i
        if p[i] == 0x2D { te = i + 1; zoned = false } else {
            guard let r = CivilTime.iso8601(p, i, n) else { return .fail }
            micros = r.micros; zoned = r.hasZone; te = r.end
        }
        guard te < n, p[te] == 0x20 else { return .fail }
        // HOSTNAME APP-NAME PROCID MSGID
        var fields: [(Int, Int)] = []
        fields.reserveCapacity(4)
        i = te + 1
        for _ in 0..<4 {
            let s = i
            let sp = ByteOps.find(p, i, n, 0x20)
            guard sp > s else { return .fail }
            fields.append((s, sp))
            i = sp + 1
            if sp >= n { break }
        }
        guard fields.count == 4 else { return .fail }
        e.reset(line: p, count: n)
        e.format = .syslog5424
        e.services = [.linux, .syslog]
        if ctx.authFile { e.services.insert(.auth) }
        e.timeStart = Int32(ts); e.timeEnd = Int32(te)
        if p[ts] != 0x2D {
            if zoned { e.time = micros; e.hasTime = true } else { ctx.setLocalTime(e, micros) }
        }
        if pri >= 0 { SyslogParser.setPriority(e, pri) }
        func nonNil(_ r: (Int, Int)) -> Bool { !(r.1 - r.0 == 1 && p[r.0] == 0x2D) }
        if nonNil(fields[0]) { e.set(.host, fields[0].0, fields[0].1) }
        if nonNil(fields[1]) {
            e.set(.program, fields[1].0, fields[1].1)
            e.services.formUnion(ProgramClass.services(p, fields[1].0, fields[1].1, authFile: ctx.authFile))
        }
        if nonNil(fields[2]) { e.set(.pid, fields[2].0, fields[2].1) }
        if nonNil(fields[3]) { e.set(.session, fields[3].0, fields[3].1) }
        // STRUCTURED-DATA: "-" or one or more [id k="v" ...]
        if i < n && p[i] == 0x2D {
            i += 1
        } else {
            while i < n && p[i] == 0x5B {
                i += 1
                while i < n && p[i] != 0x20 && p[i] != 0x5D { i += 1 }  // SD-ID
                while i < n && p[i] == 0x20 {
                    let ks = i + 1
                    let eq = ByteOps.find(p, ks, n, 0x3D)
                    guard eq + 1 < n, p[eq + 1] == 0x22 else { return .event }
                    let vs2 = eq + 2
                    let ve = AccessLogParser.closingQuote(p, vs2, n)
                    guard ve < n else { e.truncated = true; return .event }
                    e.addExtra(nameStart: ks, nameEnd: eq, valueStart: vs2, valueEnd: ve)
                    i = ve + 1
                }
                guard i < n, p[i] == 0x5D else { e.truncated = true; return .event }
                i += 1
            }
        }
        var ms = ByteOps.skipSpaces(p, i, n)
        if ms + 3 <= n && p[ms] == 0xEF && p[ms + 1] == 0xBB && p[ms + 2] == 0xBF { ms += 3 }
        e.set(.message, ms, n)
        AuthMessages.annotate(e, p, ms, n)
        return .event
    }
}

/// Sigma services a syslog program name stands for.
public enum ProgramClass {
    public static func services(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, authFile: Bool) -> ServiceBits {
        let len = e - s
        var bits: ServiceBits = []
        switch len {
        case 2 where ByteOps.equals(p, s, e, "su"): bits = [.auth, .su]
        case 4 where ByteOps.equals(p, s, e, "sshd"), 8 where ByteOps.hasPrefix(p, s, e, "sshd-"):
            bits = [.auth, .sshd]
        case 4 where ByteOps.equals(p, s, e, "sudo"): bits = [.auth, .sudo]
        case 4 where ByteOps.equals(p, s, e, "CRON") || ByteOps.equals(p, s, e, "cron"): bits = [.cron]
        case 5 where ByteOps.equals(p, s, e, "crond"): bits = [.cron]
        case 5 where ByteOps.equals(p, s, e, "login"): bits = [.auth]
        case 6 where ByteOps.equals(p, s, e, "passwd") || ByteOps.equals(p, s, e, "pkexec"): bits = [.auth]
        case 7 where ByteOps.equals(p, s, e, "useradd") || ByteOps.equals(p, s, e, "usermod") || ByteOps.equals(p, s, e, "userdel")
                  || ByteOps.equals(p, s, e, "polkitd") || ByteOps.equals(p, s, e, "gpasswd"):
            bits = [.auth]
        case 8 where ByteOps.equals(p, s, e, "groupadd") || ByteOps.equals(p, s, e, "chpasswd") || ByteOps.equals(p, s, e, "groupmod"):
            bits = [.auth]
        case 14 where ByteOps.equals(p, s, e, "systemd-logind"): bits = [.auth]
        default:
            if len > 5 && ByteOps.hasPrefix(p, s, e, "sshd") { bits = [.auth, .sshd] }
        }
        if authFile { bits.insert(.auth) }
        return bits
    }
}
