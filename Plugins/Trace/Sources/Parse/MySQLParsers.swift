import Foundation

/// A record that spans lines: its text (lines joined by '\n') and where it began.
struct PendingRecord {
    var text: [UInt8] = []
    var line = 0
    var active = false
    mutating func start(_ p: UnsafePointer<UInt8>, _ n: Int, line: Int) {
        text.removeAll(keepingCapacity: true)
        text.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        self.line = line
        active = true
    }
    mutating func add(_ p: UnsafePointer<UInt8>, _ n: Int) {
        text.append(0x0A)
        text.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
    }
}

/// MySQL general query log. 5.7+: `2024-01-15T10:00:00.123456Z\t   12 Query\tSELECT 1`;
/// 5.6 and older: `240115 10:00:00\t   12 Query\tSELECT 1` or, within the same second,
/// `\t\t   12 Query\t...`. Statements may continue on following lines. Connect records give
/// the thread's user and client, which are carried to its later statements.
public final class MySQLGeneralParser: LineParser {
    public let format = LogFormat.mysqlGeneral
    @exclusivity(unchecked) var pending = PendingRecord()
    @exclusivity(unchecked) var pendingTime: Int64 = 0
    @exclusivity(unchecked) var pendingZoned = false
    @exclusivity(unchecked) var pendingHasTime = false
    @exclusivity(unchecked) var lastTime: Int64 = 0
    @exclusivity(unchecked) var lastZoned = false
    @exclusivity(unchecked) var haveLast = false
    /// thread id → (user, client address), from Connect records (bounded).
    @exclusivity(unchecked) var threads: [Int: (String, String)] = [:]

    public init() {}

    public func parse(_ p: UnsafePointer<UInt8>, _ n: Int, _ e: Event, _ ctx: ParseContext) -> ParseResult {
        if n == 0 { return pending.active ? .pending : .skip }
        // Header lines written at server start.
        if ByteOps.hasPrefix(p, 0, n, "Time                 Id Command") || ByteOps.hasPrefix(p, 0, n, "Tcp port:")
            || (ByteOps.find(p, 0, n, ", Version: ") != nil && ByteOps.find(p, 0, n, "started with:") != nil) {
            return complete(e, ctx, then: nil) ? .event : .skip
        }
        // A record starts with a time (or two tabs for "same second"), then the thread id and command.
        var i = 0
        var time: Int64 = 0
        var zoned = false
        var hasTime = false
        if n >= 20 && ByteOps.isDigit(p[0]), let r = CivilTime.iso8601(p, 0, n), r.end < n, p[r.end] == 0x09 {
            time = r.micros; zoned = r.hasZone; hasTime = true; i = r.end + 1
        } else if n >= 16 && ByteOps.isDigit(p[0]) && p[6] == 0x20 && (p[9] == 0x3A || p[8] == 0x3A) {
            // yymmdd hh:mm:ss (hour may be one digit, space padded)
            let yy = ByteOps.digits(p, 0, 2), mo = ByteOps.digits(p, 2, 2), dd = ByteOps.digits(p, 4, 2)
            var k = 7
            if p[k] == 0x20 { k += 1 }
            let colon = ByteOps.find(p, k, min(n, k + 3), 0x3A)
            guard let hh = ByteOps.parseInt(p, k, colon), colon + 6 <= n, yy >= 0, mo > 0, dd > 0,
                  let secs = CivilTime.seconds(year: 2000 + yy, month: mo, day: dd, hour: hh,
                                               minute: ByteOps.digits(p, colon + 1, 2), second: ByteOps.digits(p, colon + 4, 2))
            else { return pending.active ? continuation(p, n) : .fail }
            time = secs * 1_000_000; hasTime = true; i = colon + 6
            while i < n && p[i] == 0x09 { i += 1 }
        } else if n >= 3 && p[0] == 0x09 && p[1] == 0x09 {
            i = 2
            time = lastTime; zoned = lastZoned; hasTime = haveLast
        } else {
            return pending.active ? continuation(p, n) : .fail
        }
        // thread id and command
        let ids = ByteOps.skipSpaces(p, i, n)
        var ide = ids
        while ide < n && ByteOps.isDigit(p[ide]) { ide += 1 }
        guard ide > ids, ide < n, p[ide] == 0x20 else { return pending.active ? continuation(p, n) : .fail }
        let cs = ide + 1
        var ce = cs
        while ce < n && p[ce] != 0x09 && !(p[ce] == 0x20 && ce + 1 < n && p[ce + 1] == 0x20) { ce += 1 }
        guard ce > cs, isCommand(p, cs, ce) else { return pending.active ? continuation(p, n) : .fail }
        if hasTime { lastTime = time; lastZoned = zoned; haveLast = true }
        let completed = complete(e, ctx, then: nil)
        pending.start(p, n, line: ctx.currentLine)
        pendingTime = time; pendingZoned = zoned; pendingHasTime = hasTime
        return completed ? .eventAndPending : .pending
    }

