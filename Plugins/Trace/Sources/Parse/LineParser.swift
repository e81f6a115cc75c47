import Foundation

/// What a parser made of one line.
public enum ParseResult: Sendable {
    /// The event is complete in the Event.
    case event
    /// The line belongs to a multi-line record still being read (nothing to emit yet), or a
    /// previous record was completed into the Event *and* this line started a new one
    /// (`eventAndPending`).
    case pending
    case eventAndPending
    /// A header or blank line: part of the format, not an event.
    case skip
    /// Not this format.
    case fail
}

/// Per-item settings and state shared by the parsers.
public final class ParseContext {
    public let zone: ZoneResolver
    @exclusivity(unchecked) public var years: YearInference
    /// nginx/apache bits from the item's path (both when it does not say).
    @exclusivity(unchecked) public var webProduct: ServiceBits
    /// The item's path says auth.log / secure: every line is an auth event.
    @exclusivity(unchecked) public var authFile: Bool
    public let fieldMap: FieldMap
    /// The line being parsed (multi-line records remember where they began).
    @exclusivity(unchecked) public var currentLine = 0

    public init(zone: ZoneResolver = .utc, years: YearInference = YearInference(referenceYear: 2024, referenceMonth: 12),
                path: String = "", fieldMap: FieldMap = FieldMap()) {
        self.zone = zone
        self.years = years
        self.fieldMap = fieldMap
        let lower = path.lowercased()
        var web: ServiceBits = []
        if lower.contains("nginx") { web.insert(.nginx) }
        if lower.contains("apache") || lower.contains("httpd") { web.insert(.apache) }
        webProduct = web.isEmpty ? [.nginx, .apache] : web
        let base = (lower as NSString).lastPathComponent
        authFile = base.hasPrefix("auth.log") || base.hasPrefix("secure") || base.hasPrefix("auth")
    }

    /// Sets the event time from local civil microseconds (no zone in the log).
    @inline(__always) func setLocalTime(_ e: Event, _ localMicros: Int64) {
        e.time = zone.toUTC(localMicros: localMicros)
        e.hasTime = true
        e.zoneAssumed = true
    }
}

/// A log format's parser. One instance per item (multi-line formats keep state).
public protocol LineParser: AnyObject {
    var format: LogFormat { get }
    /// Parses `p[0..<n]` (the line without its newline). The parser copies what it keeps into `e`.
    func parse(_ p: UnsafePointer<UInt8>, _ n: Int, _ e: Event, _ ctx: ParseContext) -> ParseResult
    /// Completes a record still pending at the end of the item into `e`; false if none.
    func flush(_ e: Event, _ ctx: ParseContext) -> Bool
}

extension LineParser {
    public func flush(_ e: Event, _ ctx: ParseContext) -> Bool { false }
}

/// The parsers, in the order format detection prefers them when scores tie (specific first).
public enum Parsers {
    public static func make(_ format: LogFormat, customFormat: NginxLogFormat? = nil) -> LineParser {
        switch format {
        case .accessCombined, .accessCommon: return AccessLogParser()
        case .accessCustom: return customFormat.map { CustomAccessParser($0) } ?? AccessLogParser()
        case .nginxError: return NginxErrorParser()
        case .apacheError: return ApacheErrorParser()
        case .syslog: return SyslogParser()
        case .syslog5424: return Syslog5424Parser()
        case .journald: return JournaldParser()
        case .auditd: return AuditdParser()
        case .jsonLines: return JSONLinesParser()
        case .mysqlGeneral: return MySQLGeneralParser()
        case .mysqlSlow: return MySQLSlowParser()
        }
    }

    /// Candidates for detection, most specific first. The custom format (if given) comes first.
    public static let detectionOrder: [LogFormat] = [
        .journald, .auditd, .mysqlSlow, .mysqlGeneral, .syslog5424, .accessCombined, .nginxError,
        .apacheError, .syslog, .jsonLines,
    ]
}
