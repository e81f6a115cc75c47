import FoundationEssentials
import Glibc

/// The API tables per language family, parsed once, with their trigger sets.
final class LanguageTables: @unchecked Sendable {
    let specs: [SourceLanguage.Family: [APISpec]]
    let byName: [SourceLanguage.Family: [UInt32: [Int]]]
    let prefixSpecs: [SourceLanguage.Family: [Int]]
    let triggers: [SourceLanguage.Family: TriggerSet]

    static let shared = LanguageTables()

    private init() {
        let tables: [SourceLanguage.Family: String] = [
            .jvm: JVMAPIs.table, .python: PythonAPIs.table, .go: GoAPIs.table,
            .c: CAPIs.table, .javascript: JavaScriptAPIs.table, .csharp: CSharpAPIs.table,
        ]
        var specs: [SourceLanguage.Family: [APISpec]] = [:]
        var byName: [SourceLanguage.Family: [UInt32: [Int]]] = [:]
        var prefixSpecs: [SourceLanguage.Family: [Int]] = [:]
        var triggers: [SourceLanguage.Family: TriggerSet] = [:]
        for (family, text) in tables {
            let list = APITable.parse(text)
            var names: [String] = [], prefixes: [String] = []
            var map: [UInt32: [Int]] = [:]
            var pre: [Int] = []
            for (i, s) in list.enumerated() {
                if s.isPrefix { prefixes.append(s.name); pre.append(i); continue }
                names.append(s.name)
                map[Lexer.hash(Array(s.name.utf8)), default: []].append(i)
            }
            specs[family] = list
            byName[family] = map
            prefixSpecs[family] = pre
            triggers[family] = TriggerSet(names: names, prefixes: prefixes)
        }
        self.specs = specs; self.byName = byName; self.prefixSpecs = prefixSpecs; self.triggers = triggers
    }
}

/// Scans source files: lexes them and finds crypto API uses. One instance per worker thread (it
/// keeps its token buffers from file to file).
final class SourceScanner {
    private var lex = LexResult()
    private let wordFlags = IdentifierMemo(FileAnalyzer.identifierWordFlags)
    private let exportable = IdentifierMemo(FileAnalyzer.exportableName)
    /// What this scanner's earlier files exported (see `ExportLedger`).
    private let exported = ExportLedger()
    private let algorithmNames = NameMemo(AlgorithmCatalog.parse)
    private let pureAlgorithmNames = NameMemo(AlgorithmCatalog.isPureAlgorithmName)

    init() {}

    /// One-off scan (the engine API and tests).
    static func scan(_ text: UnsafeBufferPointer<UInt8>, language: SourceLanguage) -> FileFacts {
        let s = SourceScanner()
        return s.scan(text, language: language, rawOffsets: true)
    }

    /// `rawOffsets`: the bytes are the file's own (so token offsets are file offsets).
    /// The facts' `constants` are what the tree-wide table (`GlobalConstants`) must learn from
    /// this file after this scanner's earlier files: a name exported before with the same value is
    /// left out, and a name already exported with two different values is not evaluated again
    /// (the table drops it whatever else it hears). A fresh scanner reports every constant.
    func scan(_ text: UnsafeBufferPointer<UInt8>, language: SourceLanguage, rawOffsets: Bool) -> FileFacts {
        let family = language.family
        let tables = LanguageTables.shared
        Lexer.lex(text, rules: LexerRules.forFamily(family), triggers: tables.triggers[family]!, into: &lex)
        guard let base = text.baseAddress, !lex.tokens.isEmpty else { return FileFacts() }
        // The buffer stays valid for the analysis: `lex` is not touched until the next file.
        var a = FileAnalyzer(p: base, n: text.count, toks: lex.tokens.buffer, lex: lex, family: family,
                             specs: tables.specs[family]!, byName: tables.byName[family]!,
                             prefixSpecs: tables.prefixSpecs[family]!, rawOffsets: rawOffsets, wordFlags: wordFlags, exportable: exportable, exported: exported,
                             algorithmNames: algorithmNames, pureAlgorithmNames: pureAlgorithmNames)
        return a.run()
    }
}

/// The analysis of one lexed file.
struct FileAnalyzer {
    let p: UnsafePointer<UInt8>
    let n: Int
    let toks: UnsafeBufferPointer<Token>
    let lex: LexResult
    let family: SourceLanguage.Family
    let specs: [APISpec]
    let byName: [UInt32: [Int]]
    let prefixSpecs: [Int]
    let rawOffsets: Bool
    /// `identifierWordFlags` and `exportableName`, remembered.
    let wordFlags: IdentifierMemo<(security: Bool, other: Bool)>
    let exportable: IdentifierMemo<Bool>
    /// The names the scanner exported from earlier files, with their values.
    let exported: ExportLedger
    /// `AlgorithmCatalog.parse` remembered (EVP_ names).
    let algorithmNames: NameMemo<[AlgorithmComponent]>
    /// `AlgorithmCatalog.isPureAlgorithmName` remembered (string literals on redacted evidence lines).
    let pureAlgorithmNames: NameMemo<Bool>

    var uses: [PendingUse] = []
    /// Receiver variables bound to a kind of object (keygen, rng, keystore, cipher, ...).
    var bindings: [UInt32: (kind: String, value: SymbolValue)] = [:]
    /// Names filled by a random source somewhere in the file (their zero initialiser does not count).
    var randomized: Set<UInt32> = []
    /// `@Value("${key}") Type name;` fields.
    var configFields: [UInt32: SymbolValue] = [:]
    var fileStrings: Set<String>?
    /// Each assignment (`lex.assignments`) with the identifier it assigns to, worked out once per
    /// file: every name lookup walks them.
    var assignTargets: [(assign: Int32, name: Int32)] = []