    static let commands: [StaticString] = ["Query", "Connect", "Quit", "Init DB", "Execute", "Prepare", "Close stmt",
                                           "Field List", "Statistics", "Shutdown", "Change user", "Binlog Dump",
                                           "Ping", "Reset stmt", "Long Data", "Sleep", "Kill", "Refresh", "Processlist",
                                           "Debug", "Set option", "Fetch", "Daemon", "Error", "Connect Out", "Table Dump"]
    @inline(__always) func isCommand(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        for c in MySQLGeneralParser.commands where ByteOps.equals(p, s, e, c) { return true }
        return false
    }

    private func continuation(_ p: UnsafePointer<UInt8>, _ n: Int) -> ParseResult {
        pending.add(p, n)
        return .pending
    }

    public func flush(_ e: Event, _ ctx: ParseContext) -> Bool { complete(e, ctx, then: nil) }

    /// Turns the pending record into the event.
    private func complete(_ e: Event, _ ctx: ParseContext, then: Void?) -> Bool {
        guard pending.active else { return false }
        pending.active = false
        let ok: Bool = pending.text.withUnsafeBufferPointer { b in
            let p = b.baseAddress!
            let n = b.count
            e.reset(line: p, count: n)
            e.format = .mysqlGeneral
            e.services = [.mysql, .general, .database]
            e.lineNumber = pending.line
            if pendingHasTime {
                if pendingZoned { e.time = pendingTime; e.hasTime = true } else { ctx.setLocalTime(e, pendingTime) }
            }
            var i = 0
            if p[0] == 0x09 { i = 2 } else {
                let tab = ByteOps.find(p, 0, n, 0x09)
                e.timeStart = 0; e.timeEnd = Int32(tab)
                i = tab + 1
                while i < n && p[i] == 0x09 { i += 1 }
            }
            let ids = ByteOps.skipSpaces(p, i, n)
            var ide = ids
            while ide < n && ByteOps.isDigit(p[ide]) { ide += 1 }
            e.set(.session, ids, ide)
            let cs = ide + 1
            var ce = cs
            while ce < n && p[ce] != 0x09 && !(p[ce] == 0x20 && ce + 1 < n && p[ce + 1] == 0x20) { ce += 1 }
            e.set(.action, cs, ce)
            let as0 = ByteOps.skipSpaces(p, ce, n)
            let argStart = as0 < n && p[as0] == 0x09 ? as0 + 1 : as0
            e.set(.message, argStart, n)
            let thread = ByteOps.parseInt(p, ids, ide) ?? -1
            if ByteOps.equals(p, cs, ce, "Connect") {
                // root@localhost on db using TCP/IP   |  Access denied for user 'root'@'1.2.3.4' (using password: YES)
                if ByteOps.hasPrefix(p, argStart, n, "Access denied for user '") {
                    let us = argStart + 24
                    let ue = ByteOps.find(p, us, n, 0x27)
                    e.set(.user, us, ue)
                    if ue + 3 < n { let hs = ue + 3; e.set(.srcIP, hs, ByteOps.find(p, hs, n, 0x27)) }
                    e.authAction = .loginFailed
                    e.services.insert(.auth)
                } else {
                    let at = ByteOps.find(p, argStart, n, 0x40)
                    let sp = ByteOps.find(p, at, n, 0x20)
                    if at < n {
                        e.set(.user, argStart, at)
                        e.set(.srcIP, at + 1, sp)
                        if let on = ByteOps.find(p, sp, n, " on ") {
                            let ds = on + 4
                            let de = ByteOps.find(p, ds, n, 0x20)
                            if de > ds { e.set(.database, ds, de) }
                        }
                        if thread >= 0 && threads.count < 100_000 {
                            threads[thread] = (ByteOps.string(p, argStart, at), ByteOps.string(p, at + 1, sp))
                        }
                    }
                }
            } else if thread >= 0, let (u, h) = threads[thread] {
                let (a, b) = e.append(u); e.set(.user, a, b)
                let (c, d) = e.append(h); e.set(.srcIP, c, d)
                if ByteOps.equals(p, cs, ce, "Quit") { threads[thread] = nil }
            }
            if ByteOps.equals(p, cs, ce, "Query") || ByteOps.equals(p, cs, ce, "Execute") { e.set(.command, argStart, n) }
            return true
        }
        return ok
    }
}

