import Foundation

/// nginx error log: `2024/01/15 10:00:00 [error] 1234#1234: *5 open() "/x" failed (2: No such
/// file or directory), client: 1.2.3.4, server: example.com, request: "GET /x HTTP/1.1", host: "h"`.
/// The time carries no zone (--tz applies).
public final class NginxErrorParser: LineParser {
    public let format = LogFormat.nginxError
    public init() {}

    public func parse(_ p: UnsafePointer<UInt8>, _ n: Int, _ e: Event, _ ctx: ParseContext) -> ParseResult {
        guard n >= 22, p[4] == 0x2F, p[7] == 0x2F, p[10] == 0x20, p[13] == 0x3A, p[16] == 0x3A, p[19] == 0x20, p[20] == 0x5B else { return .fail }
        let y = ByteOps.digits(p, 0, 4), mo = ByteOps.digits(p, 5, 2), d = ByteOps.digits(p, 8, 2)
        guard y >= 0, let secs = CivilTime.seconds(year: y, month: mo, day: d, hour: ByteOps.digits(p, 11, 2),
                                                     minute: ByteOps.digits(p, 14, 2), second: ByteOps.digits(p, 17, 2)) else { return .fail }
        let le = ByteOps.find(p, 21, n, 0x5D)
        guard le < n else { return .fail }
        e.reset(line: p, count: n)
        e.format = .nginxError
        e.services = [.webserver, .error, .nginx]
        e.timeStart = 0; e.timeEnd = 19
        ctx.setLocalTime(e, secs * 1_000_000)
        e.set(.level, 21, le)
        var i = ByteOps.skipSpaces(p, le + 1, n)
        // pid#tid: *connection
        let hash = ByteOps.find(p, i, min(n, i + 24), 0x23)
        if hash < n && hash < i + 24 {
            e.set(.pid, i, hash)
            let colon = ByteOps.find(p, hash, n, 0x3A)
            i = ByteOps.skipSpaces(p, min(n, colon + 1), n)
            if i < n && p[i] == 0x2A {  // *123 connection number
                let sp = ByteOps.find(p, i, n, 0x20)
                e.set(.session, i + 1, sp)
                i = ByteOps.skipSpaces(p, sp, n)
            }
        }
        // The message ends at ", client: " when the error concerns a request.
        if let c = ByteOps.find(p, i, n, ", client: ") {
            e.set(.message, i, c)
            let cs = c + 10
            let ce = ByteOps.find(p, cs, n, 0x2C)
            e.set(.srcIP, cs, ce)
            if let r = ByteOps.find(p, ce, n, ", request: \"") {
                let rs = r + 12
                let re = AccessLogParser.closingQuote(p, rs, n)
                AccessLogParser.splitRequest(p, rs, re, e)
            }
            if let h = ByteOps.find(p, ce, n, ", host: \"") {
                let hs = h + 9
                e.set(.vhost, hs, ByteOps.find(p, hs, n, 0x22))
            }
            if let s = ByteOps.find(p, ce, n, ", server: ") {
                let ss = s + 10
                if !e.has(.vhost) { e.set(.vhost, ss, ByteOps.find(p, ss, n, 0x2C)) }
            }
            if let r = ByteOps.find(p, ce, n, ", referrer: \"") {
                let rs = r + 13
                e.set(.referer, rs, ByteOps.find(p, rs, n, 0x22))
            }
        } else {
            e.set(.message, i, n)
        }
        return .event
    }
}

/// Apache error log, 2.4 (`[Mon Jan 15 10:00:00.123456 2024] [core:error] [pid 1234:tid 5]
/// [client 1.2.3.4:5555] AH00126: Invalid URI`) and 2.2 (`[Mon Jan 15 10:00:00 2024] [error]
/// [client 1.2.3.4] File does not exist: /var/www/x`). No zone (--tz applies).
public final class ApacheErrorParser: LineParser {
    public let format = LogFormat.apacheError
    public init() {}

    public func parse(_ p: UnsafePointer<UInt8>, _ n: Int, _ e: Event, _ ctx: ParseContext) -> ParseResult {
        // [Www Mmm dd HH:MM:SS[.ffffff] yyyy]
        guard n >= 27, p[0] == 0x5B, p[4] == 0x20, p[8] == 0x20, p[11] == 0x20, p[14] == 0x3A, p[17] == 0x3A else { return .fail }
        let month = CivilTime.month(p, 5)
        let dayStart = p[9] == 0x20 ? 10 : 9
        guard month > 0, let day = ByteOps.parseInt(p, dayStart, 11) else { return .fail }
        let hh = ByteOps.digits(p, 12, 2), mm = ByteOps.digits(p, 15, 2), ss = ByteOps.digits(p, 18, 2)
        var i = 20
        var micros: Int64 = 0
        if p[i] == 0x2E {
            i += 1
            var digits = 0
            while i < n && ByteOps.isDigit(p[i]) { if digits < 6 { micros = micros * 10 + Int64(p[i] - 0x30) }; digits += 1; i += 1 }
            while digits < 6 { micros *= 10; digits += 1 }
        }
        guard i + 6 <= n, p[i] == 0x20, p[i + 5] == 0x5D else { return .fail }
        let year = ByteOps.digits(p, i + 1, 4)
        guard year >= 0, let secs = CivilTime.seconds(year: year, month: month, day: day, hour: hh, minute: mm, second: ss) else { return .fail }
        e.reset(line: p, count: n)
        e.format = .apacheError
        e.services = [.webserver, .error, .apache]
        e.timeStart = 1; e.timeEnd = Int32(i + 5)
        ctx.setLocalTime(e, secs * 1_000_000 + micros)
        i += 6
        // Bracketed fields: [module:level] [pid N:tid M] [client ip:port]
        var msgStart = i
        while true {
            let s = ByteOps.skipSpaces(p, i, n)
            guard s < n, p[s] == 0x5B else { msgStart = s; break }
            let close = ByteOps.find(p, s, n, 0x5D)
            guard close < n else { msgStart = s; break }
            if ByteOps.hasPrefix(p, s + 1, close, "client ") {
                let cs = s + 8
                // ip:port (IPv6 may have colons: the port is after the last colon when there are digits)
                var ce = close
                var k = close - 1
                while k > cs && ByteOps.isDigit(p[k]) { k -= 1 }
                if k > cs && p[k] == 0x3A && k < close - 1 {
                    // Only strip the port for IPv4 (one colon) or bracketed IPv6.
                    let firstColon = ByteOps.find(p, cs, close, 0x3A)
                    if firstColon == k { ce = k }
                }
                e.set(.srcIP, cs, ce)
            } else if ByteOps.hasPrefix(p, s + 1, close, "pid ") {
                let ps = s + 5
                e.set(.pid, ps, ByteOps.find(p, ps, close, 0x3A))
            } else if !e.has(.level) {
                let colon = ByteOps.find(p, s + 1, close, 0x3A)
                e.set(.level, colon < close ? colon + 1 : s + 1, close)
                if colon < close { e.set(.program, s + 1, colon) }
            }
            i = close + 1
        }
        e.set(.message, msgStart, n)
        // "referer: http://..." trailer
        if let r = ByteOps.find(p, msgStart, n, ", referer: ") { e.set(.referer, r + 11, n) }
        return .event
    }
}