    init(p: UnsafePointer<UInt8>, n: Int, toks: UnsafeBufferPointer<Token>, lex: LexResult, family: SourceLanguage.Family,
         specs: [APISpec], byName: [UInt32: [Int]], prefixSpecs: [Int], rawOffsets: Bool,
         wordFlags: IdentifierMemo<(security: Bool, other: Bool)>, exportable: IdentifierMemo<Bool>, exported: ExportLedger,
         algorithmNames: NameMemo<[AlgorithmComponent]>, pureAlgorithmNames: NameMemo<Bool>) {
        self.p = p; self.n = n; self.toks = toks; self.lex = lex; self.family = family; self.specs = specs
        self.pureAlgorithmNames = pureAlgorithmNames
        self.wordFlags = wordFlags
        self.exportable = exportable
        self.exported = exported
        self.algorithmNames = algorithmNames
        self.byName = byName; self.prefixSpecs = prefixSpecs; self.rawOffsets = rawOffsets
        var targets: [(assign: Int32, name: Int32)] = []
        targets.reserveCapacity(lex.assignments.count)
        for a in lex.assignments {
            if let nt = assignedName(Int(a)) { targets.append((a, Int32(nt))) }
        }
        assignTargets = targets
    }

    // MARK: - Token helpers

    // The operator is a Unicode.Scalar / StaticString so that a literal costs nothing per call
    // (a Character's asciiValue, or an Array of a String's bytes, did on every token looked at).
    @inline(__always) func isOp(_ i: Int, _ c: Unicode.Scalar) -> Bool {
        i >= 0 && i < toks.count && toks[i].kind == .op && toks[i].op == UInt16(c.value)
    }
    @inline(__always) func isOp2(_ i: Int, _ s: StaticString) -> Bool {
        guard i >= 0 && i < toks.count && toks[i].kind == .op else { return false }
        let u = s.utf8Start
        return toks[i].op == UInt16(u[0]) | (s.utf8CodeUnitCount > 1 ? UInt16(u[1]) << 8 : 0)
    }
    /// Whether identifier token `i` is one of `names` (most are ruled out by hash, without a String).
    @inline(__always) func identIn(_ i: Int, _ names: IdentifierSet) -> Bool {
        names.contains(toks[i].hash) && names.names.contains(text(i))
    }
    func text(_ i: Int) -> String {
        let t = toks[i]
        return String(decoding: UnsafeBufferPointer(start: p + Int(t.start), count: Int(t.end - t.start)), as: UTF8.self)
    }
    func identIs(_ i: Int, _ s: String) -> Bool {
        guard i >= 0 && i < toks.count && toks[i].kind == .ident else { return false }
        let t = toks[i]
        let len = Int(t.end - t.start)
        guard s.utf8.count == len else { return false }
        if len == 0 { return true }
        // One memcmp on the String's own bytes (walking its UTF8View byte by byte cost more).
        if let same = s.utf8.withContiguousStorageIfAvailable({ memcmp($0.baseAddress!, p + Int(t.start), len) == 0 }) {
            return same
        }
        return identIs(i, Array(s.utf8))
    }
    /// `identIs` with the name's UTF-8 bytes at hand (the API tables keep them), compared in line.
    func identIs(_ i: Int, _ bytes: [UInt8]) -> Bool {
        guard i >= 0 && i < toks.count && toks[i].kind == .ident else { return false }
        let t = toks[i]
        guard bytes.count == Int(t.end - t.start) else { return false }
        let q = p + Int(t.start)
        for k in bytes.indices where bytes[k] != q[k] { return false }
        return true
    }
    func isIdent(_ i: Int) -> Bool { i >= 0 && i < toks.count && toks[i].kind == .ident }
    /// `.`, `?.`, `->`, `::`: member access.
    func isMemberOp(_ i: Int) -> Bool { isOp(i, ".") || isOp2(i, "?.") || isOp2(i, "->") || isOp2(i, "::") }

    /// Index of the bracket matching the opener at `i` (or the last token searched).
    func matching(_ i: Int, limit: Int = 20000) -> Int {
        let open = toks[i].op
        let close: UInt16 = open == 0x28 ? 0x29 : (open == 0x5B ? 0x5D : 0x7D)
        var depth = 0
        var j = i
        let end = min(toks.count, i + limit)
        while j < end {
            if toks[j].kind == .op {
                if toks[j].op == open { depth += 1 }
                else if toks[j].op == close { depth -= 1; if depth == 0 { return j } }
            }
            j += 1
        }
        return end - 1
    }

    /// Decoded string literal contents (escapes processed unless raw).
    func stringBytes(_ i: Int) -> [UInt8] {
        let t = toks[i]
        var s = Int(t.start), e = Int(t.end)
        var raw = false
        // Prefixes: r/b/u/f (Python), @ or $ (C#), R (C++ raw: handled as raw).
        while s < e && p[s] != 0x22 && p[s] != 0x27 && p[s] != 0x60 {
            let c = p[s] | 0x20
            if c == UInt8(ascii: "r") || p[s] == UInt8(ascii: "@") { raw = true }
            s += 1
        }
        guard s < e else { return [] }
        let q = p[s]
        if q == 0x60 { raw = true }
        var ql = 1
        if s + 2 < e && p[s + 1] == q && p[s + 2] == q && e - s >= 6 { ql = 3 }
        s += ql
        if e - ql >= s && e - ql < n && p[e - 1] == q { e -= ql } // terminated
        if e < s { return [] }
        if p[Int(t.start)] == UInt8(ascii: "R") && family == .c {
            // R"delim( ... )delim"
            if let open = (s..<e).first(where: { p[$0] == UInt8(ascii: "(") }), let close = (s..<e).last(where: { p[$0] == UInt8(ascii: ")") }), close > open {
                return Array(UnsafeBufferPointer(start: p + open + 1, count: close - open - 1))
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(e - s)
        var k = s
        while k < e {
            let c = p[k]
            if c == 0x5C && !raw && k + 1 < e {
                let d = p[k + 1]
                switch d {
                case UInt8(ascii: "n"): out.append(0x0A); k += 2
                case UInt8(ascii: "t"): out.append(0x09); k += 2
                case UInt8(ascii: "r"): out.append(0x0D); k += 2
                case UInt8(ascii: "0") where !(k + 2 < e && p[k + 2] >= 0x30 && p[k + 2] <= 0x37):
                    out.append(0); k += 2
                case UInt8(ascii: "x"):
                    var v: UInt8 = 0, m = k + 2, digits = 0
                    while m < e && digits < 2, let h = hexValue(p[m]) { v = v &* 16 &+ h; m += 1; digits += 1 }
                    out.append(v); k = m
                case UInt8(ascii: "u") where family != .python || true:
                    var v: UInt32 = 0, m = k + 2, digits = 0
                    while m < e && digits < 4, let h = hexValue(p[m]) { v = v * 16 + UInt32(h); m += 1; digits += 1 }
                    if let sc = Unicode.Scalar(v) { out.append(contentsOf: Array(String(Character(sc)).utf8)) }
                    k = m
                default:
                    if d >= 0x30 && d <= 0x37 {  // octal
                        var v: UInt8 = 0, m = k + 1, digits = 0
                        while m < e && digits < 3 && p[m] >= 0x30 && p[m] <= 0x37 { v = v &* 8 &+ (p[m] - 0x30); m += 1; digits += 1 }
                        out.append(v); k = m
                    } else {
                        out.append(d); k += 2
                    }
                }
                continue
            }
            out.append(c)
            k += 1
        }
        return out
    }
    @inline(__always) func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x37
        case 0x61...0x66: return c - 0x57
        default: return nil
        }
    }
    func stringValue(_ i: Int) -> String {
        // Most literals have no escapes: their String is made from the text itself, without the
        // byte array `stringBytes` makes.
        if let plain = plainStringContent(i) { return String(decoding: plain, as: UTF8.self) }
        return String(decoding: stringBytes(i), as: UTF8.self)
    }