/// MySQL slow query log: a header (`# Time:`, `# User@Host:`, `# Query_time: … Rows_sent: …`),
/// `SET timestamp=…;`, optionally `use db;`, then the statement (which may span lines).
/// The event is the whole record; its time is SET timestamp (exact epoch) when present.
public final class MySQLSlowParser: LineParser {
    public let format = LogFormat.mysqlSlow
    @exclusivity(unchecked) var pending = PendingRecord()
    @exclusivity(unchecked) var inStatement = false
    public init() {}

    public func parse(_ p: UnsafePointer<UInt8>, _ n: Int, _ e: Event, _ ctx: ParseContext) -> ParseResult {
        if n == 0 { return pending.active ? .pending : .skip }
        if ByteOps.hasPrefix(p, 0, n, "# Time: ") || ByteOps.hasPrefix(p, 0, n, "# User@Host: ") {
            // A new record; a statement still open completes first.
            if pending.active && inStatement {
                let done = complete(e, ctx)
                pending.start(p, n, line: ctx.currentLine)
                inStatement = false
                return done ? .eventAndPending : .pending
            }
            if pending.active { pending.add(p, n) } else { pending.start(p, n, line: ctx.currentLine) }
            return .pending
        }
        if p[0] == 0x23 {  // other header lines (# Query_time, # Schema, ...)
            if !pending.active {
                if ByteOps.hasPrefix(p, 0, n, "# Query_time: ") { pending.start(p, n, line: ctx.currentLine); return .pending }
                return .fail
            }
            pending.add(p, n)
            return .pending
        }
        if ByteOps.find(p, 0, n, ", Version: ") != nil || ByteOps.hasPrefix(p, 0, n, "Tcp port:") || ByteOps.hasPrefix(p, 0, n, "Time                 Id Command") {
            return .skip
        }
        guard pending.active else { return .fail }
        pending.add(p, n)
        if ByteOps.hasPrefix(p, 0, n, "SET timestamp=") || ByteOps.hasPrefix(p, 0, n, "use ") { return .pending }
        inStatement = true
        // A statement ends with ';' at the end of a line.
        var k = n - 1
        while k > 0 && (p[k] == 0x20 || p[k] == 0x09) { k -= 1 }
        if p[k] == 0x3B {
            inStatement = false
            return complete(e, ctx) ? .event : .pending
        }
        return .pending
    }

    public func flush(_ e: Event, _ ctx: ParseContext) -> Bool { complete(e, ctx) }

