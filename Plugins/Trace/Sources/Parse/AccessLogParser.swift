import Foundation

/// nginx and Apache access logs in the combined and common formats (also with a leading virtual
/// host, Apache's vhost_combined, and with extra fields after the user agent):
/// `1.2.3.4 - user [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 200 2326 "referer" "agent"`.
/// A request without its closing quote (a cut-off line) is taken to the end of the line and the
/// event marked truncated.
public final class AccessLogParser: LineParser {
    public let format = LogFormat.accessCombined
    public init() {}

    public func parse(_ p: UnsafePointer<UInt8>, _ n: Int, _ e: Event, _ ctx: ParseContext) -> ParseResult {
        if n < 20 { return .fail }
        // Tokens before the '[' of the time: host ident user, optionally preceded by a vhost.
        let bracket = ByteOps.find(p, 0, min(n, 600), 0x5B)
        if bracket >= n || bracket < 6 || p[bracket - 1] != 0x20 { return .fail }
        // Walk back over "user", "ident", "host" (and maybe "vhost").
        var i = 0
        var t0 = 0, t0e = 0, t1 = 0, t1e = 0, t2 = 0, t2e = 0, t3 = -1, t3e = -1
        var count = 0
        while i < bracket - 1 {
            let s = i
            // Short tokens (an address, "-"): a byte loop costs less than a memchr call.
            while i < bracket - 1 && p[i] != 0x20 { i += 1 }
            switch count {
            case 0: t0 = s; t0e = i
            case 1: t1 = s; t1e = i
            case 2: t2 = s; t2e = i
            case 3: t3 = s; t3e = i
            default: break
            }
            count += 1
            i += 1
        }
        var hostS = t0, hostE = t0e, userS = t2, userE = t2e
        var vhost: (Int, Int)? = nil
        if count == 4 {
            vhost = (t0, t0e); hostS = t1; hostE = t1e; userS = t3; userE = t3e
        } else if count != 3 {
            return .fail
        }
        if hostE - hostS < 2 || !AccessLogParser.looksLikeHost(p, hostS, hostE) { return .fail }

        // [dd/Mon/yyyy:HH:MM:SS +zzzz]
        let ts = bracket + 1
        guard ts + 26 <= n, p[ts + 2] == 0x2F, p[ts + 6] == 0x2F, p[ts + 11] == 0x3A,
              p[ts + 14] == 0x3A, p[ts + 17] == 0x3A else { return .fail }
        let day = ByteOps.digits(p, ts, 2), month = CivilTime.month(p, ts + 3), year = ByteOps.digits(p, ts + 7, 4)
        let hh = ByteOps.digits(p, ts + 12, 2), mm = ByteOps.digits(p, ts + 15, 2), ss = ByteOps.digits(p, ts + 18, 2)
        guard month > 0, year >= 0, let secs = CivilTime.seconds(year: year, month: month, day: day, hour: hh, minute: mm, second: ss)
        else { return .fail }
        var j = ts + 20
        var micros: Int64 = 0
        if p[j] == 0x2E {  // optional fraction ($msec-style variants)
            j += 1
            var digits = 0
            while j < n && ByteOps.isDigit(p[j]) { if digits < 6 { micros = micros * 10 + Int64(p[j] - 0x30) }; digits += 1; j += 1 }
            while digits < 6 { micros *= 10; digits += 1 }
        }
        var zoned = false
        var offset = 0
        if j < n && p[j] == 0x20 {
            guard let (off, used) = CivilTime.zoneOffset(p, j + 1, n) else { return .fail }
            offset = off; zoned = true; j += 1 + used
        }
        guard j < n && p[j] == 0x5D else { return .fail }
        let timeEnd = j
        j += 1

        e.reset(line: p, count: n)
        e.format = .accessCombined
        e.services = ctx.webProduct.union(.webAccess)
        e.timeStart = Int32(ts); e.timeEnd = Int32(timeEnd)
        let local = secs * 1_000_000 + micros
        if zoned { e.time = local - Int64(offset) * 1_000_000; e.hasTime = true } else { ctx.setLocalTime(e, local) }
        e.set(.srcIP, hostS, hostE)
        if !(userE - userS == 1 && p[userS] == 0x2D) { e.set(.user, userS, userE) }
        if let v = vhost { e.set(.vhost, v.0, v.1) }

        // "request"
        guard j + 1 < n, p[j] == 0x20, p[j + 1] == 0x22 else {
            e.truncated = true
            return .event
        }
        let rs = j + 2
        let re = AccessLogParser.closingQuote(p, rs, n)
        if re >= n {
            e.truncated = true
            AccessLogParser.splitRequest(p, rs, n, e)
            return .event
        }
        AccessLogParser.splitRequest(p, rs, re, e)
        j = re + 1
        // status bytes
        j = ByteOps.skipSpaces(p, j, n)
        let ss0 = j
        while j < n && p[j] != 0x20 { j += 1 }
        if j > ss0 {
            if let v = ByteOps.parseInt(p, ss0, j) { e.statusCode = v; e.set(.status, ss0, j) }
            else if !(j - ss0 == 1 && p[ss0] == 0x2D) { return .fail }
        } else {
            e.truncated = true
            return .event
        }
        j = ByteOps.skipSpaces(p, j, n)
        let bs = j
        while j < n && p[j] != 0x20 { j += 1 }
        if j > bs {
            if let v = ByteOps.parseInt(p, bs, j) { e.byteCount = Int64(v); e.set(.bytes, bs, j) }
            else if j - bs == 1 && p[bs] == 0x2D { e.byteCount = 0 }
            else { return .fail }
        } else {
            e.truncated = true
            e.format = .accessCommon
            return .event
        }
        // "referer" "agent" (combined); absent in common.
        j = ByteOps.skipSpaces(p, j, n)
        if j >= n {
            e.format = .accessCommon
            return .event
        }
        guard p[j] == 0x22 else { return .event }
        let fs = j + 1
        let fe = AccessLogParser.closingQuote(p, fs, n)
        if fe >= n { e.truncated = true; return .event }
        if !(fe - fs == 1 && p[fs] == 0x2D) { e.set(.referer, fs, fe) }
        j = ByteOps.skipSpaces(p, fe + 1, n)
        guard j < n, p[j] == 0x22 else { return .event }
        let us = j + 1
        let ue = AccessLogParser.closingQuote(p, us, n)
        if ue >= n { e.truncated = true; e.set(.userAgent, us, n); return .event }
        if !(ue - us == 1 && p[us] == 0x2D) { e.set(.userAgent, us, ue) }
        return .event
    }

