import Foundation

/// Canonical fields of a parsed log event. Every format fills the ones it has; Sigma field names
/// (W3C webserver names, syslog names, ...) are mapped onto these by `FieldMapping`.
public enum Field: Int, CaseIterable, Sendable {
    case srcIP = 0, dstIP, user, targetUser, host, program, pid, method, uri, path, query, proto, status
    case bytes, referer, userAgent, vhost, message, level, duration, session, command, database, action
    case facility, severity, request

    public static let count = Field.allCases.count

    /// The name used in timelines, the event database and rule field lists.
    public var name: String {
        switch self {
        case .srcIP: return "src_ip"
        case .dstIP: return "dst_ip"
        case .user: return "user"
        case .targetUser: return "target_user"
        case .host: return "host"
        case .program: return "program"
        case .pid: return "pid"
        case .method: return "method"
        case .uri: return "uri"
        case .path: return "path"
        case .query: return "query"
        case .proto: return "protocol"
        case .status: return "status"
        case .bytes: return "bytes"
        case .referer: return "referer"
        case .userAgent: return "user_agent"
        case .vhost: return "vhost"
        case .message: return "message"
        case .level: return "level"
        case .duration: return "duration"
        case .session: return "session"
        case .command: return "command"
        case .database: return "database"
        case .action: return "action"
        case .facility: return "facility"
        case .severity: return "syslog_severity"
        case .request: return "request"
        }
    }
}

/// The log formats the parser knows.
public enum LogFormat: Int, CaseIterable, Sendable {
    case accessCombined = 0, accessCommon, accessCustom, nginxError, apacheError, syslog, syslog5424
    case journald, auditd, jsonLines, mysqlGeneral, mysqlSlow

    public var name: String {
        switch self {
        case .accessCombined: return "access-combined"
        case .accessCommon: return "access-common"
        case .accessCustom: return "access-custom"
        case .nginxError: return "nginx-error"
        case .apacheError: return "apache-error"
        case .syslog: return "syslog-rfc3164"
        case .syslog5424: return "syslog-rfc5424"
        case .journald: return "journald-json"
        case .auditd: return "auditd"
        case .jsonLines: return "json-lines"
        case .mysqlGeneral: return "mysql-general"
        case .mysqlSlow: return "mysql-slow"
        }
    }

    public static func named(_ s: String) -> LogFormat? {
        switch s {
        case "nginx", "apache", "access", "combined": return .accessCombined
        case "common": return .accessCommon
        case "syslog", "auth", "rfc3164": return .syslog
        case "rfc5424": return .syslog5424
        case "journald", "journal": return .journald
        case "audit": return .auditd
        case "json", "jsonl": return .jsonLines
        default: return allCases.first { $0.name == s }
        }
    }

    public var isWebAccess: Bool { self == .accessCombined || self == .accessCommon || self == .accessCustom }
}

/// What an event is, as Sigma logsource terms: a rule's logsource becomes a mask of these bits
/// and applies to an event when all of them are set.
public struct ServiceBits: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let webserver = ServiceBits(rawValue: 1 << 0)
    public static let access = ServiceBits(rawValue: 1 << 1)
    public static let error = ServiceBits(rawValue: 1 << 2)
    public static let nginx = ServiceBits(rawValue: 1 << 3)
    public static let apache = ServiceBits(rawValue: 1 << 4)
    public static let linux = ServiceBits(rawValue: 1 << 5)
    public static let syslog = ServiceBits(rawValue: 1 << 6)
    public static let auth = ServiceBits(rawValue: 1 << 7)
    public static let sshd = ServiceBits(rawValue: 1 << 8)
    public static let sudo = ServiceBits(rawValue: 1 << 9)
    public static let su = ServiceBits(rawValue: 1 << 10)
    public static let auditd = ServiceBits(rawValue: 1 << 11)
    public static let journald = ServiceBits(rawValue: 1 << 12)
    public static let mysql = ServiceBits(rawValue: 1 << 13)
    public static let general = ServiceBits(rawValue: 1 << 14)
    public static let slow = ServiceBits(rawValue: 1 << 15)
    public static let application = ServiceBits(rawValue: 1 << 16)
    public static let cron = ServiceBits(rawValue: 1 << 17)
    public static let database = ServiceBits(rawValue: 1 << 18)
    /// `[.webserver, .access]` without the array an array literal builds on every use.
    public static let webAccess = ServiceBits(rawValue: 1 << 0 | 1 << 1)
}

