/// Whether a Hyperscan pattern can match a string made only of bytes of a given ASCII set: the
/// structured scanner leaves plain number cells (digits, perhaps a final X) out of its Hyperscan
/// pass when no rule can match inside one. The answer errs towards "yes": a construct it does
/// not understand (\p{..}, back-references, octal escapes) counts as "may match".
enum PatternAlphabet {
    /// `pattern` may match a non-empty string whose bytes are all in `alphabet` (ASCII only).
    /// Assertions (\b, ^, lookarounds) are taken as satisfiable.
    static func mayMatch(_ pattern: String, flags: UInt32 = 0, within alphabet: ByteClass) -> Bool {
        fewest(of: ByteClass(), in: pattern, flags: flags, within: alphabet) != nil
    }

    /// The fewest bytes of `counted` that a match of `pattern` made only of bytes of `alphabet`
    /// holds; nil when no such match exists. Errs towards fewer: 0 for a construct it does not
    /// understand, and assertions count as satisfied. (A string over the alphabet with fewer
    /// bytes of `counted` than this contains no match: decimal numbers with one point, where
    /// every pattern over digits and points needs two or more.)
    static func fewest(of counted: ByteClass, in pattern: String, flags: UInt32 = 0, within alphabet: ByteClass) -> Int? {
        var p = Parser(bytes: Array(pattern.utf8), alphabet: alphabet, counted: counted, caseless: flags & HSFlag.caseless != 0)
        guard let result = p.alternation(), p.i == p.bytes.count else { return 0 }
        return result >= Parser.never ? nil : result
    }

    /// Recursive descent over the pattern; each production returns the fewest bytes of
    /// `counted` in a string over the alphabet that its part can match (0 for the empty string),
    /// `never` when there is none, nil when the syntax is not understood.
    private struct Parser {
        let bytes: [UInt8]
        let alphabet: ByteClass
        /// The alphabet's bytes (ASCII), listed once: classes are checked against them.
        let alphabetBytes: [UInt8]
        let counted: ByteClass
        var caseless: Bool
        var i = 0
        /// No match over the alphabet (sums stop here).
        static let never = Int.max / 4

        init(bytes: [UInt8], alphabet: ByteClass, counted: ByteClass, caseless: Bool) {
            self.bytes = bytes; self.alphabet = alphabet; self.counted = counted; self.caseless = caseless
            alphabetBytes = (0..<128).map(UInt8.init).filter(alphabet.contains)
        }

        /// The fewest counted bytes of `count` matches of a part needing `cost`.
        static func times(_ cost: Int, _ count: Int) -> Int {
            cost == 0 ? 0 : (count >= never / cost ? never : cost * count)
        }

        var atEnd: Bool { i >= bytes.count }
        var peek: UInt8 { bytes[i] }

        mutating func alternation() -> Int? {
            // An inline flag such as (?i) lasts to the end of its group, across alternatives.
            let outer = caseless
            defer { caseless = outer }
            guard var fewest = sequence() else { return nil }
            while !atEnd && peek == 124 {   // |
                i += 1
                guard let next = sequence() else { return nil }
                fewest = min(fewest, next)
            }
            return fewest
        }

        mutating func sequence() -> Int? {
            var total = 0
            while !atEnd && peek != 124 && peek != 41 {   // | )
                guard let atom = atom() else { return nil }
                guard let minimum = quantifier() else { return nil }
                if minimum > 0 { total = min(Self.never, total + Self.times(atom, minimum)) }
            }
            return total
        }

