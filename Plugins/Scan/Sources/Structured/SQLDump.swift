import DSToolKit
import FoundationEssentials

/// How strings are written in a dump: MySQL takes backslash escapes in '...' strings; PostgreSQL
/// (standard_conforming_strings on, what pg_dump writes) only in E'...' strings.
enum SQLDialect: Equatable {
    case mysql, postgres

    /// Whether the start of a text is a SQL dump, decided by content: a mysqldump/pg_dump header
    /// comment or a first statement that creates or fills tables. nil: not a dump.
    static func sniff(_ b: UnsafeBufferPointer<UInt8>) -> SQLDialect? {
        let n = min(b.count, 64 << 10)
        var i = 0
        if n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3 }
        var header: SQLDialect?
        var statements = 0
        func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }
        func word(at k: Int) -> String {
            var e = k
            while e < n && e - k < 16 && (ByteClass.asciiWord.contains(b[e])) { e += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: b[k..<e]).map(lower), as: UTF8.self)
        }
        func skipSpace() { while i < n && (b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13) { i += 1 } }
        while statements < 64 {
            skipSpace()
            guard i < n else { break }
            if b[i] == 35 || (b[i] == 45 && i + 1 < n && b[i + 1] == 45) {
                let s = i
                while i < n && b[i] != 10 { i += 1 }
                let text = String(decoding: UnsafeBufferPointer(rebasing: b[s..<i]), as: UTF8.self).lowercased()
                if text.contains("postgresql database dump") { header = .postgres }
                if text.contains("mysql dump") || text.contains("mariadb dump") { header = .mysql }
                continue
            }
            if b[i] == 47 && i + 1 < n && b[i + 1] == 42 {
                i += 2
                while i + 1 < n && !(b[i] == 42 && b[i + 1] == 47) { i += 1 }
                i += 2
                if i < n && b[i] == 59 { i += 1 }
                continue
            }
            let first = word(at: i)
            i += first.utf8.count
            skipSpace()
            let second = i < n ? word(at: i) : ""
            switch first {
            case "insert", "replace":
                return second == "into" || second == "ignore" || (header != nil) ? (header ?? .mysql) : nil
            case "create" where second == "table" || second == "temporary" || second == "unlogged":
                return header ?? .mysql
            case "copy":
                return .postgres
            case "set", "drop", "lock", "unlock", "use", "begin", "start", "alter", "select", "comment", "create", "grant",
                 "revoke", "commit":
                statements += 1
                if first == "set" && second == "standard_conforming_strings" { header = header ?? .postgres }
                // Skip the statement (quotes are rare in these; a ';' in one only ends the sniff early).
                while i < n && b[i] != 59 { i += 1 }
                i += 1
            default:
                return nil
            }
        }
        return nil
    }
}

/// The heads of SQL statements, tokenized: names of tables and columns.
enum SQLStatement {
    enum Token: Equatable {
        case word(String, quoted: Bool)
        case punct(UInt8)
        case string
    }

    static func tokens(_ b: [UInt8], limit: Int = 1 << 16) -> [Token] {
        var out: [Token] = []
        var i = 0
        let n = b.count
        while i < n && out.count < limit {
            let c = b[i]
            if c == 32 || c == 9 || c == 10 || c == 13 { i += 1; continue }
            if c == 96 || c == 34 || c == 91 {   // ` " [
                let close: UInt8 = c == 91 ? 93 : c
                var name: [UInt8] = []
                i += 1
                while i < n {
                    if b[i] == close {
                        if i + 1 < n && b[i + 1] == close && close != 93 { name.append(close); i += 2; continue }
                        break
                    }
                    name.append(b[i]); i += 1
                }
                i += 1
                out.append(.word(String(decoding: name, as: UTF8.self), quoted: true))
                continue
            }
            if c == 39 {
                i += 1
                while i < n {
                    if b[i] == 92 { i += 2; continue }
                    if b[i] == 39 { if i + 1 < n && b[i + 1] == 39 { i += 2; continue }; break }
                    i += 1
                }
                i += 1
                out.append(.string)
                continue
            }
            if ByteClass.asciiWord.contains(c) || c >= 0x80 || c == 36 {
                let s = i
                while i < n && (ByteClass.asciiWord.contains(b[i]) || b[i] >= 0x80 || b[i] == 36) { i += 1 }
                out.append(.word(String(decoding: b[s..<i], as: UTF8.self), quoted: false))
                continue
            }
            out.append(.punct(c))
            i += 1
        }
        return out
    }