/// A field that is not one of the canonical ones (JSON keys, auditd key=value pairs, journald
/// fields): name and value as byte ranges of the event's storage.
public struct ExtraField: Sendable {
    public var nameStart: Int32, nameEnd: Int32, valueStart: Int32, valueEnd: Int32
}

/// One parsed event. A single instance is reused for every line (no allocation per line): the
/// line is copied into `storage`, decoded values (JSON unescaping, ...) are appended after it,
/// and fields are byte ranges of `storage`.
public final class Event {
    @exclusivity(unchecked) public private(set) var storage: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) public private(set) var capacity: Int
    /// Bytes used in storage: the line, then scratch.
    @exclusivity(unchecked) public private(set) var used = 0
    /// Length of the raw record (evidence) at the start of storage.
    @exclusivity(unchecked) public var rawLength = 0
    let starts: UnsafeMutablePointer<Int32>
    let ends: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) public var extras: [ExtraField] = []

    /// Microseconds since the epoch, UTC; valid when `hasTime`.
    @exclusivity(unchecked) public var time: Int64 = 0
    @exclusivity(unchecked) public var hasTime = false
    /// The timestamp as written in the log (range of storage).
    @exclusivity(unchecked) public var timeStart: Int32 = 0, timeEnd: Int32 = 0
    /// Set when the log carried no zone and --tz (or UTC) was applied.
    @exclusivity(unchecked) public var zoneAssumed = false
    @exclusivity(unchecked) public var format: LogFormat = .accessCombined
    @exclusivity(unchecked) public var services: ServiceBits = []
    @exclusivity(unchecked) public var lineNumber = 0
    /// Byte offset of the record in the (decoded) item.
    @exclusivity(unchecked) public var offset: Int64 = 0
    /// The line was cut short (the parser took what was there).
    @exclusivity(unchecked) public var truncated = false
    /// "message repeated N times" folded into one event.
    @exclusivity(unchecked) public var repeatCount = 1
    /// Numeric values, parsed once (-1 if absent).
    @exclusivity(unchecked) public var statusCode = -1
    @exclusivity(unchecked) public var byteCount: Int64 = -1
    /// What an authentication message says (sshd, PAM, sudo, su, useradd, auditd ...).
    @exclusivity(unchecked) public var authAction: AuthAction = .none
    /// `ByteOps.hash` of the path, once computed (the source table, the path sketch and the
    /// rare-path candidates all key on it).
    @exclusivity(unchecked) private var pathHashValue: UInt64 = 0
    @exclusivity(unchecked) private var pathHashed = false

    public init(capacity: Int = 1 << 14) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
        starts = .allocate(capacity: Field.count)
        ends = .allocate(capacity: Field.count)
        starts.initialize(repeating: -1, count: Field.count)
        ends.initialize(repeating: -1, count: Field.count)
        extras.reserveCapacity(32)
    }

    deinit {
        storage.deallocate(); starts.deallocate(); ends.deallocate()
    }

    /// Starts a new event whose raw text is `line`.
    @inline(__always) public func reset(line: UnsafePointer<UInt8>, count: Int) {
        clearFields()
        ensure(count + 256)
        storage.update(from: line, count: count)
        used = count
        rawLength = count
    }

    /// Starts a new event with no raw text yet (multi-line records append it).
    @inline(__always) public func clearFields() {
        starts.update(repeating: -1, count: Field.count)
        if !extras.isEmpty { extras.removeAll(keepingCapacity: true) }
        used = 0; rawLength = 0
        hasTime = false; zoneAssumed = false; truncated = false; repeatCount = 1
        statusCode = -1; byteCount = -1
        authAction = .none
        pathHashed = false
        timeStart = 0; timeEnd = 0
        services = []
    }

    @inline(__always) func ensure(_ n: Int) {
        if n <= capacity { return }
        var c = capacity
        while c < n { c *= 2 }
        let s = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        s.update(from: storage, count: used)
        storage.deallocate()
        storage = s
        capacity = c
    }

    /// Appends bytes to the scratch area; returns their range.
    @discardableResult
    @inline(__always) public func append(_ p: UnsafePointer<UInt8>, _ n: Int) -> (Int, Int) {
        ensure(used + n)
        (storage + used).update(from: p, count: n)
        let s = used
        used += n
        return (s, used)
    }

    /// Appends a copy of storage[s..<t] (safe when storage grows).
    @discardableResult
    @inline(__always) public func appendCopy(_ s: Int, _ t: Int) -> (Int, Int) {
        let n = t - s
        ensure(used + n)
        (storage + used).update(from: storage + s, count: n)
        let start = used
        used += n
        return (start, used)
    }

    @discardableResult
    public func append(_ s: String) -> (Int, Int) {
        var s = s
        return s.withUTF8 { append($0.baseAddress ?? UnsafePointer(storage), $0.count) }
    }

    /// Room for `n` more scratch bytes at `storage + used`; call `commit(n)` after writing.
    @inline(__always) public func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        ensure(used + n)
        return storage + used
    }
    @inline(__always) public func commit(_ n: Int) -> (Int, Int) {
        let s = used
        used += n
        return (s, used)
    }

    @inline(__always) public func set(_ f: Field, _ start: Int, _ end: Int) {
        starts[f.rawValue] = Int32(start)
        ends[f.rawValue] = Int32(end)
        if f == .path { pathHashed = false }
    }
    @inline(__always) public func clear(_ f: Field) {
        starts[f.rawValue] = -1
        if f == .path { pathHashed = false }
    }

    /// `ByteOps.hash` of the path's bytes, or nil without a path.
    @inline(__always) public func pathHash() -> UInt64? {
        let s = starts[Field.path.rawValue]
        if s < 0 { return nil }
        if !pathHashed {
            pathHashValue = ByteOps.hash(storage, Int(s), Int(ends[Field.path.rawValue]))
            pathHashed = true
        }
        return pathHashValue
    }

    @inline(__always) public func has(_ f: Field) -> Bool { starts[f.rawValue] >= 0 }
    @inline(__always) public func range(_ f: Field) -> (Int, Int)? {
        let s = starts[f.rawValue]
        return s < 0 ? nil : (Int(s), Int(ends[f.rawValue]))
    }
    @inline(__always) public func value(_ f: Field) -> Bytes? {
        let s = starts[f.rawValue]
        if s < 0 { return nil }
        return Bytes(start: storage + Int(s), count: Int(ends[f.rawValue] - s))
    }
    public func string(_ f: Field) -> String? {
        guard let v = value(f) else { return nil }
        return String(decoding: v, as: UTF8.self)
    }

    public var raw: Bytes { Bytes(start: storage, count: rawLength) }
    public var rawString: String { String(decoding: raw, as: UTF8.self) }
    public var timeText: String? {
        timeEnd > timeStart ? ByteOps.string(storage, Int(timeStart), Int(timeEnd)) : nil
    }

    public func addExtra(nameStart: Int, nameEnd: Int, valueStart: Int, valueEnd: Int) {
        extras.append(ExtraField(nameStart: Int32(nameStart), nameEnd: Int32(nameEnd),
                                 valueStart: Int32(valueStart), valueEnd: Int32(valueEnd)))
    }

    /// An extra field by name (exact bytes).
    public func extra(_ name: UnsafeBufferPointer<UInt8>) -> Bytes? {
        for e in extras where Int(e.nameEnd - e.nameStart) == name.count {
            if memcmp(storage + Int(e.nameStart), name.baseAddress!, name.count) == 0 {
                return Bytes(start: storage + Int(e.valueStart), count: Int(e.valueEnd - e.valueStart))
            }
        }
        return nil
    }
    public func extra(_ name: String) -> String? {
        var n = name
        return n.withUTF8 { extra($0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// All fields present, by name (canonical then extras), for timelines and the event database.
    public func allFields() -> [(String, String)] {
        var out: [(String, String)] = []
        for f in Field.allCases { if let v = string(f) { out.append((f.name, v)) } }
        for e in extras {
            out.append((ByteOps.string(storage, Int(e.nameStart), Int(e.nameEnd)),
                        ByteOps.string(storage, Int(e.valueStart), Int(e.valueEnd))))
        }
        return out
    }
}
