import Foundation

/// An nginx `log_format` string, compiled: literal text and variables in order, e.g.
/// `'$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_user_agent" $request_time'`.
public struct NginxLogFormat: Sendable {
    public enum Segment: Sendable, Equatable {
        case literal([UInt8])
        case variable(String)
    }
    public let segments: [Segment]
    public let text: String

    public enum ParseError: Error, CustomStringConvertible {
        case noVariables
        case adjacentVariables(String, String)
        case badVariable(String)
        public var description: String {
            switch self {
            case .noVariables: return "the log format has no $variables"
            case .adjacentVariables(let a, let b):
                return "$\(a) and $\(b) are not separated by literal text, so the line cannot be split between them"
            case .badVariable(let s): return "bad variable name after '$' in \(s)"
            }
        }
    }

    public init(_ text: String) throws {
        var t = text.trimmingCharacters(in: .whitespaces)
        // Accept the directive as written in nginx.conf: log_format name '...' '...';
        if t.hasPrefix("log_format") {
            let parts = t.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            t = parts.count == 3 ? String(parts[2]) : ""
        }
        if t.hasSuffix(";") { t.removeLast() }
        // Concatenate quoted pieces: '...' '...' (or one unquoted string).
        var body = ""
        if let f = t.first, f == "'" || f == "\"" {
            var i = t.startIndex
            while i < t.endIndex {
                let q = t[i]
                if q == "'" || q == "\"" {
                    guard let close = t[t.index(after: i)...].firstIndex(of: q) else { body += t[t.index(after: i)...]; break }
                    body += t[t.index(after: i)..<close]
                    i = t.index(after: close)
                } else { i = t.index(after: i) }
            }
        } else { body = t }
        self.text = body
        var segs: [Segment] = []
        var lit: [UInt8] = []
        let b = Array(body.utf8)
        var i = 0
        while i < b.count {
            if b[i] == 0x24 {  // $
                var j = i + 1
                var name = ""
                if j < b.count && b[j] == 0x7B {  // ${name}
                    guard let close = b[j...].firstIndex(of: 0x7D) else { throw ParseError.badVariable(body) }
                    name = String(decoding: b[(j + 1)..<close], as: UTF8.self)
                    j = close + 1
                } else {
                    let s = j
                    while j < b.count && (ByteOps.isDigit(b[j]) || (ByteOps.lower(b[j]) >= 0x61 && ByteOps.lower(b[j]) <= 0x7A) || b[j] == 0x5F) { j += 1 }
                    name = String(decoding: b[s..<j], as: UTF8.self)
                }
                if name.isEmpty { throw ParseError.badVariable(body) }
                if !lit.isEmpty { segs.append(.literal(lit)); lit = [] }
                if case .variable(let prev)? = segs.last { throw ParseError.adjacentVariables(prev, name) }
                segs.append(.variable(name))
                i = j
            } else {
                lit.append(b[i]); i += 1
            }
        }
        if !lit.isEmpty { segs.append(.literal(lit)) }
        guard segs.contains(where: { if case .variable = $0 { return true }; return false }) else { throw ParseError.noVariables }
        segments = segs
    }
}

/// Parses lines written with a custom nginx log_format.
public final class CustomAccessParser: LineParser {
    public let format = LogFormat.accessCustom
    let fmt: NginxLogFormat
    /// Compiled segments: literal bytes, or a variable with its target.
    enum Target { case field(Field), timeLocal, timeISO, msec, request, requestURI, status, bytes, extra(Int) }
    struct Step { let literal: [UInt8]?; let target: Target? }
    let steps: [Step]
    let extraNames: [[UInt8]]

    public init(_ fmt: NginxLogFormat) {
        self.fmt = fmt
        var steps: [Step] = []
        var names: [[UInt8]] = []
        for s in fmt.segments {
            switch s {
            case .literal(let l): steps.append(Step(literal: l, target: nil))
            case .variable(let v):
                let t: Target
                switch v {
                case "remote_addr", "realip_remote_addr": t = .field(.srcIP)
                case "remote_user": t = .field(.user)
                case "time_local": t = .timeLocal
                case "time_iso8601": t = .timeISO
                case "msec": t = .msec
                case "request": t = .request
                case "request_uri": t = .requestURI
                case "request_method": t = .field(.method)
                case "uri", "document_uri": t = .field(.path)
                case "args", "query_string": t = .field(.query)
                case "server_protocol": t = .field(.proto)
                case "status": t = .status
                case "body_bytes_sent", "bytes_sent": t = .bytes
                case "http_referer": t = .field(.referer)
                case "http_user_agent": t = .field(.userAgent)
                case "host", "server_name", "http_host": t = .field(.vhost)
                case "request_time": t = .field(.duration)
                default:
                    names.append(Array(v.utf8)); t = .extra(names.count - 1)
                }
                steps.append(Step(literal: nil, target: t))
            }
        }
        self.steps = steps
        self.extraNames = names
    }

