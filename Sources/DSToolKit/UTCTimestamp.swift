import Glibc

/// ISO 8601 UTC text of an instant, "2026-11-21T17:48:32Z" (with `millis`, "…:32.123Z"), written
/// by hand: a DateFormatter needs Foundation and ICU, which cost every run's start-up.
public enum UTCTimestamp {
    public static func string(seconds: Int64, millis: Int? = nil) -> String {
        var time = time_t(seconds)
        var t = tm()
        gmtime_r(&time, &t)
        var out = [UInt8]()
        out.reserveCapacity(24)
        func put(_ value: Int, _ width: Int) {
            var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
            var v = value
            for i in stride(from: width - 1, through: 0, by: -1) { digits[i] = UInt8(ascii: "0") + UInt8(v % 10); v /= 10 }
            out += digits
        }
        put(Int(t.tm_year) + 1900, 4); out.append(UInt8(ascii: "-")); put(Int(t.tm_mon) + 1, 2)
        out.append(UInt8(ascii: "-")); put(Int(t.tm_mday), 2); out.append(UInt8(ascii: "T"))
        put(Int(t.tm_hour), 2); out.append(UInt8(ascii: ":")); put(Int(t.tm_min), 2)
        out.append(UInt8(ascii: ":")); put(Int(t.tm_sec), 2)
        if let millis { out.append(UInt8(ascii: ".")); put(millis, 3) }
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }
}