    static func isKeyword(_ t: Token, _ k: String) -> Bool {
        if case .word(let w, false) = t { return w.lowercased() == k }
        return false
    }

    /// A possibly qualified name at `i` (`db`.`users`, public.users): its last part; `i` moves past it.
    static func name(_ t: [Token], _ i: inout Int) -> String? {
        guard i < t.count, case .word(var last, _) = t[i] else { return nil }
        i += 1
        while i + 1 < t.count, t[i] == .punct(46), case .word(let next, _) = t[i + 1] { last = next; i += 2 }
        return last
    }

    /// A parenthesised list of names at `i` (`(id, id_no)`); `i` moves past it.
    static func nameList(_ t: [Token], _ i: inout Int) -> [String]? {
        guard i < t.count, t[i] == .punct(40) else { return nil }
        var names: [String] = []
        i += 1
        while i < t.count {
            if case .word(let w, _) = t[i] { names.append(w); i += 1 } else { return nil }
            guard i < t.count else { return nil }
            if t[i] == .punct(44) { i += 1; continue }
            if t[i] == .punct(41) { i += 1; return names }
            return nil
        }
        return nil
    }

    /// `INSERT [modifiers] [INTO] name [(columns)] VALUES`: the table and its column list.
    static func insertHead(_ t: [Token]) -> (table: String, columns: [String]?)? {
        var i = 1
        while i < t.count, let w = keyword(t[i]), ["ignore", "low_priority", "delayed", "high_priority", "into"].contains(w) { i += 1 }
        guard let table = name(t, &i) else { return nil }
        let columns = nameList(t, &i)
        guard i < t.count, let v = keyword(t[i]), v == "values" || v == "value" else { return nil }
        return (table, columns)
    }

    /// `COPY name [(columns)] FROM stdin`.
    static func copyHead(_ t: [Token]) -> (table: String, columns: [String]?)? {
        var i = 1
        guard let table = name(t, &i) else { return nil }
        let columns = nameList(t, &i)
        guard i + 1 < t.count, isKeyword(t[i], "from"), isKeyword(t[i + 1], "stdin") else { return nil }
        return (table, columns)
    }

    /// `CREATE [TEMPORARY|UNLOGGED] TABLE [IF NOT EXISTS] name (column type ..., constraint ...)`: its column names.
    static func createTable(_ t: [Token]) -> (table: String, columns: [String])? {
        var i = 1
        while i < t.count, let w = keyword(t[i]), ["temporary", "temp", "unlogged", "global", "local"].contains(w) { i += 1 }
        guard i < t.count, isKeyword(t[i], "table") else { return nil }
        i += 1
        if i + 2 < t.count, isKeyword(t[i], "if"), isKeyword(t[i + 1], "not"), isKeyword(t[i + 2], "exists") { i += 3 }
        guard let table = name(t, &i), i < t.count, t[i] == .punct(40) else { return nil }
        i += 1
        let constraints: Set<String> = ["primary", "key", "unique", "index", "constraint", "foreign", "check", "fulltext",
                                        "spatial", "exclude", "like", "period"]
        var columns: [String] = []
        var depth = 0, elementStart = true
        while i < t.count {
            let tok = t[i]
            if elementStart {
                elementStart = false
                if case .word(let w, let quoted) = tok, quoted || !constraints.contains(w.lowercased()) { columns.append(w) }
            }
            if tok == .punct(40) { depth += 1 } else if tok == .punct(41) {
                if depth == 0 { return (table, columns) }
                depth -= 1
            } else if tok == .punct(44) && depth == 0 { elementStart = true }
            i += 1
        }
        return (table, columns)
    }

