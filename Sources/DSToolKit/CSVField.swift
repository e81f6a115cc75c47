/// One field of a CSV file (RFC 4180), made safe to open in a spreadsheet. Every CSV that dstool
/// writes — the host's `--format csv`, plugins' own tables such as trace's timeline — goes through
/// this, so quoting and the formula guard cannot drift apart between outputs.
public enum CSVField {
    /// `text` as a field: in double quotes, inner quotes doubled, when it holds a comma, a quote, a
    /// CR or an LF. A field starting with `=`, `+`, `-`, `@`, a tab or a CR is a formula to a
    /// spreadsheet (CSV injection), so it gets an apostrophe in front and is quoted.
    ///
    /// Decided on bytes: a test on Characters would take CR LF for one Character that is neither
    /// CR nor LF and leave a line break unquoted, splitting the row.
    public static func encode(_ text: String) -> String {
        var text = text
        let (formula, quote) = text.withUTF8 { bytes -> (Bool, Bool) in
            guard let first = bytes.first else { return (false, false) }
            let formula = first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
                || first == UInt8(ascii: "@") || first == 0x09 || first == 0x0D
            if formula { return (true, true) }
            for b in bytes where b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 0x0A || b == 0x0D {
                return (false, true)
            }
            return (false, false)
        }
        if !quote { return text }
        return text.withUTF8 { bytes in
            var out = [UInt8]()
            out.reserveCapacity(bytes.count + 8)
            out.append(UInt8(ascii: "\""))
            if formula { out.append(UInt8(ascii: "'")) }
            for b in bytes {
                out.append(b)
                if b == UInt8(ascii: "\"") { out.append(b) }
            }
            out.append(UInt8(ascii: "\""))
            return String(decoding: out, as: UTF8.self)
        }
    }
}
