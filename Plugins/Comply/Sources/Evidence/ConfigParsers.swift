import Foundation

/// A logrotate file: global directives and the blocks, each with what decides retention.
public struct LogrotateConfig: Sendable {
    public struct Block: Sendable {
        public var paths: String
        public var line: Int
        public var rotate: Int?
        public var rotateLine: Int?
        /// Days per rotation (daily 1, weekly 7, monthly 30, yearly 365).
        public var periodDays: Int?
        public var maxAge: Int?
    }
    public var global = Block(paths: "(global)", line: 0)
    public var blocks: [Block] = []
}

/// Parsers for the configuration formats controls read. Each returns entries with line numbers;
/// they never fail on odd lines (a configuration file is evidence, not input to validate).
enum ConfigParsers {
    static func parse(_ text: String, type: ConfigType) -> (entries: [ConfigEntry], logrotate: LogrotateConfig?) {
        switch type {
        case .sshd: return (keywordValue(text, separators: [" ", "\t", "="], sectionKeyword: "match"), nil)
        case .loginDefs: return (keywordValue(text, separators: [" ", "\t"], sectionKeyword: nil), nil)
        case .pwquality, .auditd: return (keywordValue(text, separators: ["="], sectionKeyword: nil), nil)
        case .journald: return (ini(text), nil)
        case .nginx: return (nginx(text), nil)
        case .logrotate:
            let l = logrotate(text)
            return (l.entries, l.config)
        }
    }