    private func complete(_ e: Event, _ ctx: ParseContext) -> Bool {
        guard pending.active else { return false }
        pending.active = false
        inStatement = false
        return pending.text.withUnsafeBufferPointer { b -> Bool in
            let p = b.baseAddress!
            let n = b.count
            e.reset(line: p, count: n)
            e.format = .mysqlSlow
            e.services = [.mysql, .slow, .database]
            e.lineNumber = pending.line
            var i = 0
            var stmtStart = -1
            while i < n {
                let le = ByteOps.find(p, i, n, 0x0A)
                if ByteOps.hasPrefix(p, i, le, "# Time: ") {
                    let ts = i + 8
                    if let r = CivilTime.iso8601(p, ts, le), !e.hasTime {
                        if r.hasZone { e.time = r.micros; e.hasTime = true } else { ctx.setLocalTime(e, r.micros) }
                        e.timeStart = Int32(ts); e.timeEnd = Int32(r.end)
                    }
                } else if ByteOps.hasPrefix(p, i, le, "# User@Host: ") {
                    // root[root] @ localhost [127.0.0.1]  Id:    12
                    let us = i + 13
                    let ue = ByteOps.find(p, us, le, 0x5B)
                    e.set(.user, us, ue)
                    if let at = ByteOps.find(p, ue, le, " @ ") {
                        let lb = ByteOps.find(p, at, le, 0x5B)
                        let rb = ByteOps.find(p, lb, le, 0x5D)
                        if rb > lb + 1 && rb < le { e.set(.srcIP, lb + 1, rb) }
                        else { e.set(.srcIP, at + 3, ByteOps.find(p, at + 3, le, 0x20)) }
                    }
                    if let id = ByteOps.find(p, us, le, "Id: ") {
                        let s = ByteOps.skipSpaces(p, id + 4, le)
                        var t = s
                        while t < le && ByteOps.isDigit(p[t]) { t += 1 }
                        e.set(.session, s, t)
                    }
                } else if ByteOps.hasPrefix(p, i, le, "# Query_time: ") {
                    let qs = i + 14
                    e.set(.duration, qs, ByteOps.find(p, qs, le, 0x20))
                    // Remaining "Name: value" pairs become fields (Rows_sent, Rows_examined, ...).
                    var k = qs
                    while let c = ByteOps.find(p, k, le, ": ") {
                        var ks = c
                        while ks > i && p[ks - 1] != 0x20 { ks -= 1 }
                        let vs = ByteOps.skipSpaces(p, c + 2, le)
                        let ve = ByteOps.find(p, vs, le, 0x20)
                        if ks < c && !ByteOps.equals(p, ks, c, "Query_time") {
                            e.addExtra(nameStart: ks, nameEnd: c, valueStart: vs, valueEnd: ve)
                        }
                        k = ve
                    }
                } else if ByteOps.hasPrefix(p, i, le, "SET timestamp=") {
                    let vs = i + 14
                    let ve = ByteOps.find(p, vs, le, 0x3B)
                    // "# Time:" is more precise; SET timestamp (epoch seconds) stands in when it is absent or old-style.
                    if let t = ByteOps.parseInt(p, vs, ve), !e.hasTime || e.zoneAssumed {
                        e.time = Int64(t) * 1_000_000; e.hasTime = true; e.zoneAssumed = false
                        if e.timeEnd == 0 { e.timeStart = Int32(vs); e.timeEnd = Int32(ve) }
                    }
                } else if ByteOps.hasPrefix(p, i, le, "use ") {
                    let ds = i + 4
                    e.set(.database, ds, ByteOps.find(p, ds, le, 0x3B))
                } else if p[i] != 0x23 && stmtStart < 0 {
                    stmtStart = i
                }
                i = le + 1
            }
            if stmtStart >= 0 {
                e.set(.message, stmtStart, n)
                e.set(.command, stmtStart, n)
            }
            return true
        }
    }
}
