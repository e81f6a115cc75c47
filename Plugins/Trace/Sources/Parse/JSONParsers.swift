import Foundation

/// Which JSON keys of an application log hold the canonical fields. Defaults cover common
/// loggers; `--field-map` replaces entries: `time=ts,src_ip=client.addr|peer,message=msg`
/// (alternatives separated by `|`), given inline or as a file with one `field = key|key` per line.
public struct FieldMap: Sendable {
    public var time: [[UInt8]]
    public var fields: [(Field, [[UInt8]])]

    public static let defaults: [(String, [String])] = [
        ("time", ["time", "timestamp", "@timestamp", "ts", "datetime", "date", "event_time", "eventTime", "t"]),
        ("src_ip", ["src_ip", "client_ip", "clientip", "remote_addr", "remote_ip", "ip", "source_ip", "client.ip", "source.ip", "client_addr", "peer"]),
        ("user", ["user", "username", "user_name", "user.name", "login", "account"]),
        ("message", ["message", "msg", "log", "text"]),
        ("level", ["level", "severity", "lvl", "loglevel", "log.level"]),
        ("method", ["method", "http_method", "request_method", "http.request.method", "http.method"]),
        ("uri", ["uri", "url", "request_uri", "url.original", "http.url", "path", "request_path", "endpoint"]),
        ("status", ["status", "status_code", "http_status", "http.response.status_code", "response_code"]),
        ("bytes", ["bytes", "bytes_sent", "response_size", "body_bytes_sent", "http.response.body.bytes", "size"]),
        ("user_agent", ["user_agent", "useragent", "ua", "http_user_agent", "user_agent.original", "agent"]),
        ("referer", ["referer", "referrer", "http_referer"]),
        ("host", ["hostname", "host", "host.name"]),
        ("program", ["app", "service", "program", "logger", "application", "service.name"]),
        ("action", ["action", "event", "event.action"]),
        ("session", ["session", "session_id", "sid"]),
        ("command", ["command", "cmd"]),
    ]

    public init() {
        var m: [String: [String]] = [:]
        for (k, v) in FieldMap.defaults { m[k] = v }
        self.init(table: m)
    }

    init(table: [String: [String]]) {
        time = (table["time"] ?? []).map { Array($0.utf8) }
        var f: [(Field, [[UInt8]])] = []
        for field in Field.allCases {
            if let keys = table[field.name], !keys.isEmpty { f.append((field, keys.map { Array($0.utf8) })) }
        }
        fields = f
    }

    public enum ParseError: Error, CustomStringConvertible {
        case badEntry(String)
        case unknownField(String)
        public var description: String {
            switch self {
            case .badEntry(let s): return "'\(s)' is not FIELD=KEY"
            case .unknownField(let s):
                return "'\(s)' is not a field (use time or one of \(Field.allCases.map(\.name).joined(separator: ", ")))"
            }
        }
    }

    /// Parses `--field-map`: inline `a=b,c=d|e` or the text of a file (`a = b` per line, # comments).
    public static func parse(_ spec: String) throws -> FieldMap {
        var table: [String: [String]] = [:]
        for (k, v) in FieldMap.defaults { table[k] = v }
        let entries = spec.contains("\n") ? spec.split(separator: "\n").map(String.init) : spec.split(separator: ",").map(String.init)
        for raw in entries {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            let parts = t.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw ParseError.badEntry(t) }
            let name = parts[0] == "ip" ? "src_ip" : parts[0]
            guard name == "time" || Field.allCases.contains(where: { $0.name == name }) else { throw ParseError.unknownField(parts[0]) }
            table[name] = parts[1].split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return FieldMap(table: table)
    }

    /// Applies the map to the extras of `e`: canonical fields and the time.
    func apply(_ e: Event, _ ctx: ParseContext) {
        for (field, keys) in fields where !e.has(field) {
            for k in keys {
                if let (s, t) = e.extraRange(k) { e.set(field, s, t); break }
            }
        }
        if !e.hasTime {
            for k in time {
                if let (s, t) = e.extraRange(k) {
                    JSONTime.set(e, s, t, ctx)
                    if e.hasTime { break }
                }
            }
        }
        if let v = e.value(.status), let s = ByteOps.parseInt(v.baseAddress!, 0, v.count) { e.statusCode = s }
        if let v = e.value(.bytes), let b = ByteOps.parseInt(v.baseAddress!, 0, v.count) { e.byteCount = Int64(b) }
        // A full URL or a path with a query: split path and query.
        if let (us, ue) = e.range(.uri) {
            let q = ByteOps.find(e.storage, us, ue, 0x3F)
            if !e.has(.path) { e.set(.path, us, q) }
            if q < ue && !e.has(.query) { e.set(.query, q + 1, ue) }
        }
    }
}

extension Event {
    /// Range of an extra field by name.
    func extraRange(_ name: [UInt8]) -> (Int, Int)? {
        name.withUnsafeBufferPointer { nb in
            for x in extras where Int(x.nameEnd - x.nameStart) == nb.count {
                if memcmp(storage + Int(x.nameStart), nb.baseAddress!, nb.count) == 0 { return (Int(x.valueStart), Int(x.valueEnd)) }
            }
            return nil
        }
    }
}