        /// The minimum count of the quantifier after an atom (1 without one).
        mutating func quantifier() -> Int? {
            guard !atEnd else { return 1 }
            var minimum = 1
            switch peek {
            case 42, 63: minimum = 0; i += 1          // * ?
            case 43: i += 1                            // +
            case 123:                                  // {n}, {n,}, {n,m}; otherwise a literal brace
                var j = i + 1, n = 0, digits = 0
                while j < bytes.count && bytes[j] >= 48 && bytes[j] <= 57 { n = n * 10 + Int(bytes[j] - 48); j += 1; digits += 1 }
                guard digits > 0, j < bytes.count else { return 1 }
                if bytes[j] == 44 {
                    j += 1
                    while j < bytes.count && bytes[j] >= 48 && bytes[j] <= 57 { j += 1 }
                }
                guard j < bytes.count, bytes[j] == 125 else { return 1 }
                minimum = n
                i = j + 1
            default: return 1
            }
            if !atEnd && (peek == 63 || peek == 43) { i += 1 }   // lazy or possessive
            return minimum
        }

        mutating func atom() -> Int? {
            let c = peek
            i += 1
            switch c {
            case 40: return group()
            case 91: return characterClass()
            case 46:                                   // . (any byte but a newline)
                var all = ByteClass()
                for b in 0..<128 where b != 10 { all.insert(UInt8(b)) }
                return cost(all)
            case 94, 36: return 0                      // ^ $
            case 92: return escape()
            case 42, 43, 63: return nil                // a quantifier with nothing before it
            default: return literal(c)
            }
        }

        /// cost([c]) without a class: the byte, or under (?i) a letter in either case.
        func literal(_ c: UInt8) -> Int {
            func byteCost(_ b: UInt8) -> Int { !alphabet.contains(b) ? Self.never : counted.contains(b) ? 1 : 0 }
            let letter = c | 0x20
            guard caseless && letter >= 97 && letter <= 122 else { return byteCost(c) }
            return min(byteCost(letter), byteCost(letter & ~0x20))
        }

        mutating func group() -> Int? {
            var assertion = false
            if !atEnd && peek == 63 {   // (?
                i += 1
                guard !atEnd else { return nil }
                switch peek {
                case 58: i += 1                                         // (?:
                case 61, 33: i += 1; assertion = true                   // (?= (?!
                case 35:                                                // (?# comment)
                    while !atEnd && peek != 41 { i += 1 }
                    guard !atEnd else { return nil }
                    i += 1
                    return 0
                case 60:                                                // (?<= (?<! or (?<name>
                    i += 1
                    guard !atEnd else { return nil }
                    if peek == 61 || peek == 33 { i += 1; assertion = true } else if !skipName(until: 62) { return nil }
                case 80:                                                // (?P<name>
                    i += 1
                    guard !atEnd, peek == 60 else { return nil }
                    i += 1
                    guard skipName(until: 62) else { return nil }
                default:
                    // Inline flags: (?i) for the rest of the group, (?i: ...) for a group.
                    var on = true, newCaseless = caseless
                    while !atEnd && peek != 41 && peek != 58 {
                        switch peek {
                        case 45: on = false
                        case 105: newCaseless = on
                        case 109, 115, 120: break
                        default: return nil
                        }
                        i += 1
                    }
                    guard !atEnd else { return nil }
                    if peek == 41 { i += 1; caseless = newCaseless; return 0 }
                    i += 1
                    let outer = caseless
                    caseless = newCaseless
                    defer { caseless = outer }
                    guard let inner = alternation(), !atEnd, peek == 41 else { return nil }
                    i += 1
                    return inner
                }
            }
            guard let inner = alternation(), !atEnd, peek == 41 else { return nil }
            i += 1
            return assertion ? 0 : inner
        }

        mutating func skipName(until end: UInt8) -> Bool {
            while !atEnd && peek != end { i += 1 }
            guard !atEnd else { return false }
            i += 1
            return true
        }

        /// An escape outside a class: a class escape, an assertion, or a literal.
        mutating func escape() -> Int? {
            guard !atEnd else { return nil }
            let e = peek
            switch e {
            case 98, 66, 65, 122, 90, 71: i += 1; return 0         // \b \B \A \z \Z \G
            case 81:                                                // \Q...\E
                i += 1
                var total = 0
                while !atEnd && !(peek == 92 && i + 1 < bytes.count && bytes[i + 1] == 69) { total = min(Self.never, total + literal(peek)); i += 1 }
                if !atEnd { i += 2 }
                return total
            default:
                var members = ByteClass()
                guard classEscape(into: &members) else { return nil }
                return cost(members)
            }
        }