    /// The content of string token `i` when `stringBytes` would return exactly those bytes of the
    /// text: no prefix that changes how it is read (C++ `R"(...)"`), and no backslash to decode.
    /// nil when the slower path must decide.
    func plainStringContent(_ i: Int) -> UnsafeBufferPointer<UInt8>? {
        let t = toks[i]
        var s = Int(t.start), e = Int(t.end)
        guard s < e, p[s] == 0x22 || p[s] == 0x27 else { return nil }
        let q = p[s]
        var ql = 1
        if s + 2 < e && p[s + 1] == q && p[s + 2] == q && e - s >= 6 { ql = 3 }
        s += ql
        if e - ql >= s && e - ql < n && p[e - 1] == q { e -= ql }
        guard e >= s else { return nil }
        guard memchr(p + s, 0x5C, e - s) == nil else { return nil }
        return UnsafeBufferPointer(start: p + s, count: e - s)
    }

    /// A number literal's value: `_` and `'` separators and C/Java suffixes dropped; hex, binary,
    /// decimal; nil for anything else (floats, overflow). On the token's bytes, no String.
    func number(_ i: Int) -> Int? {
        let t = toks[i]
        // The digits are gathered in a temporary buffer (on the stack for any real number):
        // an array per number literal was one allocation each.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(Int(t.end - t.start), 1)) { buffer -> Int? in
            var count = 0
            for k in Int(t.start)..<Int(t.end) where p[k] != 0x5F && p[k] != 0x27 { buffer[count] = p[k]; count += 1 }
            let hex = count >= 2 && buffer[0] == 0x30 && (buffer[1] == 0x78 || buffer[1] == 0x58)
            while count > 0 {
                let l = buffer[count - 1]
                let lu = l == 0x6C || l == 0x4C || l == 0x75 || l == 0x55          // l L u U
                let fd = l == 0x66 || l == 0x46 || l == 0x64 || l == 0x44          // f F d D
                guard lu || (fd && !hex) else { break }
                count -= 1
            }
            let d = UnsafeBufferPointer(rebasing: buffer[0..<count])
            if hex { return Self.parseInt(d[2...], radix: 16) }
            if count >= 2 && d[0] == 0x30 && (d[1] == 0x62 || d[1] == 0x42) { return Self.parseInt(d[2...], radix: 2) }
            return Self.parseInt(d[...], radix: 10)
        }
    }

    /// As `Int(_:radix:)` on ASCII bytes: optional sign, at least one digit, nil on overflow.
    static func parseInt<Digits: Collection<UInt8>>(_ d: Digits, radix: Int) -> Int? where Digits.Index == Int {
        var i = d.startIndex
        var negative = false
        if i < d.endIndex && (d[i] == 0x2B || d[i] == 0x2D) { negative = d[i] == 0x2D; i += 1 }
        guard i < d.endIndex else { return nil }
        var v = 0
        while i < d.endIndex {
            let c = d[i]
            let digit: Int
            switch c {
            case 0x30...0x39: digit = Int(c - 0x30)
            case 0x61...0x7A: digit = Int(c - 0x61) + 10
            case 0x41...0x5A: digit = Int(c - 0x41) + 10
            default: return nil
            }
            guard digit < radix else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: radix)
            let (a, o2) = negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
            guard !o1 && !o2 else { return nil }
            v = a
            i += 1
        }
        return v
    }

    // MARK: - Run

    mutating func run() -> FileFacts {
        for t32 in lex.triggers {
            let t = Int(t32)
            let h = toks[t].hash
            if let list = byName[h] {
                for si in list where identIs(t, specs[si].nameBytes) { apply(specs[si], at: t) }
            } else {
                // An ASCII identifier is compared on its bytes (String.hasPrefix would agree);
                // others take the String path once.
                let tk = toks[t]
                let bytes = UnsafeBufferPointer(start: p + Int(tk.start), count: Int(tk.end - tk.start))
                let name: String? = bytes.allSatisfy({ $0 < 0x80 }) ? nil : text(t)
                for si in prefixSpecs {
                    let spec = specs[si]
                    if let name { if name.hasPrefix(spec.name) { apply(spec, at: t) } }
                    else if bytes.starts(with: spec.nameBytes) { apply(spec, at: t) }
                }
            }
        }
        for s32 in lex.httpStrings { checkHTTP(Int(s32)) }
        mergeModes()
        var facts = FileFacts()
        // Resolved in place: the list is moved out of `self` so that no use is copied whole.
        var resolved = uses
        uses = []
        for i in resolved.indices {
            let t = resolved[i].token
            let kind = resolveKind(resolved[i].kind, at: t)
            resolved[i].kind = kind
            if let m = resolved[i].mode { resolved[i].mode = resolveLocal(m, at: t, depth: 0) }
        }
        facts.uses = resolved
        facts.constants = exports()
        return facts
    }

    // MARK: - Matching a spec at a trigger

    /// The receiver identifier before `.name`, if any.
    func receiver(_ t: Int) -> Int? {
        guard isMemberOp(t - 1), isIdent(t - 2) else { return nil }
        return t - 2
    }

    func qualifierMatches(_ q: APISpec.Qualifier, at t: Int) -> Bool {
        switch q {
        case .none:
            return !isMemberOp(t - 1) || isQualifiedConstructor(t)
        case .any:
            return isMemberOp(t - 1)
        case .exact(let parts):
            return chainEnds(with: parts, before: t)
        case .optional(let parts):
            return !isMemberOp(t - 1) || chainEnds(with: parts, before: t) || isQualifiedConstructor(t)
        }
    }

    /// `new javax.crypto.spec.SecretKeySpec(...)`: a bare-name pattern also matches a package-qualified constructor.
    func isQualifiedConstructor(_ t: Int) -> Bool {
        var i = t
        while isMemberOp(i - 1) && isIdent(i - 2) { i -= 2 }
        return i != t && identIs(i - 1, "new")
    }

    func chainEnds(with parts: [String], before t: Int) -> Bool {
        var i = t
        for part in parts.reversed() {
            guard isMemberOp(i - 1), identIs(i - 2, part) else { return false }
            i -= 2
        }
        return true
    }

    mutating func apply(_ spec: APISpec, at t: Int) {
        if spec.annotation && !isOp(t - 1, "@") { return }
        if !spec.annotation && isOp(t - 1, "@") { return }
        // A setting named without a receiver matches with or without one (`ctx.check_hostname = False`).
        guard qualifierMatches(spec.qualifier, at: t) || (spec.kind == .setting && spec.qualifier == .none) else { return }
        if let imp = spec.requiresImport, !fileHasString(imp) { return }
        if let need = spec.requiresBinding {
            guard let r = receiver(t), let b = bindings[toks[r].hash], b.kind == need else { return }
        }
        var args: [Range<Int>] = []
        var assigned: Range<Int>?
        var end = t + 1
        switch spec.kind {
        case .call:
            guard isOp(t + 1, "(") else { return }
            if let body = spec.requiresBody {
                guard declarationMatches(at: t, body: body, param: spec.requiresParam) else { return }
            } else {
                let close = matching(t + 1)
                args = splitArgs(t + 2, close)
                end = close + 1
            }
        case .ref:
            break
        case .setting:
            guard t + 1 < toks.count, toks[t + 1].kind == .op else { return }
            let op = toks[t + 1].op
            guard op == 0x3D || op == 0x3A || op == 0x3D3A || op == 0x3D2B else { return }  // = : := +=
            if op == 0x3A && isOp(t - 1, "?") { return }  // a ? b : c
            let r = expressionEnd(from: t + 2)
            assigned = (t + 2)..<r
            end = r
        }
        emit(spec, at: t, args: args, assigned: assigned, end: end)
    }

    /// Splits `(`...`)` contents at depth-0 commas.
    func splitArgs(_ from: Int, _ close: Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        // Calls have a few arguments: one allocation rather than one per doubling.
        if close > from { out.reserveCapacity(4) }
        var depth = 0
        var s = from
        var j = from
        while j < close {
            let tk = toks[j]
            if tk.kind == .op {
                switch tk.op {
                case 0x28, 0x5B, 0x7B: depth += 1
                case 0x29, 0x5D, 0x7D: depth -= 1
                case 0x2C where depth == 0: out.append(s..<j); s = j + 1
                default: break
                }
            }
            j += 1
        }
        if close > s { out.append(s..<close) }
        return out
    }

    /// Where an expression starting at `from` ends: a depth-0 `,` `;` or closing bracket, or a new
    /// line at depth 0 (for languages without semicolons).
    func expressionEnd(from: Int) -> Int {
        var depth = 0
        var j = from
        let line = from < toks.count ? toks[from].line : 0
        var lastLine = line
        while j < toks.count && j - from < 400 {
            let tk = toks[j]
            if depth == 0 && tk.line != lastLine && j > from && family != .c && family != .csharp {
                // A new line ends the statement unless the previous token or this one continues it
                // (Kotlin, Go, Python and JavaScript need no semicolons).
                let prev = toks[j - 1]
                let continues = prev.kind == .op && (prev.op == 0x2B || prev.op == 0x2E || prev.op == 0x3D || prev.op == 0x2C)
                    || tk.kind == .op && (tk.op == 0x2B || tk.op == 0x2E || tk.op == 0x3F || tk.op == 0x3A)
                if !continues { return j }
            }
            lastLine = tk.line
            if tk.kind == .op {
                switch tk.op {
                case 0x28, 0x5B, 0x7B: depth += 1
                case 0x29, 0x5D, 0x7D: if depth == 0 { return j }; depth -= 1
                case 0x2C, 0x3B: if depth == 0 { return j }
                default: break
                }
            }
            j += 1
        }
        return j
    }

    /// A method declaration `name(params) [throws X | : T] { body }` whose body is empty or only
    /// returns true (or Kotlin's `= true`).
    func declarationMatches(at t: Int, body: String, param: String?) -> Bool {
        let close = matching(t + 1)
        if let param {
            var found = false
            for j in (t + 2)..<max(t + 2, close) where identIs(j, param) { found = true; break }
            if !found { return false }
        }
        var j = close + 1
        while j < toks.count && j - close < 16 {
            if isOp(j, ";") { return false }
            if isOp(j, "{") { break }
            if isOp(j, "=") && body == "true" { return identIs(j + 1, "true") }
            j += 1
        }
        guard j < toks.count, isOp(j, "{") else { return false }
        let end = matching(j)
        let inner = (j + 1)..<end
        switch body {
        case "empty":
            return inner.isEmpty || (inner.count == 2 && identIs(inner.lowerBound, "return") && isOp(inner.lowerBound + 1, ";"))
        case "true":
            return (inner.count == 3 || inner.count == 2) && identIs(inner.lowerBound, "return") && identIs(inner.lowerBound + 1, "true")
        default:
            return false
        }
    }

    func fileHasString(_ s: String) -> Bool {
        for (i, t) in toks.enumerated() where t.kind == .string && Int(t.end - t.start) == s.utf8.count + 2 {
            if stringValue(i) == s { return true }
        }
        return false
    }

    // MARK: - Arguments

    /// The token range an ArgRef designates in a call.
    func argument(_ ref: ArgRef, _ args: [Range<Int>], _ assigned: Range<Int>?) -> Range<Int>? {
        if ref.assigned { return assigned }
        if let kw = ref.keyword {
            // Python `kw=value` at the top level.
            for a in args where a.count >= 2 && identIs(a.lowerBound, kw) && isOp(a.lowerBound + 1, "=") {
                return (a.lowerBound + 2)..<a.upperBound
            }
            // `kw: value` in an object or struct literal inside the arguments (JS, Go, WebCrypto).
            for a in args {
                var j = a.lowerBound
                while j + 1 < a.upperBound {
                    if (identIs(j, kw) || (toks[j].kind == .string && stringValue(j) == kw)) && isOp(j + 1, ":") {
                        var depth = 0, k = j + 2
                        while k < a.upperBound {
                            if toks[k].kind == .op {
                                let o = toks[k].op
                                if o == 0x28 || o == 0x5B || o == 0x7B { depth += 1 }
                                else if o == 0x29 || o == 0x5D || o == 0x7D { if depth == 0 { break }; depth -= 1 }
                                else if o == 0x2C && depth == 0 { break }
                            }
                            k += 1
                        }
                        return (j + 2)..<k
                    }
                    j += 1
                }
            }
        }
        if let i = ref.index, i < args.count {
            let a = args[i]
            // A keyword argument is not positional.
            if family == .python && a.count >= 2 && isIdent(a.lowerBound) && isOp(a.lowerBound + 1, "=") { return nil }
            return a
        }
        return nil
    }

    static let wrapperNames: Set<String> = [
        "getBytes", "encode", "toCharArray", "fromhex", "unhexlify", "a2b_hex", "decode", "b64decode", "decodebytes",
        "DecodeString", "from", "GetBytes", "FromBase64String", "ToArray", "toByteArray", "parseHexBinary", "decodeHex",
        "decodeBase64", "Hex", "Base64", "bytes", "bytearray", "byte", "String", "str", "utf8", "UTF8", "ASCII", "Encoding",
        "getDecoder", "getEncoder", "Buffer", "StandardCharsets", "UTF_8", "US_ASCII", "Charset", "forName", "hex", "base64",
        "binascii", "codecs", "enc", "CryptoJS", "parse", "Utf8", "Latin1", "new", "char", "Convert", "FromHexString",
        "HexFormat", "of", "parseHex", "DatatypeConverter", "Hex2Bin", "TextEncoder", "asList", "strings", "unsigned", "const", "uint8_t",
    ]
    static let encodingNames: Set<String> = ["utf-8", "utf8", "UTF-8", "ascii", "ASCII", "hex", "base64", "latin1", "latin-1", "iso-8859-1", "binary", "UTF8"]
    static let randomSources: Set<String> = [
        "SecureRandom", "urandom", "get_random_bytes", "token_bytes", "token_hex", "token_urlsafe", "randomBytes",
        "getRandomValues", "randomFillSync", "RAND_bytes", "RAND_priv_bytes", "generateSeed", "generateKey", "GenerateKey",
        "GenerateIV", "GenerateNonce", "randbytes", "getrandbits", "nextBytes", "GetNonZeroBytes",
        "RandomNumberGenerator", "uuid4", "randomUUID", "NewRandom", "Random", "random", "getStrongRandomSeed", "GetRandomBytes",
    ]
    static let configGetters: Set<String> = [
        "getProperty", "getenv", "Getenv", "GetEnvironmentVariable", "getString", "GetString", "getValue", "GetValue",
        "get", "Get", "getRequiredProperty", "LookupEnv", "getConfig", "GetSection",
    ]
    static let configContainers: Set<String> = ["environ", "env", "AppSettings", "Configuration", "config", "settings", "ENV", "props", "properties"]
    /// Filters of identifier hashes: most names are ruled out without making a String.
    static let configWordSet = IdentifierSet(configGetters.union(configContainers).union(["env"]))
    static let randomWordSet = IdentifierSet(randomSources.union(["randomBytes", "urandom", "RandomNumberGenerator", "SecureRandom", "secrets"]))
    static let wrapperNameSet = IdentifierSet(wrapperNames)
    /// Words that may stand around a byte-array literal: `new byte[]{...}`, `bytes([...])`, `static const uint8_t k[] = {...}`.
    static let byteArrayWordSet = IdentifierSet(["new", "byte", "bytes", "char", "unsigned", "uint8_t", "sbyte", "Uint8Array", "from", "Buffer", "of", "static", "const"])

    /// Evaluates a token range: literals, byte arrays, configuration look-ups, random sources,
    /// identifiers, and literals wrapped in encoders (`"k".getBytes()`, `[]byte("k")`).
    func evaluate(_ r: Range<Int>) -> SymbolValue {
        var a = r.lowerBound, b = r.upperBound
        guard a < b else { return .unknown }
        // Casts and parentheses around the whole: (byte[]) x, (x).
        while b - a >= 3 && isOp(a, "(") && matching(a) == b - 1 { a += 1; b -= 1 }
        // Trailing encoders do not change what a name holds: KEY.getBytes(), key.encode("utf-8").
        while b - a >= 4 && isOp(b - 1, ")") {
            var open = b - 2
            while open > a && !isOp(open, "(") { open -= 1 }
            guard isOp(open, "("), isIdent(open - 1), isMemberOp(open - 2), open - 2 > a,
                  identIn(open - 1, Self.wrapperNameSet),
                  (open + 1..<(b - 1)).allSatisfy({ toks[$0].kind == .string && Self.encodingNames.contains(stringValue($0)) || isOp($0, ",") })
            else { break }
            b = open - 2
        }
        if b - a == 1 {
            let t = toks[a]
            switch t.kind {
            case .string: return .string(stringValue(a))
            case .number: return number(a).map { .number($0) } ?? .unknown
            case .ident:
                if identIs(a, "null") || identIs(a, "None") || identIs(a, "nil") || identIs(a, "NULL") { return .unknown }
                return .symbol(name: text(a), text: text(a))
            case .op: return .unknown
            }
        }
        // Concatenation of literals and names with `+`.
        if let parts = splitTopLevel(a, b, op: 0x2B), parts.count > 1 {
            let vals = parts.map { evaluate($0) }
            if vals.allSatisfy({ if case .unknown = $0 { return false }; return true }) { return .concat(vals) }
            return .unknown
        }
        var strings: [Int] = []
        var numbers: [Int] = []
        var idents: [Int] = []
        for j in a..<b {
            switch toks[j].kind {
            case .string: strings.append(j)
            case .number: numbers.append(j)
            case .ident: idents.append(j)
            case .op: break
            }
        }
        for j in idents where Self.randomWordSet.contains(toks[j].hash) {
            let s = text(j)
            if Self.randomSources.contains(s) && isOp(j + 1, "(") { return .random }
            if s == "randomBytes" || s == "urandom" || s == "RandomNumberGenerator" || s == "SecureRandom" || s == "secrets" { return .random }
        }
        // Configuration: getProperty("k"[, "default"]), os.environ["K"], process.env.K
        for j in idents where Self.configWordSet.contains(toks[j].hash) {
            let s = text(j)
            if Self.configGetters.contains(s) && isOp(j + 1, "(") && j + 2 < b && toks[j + 2].kind == .string {
                let key = stringValue(j + 2)
                var fallback: SymbolValue?
                if isOp(j + 3, ","), j + 4 < b, toks[j + 4].kind == .string { fallback = .string(stringValue(j + 4)) }
                if key.hasPrefix("${") { return configRef(key) }
                return .config(key: key, fallback: fallback)
            }
            if Self.configContainers.contains(s) && isOp(j + 1, "[") && j + 2 < b && toks[j + 2].kind == .string {
                return .config(key: stringValue(j + 2), fallback: nil)
            }
            if s == "env" && identIs(j - 2, "process") && isOp(j + 1, ".") && isIdent(j + 2) {
                return .config(key: text(j + 2), fallback: nil)
            }
        }
        // All-zero buffers: new byte[16], bytes(16), bytearray(16), make([]byte, 16), Buffer.alloc(16), new Uint8Array(16).
        if strings.isEmpty, numbers.count == 1 {
            let count = number(numbers[0]) ?? 0
            let names = Set(idents.map(text))
            let zeroMakers: Set<String> = ["bytes", "bytearray", "make", "alloc", "Uint8Array", "zeros", "calloc"]
            if (names.contains("byte") && (isOp(numbers[0] - 1, "[") || names.contains("make"))) || !names.isDisjoint(with: zeroMakers) {
                if !names.contains("nextBytes") { return .bytes(count: count, allZero: true) }
            }
        }
        // Byte-array literals: new byte[]{1, 2}, {0x00, 0x01}, {0} (C), []byte{...}, bytes([1, 2]).
        if strings.isEmpty, numbers.count >= 2 || (numbers.count == 1 && isOp(a, "{")), idents.allSatisfy({ identIn($0, Self.byteArrayWordSet) }) {
            let vals = numbers.compactMap { number($0) }
            return .bytes(count: vals.count, allZero: vals.allSatisfy { $0 == 0 })
        }
        // b"\x00" * 16 (Python), "0" * 16.
        if strings.count == 1, numbers.count == 1, b - a == 3, isOp(a + 1, "*") || isOp(strings[0] + 1, "*") {
            let unit = stringBytes(strings[0])
            let count = (number(numbers[0]) ?? 0) * unit.count
            if unit.allSatisfy({ $0 == 0 }) { return .bytes(count: count, allZero: true) }
            return .string(String(repeating: String(decoding: unit, as: UTF8.self), count: max(number(numbers[0]) ?? 0, 0)))
        }
        // A literal in encoder wrappers.
        let real = strings.filter { !Self.encodingNames.contains(stringValue($0)) }
        if real.count == 1 && idents.allSatisfy({ identIn($0, Self.wrapperNameSet) }) {
            let v = stringValue(real[0])
            if v.hasPrefix("${") { return configRef(v) }
            return .string(v)
        }
        // A qualified name, possibly called without arguments: AES.MODE_ECB, ec.SECP192R1(), hashlib.md5
        if strings.isEmpty && numbers.isEmpty, let last = idents.last {
            var ok = true
            for j in a..<b where !(toks[j].kind == .ident || isMemberOp(j) || ((isOp(j, "(") || isOp(j, ")")) && j >= b - 2)) { ok = false; break }
            if ok {
                var s = ""
                for j in a..<b { s += text(j) }
                return .symbol(name: text(last), text: s)
            }
        }
        return .unknown
    }

    /// "${crypto.alg:AES}" → configuration key with its default.
    func configRef(_ s: String) -> SymbolValue {
        var body = s.dropFirst(2)
        if body.hasSuffix("}") { body = body.dropLast() }
        if let colon = body.firstIndex(of: ":") {
            return .config(key: String(body[..<colon]), fallback: .string(String(body[body.index(after: colon)...])))
        }
        return .config(key: String(body), fallback: nil)
    }

    func splitTopLevel(_ a: Int, _ b: Int, op: UInt16) -> [Range<Int>]? {
        var out: [Range<Int>] = []
        var depth = 0, s = a
        for j in a..<b where toks[j].kind == .op {
            let o = toks[j].op
            if o == 0x28 || o == 0x5B || o == 0x7B { depth += 1 }
            else if o == 0x29 || o == 0x5D || o == 0x7D { depth -= 1 }
            else if o == op && depth == 0 {
                if j == s { return nil }
                if out.isEmpty { out.reserveCapacity(4) }
                out.append(s..<j)
                s = j + 1
            }
        }
        if out.isEmpty { return nil }
        out.append(s..<b)
        return out
    }

    // MARK: - Local resolution

    /// The identifier an assignment at `=` index `a` assigns to.
    func assignedName(_ a: Int) -> Int? {
        var t = a - 1
        if isOp(t, "]") {  // key[] = "..." (C), key[16] = {0}
            var depth = 0
            while t >= 0 {
                if isOp(t, "]") { depth += 1 } else if isOp(t, "[") { depth -= 1; if depth == 0 { break } }
                t -= 1
            }
            t -= 1
        } else if isIdent(t) && isOp(t - 1, ":") && isIdent(t - 2) && family == .python {
            t -= 2  // x: str = "..."
        }
        return isIdent(t) ? t : nil
    }

    /// The value assigned to `name` closest before `at` (else the first after: fields declared later).
    func lookup(_ name: String, hash: UInt32, at: Int) -> (Int, SymbolValue)? {
        var before: Int?
        var after: Int?
        for (a32, nt32) in assignTargets {
            let a = Int(a32), nt = Int(nt32)
            guard toks[nt].hash == hash, identIs(nt, name) else { continue }
            // `x == y` is lexed as one operator, so `=` here assigns.
            if a < at { before = a } else if after == nil && a > at { after = a; break }
        }
        guard let a = before ?? after else { return nil }
        return (a, evaluate((a + 1)..<expressionEnd(from: a + 1)))
    }

    func resolveLocal(_ v: SymbolValue, at: Int, depth: Int) -> SymbolValue {
        guard depth < 6 else { return v }
        switch v {
        case .symbol(let name, let text):
            let h = Lexer.hash(name)
            if randomized.contains(h) { return .random }
            // Only plain names and this./self. fields resolve in the file; A.B uses another file's constant.
            let qualified = text.utf8.contains(0x2E) && !(text.hasPrefix("this.") || text.hasPrefix("self.")) || text.hasSuffix(")")
            if !qualified, let (a, value) = lookup(name, hash: h, at: at) {
                if case .symbol(let n2, _) = value, n2 == name { return v }
                if case .unknown = value { return .unknown }
                return resolveLocal(value, at: a, depth: depth + 1)
            }
            if !qualified, let f = configFields[h] { return f }
            return v
        case .concat(let parts):
            return .concat(parts.map { resolveLocal($0, at: at, depth: depth + 1) })
        case .config(let key, let fb):
            return .config(key: key, fallback: fb.map { resolveLocal($0, at: at, depth: depth + 1) })
        default:
            return v
        }
    }

    func resolveKind(_ k: PendingUse.Kind, at t: Int) -> PendingUse.Kind {
        func r(_ v: SymbolValue) -> SymbolValue { resolveLocal(v, at: t, depth: 0) }
        switch k {
        case .algorithm(let role, let v, let ecb): return .algorithm(role, r(v), defaultECB: ecb)
        case .keySize(let f, let b): return .keySize(family: r(f), bits: r(b))
        case .curve(let v): return .curve(r(v))
        case .protocolVersion(let v): return .protocolVersion(r(v))
        case .protocols(let vs): return .protocols(vs.map(r))
        case .suites(let vs): return .suites(vs.map(r))
        case .cipherString(let v): return .cipherString(r(v))
        case .mode(let v): return .mode(r(v))
        case .key(let v): return .key(r(v))
        case .iv(let v): return .iv(r(v))
        case .salt(let v): return .salt(r(v))
        case .password(let v): return .password(r(v))
        case .iterations(let v): return .iterations(r(v))
        default: return k
        }
    }

    /// Constants other files may refer to: UPPER_CASE names, and names that speak of crypto.
    func exports() -> [(name: String, value: SymbolValue)] {
        var out: [(name: String, value: SymbolValue)] = []
        for (a32, nt32) in assignTargets {
            let a = Int(a32), nt = Int(nt32)
            guard a + 1 < toks.count else { continue }
            // Literals (and `{...}` byte arrays) are what other files look up; skip everything else early.
            let vt = toks[a + 1]
            let literal = vt.kind == .string || vt.kind == .number || (vt.kind == .op && vt.op == 0x7B)
            guard literal || vt.kind == .ident else { continue }
            // The name (remembered per scanner) before the look-ahead for a configuration read:
            // both are pure, and most names assigned from other names are not exported.
            let t = toks[nt]
            let name = p + Int(t.start), length = Int(t.end - t.start)
            guard exportable.value(name, length, hash: t.hash) else { continue }
            // A name this scanner already exported with two values is dropped by the tree-wide
            // table whatever its value here: not evaluated again (common names such as `key` or
            // `NAME` are assigned in file after file).
            guard !exported.isAmbiguous(name, length, hash: t.hash) else { continue }
            guard literal || isConfigLookup(a + 1) else { continue }
            var v = evaluate((a + 1)..<expressionEnd(from: a + 1))
            v = resolveLocal(v, at: a, depth: 1)
            switch v {
            case .string(let s) where s.utf8.count <= 512: break
            case .number, .bytes, .config, .concat: break
            default: continue
            }
            if exported.record(name, length, hash: t.hash, value: v) { out.append((text(nt), v)) }
        }
        return out
    }

    static let cryptoNameWords: [[UInt8]] = ["alg", "cipher", "transform", "hash", "digest", "mode", "proto", "curve", "key",
                                             "iv", "salt", "mac", "sign", "crypt", "tls", "ssl", "iter", "bits", "size", "pass", "secret"].map { Array($0.utf8) }

    /// A value read from configuration (`props.getProperty("k")`, `os.environ["K"]`): worth exporting.
    func isConfigLookup(_ from: Int) -> Bool {
        var j = from
        while j < toks.count && j - from < 8 {
            if toks[j].kind == .ident && Self.configWordSet.contains(toks[j].hash) {
                let name = text(j)
                if Self.configGetters.contains(name) || Self.configContainers.contains(name) { return true }
            }
            if isOp(j, ";") { return false }
            j += 1
        }
        return false
    }

    static func exportableName(_ p: UnsafePointer<UInt8>, _ len: Int) -> Bool {
        guard len >= 2 else { return false }
        var hasLower = false
        for i in 0..<len where p[i] >= 0x61 && p[i] <= 0x7A { hasLower = true; break }
        if !hasLower { return true }
        @inline(__always) func lower(_ c: UInt8) -> UInt8 { c | ((c >= 0x41 && c <= 0x5A) ? 0x20 : 0) }
        for w in cryptoNameWords where w.count <= len {
            var i = 0
            while i + w.count <= len {
                var ok = true
                for k in 0..<w.count where lower(p[i + k]) != w[k] { ok = false; break }
                if ok { return true }
                i += 1
            }
        }
        return false
    }
}

