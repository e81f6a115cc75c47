import Foundation

/// Turns local civil times (from logs that carry no zone) into UTC using `--tz`: UTC, a fixed
/// offset (`+08:00`, `-0500`, `UTC+8`), or an IANA name (`Asia/Shanghai`), with daylight saving
/// resolved by Foundation once per local hour and cached (logs are mostly in order).
public final class ZoneResolver {
    public let name: String
    private let fixed: Int?
    private let zone: TimeZone?
    @exclusivity(unchecked) private var cachedHour: Int64 = .min
    @exclusivity(unchecked) private var cachedOffset: Int64 = 0

    public static let utc = ZoneResolver(fixedOffset: 0, name: "UTC")

    init(fixedOffset: Int, name: String) { fixed = fixedOffset; zone = nil; self.name = name }

    /// The same zone with its own cache (one per thread).
    public func copy() -> ZoneResolver {
        if let zone { return ZoneResolver(zone: zone, name: name) }
        return ZoneResolver(fixedOffset: fixed ?? 0, name: name)
    }
    init(zone: TimeZone, name: String) { fixed = nil; self.zone = zone; self.name = name }

    /// Parses a --tz value; nil if it is not a zone.
    public static func parse(_ spec: String) -> ZoneResolver? {
        let s = spec.trimmingCharacters(in: .whitespaces)
        if s.isEmpty { return nil }
        let upper = s.uppercased()
        if upper == "UTC" || upper == "Z" || upper == "GMT" { return ZoneResolver(fixedOffset: 0, name: "UTC") }
        var body = Substring(s)
        if upper.hasPrefix("UTC") || upper.hasPrefix("GMT") { body = body.dropFirst(3) }
        if let f = body.first, f == "+" || f == "-" {
            let sign = f == "-" ? -1 : 1
            let rest = body.dropFirst()
            var h = 0, m = 0
            if let colon = rest.firstIndex(of: ":") {
                guard let hh = Int(rest[..<colon]), let mm = Int(rest[rest.index(after: colon)...]) else { return nil }
                h = hh; m = mm
            } else if rest.count == 4, let v = Int(rest) {
                h = v / 100; m = v % 100
            } else if let v = Int(rest), rest.count <= 2 {
                h = v
            } else { return nil }
            guard h <= 14, m < 60 else { return nil }
            let off = sign * (h * 3600 + m * 60)
            return ZoneResolver(fixedOffset: off, name: off == 0 ? "UTC" : ZoneResolver.offsetName(off))
        }
        guard s.contains("/"), let z = TimeZone(identifier: s) else { return nil }
        return ZoneResolver(zone: z, name: s)
    }

    /// "UTC+08:00" for a fixed offset.
    static func offsetName(_ off: Int) -> String {
        let a = abs(off)
        let h = a / 3600, m = a % 3600 / 60
        return "UTC" + (off < 0 ? "-" : "+") + (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }

    /// UTC microseconds of a local civil time given as microseconds "read as UTC".
    @inline(__always) public func toUTC(localMicros: Int64) -> Int64 {
        if let fixed { return localMicros - Int64(fixed) * 1_000_000 }
        let local = localMicros / 1_000_000
        let hour = local / 3600
        if hour != cachedHour {
            cachedHour = hour
            cachedOffset = Int64(offset(forLocalSeconds: hour * 3600))
        }
        return localMicros - cachedOffset * 1_000_000
    }

    /// The zone's offset at a local civil time. For times that fall in a DST gap or overlap the
    /// offset in force just before the change is used (what syslog daemons wrote).
    func offset(forLocalSeconds local: Int64) -> Int {
        guard let zone else { return fixed ?? 0 }
        let guess = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local)))
        let second = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - Int64(guess))))
        return second
    }

    /// Local (year, month) of a UTC instant, for year inference from file times.
    public func localYearMonth(utcSeconds: Int64) -> (Int, Int) {
        let off: Int
        if let fixed { off = fixed } else { off = zone!.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utcSeconds))) }
        var days = (utcSeconds + Int64(off)) / 86400
        if (utcSeconds + Int64(off)) % 86400 < 0 { days -= 1 }
        let c = CivilTime.civil(days: Int(days))
        return (c.year, c.month)
    }
}

/// Year inference for year-less timestamps (RFC 3164 syslog, `Jan 15 10:00:00`): the file's last
/// write time bounds its last line, so the first line's year is the mtime's year unless its month
/// is later than the mtime's month (then the file began the year before). After that the year
/// advances when the month wraps around (Dec → Jan). A month that moves back by less than half a
/// year is taken as an out-of-order line, not a new year.
public struct YearInference {
    public let referenceYear: Int
    public let referenceMonth: Int
    /// `--year`: the first line's year is given, no guessing.
    public let forced: Bool
    public private(set) var year: Int?
    private var lastMonth = 0

    public init(referenceYear: Int, referenceMonth: Int, forced: Bool = false) {
        self.referenceYear = referenceYear; self.referenceMonth = referenceMonth; self.forced = forced
    }

    public mutating func year(forMonth m: Int) -> Int {
        guard let y = year else {
            let first = forced ? referenceYear : (m > referenceMonth ? referenceYear - 1 : referenceYear)
            year = first
            lastMonth = m
            return first
        }
        let diff = m - lastMonth
        if diff <= -6 {           // wrapped into a new year
            year = y + 1
            lastMonth = m
            return y + 1
        }
        if diff >= 6 { return y - 1 }  // a straggler from the end of the previous year
        if diff > 0 { lastMonth = m }
        return y
    }
}