        /// Reads an escape (after the backslash) that stands for bytes, adding them to `members`.
        /// Code points above ASCII add nothing (the alphabet is ASCII). False when not understood.
        mutating func classEscape(into members: inout ByteClass) -> Bool {
            guard !atEnd else { return false }
            let e = peek
            i += 1
            switch e {
            case 100: add(&members, "0-9")                                          // \d
            case 68: add(&members, "0-9", negated: true)                            // \D
            case 119: add(&members, "0-9A-Za-z_")                                   // \w
            case 87: add(&members, "0-9A-Za-z_", negated: true)                     // \W
            case 115: for c: UInt8 in [9, 10, 11, 12, 13, 32] { members.insert(c) }  // \s
            case 83: add(&members, "\t\n\u{0B}\u{0C}\r ", negated: true)            // \S
            case 104: members.insert(9); members.insert(32)                         // \h
            case 72: add(&members, "\t ", negated: true)                            // \H
            case 118: for c: UInt8 in [10, 11, 12, 13] { members.insert(c) }        // \v
            case 86: add(&members, "\n\u{0B}\u{0C}\r", negated: true)               // \V
            case 110: members.insert(10)
            case 116: members.insert(9)
            case 114: members.insert(13)
            case 102: members.insert(12)
            case 101: members.insert(27)
            case 97: members.insert(7)
            case 120:                                                               // \xHH or \x{H...}
                var value = 0, digits = 0
                if !atEnd && peek == 123 {
                    i += 1
                    while !atEnd && peek != 125 {
                        guard let h = hexValue(peek) else { return false }
                        value = value &* 16 &+ h; digits += 1; i += 1
                    }
                    guard !atEnd, digits > 0 else { return false }
                    i += 1
                } else {
                    while !atEnd && digits < 2, let h = hexValue(peek) { value = value * 16 + h; digits += 1; i += 1 }
                }
                if value < 0x80 { members.insert(UInt8(value)) }
            default:
                // Letters and digits after a backslash are classes, properties or references this
                // reader does not know; other bytes stand for themselves.
                let lower = e | 0x20
                if (lower >= 97 && lower <= 122) || (e >= 48 && e <= 57) { return false }
                members.insert(e)
            }
            return true
        }

        func hexValue(_ c: UInt8) -> Int? {
            switch c {
            case 48...57: return Int(c - 48)
            case 65...70: return Int(c - 55)
            case 97...102: return Int(c - 87)
            default: return nil
            }
        }

        func add(_ members: inout ByteClass, _ spec: String, negated: Bool = false) {
            let cls = ByteClass(spec)
            for c in 0..<128 where cls.contains(UInt8(c)) != negated { members.insert(UInt8(c)) }
        }

        /// The fewest counted bytes one byte of `members` (caseless when the pattern is) takes:
        /// 0 when it may be a byte of the alphabet that is not counted, 1 when only counted ones,
        /// `never` when none of the alphabet.
        func cost(_ members: ByteClass) -> Int {
            var fewest = Self.never
            for c in alphabetBytes where literalIn(members, c) {
                if !counted.contains(c) { return 0 }
                fewest = 1
            }
            return fewest
        }

        /// Whether `c` is in `members`, caseless when the pattern is.
        func literalIn(_ members: ByteClass, _ c: UInt8) -> Bool {
            if members.contains(c) { return true }
            guard caseless else { return false }
            let letter = c | 0x20
            guard letter >= 97 && letter <= 122 else { return false }
            return members.contains(letter) || members.contains(letter & ~0x20)
        }