    static func keyword(_ t: Token) -> String? {
        if case .word(let w, false) = t { return w.lowercased() }
        return nil
    }
}

/// A SQL dump (mysqldump, pg_dump, hand-written seeds), streamed: the values of `INSERT ... VALUES`
/// rows and of `COPY ... FROM stdin` blocks become cells of their table's columns; everything else
/// (comments, DDL, other statements) is text, scanned value by value. A statement that does not
/// parse is reported with its line and scanned on as text. Memory stays bounded: only statement
/// heads (up to 1 MiB, for the column names of CREATE TABLE) are kept, never a row or a value.
struct SQLDumpParser {
    final class Output {
        /// Tables in the order they first have data.
        var tables: [StructuredScanner.Table] = []
        var byName: [String: StructuredScanner.Table] = [:]
        var errors: [(line: Int64, message: String)] = []
        var moreErrors = 0
        func error(_ line: Int64, _ message: String) {
            if errors.count < 100 { errors.append((line, message)) } else { moreErrors += 1 }
        }
    }

    let batch: CellBatch
    let text: CellBatch
    let output = Output()
    private(set) var dialect: SQLDialect
    private var line: Int64 = 1

    private enum Mode { case text, values, copy }
    private var mode = Mode.text

    // Statement level.
    private var head: [UInt8] = []
    private var headOverflow = false
    private var quote: UInt8 = 0
    private var escaped = false
    private var lineComment = false
    private var blockComment = false
    private var pendingSlash = false, pendingDash = false, pendingStar = false
    private var depth = 0
    private var wordLength = 0
    /// After `COPY ... FROM stdin;`: data starts on the next line.
    private var copyPending = false
    static let maxHead = 1 << 20

    // Data.
    private var table: StructuredScanner.Table?
    private var statementLine: Int64 = 0
    private var names: [String] = []
    private var positions: [Int] = []
    private var more = -1
    private var column = 0
    private var rowsByTable: [String: Int64] = [:]
    private var row: Int64 = 0
    private var createdColumns: [String: [String]] = [:]

    private enum Value {
        case beforeRow, beforeValue, afterValue, afterRow
        case string, stringQuote, stringEscape
        case bare, bareQuoted, bareQuotedEscape
        case hex
        case copyField, copyEscape, copyNull, copyEnd, copyOctal, copyHexEscape
    }
    private var v = Value.beforeRow
    private var stringQuoteChar: UInt8 = 39
    private var stringEscapes = false
    private var stringLine: Int64 = 0
    private var bareDepth = 0
    private var bareQuoteChar: UInt8 = 39
    private var hexClose: UInt8 = 0
    private var nibble: Int = -1
    private var escapeValue = 0
    private var escapeDigits = 0
    private var escapeRaw: Int64 = 0
    private var copyLineStart = true
    private var atFieldStart = true

    init(dialect: SQLDialect, batch: CellBatch, text: CellBatch) {
        self.dialect = dialect
        self.batch = batch
        self.text = text
    }

    private mutating func tableColumn(_ i: Int) -> Int {
        if i < positions.count { return positions[i] }
        guard let table else { return 0 }
        if i >= StructuredScanner.Table.maxColumns {
            if more < 0 { more = table.column("(more columns)") }
            return more
        }
        while positions.count <= i {
            let k = positions.count
            positions.append(table.column(k < names.count && !names[k].isEmpty ? names[k] : "col\(k + 1)"))
        }
        return positions[i]
    }

