/// One step of a JSON path as policies write them: `$.a.b[*].c`, `$["key with spaces"]`,
/// `$.list[0]`, `$.*`, `$..name` (a member `name` at any depth below).
public enum JSONPathStep: Sendable, Equatable {
    case key(String)
    case anyKey
    case index(Int)
    case anyIndex
    case descendant(String)

    /// nil if the text is not a path.
    public static func parse(_ text: String) -> [JSONPathStep]? {
        let s = Array(text.unicodeScalars)
        guard s.first == "$" else { return nil }
        var i = 1
        var steps: [JSONPathStep] = []
        func name() -> String {
            var n = String.UnicodeScalarView()
            while i < s.count, s[i] != ".", s[i] != "[" { n.append(s[i]); i += 1 }
            return String(n)
        }
        while i < s.count {
            if s[i] == "." {
                i += 1
                if i < s.count && s[i] == "." {
                    i += 1
                    let n = name()
                    guard !n.isEmpty, n != "*" else { return nil }
                    steps.append(.descendant(n))
                    continue
                }
                let n = name()
                guard !n.isEmpty else { return nil }
                steps.append(n == "*" ? .anyKey : .key(n))
            } else if s[i] == "[" {
                i += 1
                guard i < s.count else { return nil }
                if s[i] == "\"" || s[i] == "'" {
                    let q = s[i]; i += 1
                    var n = String.UnicodeScalarView()
                    while i < s.count, s[i] != q { n.append(s[i]); i += 1 }
                    guard i + 1 < s.count, s[i + 1] == "]" else { return nil }
                    i += 2
                    steps.append(.key(String(n)))
                } else {
                    var n = String.UnicodeScalarView()
                    while i < s.count, s[i] != "]" { n.append(s[i]); i += 1 }
                    guard i < s.count else { return nil }
                    i += 1
                    let t = String(n)
                    if t == "*" { steps.append(.anyIndex) } else if let k = Int(t), k >= 0 { steps.append(.index(k)) } else { return nil }
                }
            } else {
                return nil
            }
        }
        return steps
    }
}