        /// [...] after the opening bracket.
        mutating func characterClass() -> Int? {
            var negated = false
            if !atEnd && peek == 94 { negated = true; i += 1 }
            var members = ByteClass()
            var first = true
            while !atEnd && (peek != 93 || first) {
                first = false
                // POSIX names: [:digit:]
                if peek == 91, i + 1 < bytes.count, bytes[i + 1] == 58 {
                    guard let close = (i + 2..<bytes.count).first(where: { bytes[$0] == 93 }), close > i + 3, bytes[close - 1] == 58 else { return nil }
                    let name = String(decoding: bytes[(i + 2)..<(close - 1)], as: UTF8.self)
                    let specs: [String: String] = ["digit": "0-9", "alpha": "A-Za-z", "alnum": "0-9A-Za-z", "upper": "A-Z", "lower": "a-z",
                                                   "xdigit": "0-9A-Fa-f", "word": "0-9A-Za-z_", "space": "\t\n\u{0B}\u{0C}\r "]
                    guard let spec = specs[name] else { return nil }
                    add(&members, spec)
                    i = close + 1
                    continue
                }
                // One member: a byte or an escape, perhaps the start of a range.
                guard let low = classMember(into: &members) else { return nil }
                if let low, !atEnd, peek == 45, i + 1 < bytes.count, bytes[i + 1] != 93 {
                    i += 1
                    var ignored = ByteClass()
                    guard let high = classMember(into: &ignored), let high else { return nil }
                    guard high >= low else { return nil }
                    for c in low...high where c < 0x80 { members.insert(UInt8(c)) }
                }
            }
            guard !atEnd else { return nil }
            i += 1
            if negated {
                // Under (?i) a negated class excludes both cases of each letter it lists.
                var complement = ByteClass()
                for c in 0..<128 where !literalIn(members, UInt8(c)) { complement.insert(UInt8(c)) }
                return cost(complement)
            }
            return cost(members)
        }

        /// One class member: returns its code point when it is a single character (a range may
        /// follow), .some(nil) for a class escape such as \d, nil when not understood.
        mutating func classMember(into members: inout ByteClass) -> Int?? {
            let c = peek
            if c == 92 {
                i += 1
                guard !atEnd else { return nil }
                let e = peek
                // Single characters that may start or end a range.
                let singles: [UInt8: Int] = [110: 10, 116: 9, 114: 13, 102: 12, 101: 27, 97: 7]
                if let v = singles[e] { i += 1; if v < 0x80 { members.insert(UInt8(v)) }; return .some(v) }
                if e == 120 {
                    var single = ByteClass()
                    let before = i
                    guard classEscape(into: &single) else { return nil }
                    // Re-read the value for ranges.
                    var j = before + 1, value = 0
                    if j < bytes.count && bytes[j] == 123 {
                        j += 1
                        while j < bytes.count && bytes[j] != 125 { value = value &* 16 &+ (hexValue(bytes[j]) ?? 0); j += 1 }
                    } else {
                        var digits = 0
                        while j < bytes.count && digits < 2, let h = hexValue(bytes[j]) { value = value * 16 + h; j += 1; digits += 1 }
                    }
                    if value < 0x80 { members.insert(UInt8(value)) }
                    return .some(value)
                }
                let lower = e | 0x20
                if (lower >= 97 && lower <= 122) || (e >= 48 && e <= 57) {
                    guard classEscape(into: &members) else { return nil }
                    return .some(nil)
                }
                i += 1
                members.insert(e)
                return .some(Int(e))
            }
            if c >= 0x80 {
                // A UTF-8 character: its code point, so ranges such as [一-龥] compare right.
                let (value, length) = decodeUTF8(at: i)
                i += length
                return .some(value)
            }
            i += 1
            members.insert(c)
            return .some(Int(c))
        }

        func decodeUTF8(at k: Int) -> (Int, Int) {
            let c = Int(bytes[k])
            let length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1
            guard k + length <= bytes.count, length > 1 else { return (c, 1) }
            var v = c & (0xFF >> (length + 1))
            for j in 1..<length { v = v << 6 | Int(bytes[k + j] & 0x3F) }
            return (v, length)
        }
    }
}