    /// Starts the data of `name`: its cells go to its table (tables switch only between statements).
    private mutating func begin(table name: String, columns: [String]?, switching: () throws -> Void) rethrows {
        if let t = table, t.name != name, !batch.isEmpty { try switching() }
        if let t = output.byName[name] { table = t } else {
            let t = StructuredScanner.Table(name: name, batch: batch)
            output.tables.append(t); output.byName[name] = t
            table = t
        }
        names = columns ?? createdColumns[name.lowercased()] ?? []
        positions.removeAll(keepingCapacity: true)
        more = -1
        row = rowsByTable[name] ?? 0
        column = 0
        statementLine = line
    }

    private mutating func endData() {
        if let t = table { rowsByTable[t.name] = row }
    }

    // MARK: Text

    @inline(__always) private mutating func openText(_ raw: Int64) {
        if !text.hasOpenCell { text.openCell(column: 0, row: 0, rawOffset: raw, line: line) }
    }

    /// Runs text bytes [from, to) into the text batch (with a line anchor after each newline).
    private mutating func emitText(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, raw: (Int) -> Int64) {
        guard to > from else { return }
        openText(raw(from))
        text.append(UnsafeBufferPointer(rebasing: b[from..<to]))
    }

    /// The statement level: comments, quotes, the statement head. Returns where data starts
    /// (`mode` switched) or `b.count`.
    private mutating func statementText(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, raw: (Int) -> Int64,
                                        switching: () throws -> Void) rethrows -> Int {
        var i = start
        var spanStart = start
        let n = b.count
        while i < n {
            let c = b[i]
            if c == 10 {
                emitText(b, spanStart, i + 1, raw: raw)
                line += 1
                text.anchor(raw: raw(i + 1), line: line)
                spanStart = i + 1
                if lineComment { lineComment = false; i += 1; continue }
                if copyPending {
                    copyPending = false
                    i += 1
                    mode = .copy; v = .copyField; copyLineStart = true; atFieldStart = true
                    text.closeCell()
                    return i
                }
            }
            if lineComment || copyPending { i += 1; continue }
            if blockComment {
                if pendingStar && c == 47 { blockComment = false }
                pendingStar = c == 42
                i += 1; continue
            }
            if quote != 0 {
                if escaped { escaped = false } else if c == 92 && quote != 96 && dialect == .mysql { escaped = true } else if c == quote { quote = 0 }
                if !headOverflow { appendHead(c) }
                i += 1; continue
            }
            // Comments: `-- `, `#` (at a statement's start), `/* */`.
            if pendingDash {
                pendingDash = false
                if c == 45 { if !head.isEmpty { head.removeLast() }; lineComment = true; i += 1; continue }
            }
            if pendingSlash {
                pendingSlash = false
                if c == 42 { if !head.isEmpty { head.removeLast() }; blockComment = true; pendingStar = false; i += 1; continue }
            }
            let isWord = ByteClass.asciiWord.contains(c)
            if !isWord && depth == 0 && (wordLength == 6 || wordLength == 5), let h = valuesHead() {
                emitText(b, spanStart, i, raw: raw)
                text.closeCell()
                try begin(table: h.table, columns: h.columns, switching: switching)
                resetHead()
                mode = .values; v = .beforeRow
                return i
            }
            wordLength = isWord ? wordLength + 1 : 0
            if c == 45 { pendingDash = true } else if c == 47 { pendingSlash = true }
            if c == 35 && head.isEmpty { lineComment = true; i += 1; continue }
            if c == 39 || c == 34 || c == 96 { quote = c; escaped = false }
            if c == 40 { depth += 1 } else if c == 41 { depth = max(0, depth - 1) }
            if c == 59 && depth == 0 {
                emitText(b, spanStart, i + 1, raw: raw)
                spanStart = i + 1
                try statementEnd(switching: switching)
                i += 1
                continue
            }
            if !headOverflow { appendHead(c) }
            i += 1
        }
        emitText(b, spanStart, n, raw: raw)
        return n
    }

    @inline(__always) private mutating func appendHead(_ c: UInt8) {
        if head.count >= Self.maxHead { headOverflow = true; return }
        if head.isEmpty && (c == 32 || c == 9 || c == 10 || c == 13) { return }
        head.append(c)
    }