/// A pure function of an identifier's bytes, remembered in a direct-mapped table by token hash
/// with the bytes compared (one per scanner, so per worker thread): the same names (`result`,
/// `key`, `input`) come back around every use, file after file. No SipHash per look-up. The
/// slots are plain memory (an Array of optional (bytes, value) pairs copied, retained and
/// released a slot's bytes on every look-up).
final class IdentifierMemo<Value> {
    private static var slotCount: Int { 4096 }
    /// Longer identifiers (few) are not remembered: their value is worked out each time.
    static var maxLength: Int { 32 }
    /// Each slot's identifier bytes, `maxLength` per slot.
    private let keys: UnsafeMutablePointer<UInt8>
    /// Each slot's identifier length; -1 while the slot is empty.
    private let lengths: UnsafeMutablePointer<Int32>
    /// Each slot's value, initialized where its length is not -1.
    private let values: UnsafeMutablePointer<Value>
    private let compute: (UnsafePointer<UInt8>, Int) -> Value

    init(_ compute: @escaping (UnsafePointer<UInt8>, Int) -> Value) {
        self.compute = compute
        keys = .allocate(capacity: Self.slotCount * Self.maxLength)
        lengths = .allocate(capacity: Self.slotCount)
        lengths.initialize(repeating: -1, count: Self.slotCount)
        values = .allocate(capacity: Self.slotCount)
    }

