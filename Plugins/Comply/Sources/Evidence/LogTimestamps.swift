import Foundation

/// Finds the timestamp of a log line, byte by byte (ISO 8601, RFC 3164 syslog, nginx/apache
/// access logs, auditd). Syslog lines carry no year: it is the latest year that does not put the
/// line after `reference` (the file's modification time, else the evaluation day).
enum LogTimestamps {
    static let months: [[UInt8]] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map { Array($0.utf8) }

    /// Seconds since the epoch (UTC, local times taken as UTC: retention is counted in days).
    static func parse(_ line: ArraySlice<UInt8>, reference: Int64) -> Int64? {
        let b = Array(line.prefix(160))
        if b.isEmpty { return nil }
        if let t = auditd(b) { return t }
        if let t = syslog(b, reference: reference) { return t }
        // An ISO date or a bracketed access-log date near the start of the line.
        var i = 0
        while i + 10 <= b.count && i < 64 {
            if let t = iso(b, i) { return t }
            if b[i] == UInt8(ascii: "["), let t = accessLog(b, i + 1) { return t }
            i += 1
        }
        return nil
    }

    @inline(__always) static func digits(_ b: [UInt8], _ i: Int, _ n: Int) -> Int? {
        guard i >= 0, i + n <= b.count else { return nil }
        var v = 0
        for k in i..<(i + n) {
            let c = b[k]
            guard c >= 48 && c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }

    static func epoch(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int) -> Int64? {
        guard let day = Day(year: y, month: mo, day: d), h < 24, mi < 60, s < 61 else { return nil }
        return Int64(day.ordinal) * 86400 + Int64(h * 3600 + mi * 60 + s)
    }

    /// `2024-03-05T10:11:12`, `2024-03-05 10:11:12`, `2024/03/05 10:11:12`.
    static func iso(_ b: [UInt8], _ i: Int) -> Int64? {
        guard let y = digits(b, i, 4), y >= 1990, i + 10 <= b.count else { return nil }
        let sep = b[i + 4]
        guard sep == UInt8(ascii: "-") || sep == UInt8(ascii: "/"), b[i + 7] == sep,
              let mo = digits(b, i + 5, 2), let d = digits(b, i + 8, 2) else { return nil }
        if i > 0 && b[i - 1] >= 48 && b[i - 1] <= 57 { return nil }
        var h = 0, mi = 0, s = 0
        if i + 19 <= b.count, b[i + 10] == UInt8(ascii: "T") || b[i + 10] == UInt8(ascii: " "),
           let hh = digits(b, i + 11, 2), b[i + 13] == UInt8(ascii: ":"), let mm = digits(b, i + 14, 2),
           b[i + 16] == UInt8(ascii: ":"), let ss = digits(b, i + 17, 2) {
            h = hh; mi = mm; s = ss
        }
        return epoch(y, mo, d, h, mi, s)
    }

    static func month(_ b: [UInt8], _ i: Int) -> Int? {
        guard i + 3 <= b.count else { return nil }
        let m = [b[i] | 0x20, b[i + 1] | 0x20, b[i + 2] | 0x20]
        return months.firstIndex(of: m).map { $0 + 1 }
    }

    /// `Mar  5 10:11:12 host ...` at the start of the line.
    static func syslog(_ b: [UInt8], reference: Int64) -> Int64? {
        guard b.count >= 15, let mo = month(b, 0), b[3] == 32 else { return nil }
        let d: Int
        if b[4] == 32, let v = digits(b, 5, 1) { d = v } else if let v = digits(b, 4, 2) { d = v } else { return nil }
        guard b[6] == 32, let h = digits(b, 7, 2), b[9] == 58, let mi = digits(b, 10, 2), b[12] == 58, let s = digits(b, 13, 2) else { return nil }
        let refYear = Day(epochSeconds: reference).components.year
        for y in [refYear, refYear - 1] {
            // Feb 29 only exists in leap years; try the year before as well.
            if let t = epoch(y, mo, d, h, mi, s), t <= reference + 86400 { return t }
        }
        return epoch(refYear - 1, mo, d, h, mi, s) ?? epoch(refYear - 4, mo, d, h, mi, s)
    }

    /// `05/Mar/2024:10:11:12 +0800` (after the `[`).
    static func accessLog(_ b: [UInt8], _ i: Int) -> Int64? {
        guard let d = digits(b, i, 2), i + 20 <= b.count, b[i + 2] == UInt8(ascii: "/"), let mo = month(b, i + 3),
              b[i + 6] == UInt8(ascii: "/"), let y = digits(b, i + 7, 4), b[i + 11] == UInt8(ascii: ":"),
              let h = digits(b, i + 12, 2), let mi = digits(b, i + 15, 2), let s = digits(b, i + 18, 2) else { return nil }
        return epoch(y, mo, d, h, mi, s)
    }

    /// `type=... msg=audit(1700000000.123:45)`.
    static func auditd(_ b: [UInt8]) -> Int64? {
        let needle = Array("audit(".utf8)
        guard b.count > needle.count + 10 else { return nil }
        var i = 0
        while i + needle.count + 10 <= b.count {
            if b[i] == needle[0] && Array(b[i..<(i + needle.count)]) == needle {
                return digits(b, i + needle.count, 10).map(Int64.init)
            }
            i += 1
        }
        return nil
    }

    /// The oldest timestamp among the lines of `head` (at most `maxLines`), and its line number.
    static func oldest(in head: [UInt8], reference: Int64, maxLines: Int = 2000) -> (Int64, Int, Int)? {
        var best: (Int64, Int)?
        var start = 0, lineNo = 0, examined = 0
        while start < head.count && lineNo < maxLines {
            var end = start
            while end < head.count && head[end] != 10 { end += 1 }
            lineNo += 1
            if end > start {
                examined += 1
                if let t = parse(head[start..<end], reference: reference), best == nil || t < best!.0 { best = (t, lineNo) }
            }
            start = end + 1
        }
        return best.map { ($0.0, $0.1, examined) }
    }
}
