/// Calendar dates as they appear in data: 2023-05-17, 2023/5/7, 2023.05.17, 20230517,
/// 2023年5月17日, optionally followed by a time (kept as written). The layout is remembered so a
/// changed date is written the way it came.
struct DateText {
    var year: Int, month: Int, day: Int
    enum Layout: Equatable { case separated(UInt8), compact, chinese }
    var layout: Layout
    /// Digits written for month and day (1 or 2).
    var monthWidth: Int, dayWidth: Int
    /// Byte offset where the date ends (a time may follow).
    var end: Int

    static let nian: [UInt8] = Array("年".utf8), yue: [UInt8] = Array("月".utf8), ri: [UInt8] = Array("日".utf8)

    static func parse(_ v: UnsafeBufferPointer<UInt8>) -> DateText? {
        var i = 0
        func number(maxDigits: Int) -> (Int, Int)? {
            var n = 0, w = 0
            while i < v.count, w < maxDigits, UTF8Bytes.isDigit(v[i]) { n = n * 10 + Int(v[i] - 48); i += 1; w += 1 }
            return w == 0 ? nil : (n, w)
        }
        func match(_ s: [UInt8]) -> Bool {
            guard i + s.count <= v.count else { return false }
            for k in 0..<s.count where v[i + k] != s[k] { return false }
            i += s.count
            return true
        }
        guard let (y, yw) = number(maxDigits: 8) else { return nil }
        var d: DateText
        if yw == 8 {
            d = DateText(year: y / 10000, month: y / 100 % 100, day: y % 100, layout: .compact, monthWidth: 2, dayWidth: 2, end: i)
        } else {
            guard yw == 4, i < v.count else { return nil }
            let layout: Layout
            if match(nian) { layout = .chinese }
            else if v[i] == UInt8(ascii: "-") || v[i] == UInt8(ascii: "/") || v[i] == UInt8(ascii: ".") { layout = .separated(v[i]); i += 1 }
            else { return nil }
            guard let (m, mw) = number(maxDigits: 2) else { return nil }
            switch layout {
            case .chinese: guard match(yue) else { return nil }
            case .separated(let sep): guard i < v.count, v[i] == sep else { return nil }; i += 1
            case .compact: return nil
            }
            guard let (dd, dw) = number(maxDigits: 2) else { return nil }
            if layout == .chinese { _ = match(ri) }
            d = DateText(year: y, month: m, day: dd, layout: layout, monthWidth: mw, dayWidth: dw, end: i)
        }
        // What follows must be a time, not more digits.
        if d.end < v.count {
            let c = v[d.end]
            guard c == UInt8(ascii: " ") || c == UInt8(ascii: "T") || c == UInt8(ascii: "t") else { return nil }
        }
        guard CivilDays.isValid(year: d.year, month: d.month, day: d.day) else { return nil }
        return d
    }

    static func appendNumber(_ n: Int, width: Int, to out: inout [UInt8]) {
        var digits = [UInt8]()
        var x = n
        repeat { digits.append(UInt8(48 + x % 10)); x /= 10 } while x > 0
        while digits.count < width { digits.append(48) }
        out.append(contentsOf: digits.reversed())
    }

    /// Zero-padded (2023-05-07) unless the value wrote a one-digit month or day (2023-5-17).
    var width: Int { monthWidth == 2 && dayWidth == 2 ? 2 : 1 }

    /// Writes year, month and day (or fewer parts) in this value's layout.
    func write(year: Int, month: Int?, day: Int?, to out: inout [UInt8]) {
        DateText.appendNumber(year, width: 4, to: &out)
        switch layout {
        case .compact:
            if let month { DateText.appendNumber(month, width: 2, to: &out) }
            if let day { DateText.appendNumber(day, width: 2, to: &out) }
        case .separated(let sep):
            if let month { out.append(sep); DateText.appendNumber(month, width: width, to: &out) }
            if let day { out.append(sep); DateText.appendNumber(day, width: width, to: &out) }
        case .chinese:
            out.append(contentsOf: DateText.nian)
            if let month { DateText.appendNumber(month, width: width, to: &out); out.append(contentsOf: DateText.yue) }
            if let day { DateText.appendNumber(day, width: width, to: &out); out.append(contentsOf: DateText.ri) }
        }
    }
}

/// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithms).
enum CivilDays {
    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard year >= 1, year <= 9999, (1...12).contains(month), day >= 1 else { return false }
        return day <= daysIn(year: year, month: month)
    }

    static func daysIn(year: Int, month: Int) -> Int {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        switch month {
        case 2: return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func date(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
