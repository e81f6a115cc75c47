import Foundation

/// Where a Sigma field's value comes from in an event.
public enum FieldKey: Hashable, Sendable, CustomStringConvertible {
    case field(Field)
    /// A field the parser kept under its own name (JSON keys, auditd keys, journald fields).
    case extra(String)
    /// The whole raw record (field-less keyword search).
    case raw

    public var description: String {
        switch self {
        case .field(let f): return f.name
        case .extra(let s): return s
        case .raw: return "(keywords)"
        }
    }
}

/// Sigma field names → event fields. Sigma rules are written against a taxonomy (W3C extended log
/// names for webservers, Linux names, ...); this maps every name in common use onto the parser's
/// canonical fields. A name not listed here is looked up as is among the event's own fields
/// (JSON keys, auditd and journald field names), so rules for those logs need no mapping.
///
/// One deliberate liberty: `cs-uri-query` maps to the whole request target (path and query), not
/// just the query. Access logs do not separate them in the request line, and published Sigma
/// rules put path payloads (`../../`, `/etc/passwd`) under `cs-uri-query`; `cs-uri-stem` is the
/// path alone.
public enum FieldMapping {
    static let table: [String: Field] = {
        var t: [String: Field] = [:]
        func add(_ f: Field, _ names: String...) { for n in names { t[n.lowercased()] = f } }
        // webserver (W3C extended log format, as used by Sigma's webserver rules)
        add(.srcIP, "c-ip", "clientip", "client_ip", "src_ip", "source_ip", "srcip", "ip", "remote_addr", "source.ip", "client.ip")
        add(.uri, "cs-uri-query", "cs-uri", "c-uri", "uri", "url", "request_uri", "url.original", "cs-uri-path")
        add(.path, "cs-uri-stem", "uri-stem", "path", "url.path", "c-uri-stem", "uri_path")
        add(.query, "uri-query", "query", "url.query", "query_string", "uri_query")
        add(.method, "cs-method", "method", "http.request.method", "http_method", "request_method")
        add(.status, "sc-status", "status", "http.response.status_code", "status_code", "http_status")
        add(.bytes, "sc-bytes", "bytes", "http.response.bytes", "http.response.body.bytes", "bytes_sent", "response_size")
        add(.userAgent, "cs-user-agent", "c-useragent", "useragent", "user_agent", "user-agent", "user_agent.original", "http_user_agent")
        add(.referer, "cs-referer", "cs-referrer", "referer", "referrer", "http.request.referrer", "http_referer")
        add(.vhost, "cs-host", "s-sitename", "vhost", "server_name", "url.domain", "host_header")
        add(.proto, "cs-version", "protocol", "http.version", "server_protocol")
        add(.user, "cs-username", "user", "username", "user.name", "user_name", "account", "acct", "logname")
        add(.request, "request", "cs-request", "request_line")
        add(.duration, "time-taken", "duration", "request_time", "query_time")
        // linux / syslog / auth
        add(.host, "hostname", "host", "computer", "computername", "host.name", "dvc")
        add(.program, "program", "appname", "app-name", "app", "process", "process.name", "syslog_identifier", "image")
        add(.pid, "pid", "procid", "processid", "process.pid")
        add(.message, "message", "msg", "log")
        add(.level, "level", "loglevel", "log.level")
        add(.facility, "facility", "syslog_facility")
        add(.severity, "severity", "syslog_severity", "priority")
        add(.targetUser, "targetusername", "target_user", "targetuser", "user.target.name")
        add(.command, "commandline", "command", "cmd", "process.command_line", "query_text", "sql")
        add(.action, "action", "event.action", "type", "auth_action", "command_type")
        add(.session, "session", "session_id", "logonid", "msgid", "thread_id", "ses")
        add(.database, "database", "db", "schema", "db.name")
        add(.dstIP, "dst_ip", "destinationip", "destination.ip", "s-ip")
        return t
    }()

    /// The event field for a Sigma field name.
    public static func key(for name: String) -> FieldKey {
        if let f = table[name.lowercased()] { return .field(f) }
        return .extra(name)
    }
}

extension Event {
    /// A Sigma field's value in this event, if present.
    @inline(__always) public func value(_ key: FieldKey) -> Bytes? {
        switch key {
        case .field(let f): return value(f)
        case .raw: return raw
        case .extra(let name): return extraValue(name)
        }
    }

    func extraValue(_ name: String) -> Bytes? {
        var n = name
        return n.withUTF8 { nb -> Bytes? in
            for x in extras where Int(x.nameEnd - x.nameStart) == nb.count {
                if memcmp(storage + Int(x.nameStart), nb.baseAddress!, nb.count) == 0 {
                    return Bytes(start: storage + Int(x.valueStart), count: Int(x.valueEnd - x.valueStart))
                }
            }
            return nil
        }
    }
}