/// Times in JSON: ISO 8601 strings, or epoch numbers in seconds, milliseconds, microseconds or
/// nanoseconds (told apart by magnitude), with or without a fraction.
enum JSONTime {
    static func set(_ e: Event, _ s: Int, _ t: Int, _ ctx: ParseContext) {
        let p = UnsafePointer(e.storage)
        if t - s >= 19, let r = CivilTime.iso8601(p, s, t) {
            if r.hasZone { e.time = r.micros; e.hasTime = true } else { ctx.setLocalTime(e, r.micros) }
            e.timeStart = Int32(s); e.timeEnd = Int32(t)
            return
        }
        let dot = ByteOps.find(p, s, t, 0x2E)
        guard let whole = ByteOps.parseInt(p, s, dot) else { return }
        var frac: Int64 = 0
        if dot < t {
            var digits = 0
            var i = dot + 1
            while i < t && ByteOps.isDigit(p[i]) { if digits < 6 { frac = frac * 10 + Int64(p[i] - 0x30) }; digits += 1; i += 1 }
            while digits < 6 { frac *= 10; digits += 1 }
        }
        let w = Int64(whole)
        let micros: Int64
        switch w {
        case 0..<100_000_000_000: micros = w * 1_000_000 + frac                 // seconds
        case 100_000_000_000..<100_000_000_000_000: micros = w * 1000 + frac / 1000  // milliseconds
        case 100_000_000_000_000..<100_000_000_000_000_000: micros = w            // microseconds
        default: micros = w / 1000                                                 // nanoseconds
        }
        e.time = micros; e.hasTime = true
        e.timeStart = Int32(s); e.timeEnd = Int32(t)
    }
}

/// JSON-lines application logs: one object per line, fields mapped by FieldMap.
public final class JSONLinesParser: LineParser {
    public let format = LogFormat.jsonLines
    public init() {}

    public func parse(_ p: UnsafePointer<UInt8>, _ n: Int, _ e: Event, _ ctx: ParseContext) -> ParseResult {
        guard n >= 2, p[ByteOps.skipSpaces(p, 0, n)] == 0x7B else { return .fail }
        e.reset(line: p, count: n)
        e.format = .jsonLines
        if let f = JSONScan.flatten(p, 0, n, e) {
            if f == .notJSON || e.extras.isEmpty { return .fail }
            e.truncated = true
        }
        ctx.fieldMap.apply(e, ctx)
        e.services = [.application]
        if e.has(.uri) && (e.has(.method) || e.has(.status)) { e.services.formUnion([.webserver, .access]) }
        if let (ps, pe) = e.range(.program) {
            e.services.formUnion(ProgramClass.services(e.storage, ps, pe, authFile: false))
        }
        if let (ms, me) = e.range(.message) { AuthMessages.annotate(e, UnsafePointer(e.storage), ms, me) }
        return .event
    }
}

/// `journalctl -o json` export: __REALTIME_TIMESTAMP (µs), _HOSTNAME, SYSLOG_IDENTIFIER/_COMM,
/// _PID, MESSAGE (a string, or an array of bytes when it was not UTF-8), PRIORITY.
public final class JournaldParser: LineParser {
    public let format = LogFormat.journald
    public init() {}

    static let realtime = Array("__REALTIME_TIMESTAMP".utf8)
    static let hostname = Array("_HOSTNAME".utf8)
    static let identifier = Array("SYSLOG_IDENTIFIER".utf8)
    static let comm = Array("_COMM".utf8)
    static let pid = Array("_PID".utf8)
    static let message = Array("MESSAGE".utf8)
    static let priority = Array("PRIORITY".utf8)
    static let uid = Array("_UID".utf8)

    public func parse(_ p: UnsafePointer<UInt8>, _ n: Int, _ e: Event, _ ctx: ParseContext) -> ParseResult {
        guard n >= 2, p[0] == 0x7B, ByteOps.find(p, 0, min(n, 4096), "\"__REALTIME_TIMESTAMP\"") != nil
                || ByteOps.find(p, 0, min(n, 4096), "\"__CURSOR\"") != nil else { return .fail }
        e.reset(line: p, count: n)
        e.format = .journald
        if let f = JSONScan.flatten(p, 0, n, e) {
            if f == .notJSON { return .fail }
            e.truncated = true
        }
        e.services = [.linux, .journald, .syslog]
        if let (s, t) = e.extraRange(JournaldParser.realtime), let us = ByteOps.parseInt(e.storage, s, t) {
            e.time = Int64(us); e.hasTime = true
            e.timeStart = Int32(s); e.timeEnd = Int32(t)
        }
        if let (s, t) = e.extraRange(JournaldParser.hostname) { e.set(.host, s, t) }
        if let (s, t) = e.extraRange(JournaldParser.identifier) ?? e.extraRange(JournaldParser.comm) {
            e.set(.program, s, t)
            e.services.formUnion(ProgramClass.services(e.storage, s, t, authFile: false))
        }
        if let (s, t) = e.extraRange(JournaldParser.pid) { e.set(.pid, s, t) }
        if let (s, t) = e.extraRange(JournaldParser.priority), let v = ByteOps.parseInt(e.storage, s, t), v < 8 {
            let name = SyslogParser.severities[v]
            let (a, b) = e.append(name.utf8Start, name.utf8CodeUnitCount)
            e.set(.severity, a, b)
        }
        if let (s, t) = e.extraRange(JournaldParser.message) {
            e.set(.message, s, t)
            // The message may live in scratch (unescaped): annotate from storage.
            AuthMessages.annotate(e, UnsafePointer(e.storage), s, t)
        }
        return .event
    }
}