    private mutating func resetHead() {
        head.removeAll(keepingCapacity: head.count < 64 << 10)
        headOverflow = false; quote = 0; depth = 0; wordLength = 0; pendingDash = false; pendingSlash = false
    }

    /// The head ends with VALUES after `INSERT ... name [(columns)]`.
    private func valuesHead() -> (table: String, columns: [String]?)? {
        guard head.count >= 6, !headOverflow else { return nil }
        func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }
        let tail = head.suffix(wordLength).map(lower)
        guard tail.elementsEqual("values".utf8) || tail.elementsEqual("value".utf8) else { return nil }
        let first = head.prefix(7).map(lower)
        guard first.starts(with: "insert".utf8) || first.starts(with: "replace".utf8) else { return nil }
        return SQLStatement.insertHead(SQLStatement.tokens(head))
    }

    /// A whole statement outside data: CREATE TABLE column names, COPY heads, the string dialect.
    private mutating func statementEnd(switching: () throws -> Void) rethrows {
        defer { resetHead(); text.closeCell() }
        guard !headOverflow, head.count >= 3 else { return }
        let tokens = SQLStatement.tokens(head)
        guard let first = tokens.first.flatMap(SQLStatement.keyword) else { return }
        switch first {
        case "create":
            if let t = SQLStatement.createTable(tokens) { createdColumns[t.table.lowercased()] = t.columns }
        case "copy":
            if let h = SQLStatement.copyHead(tokens) {
                try begin(table: h.table, columns: h.columns, switching: switching)
                copyPending = true
            }
        case "set":
            if tokens.count >= 4, SQLStatement.isKeyword(tokens[1], "standard_conforming_strings") {
                dialect = SQLStatement.isKeyword(tokens[3], "off") ? .mysql : .postgres
            }
        default:
            break
        }
    }

    // MARK: Data

    /// Feeds decoded text; `raw(i)` is the raw input offset of b[i]; `flush` scans the data batch
    /// for `table` (when full or when the table changes), `flushText` the text batch.
    mutating func consume(_ b: UnsafeBufferPointer<UInt8>, raw: (Int) -> Int64,
                          flush: (StructuredScanner.Table) throws -> Void, flushText: () throws -> Void) throws {
        var i = 0
        while i < b.count {
            switch mode {
            case .text:
                let current = table
                i = try statementText(b, i, raw: raw, switching: { if let current { try flush(current) } })
            case .values:
                i = values(b, i, raw: raw)
            case .copy:
                i = copyData(b, i, raw: raw)
            }
            if batch.isFull, let t = table { try flush(t) }
            if text.isFull { try flushText() }
        }
    }

    private mutating func fail(_ message: String) {
        let name = table?.name ?? "?"
        output.error(line, "table \(name): \(message); the rest of the statement is scanned as text")
        batch.discardOpenCell()
        endData()
        mode = .text
        resetHead()
        headOverflow = true   // the statement's rest is not a head
    }

    @inline(__always) private static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 || c == 10 }

    /// INSERT ... VALUES rows. Returns where it stopped (the end, or a mode switch).
    private mutating func values(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, raw: (Int) -> Int64) -> Int {
        var i = start
        let n = b.count
        while i < n {
            let c = b[i]
            switch v {
            case .beforeRow:
                if c == 10 { line += 1 }
                if Self.isSpace(c) { i += 1; continue }
                if c == 40 { row += 1; column = 0; v = .beforeValue; i += 1; continue }
                fail("expected '(' to start a row"); return i
            case .afterRow:
                if c == 10 { line += 1 }
                if Self.isSpace(c) { i += 1; continue }
                if c == 44 { v = .beforeRow; i += 1; continue }
                if c == 59 { endData(); mode = .text; resetHead(); return i + 1 }
                fail("expected ',' or ';' after a row"); return i
            case .beforeValue:
                if c == 10 { line += 1 }
                if Self.isSpace(c) { i += 1; continue }
                if c == 41 && column == 0 { v = .afterRow; i += 1; continue }   // ()
                if c == 39 || (c == 34 && dialect == .mysql) {
                    startString(quote: c, escapes: dialect == .mysql, raw: raw(i + 1))
                    i += 1; continue
                }
                if c == 44 || c == 41 || c == 59 { fail("expected a value"); return i }
                batch.openCell(column: tableColumn(column), row: row, rawOffset: raw(i), line: line)
                bareDepth = 0
                v = .bare
                continue
            case .afterValue:
                if c == 10 { line += 1 }
                if Self.isSpace(c) { i += 1; continue }
                if c == 44 { column += 1; v = .beforeValue; i += 1; continue }
                if c == 41 { v = .afterRow; i += 1; continue }
                // A cast or collation after a literal ('x'::text, 'y' COLLATE z): skipped.
                bareDepth = 0
                v = .bare
                continue
            case .string:
                var j = i
                let q = stringQuoteChar, esc = stringEscapes
                while j < n { let d = b[j]; if d == q || d == 10 || (esc && d == 92) { break }; j += 1 }
                if j > i { batch.append(UnsafeBufferPointer(rebasing: b[i..<j])) }
                i = j
                guard i < n else { break }
                let d = b[i]
                i += 1
                if d == 10 {
                    line += 1
                    batch.append(10)
                    batch.anchor(raw: raw(i), line: line)
                } else if d == q {
                    v = .stringQuote
                } else {
                    v = .stringEscape
                }
                if batch.isFull { return i }
            case .stringQuote:
                if c == stringQuoteChar {
                    batch.append(c)
                    batch.anchor(raw: raw(i + 1), line: line)
                    v = .string; i += 1; continue
                }
                batch.closeCell()
                v = .afterValue
            case .stringEscape:
                let out: UInt8
                switch c {
                case 48: out = 32         // \0: NUL, kept out of the text
                case 110: out = 10
                case 114: out = 13
                case 116: out = 9
                case 98: out = 8
                case 90: out = 26
                default: out = c
                }
                if c == 10 { line += 1 }
                batch.append(out)
                i += 1
                batch.anchor(raw: raw(i), line: line)
                v = .string
            case .bare:
                // A number, keyword, hex literal or function call, up to ',' or ')' outside parentheses.
                if c == 10 { line += 1 }
                if bareDepth == 0 && (c == 44 || c == 41) {
                    closeBare()
                    v = .afterValue
                    continue
                }
                if bareDepth == 0 && c == 59 { fail("expected ',' or ')' after a value"); return i }
                if c == 40 { bareDepth += 1 } else if c == 41 { bareDepth -= 1 }
                if c == 39 || c == 34 {
                    if bareDepth == 0, let kind = introducer() {
                        // _binary '...', N'...', E'...', X'...', B'...', DATE '...': the string is the value.
                        batch.discardOpenCell()
                        switch kind {
                        case 120:
                            batch.openCell(column: tableColumn(column), row: row, rawOffset: raw(i + 1), line: line)
                            batch.anchor(raw: raw(i + 1), line: line, stride: 2)
                            hexClose = c; nibble = -1; v = .hex
                            stringLine = line
                        case 101: startString(quote: c, escapes: true, raw: raw(i + 1))
                        default: startString(quote: c, escapes: dialect == .mysql, raw: raw(i + 1))
                        }
                        i += 1; continue
                    }
                    bareQuoteChar = c
                    v = .bareQuoted
                }
                if c == 120 || c == 88, batch.hasOpenCell, batch.openLength == 1, batch.openByte(0) == 48 {
                    // 0x... : hex digits, decoded.
                    batch.discardOpenCell()
                    batch.openCell(column: tableColumn(column), row: row, rawOffset: raw(i + 1), line: line)
                    batch.anchor(raw: raw(i + 1), line: line, stride: 2)
                    hexClose = 0; nibble = -1; v = .hex
                    i += 1; continue
                }
                if batch.hasOpenCell {
                    batch.append(c)
                    if c == 10 { batch.anchor(raw: raw(i + 1), line: line) }
                }
                i += 1
            case .bareQuoted:
                if c == 10 { line += 1 }
                if batch.hasOpenCell {
                    batch.append(c)
                    if c == 10 { batch.anchor(raw: raw(i + 1), line: line) }
                }
                if c == bareQuoteChar { v = .bare } else if c == 92 && dialect == .mysql { v = .bareQuotedEscape }
                i += 1
            case .bareQuotedEscape:
                if c == 10 { line += 1 }
                if batch.hasOpenCell { batch.append(c) }
                v = .bareQuoted
                i += 1
            case .hex:
                let d: Int
                switch c {
                case 48...57: d = Int(c) - 48
                case 65...70: d = Int(c) - 55
                case 97...102: d = Int(c) - 87
                default: d = -1
                }
                if d >= 0 {
                    if nibble < 0 { nibble = d } else { batch.append(UInt8(nibble << 4 | d)); nibble = -1 }
                    i += 1; continue
                }
                if nibble >= 0 { fail("odd number of hex digits"); return i }
                if hexClose != 0 {
                    guard c == hexClose else { fail("bad hex digit in X'...'"); return i }
                    i += 1
                }
                batch.closeCell()
                v = .afterValue
            default:
                return i
            }
        }
        return i
    }

    private mutating func startString(quote: UInt8, escapes: Bool, raw: Int64) {
        batch.openCell(column: tableColumn(column), row: row, rawOffset: raw, line: line)
        stringQuoteChar = quote
        stringEscapes = escapes
        stringLine = line
        v = .string
    }

    /// The open bare value, if it is one word (an introducer): 'e' for E'', 'x' for X'', or 1.
    private func introducer() -> UInt8? {
        var len = batch.openLength
        while len > 0 && Self.isSpace(batch.openByte(len - 1)) { len -= 1 }
        guard len > 0 else { return nil }
        for k in 0..<len where !ByteClass.asciiWord.contains(batch.openByte(k)) { return nil }
        if len == 1 {
            let c = batch.openByte(0) | 0x20
            if c == 101 || c == 120 { return c }
        }
        return 1
    }

    /// Closes a bare value: NULL, TRUE, FALSE and DEFAULT are not values.
    private func closeBare() {
        var len = batch.openLength
        while len > 0 && Self.isSpace(batch.openByte(len - 1)) { len -= 1 }
        if len >= 4 && len <= 7 && Self.keywords.contains(where: { isOpenCell($0, len) }) { batch.discardOpenCell(); return }
        batch.closeCell()
    }

    private static let keywords: [[UInt8]] = [Array("null".utf8), Array("true".utf8), Array("false".utf8), Array("default".utf8)]

    /// Whether the open cell's first `len` bytes are `word`, ASCII case-insensitively (no String per bare value).
    private func isOpenCell(_ word: [UInt8], _ len: Int) -> Bool {
        guard word.count == len else { return false }
        for k in 0..<len where batch.openByte(k) | 0x20 != word[k] { return false }
        return true
    }

    /// COPY ... FROM stdin data: tab-separated fields, `\N` for NULL, backslash escapes, `\.` at the end.
    private mutating func copyData(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, raw: (Int) -> Int64) -> Int {
        var i = start
        let n = b.count
        while i < n {
            let c = b[i]
            switch v {
            case .copyField:
                if copyLineStart && c != 92 { row += 1; copyLineStart = false }
                if atFieldStart {
                    if c == 92 { escapeRaw = raw(i); v = .copyEscape; i += 1; continue }
                    if c == 9 { column += 1; i += 1; continue }
                    if c == 10 { endCopyLine(); i += 1; continue }
                    batch.openCell(column: tableColumn(column), row: row, rawOffset: raw(i), line: line)
                    atFieldStart = false
                }
                var j = i
                while j < n { let d = b[j]; if d == 9 || d == 10 || d == 92 { break }; j += 1 }
                if j > i { batch.append(UnsafeBufferPointer(rebasing: b[i..<j])) }
                i = j
                guard i < n else { break }
                let d = b[i]
                if d == 92 { escapeRaw = raw(i); v = .copyEscape; i += 1; continue }
                batch.closeCell()
                atFieldStart = true
                if d == 9 { column += 1 } else { endCopyLine() }
                i += 1
                if batch.isFull { return i }
            case .copyEscape:
                if copyLineStart {
                    if c == 46 { v = .copyEnd; i += 1; continue }
                    row += 1; copyLineStart = false
                }
                if atFieldStart {
                    if c == 78 { v = .copyNull; i += 1; continue }
                    batch.openCell(column: tableColumn(column), row: row, rawOffset: escapeRaw, line: line)
                    atFieldStart = false
                }
                i += 1
                switch c {
                case 98: escaped(8, raw(i))
                case 102: escaped(12, raw(i))
                case 110: escaped(10, raw(i))
                case 114: escaped(13, raw(i))
                case 116: escaped(9, raw(i))
                case 118: escaped(11, raw(i))
                case 48...55: escapeValue = Int(c) - 48; escapeDigits = 1; v = .copyOctal
                case 120: escapeValue = 0; escapeDigits = 0; v = .copyHexEscape
                case 10: line += 1; escaped(10, raw(i))
                default: escaped(c, raw(i))
                }
            case .copyOctal:
                if c >= 48 && c <= 55 && escapeDigits < 3 { escapeValue = escapeValue * 8 + Int(c) - 48; escapeDigits += 1; i += 1; continue }
                escaped(UInt8(truncatingIfNeeded: escapeValue), raw(i))
            case .copyHexEscape:
                let d: Int
                switch c {
                case 48...57: d = Int(c) - 48
                case 65...70: d = Int(c) - 55
                case 97...102: d = Int(c) - 87
                default: d = -1
                }
                if d >= 0 && escapeDigits < 2 { escapeValue = escapeValue * 16 + d; escapeDigits += 1; i += 1; continue }
                escaped(escapeDigits == 0 ? 120 : UInt8(escapeValue), raw(i))
            case .copyNull:
                // \N: no value; anything up to the field's end belongs to it.
                if c == 9 { column += 1; atFieldStart = true; v = .copyField } else if c == 10 { endCopyLine(); atFieldStart = true; v = .copyField }
                i += 1
            case .copyEnd:
                if c == 13 { i += 1; continue }
                if c == 10 {
                    line += 1
                    endData(); mode = .text; resetHead()
                    return i + 1
                }
                fail("'\\.' followed by text in a COPY block"); return i
            default:
                return i
            }
        }
        return i
    }

    private mutating func escaped(_ byte: UInt8, _ rawAfter: Int64) {
        batch.append(byte)
        batch.anchor(raw: rawAfter, line: line)
        v = .copyField
    }

    private mutating func endCopyLine() {
        line += 1
        copyLineStart = true
        column = 0
    }

    /// The end of the input: an unfinished statement is reported.
    mutating func finish() {
        let name = "table " + (table?.name ?? "?")
        switch mode {
        case .values:
            switch v {
            case .string, .stringEscape:
                batch.closeCell()
                output.error(stringLine, "\(name): unterminated string (the input ends inside it)")
            case .bare, .bareQuoted, .bareQuotedEscape:
                closeBare()
                output.error(line, "\(name): the input ends inside an INSERT statement (no ';'); truncated")
            default:
                batch.closeCell()
                output.error(line, "\(name): the input ends inside an INSERT statement (no ';'); truncated")
            }
            endData()
        case .copy:
            batch.closeCell()
            if v != .copyEnd { output.error(line, "\(name): the input ends inside a COPY block (no '\\.' line); truncated") }
            endData()
        case .text:
            if copyPending { output.error(line, "\(name): the input ends before the data of COPY ... FROM stdin") }
        }
        text.closeCell()
    }
}