    deinit {
        for i in 0..<Self.slotCount where lengths[i] >= 0 { (values + i).deinitialize(count: 1) }
        values.deallocate()
        lengths.deallocate()
        keys.deallocate()
    }

    func value(_ q: UnsafePointer<UInt8>, _ len: Int, hash: UInt32) -> Value {
        guard len <= Self.maxLength else { return compute(q, len) }
        let i = Int(hash) & (Self.slotCount - 1)
        let key = keys + i * Self.maxLength
        if lengths[i] == Int32(len) && Self.sameBytes(key, q, len) { return values[i] }
        let v = compute(q, len)
        if lengths[i] >= 0 { values[i] = v } else { (values + i).initialize(to: v) }
        key.update(from: q, count: len)
        lengths[i] = Int32(len)
        return v
    }

    /// Whether the first `len` bytes at `a` and `b` are equal, eight at a time: identifiers are
    /// short, and a call to `memcmp` per look-up cost more than comparing them here.
    @inline(__always) static func sameBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ len: Int) -> Bool {
        var k = 0
        while k &+ 8 <= len {
            if UnsafeRawPointer(a + k).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + k).loadUnaligned(as: UInt64.self) { return false }
            k &+= 8
        }
        while k < len {
            if a[k] != b[k] { return false }
            k &+= 1
        }
        return true
    }
}

