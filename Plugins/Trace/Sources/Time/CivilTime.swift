import Foundation

/// Calendar arithmetic without Foundation (which is far too slow per log line): days from a civil
/// date and back (Howard Hinnant's algorithms), month names, ISO 8601 in and out.
public enum CivilTime {
    /// Days since 1970-01-01 of a proleptic Gregorian date.
    @inline(__always) public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// (year, month, day) of a day count since 1970-01-01.
    @inline(__always) public static func civil(days z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Seconds since the epoch of a civil date-time read as UTC (nil if out of range).
    @inline(__always) public static func seconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64? {
        guard month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23
              && minute >= 0 && minute <= 59 && second >= 0 && second <= 60 else { return nil }
        return Int64(days(year: year, month: month, day: day)) * 86400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Month number (1...12) of a three-letter English month name at p[at], any case; 0 if none.
    @inline(__always) public static func month(_ p: UnsafePointer<UInt8>, _ at: Int) -> Int {
        let a = ByteOps.lower(p[at]), b = ByteOps.lower(p[at + 1]), c = ByteOps.lower(p[at + 2])
        switch (a, b, c) {
        case (0x6a, 0x61, 0x6e): return 1   // jan
        case (0x66, 0x65, 0x62): return 2   // feb
        case (0x6d, 0x61, 0x72): return 3   // mar
        case (0x61, 0x70, 0x72): return 4   // apr
        case (0x6d, 0x61, 0x79): return 5   // may
        case (0x6a, 0x75, 0x6e): return 6   // jun
        case (0x6a, 0x75, 0x6c): return 7   // jul
        case (0x61, 0x75, 0x67): return 8   // aug
        case (0x73, 0x65, 0x70): return 9   // sep
        case (0x6f, 0x63, 0x74): return 10  // oct
        case (0x6e, 0x6f, 0x76): return 11  // nov
        case (0x64, 0x65, 0x63): return 12  // dec
        default: return 0
        }
    }

    /// A zone offset such as "+0800", "-07:00", "Z" at p[at..<to]: (offset seconds, bytes used), or nil.
    @inline(__always) public static func zoneOffset(_ p: UnsafePointer<UInt8>, _ at: Int, _ to: Int) -> (Int, Int)? {
        if at >= to { return nil }
        let c = p[at]
        if c == 0x5A || c == 0x7A { return (0, 1) }  // Z
        guard c == 0x2B || c == 0x2D, at + 3 <= to else { return nil }
        let sign = c == 0x2D ? -1 : 1
        let h = ByteOps.digits(p, at + 1, 2)
        guard h >= 0 && h <= 14 else { return nil }
        var used = 3
        var m = 0
        if at + 5 <= to && ByteOps.isDigit(p[at + 3]) {
            m = ByteOps.digits(p, at + 3, 2); used = 5
        } else if at + 6 <= to && p[at + 3] == 0x3A {
            m = ByteOps.digits(p, at + 4, 2); used = 6
        }
        guard m >= 0 && m < 60 else { return nil }
        return (sign * (h * 3600 + m * 60), used)
    }

    /// Parses ISO 8601 / RFC 3339 at p[at..<to]: `YYYY-MM-DD[T ]HH:MM:SS[.frac][zone]`.
    /// Returns microseconds (UTC if a zone was given, else local civil time read as UTC), whether a
    /// zone was present, and the bytes used.
    public static func iso8601(_ p: UnsafePointer<UInt8>, _ at: Int, _ to: Int) -> (micros: Int64, hasZone: Bool, end: Int)? {
        guard to - at >= 19 else { return nil }
        let y = ByteOps.digits(p, at, 4)
        guard y >= 0, p[at + 4] == 0x2D, p[at + 7] == 0x2D,
              p[at + 10] == 0x54 || p[at + 10] == 0x20 || p[at + 10] == 0x74,
              p[at + 13] == 0x3A, p[at + 16] == 0x3A else { return nil }
        let mo = ByteOps.digits(p, at + 5, 2), d = ByteOps.digits(p, at + 8, 2)
        let h = ByteOps.digits(p, at + 11, 2), mi = ByteOps.digits(p, at + 14, 2), s = ByteOps.digits(p, at + 17, 2)
        guard mo > 0, d > 0, h >= 0, mi >= 0, s >= 0,
              let secs = seconds(year: y, month: mo, day: d, hour: h, minute: mi, second: s) else { return nil }
        var i = at + 19
        var micros: Int64 = 0
        if i < to && (p[i] == 0x2E || p[i] == 0x2C) {
            i += 1
            var digits = 0
            while i < to && ByteOps.isDigit(p[i]) {
                if digits < 6 { micros = micros * 10 + Int64(p[i] - 0x30) }
                digits += 1; i += 1
            }
            if digits == 0 { return nil }
            var k = digits
            while k < 6 { micros *= 10; k += 1 }
        }
        var total = secs * 1_000_000 + micros
        if let (off, used) = zoneOffset(p, i, to) {
            total -= Int64(off) * 1_000_000
            return (total, true, i + used)
        }
        return (total, false, i)
    }

    /// `2024-01-15T10:00:00Z`, with `.ffffff` only when the time has a fraction.
    public static func isoString(micros: Int64) -> String {
        var secs = micros / 1_000_000
        var frac = micros % 1_000_000
        if frac < 0 { frac += 1_000_000; secs -= 1 }
        var days = secs / 86400
        var rem = secs % 86400
        if rem < 0 { rem += 86400; days -= 1 }
        let (y, m, d) = civil(days: Int(days))
        let h = Int(rem / 3600), mi = Int(rem % 3600 / 60), s = Int(rem % 60)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var out = "\(y)-\(two(m))-\(two(d))T\(two(h)):\(two(mi)):\(two(s))"
        if frac != 0 {
            let f = String(frac)
            out += "." + String(repeating: "0", count: 6 - f.count) + f
        }
        return out + "Z"
    }
}