    /// A client address: IPv4, IPv6, or a host name (HostnameLookups on). Rejects obvious non-hosts.
    @inline(__always) static func looksLikeHost(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        var i = s
        while i < e {
            let c = p[i]
            if !(ByteOps.isDigit(c) || (ByteOps.lower(c) >= 0x61 && ByteOps.lower(c) <= 0x7A) || c == 0x2E || c == 0x3A || c == 0x2D || c == 0x5F || c == 0x5B || c == 0x5D || c == 0x25) {
                return false
            }
            i += 1
        }
        return true
    }

    /// The closing '"' of a quoted field starting at `from` (escaped quotes `\"` skipped), or `to`.
    @inline(__always) static func closingQuote(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Int {
        var i = from
        while true {
            i = ByteOps.find(p, i, to, 0x22)
            if i >= to { return to }
            if i > from && p[i - 1] == 0x5C {
                var k = i - 1, slashes = 0
                while k >= from && p[k] == 0x5C { slashes += 1; k -= 1 }
                if slashes & 1 == 1 { i += 1; continue }
            }
            return i
        }
    }

    /// "METHOD URI PROTO": sets method, uri, path, query, protocol and request.
    @inline(__always) static func splitRequest(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, _ ev: Event) {
        ev.set(.request, s, e)
        if e - s == 1 && p[s] == 0x2D { return }
        let sp1 = ByteOps.find(p, s, e, 0x20)
        if sp1 >= e { return }
        // A method is a token of capital letters; anything else (TLS bytes, junk) stays only in `request`.
        var k = s
        while k < sp1 { let c = p[k]; if !((c &- 0x41) < 26 || c == 0x2D || c == 0x5F) { return }; k += 1 }
        ev.set(.method, s, sp1)
        let us = sp1 + 1
        var ue = e
        // The protocol is the last token when it starts with "HTTP/".
        var back = e - 1
        while back > us && p[back] != 0x20 { back -= 1 }
        if back > us && ByteOps.hasPrefix(p, back + 1, e, "HTTP/") {
            ue = back
            ev.set(.proto, back + 1, e)
        }
        ev.set(.uri, us, ue)
        let q = ByteOps.find(p, us, ue, 0x3F)
        ev.set(.path, us, q)
        if q < ue { ev.set(.query, q + 1, ue) }
    }
}