/// The constants one scanner has exported, by name, so that a tree's files need not repeat them:
/// `GlobalConstants` keeps a name's value only while every file gives the same one, so a name
/// exported again with the same value tells it nothing, and once a name had two values nothing
/// more about it matters. Direct-mapped by token hash with the bytes compared, like
/// `IdentifierMemo`: a name whose slot another name took is simply exported again (the table
/// then hears it twice, which changes nothing), and names longer than `maxLength` bytes are not
/// remembered (always exported).
final class ExportLedger {
    private static var slotCount: Int { 4096 }
    static var maxLength: Int { 32 }
    private let keys: UnsafeMutablePointer<UInt8>
    /// Each slot's name length; -1 while the slot is empty.
    private let lengths: UnsafeMutablePointer<Int32>
    /// Each slot's value, nil once the name was exported with two different values.
    private var values: [SymbolValue?]

    init() {
        keys = .allocate(capacity: Self.slotCount * Self.maxLength)
        lengths = .allocate(capacity: Self.slotCount)
        lengths.initialize(repeating: -1, count: Self.slotCount)
        values = Array(repeating: nil, count: Self.slotCount)
    }

    deinit {
        lengths.deallocate()
        keys.deallocate()
    }

    @inline(__always) private func slot(_ q: UnsafePointer<UInt8>, _ len: Int, hash: UInt32) -> (index: Int, same: Bool) {
        let i = Int(hash) & (Self.slotCount - 1)
        return (i, len <= Self.maxLength && lengths[i] == Int32(len) && IdentifierMemo<Bool>.sameBytes(keys + i * Self.maxLength, q, len))
    }

    /// Whether the name was exported with two different values.
    func isAmbiguous(_ q: UnsafePointer<UInt8>, _ len: Int, hash: UInt32) -> Bool {
        let (i, same) = slot(q, len, hash: hash)
        return same && values[i] == nil
    }

    /// Notes that the name is exported with `value`; whether the tree-wide table must hear it
    /// (the first time, or a value different from the one it heard).
    func record(_ q: UnsafePointer<UInt8>, _ len: Int, hash: UInt32, value: SymbolValue) -> Bool {
        guard len <= Self.maxLength else { return true }
        let (i, same) = slot(q, len, hash: hash)
        if same {
            guard let old = values[i] else { return false }
            if old == value { return false }
            values[i] = nil
            return true
        }
        (keys + i * Self.maxLength).update(from: q, count: len)
        lengths[i] = Int32(len)
        values[i] = value
        return true
    }
}
