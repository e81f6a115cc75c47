import FoundationEssentials
import Glibc

/// Control characters made visible, so text from evidence (file names, log lines) cannot move the
/// cursor, colour a terminal or start a line of its own in a report: the host's text report and
/// any plugin text that quotes a name use this one function.
public enum ControlCharacters {
    /// Control characters (C0, DEL, C1) as `\xNN`; `keepLayout` keeps newlines and tabs.
    public static func escaped(_ s: String, keepLayout: Bool = false) -> String {
        // Most text has no control character: found out on bytes (C1 controls are C2 80…C2 9F).
        var copy = s
        let clean = copy.withUTF8 { u -> Bool in
            var i = 0
            while i < u.count {
                let b = u[i]
                if b < 0x20 {
                    if !(keepLayout && (b == 0x0A || b == 0x09)) { return false }
                } else if b == 0x7F || (b == 0xC2 && i + 1 < u.count && u[i + 1] <= 0x9F) {
                    return false
                }
                i += 1
            }
            return true
        }
        if clean { return s }
        return escapedScalars(s, keepLayout: keepLayout)
    }

    /// `escaped` on Unicode scalars (the reference the byte test is checked against).
    public static func escapedScalars(_ s: String, keepLayout: Bool = false) -> String {
        guard s.unicodeScalars.contains(where: { isControl($0) && !(keepLayout && ($0 == "\n" || $0 == "\t")) }) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if isControl(u) && !(keepLayout && (u == "\n" || u == "\t")) {
                let hex = String(u.value, radix: 16, uppercase: true)
                out.append(contentsOf: ("\\x" + (hex.count < 2 ? "0" + hex : hex)).unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    static func isControl(_ u: Unicode.Scalar) -> Bool { u.value < 0x20 || (0x7F...0x9F).contains(u.value) }
}