    static func lines(_ text: String) -> [(Int, Substring)] {
        var out: [(Int, Substring)] = []
        var n = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            n += 1
            var line = raw
            if line.hasSuffix("\r") { line = line.dropLast() }
            let t = line.drop { $0 == " " || $0 == "\t" }
            if t.isEmpty || t.hasPrefix("#") || t.hasPrefix(";") { continue }
            out.append((n, t))
        }
        return out
    }

    /// `Keyword value` / `key = value` lines; `Match` starts a conditional section (sshd).
    static func keywordValue(_ text: String, separators: Set<Character>, sectionKeyword: String?) -> [ConfigEntry] {
        var out: [ConfigEntry] = []
        var context = ""
        for (n, line) in lines(text) {
            guard let sep = line.firstIndex(where: { separators.contains($0) }) else {
                out.append(ConfigEntry(key: String(line).trimmingCharacters(in: .whitespaces), value: "", line: n, context: context))
                continue
            }
            let key = line[..<sep].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: sep)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("=") { value = String(value.dropFirst()).trimmingCharacters(in: .whitespaces) }
            if let hash = value.range(of: " #") { value = String(value[..<hash.lowerBound]).trimmingCharacters(in: .whitespaces) }
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            if let sk = sectionKeyword, key.lowercased() == sk { context = "Match \(value)"; continue }
            out.append(ConfigEntry(key: key, value: value, line: n, context: context))
        }
        return out
    }

    /// systemd INI: `[Section]` and `Key=Value`.
    static func ini(_ text: String) -> [ConfigEntry] {
        var out: [ConfigEntry] = []
        var section = ""
        for (n, line) in lines(text) {
            if line.hasPrefix("[") {
                section = line.dropFirst().prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { continue }
            out.append(ConfigEntry(key: line[..<eq].trimmingCharacters(in: .whitespaces),
                                   value: line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces), line: n, context: section))
        }
        return out
    }

    /// nginx: directives end with `;`, blocks nest in braces; the context is the block path.
    static func nginx(_ text: String) -> [ConfigEntry] {
        var out: [ConfigEntry] = []
        var stack: [String] = []
        var words: [String] = []
        var word = ""
        var line = 1, startLine = 1
        var quote: Character?
        var comment = false
        func endWord() { if !word.isEmpty { if words.isEmpty { startLine = line }; words.append(word); word = "" } }
        for ch in text {
            if comment { if ch == "\n" { comment = false; line += 1 }; continue }
            if let q = quote {
                if ch == q { quote = nil; if words.isEmpty { startLine = line }; words.append(word); word = "" } else { word.append(ch) }
                if ch == "\n" { line += 1 }
                continue
            }
            switch ch {
            case "#": endWord(); comment = true
            case "\"", "'": endWord(); quote = ch
            case " ", "\t", "\r": endWord()
            case "\n": endWord(); line += 1
            case ";":
                endWord()
                if let k = words.first {
                    out.append(ConfigEntry(key: k, value: words.dropFirst().joined(separator: " "), line: startLine, context: stack.joined(separator: " > ")))
                }
                words = []
            case "{":
                endWord()
                stack.append(words.joined(separator: " "))
                words = []
            case "}":
                endWord(); words = []
                if !stack.isEmpty { stack.removeLast() }
            default: word.append(ch)
            }
        }
        return out
    }

    static func logrotate(_ text: String) -> (entries: [ConfigEntry], config: LogrotateConfig) {
        var cfg = LogrotateConfig()
        var entries: [ConfigEntry] = []
        var current: LogrotateConfig.Block?
        var inScript = false
        func apply(_ words: [Substring], _ n: Int, to b: inout LogrotateConfig.Block) {
            guard let d = words.first?.lowercased() else { return }
            switch d {
            case "rotate": if words.count > 1, let v = Int(words[1]) { b.rotate = v; b.rotateLine = n }
            case "daily": b.periodDays = 1
            case "weekly": b.periodDays = 7
            case "monthly": b.periodDays = 30
            case "yearly", "annually": b.periodDays = 365
            case "hourly": b.periodDays = 0
            case "maxage": if words.count > 1, let v = Int(words[1]) { b.maxAge = v }
            default: break
            }
        }
        for (n, line) in lines(text) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = words.first else { continue }
            if inScript { if first == "endscript" { inScript = false }; continue }
            if ["postrotate", "prerotate", "firstaction", "lastaction", "preremove"].contains(String(first)) { inScript = true; continue }
            if line.hasSuffix("{") {
                let paths = line.dropLast().trimmingCharacters(in: .whitespaces)
                current = LogrotateConfig.Block(paths: paths, line: n)
                continue
            }
            if first == "}" {
                if let b = current { cfg.blocks.append(b) }
                current = nil
                continue
            }
            entries.append(ConfigEntry(key: String(first), value: words.dropFirst().joined(separator: " "), line: n, context: current?.paths ?? ""))
            if current != nil { apply(words, n, to: &current!) } else { apply(words, n, to: &cfg.global); if first == "rotate" { cfg.global.line = n } }
        }
        if let b = current { cfg.blocks.append(b) }
        return (entries, cfg)
    }

    /// systemd time spans: `180d`, `6month`, `1y 2w`, `15552000` (seconds). nil if not one.
    static func timeSpanSeconds(_ s: String) -> Double? {
        let units: [(String, Double)] = [
            ("usec", 1e-6), ("us", 1e-6), ("msec", 1e-3), ("ms", 1e-3), ("seconds", 1), ("second", 1), ("sec", 1), ("s", 1),
            ("minutes", 60), ("minute", 60), ("min", 60), ("m", 60), ("hours", 3600), ("hour", 3600), ("hr", 3600), ("h", 3600),
            ("days", 86400), ("day", 86400), ("d", 86400), ("weeks", 604800), ("week", 604800), ("w", 604800),
            ("months", 2629800), ("month", 2629800), ("M", 2629800), ("years", 31557600), ("year", 31557600), ("y", 31557600),
        ]
        var total = 0.0
        var rest = Substring(s.trimmingCharacters(in: .whitespaces))
        if rest.isEmpty { return nil }
        if let v = Double(rest) { return v }
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " }
            let num = rest.prefix { $0.isNumber || $0 == "." }
            guard !num.isEmpty, let v = Double(num) else { return nil }
            rest = rest.dropFirst(num.count).drop { $0 == " " }
            let unit = rest.prefix { $0.isLetter }
            guard let u = units.first(where: { $0.0 == String(unit) }) ?? (unit.isEmpty ? ("", 1.0) : nil) else { return nil }
            total += v * u.1
            rest = rest.dropFirst(unit.count)
        }
        return total
    }
}