    public func parse(_ p: UnsafePointer<UInt8>, _ n: Int, _ e: Event, _ ctx: ParseContext) -> ParseResult {
        e.reset(line: p, count: n)
        e.format = .accessCustom
        e.services = ctx.webProduct.union(.webAccess)
        var i = 0
        var k = 0
        var sawTime = false
        while k < steps.count {
            let st = steps[k]
            if let lit = st.literal {
                let ok = lit.withUnsafeBufferPointer { l -> Bool in
                    guard i + l.count <= n, memcmp(p + i, l.baseAddress!, l.count) == 0 else { return false }
                    return true
                }
                if !ok { return k == 0 || sawTime == false ? .fail : truncated(e) }
                i += lit.count
                k += 1
                continue
            }
            // A variable runs to the next literal (or the end of the line).
            var end = n
            if k + 1 < steps.count, let next = steps[k + 1].literal {
                // Quoted values may contain the closing quote escaped; search from i.
                let found = next.withUnsafeBufferPointer { ByteOps.find(p, i, n, $0) }
                guard let f = found else { return sawTime ? truncated(e) : .fail }
                end = f
            }
            if !assign(st.target!, p, i, end, e, ctx, &sawTime) { return .fail }
            i = end
            k += 1
        }
        return .event
    }

    private func truncated(_ e: Event) -> ParseResult { e.truncated = true; return .event }

    private func assign(_ t: Target, _ p: UnsafePointer<UInt8>, _ s: Int, _ end: Int, _ e: Event, _ ctx: ParseContext, _ sawTime: inout Bool) -> Bool {
        let dash = end - s == 1 && p[s] == 0x2D
        switch t {
        case .field(let f):
            if !dash && end > s { e.set(f, s, end) }
        case .timeLocal:
            guard end - s >= 26, p[s + 2] == 0x2F, p[s + 6] == 0x2F, p[s + 11] == 0x3A else { return false }
            let day = ByteOps.digits(p, s, 2), month = CivilTime.month(p, s + 3), year = ByteOps.digits(p, s + 7, 4)
            guard month > 0, let secs = CivilTime.seconds(year: year, month: month, day: day, hour: ByteOps.digits(p, s + 12, 2),
                                                             minute: ByteOps.digits(p, s + 15, 2), second: ByteOps.digits(p, s + 18, 2)),
                  let (off, _) = CivilTime.zoneOffset(p, s + 21, end) else { return false }
            e.time = (secs - Int64(off)) * 1_000_000; e.hasTime = true
            e.timeStart = Int32(s); e.timeEnd = Int32(end); sawTime = true
        case .timeISO:
            guard let r = CivilTime.iso8601(p, s, end) else { return false }
            if r.hasZone { e.time = r.micros; e.hasTime = true } else { ctx.setLocalTime(e, r.micros) }
            e.timeStart = Int32(s); e.timeEnd = Int32(end); sawTime = true
        case .msec:
            let dot = ByteOps.find(p, s, end, 0x2E)
            guard let secs = ByteOps.parseInt(p, s, dot) else { return false }
            var ms = 0
            if dot < end { ms = ByteOps.parseInt(p, dot + 1, min(end, dot + 4)) ?? 0 }
            e.time = Int64(secs) * 1_000_000 + Int64(ms) * 1000; e.hasTime = true
            e.timeStart = Int32(s); e.timeEnd = Int32(end); sawTime = true
        case .request:
            AccessLogParser.splitRequest(p, s, end, e)
        case .requestURI:
            if !dash {
                e.set(.uri, s, end)
                let q = ByteOps.find(p, s, end, 0x3F)
                e.set(.path, s, q)
                if q < end { e.set(.query, q + 1, end) }
            }
        case .status:
            if !dash { guard let v = ByteOps.parseInt(p, s, end) else { return false }; e.statusCode = v; e.set(.status, s, end) }
        case .bytes:
            if !dash { guard let v = ByteOps.parseInt(p, s, end) else { return false }; e.byteCount = Int64(v); e.set(.bytes, s, end) }
        case .extra(let idx):
            if !dash {
                let (ns, ne) = extraNames[idx].withUnsafeBufferPointer { e.append($0.baseAddress!, $0.count) }
                e.addExtra(nameStart: ns, nameEnd: ne, valueStart: s, valueEnd: end)
                // A forwarded-for address is the client when the log has no remote_addr.
                if !e.has(.srcIP), extraNames[idx].elementsEqual("http_x_forwarded_for".utf8) {
                    let comma = ByteOps.find(p, s, end, 0x2C)
                    e.set(.srcIP, s, comma)
                }
            }
        }
        return true
    }
}
