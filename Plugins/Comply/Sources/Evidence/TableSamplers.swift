import CDSToolSQLite
import DSToolKit
import DSToolScan
import Foundation

/// Spaces and tabs off both ends, without Foundation (this runs per sampled cell).
@inline(__always) func fastTrim(_ s: String) -> String {
    let u = s.utf8
    guard let f = u.first, let l = u.last, f == 32 || f == 9 || l == 32 || l == 9 else { return s }
    var sub = Substring(s)
    while let c = sub.first, c == " " || c == "\t" { sub = sub.dropFirst() }
    while let c = sub.last, c == " " || c == "\t" { sub = sub.dropLast() }
    return String(sub)
}

/// Gathers the classification of a table's columns from sampled values.
struct ColumnAccumulator {
    var columns: [ColumnEvidence]
    var rows = 0

    /// One per column, made with the first row (the column's name is weighed once).
    private var classifiers: [PIIColumnClassifier] = []

    init(names: [String]) { columns = names.map { ColumnEvidence(name: $0) } }

    mutating func add(row: [String], counter: PersonalDataClassifier?) {
        rows += 1
        if let counter, classifiers.isEmpty { classifiers = columns.map { counter.column($0.name) } }
        for (i, v) in row.enumerated() where i < columns.count {
            let t = fastTrim(v)
            if t.isEmpty || t == "NULL" || t == "\\N" { continue }
            columns[i].nonEmpty += 1
            if columns[i].passwordLike {
                columns[i].hashClasses[PasswordHashClass.classify(t), default: 0] += 1
            } else if counter != nil, t.utf8.count <= 256, let kind = classifiers[i].classify(t) {
                columns[i].pi.counts[kind.rawValue, default: 0] += 1
            }
        }
    }
}

/// CSV/TSV: the header and the first rows of the head (RFC 4180 quoting).
enum DelimitedSampler {
    static func sample(_ head: [UInt8], delimiter: UInt8, complete: Bool, maxRows: Int, counter: PersonalDataClassifier?) -> ColumnAccumulator? {
        var rows: [[String]] = []
        var field: [UInt8] = []
        var row: [String] = []
        var inQuotes = false
        var i = 0
        var start = 0
        if head.count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF { i = 3; start = 3 }
        _ = start
        var lastRowEnd = i
        while i < head.count && rows.count <= maxRows {
            let c = head[i]
            if inQuotes {
                if c == 34 {
                    if i + 1 < head.count && head[i + 1] == 34 { field.append(34); i += 1 } else { inQuotes = false }
                } else { field.append(c) }
            } else if c == 34 && field.isEmpty {
                inQuotes = true
            } else if c == delimiter {
                row.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true)
            } else if c == 10 || c == 13 {
                if c == 13 && i + 1 < head.count && head[i + 1] == 10 { i += 1 }
                row.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true)
                if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
                row = []
                lastRowEnd = i + 1
            } else {
                field.append(c)
            }
            i += 1
        }
        if complete && i >= head.count && lastRowEnd < head.count && !inQuotes {
            row.append(String(decoding: field, as: UTF8.self))
            rows.append(row)
        }
        guard let header = rows.first, header.count >= 1 else { return nil }
        var acc = ColumnAccumulator(names: header.map { $0.trimmingCharacters(in: .whitespaces) })
        for r in rows.dropFirst().prefix(maxRows) { acc.add(row: r, counter: counter) }
        return acc
    }
}

/// SQL dumps (mysqldump, pg_dump): column names from CREATE TABLE, rows from INSERT … VALUES and
/// COPY … FROM stdin, within the head of the file.
struct SQLDumpSampler {
    /// The head being sampled (valid during `sample`). Read through a pointer: this parser runs
    /// over the first 8 MiB of every dump, and array bounds checks on each byte cost a third of it.
    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    var tables: [String: [String]] = [:]
    var order: [String] = []
    var samples: [String: ColumnAccumulator] = [:]
    let maxRows: Int
    let counter: PersonalDataClassifier?

    private init(_ bytes: UnsafeBufferPointer<UInt8>, maxRows: Int, counter: PersonalDataClassifier?) { b = bytes; self.maxRows = maxRows; self.counter = counter }

    static func sample(_ head: [UInt8], maxRows: Int, counter: PersonalDataClassifier?) -> [(String, ColumnAccumulator)] {
        head.withUnsafeBufferPointer { p in
            var s = SQLDumpSampler(p, maxRows: maxRows, counter: counter)
            s.run()
            return s.order.compactMap { t in s.samples[t].map { (t, $0) } }
        }
    }

    @inline(__always) func lower(_ c: UInt8) -> UInt8 { (c >= 65 && c <= 90) ? c | 0x20 : c }

    /// `word` (lower-case ASCII) at `at`, in any case, as a whole word. (Inlined: it is asked
    /// at every statement of a dump, most of which are skipped.)
    @inline(__always) func keyword(_ at: Int, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard at + n <= b.count else { return false }
        let w = word.utf8Start
        for k in 0..<n where lower(b[at + k]) != w[k] { return false }
        let after = at + n
        return after == b.count || !(isIdent(b[after]))
    }

    @inline(__always) func isIdent(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c >= 0x80 }

    mutating func skipSpace() {
        while i < b.count {
            let c = b[i]
            if c == 32 || c == 9 || c == 10 || c == 13 { i += 1; continue }
            if c == UInt8(ascii: "-") && i + 1 < b.count && b[i + 1] == UInt8(ascii: "-") || c == UInt8(ascii: "#") {
                while i < b.count && b[i] != 10 { i += 1 }
                continue
            }
            if c == UInt8(ascii: "/") && i + 1 < b.count && b[i + 1] == UInt8(ascii: "*") {
                i += 2
                while i + 1 < b.count && !(b[i] == UInt8(ascii: "*") && b[i + 1] == UInt8(ascii: "/")) { i += 1 }
                i += 2
                continue
            }
            break
        }
    }

    /// An identifier, possibly quoted and schema-qualified; the last part.
    mutating func identifier() -> String? {
        identifierName().map { String(decoding: b[$0], as: UTF8.self) }
    }

    /// Moves past a possibly qualified, possibly quoted identifier (`db`.`t`, "t", [t], t); the
    /// bytes of its last part's name, nil if there was none. `insert` skips statements by it
    /// without making a String.
    mutating func identifierName() -> Range<Int>? {
        var name: Range<Int>?
        while true {
            skipSpace()
            guard i < b.count else { return name }
            let c = b[i]
            if c == UInt8(ascii: "`") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "[") {
                let close = c == UInt8(ascii: "[") ? UInt8(ascii: "]") : c
                let s = i + 1
                i += 1
                while i < b.count && b[i] != close { i += 1 }
                name = s..<min(i, b.count)
                i += 1
            } else if isIdent(c) {
                let s = i
                while i < b.count && isIdent(b[i]) { i += 1 }
                name = s..<i
            } else { return name }
            if i < b.count && b[i] == UInt8(ascii: ".") { i += 1; continue }
            return name
        }
    }

    /// Skips to the end of the statement (`;` outside quotes).
    mutating func skipStatement() {
        // Most of a dump's bytes pass through here (statements not sampled): a table lookup
        // over the raw buffer, stopping only at quotes, backslashes and semicolons.
        let start = i
        let p = b
        i = Self.statementStops.withUnsafeBufferPointer { stops in
            var k = start
            var q: UInt8 = 0
            let n = p.count
            while k < n {
                let c = p[k]
                if stops[Int(c)] == 0 { k += 1; continue }
                if q != 0 {
                    if c == 92 { k += 2; continue }
                    if c == q { q = 0 }
                } else if c == 39 || c == 34 || c == 96 { q = c } else if c == 59 { return k + 1 }
                k += 1
            }
            return min(k, n)
        }
    }

    /// Bytes `skipStatement` must look at: ' " ` \\ and ;.
    static let statementStops: [UInt8] = (0..<256).map { c in [39, 34, 96, 92, 59].contains(c) ? 1 : 0 }

    /// A parenthesised, comma-separated list of raw items at depth 1 (quotes understood).
    mutating func tuple() -> [String]? {
        skipSpace()
        guard i < b.count, b[i] == UInt8(ascii: "(") else { return nil }
        i += 1
        var items: [String] = []
        var cur: [UInt8] = []
        var depth = 0
        var quoted = false
        while i < b.count {
            let c = b[i]
            if c == 39 || (c == 34 && !quoted && cur.isEmpty) {
                // A string literal: its content without quotes, escapes resolved.
                let q = c
                i += 1
                while i < b.count {
                    let d = b[i]
                    if d == UInt8(ascii: "\\") && i + 1 < b.count { cur.append(b[i + 1]); i += 2; continue }
                    if d == q { if i + 1 < b.count && b[i + 1] == q { cur.append(q); i += 2; continue }; break }
                    cur.append(d); i += 1
                }
                quoted = true
                i += 1
                continue
            }
            if c == UInt8(ascii: "(") { depth += 1 }
            if c == UInt8(ascii: ")") {
                if depth == 0 {
                    items.append(fastTrim(String(decoding: cur, as: UTF8.self)))
                    i += 1
                    return items
                }
                depth -= 1
            }
            if c == UInt8(ascii: ",") && depth == 0 {
                items.append(fastTrim(String(decoding: cur, as: UTF8.self)))
                cur.removeAll(keepingCapacity: true); quoted = false
            } else if !(quoted && (c == 32 || c == 10)) {
                cur.append(c)
            }
            i += 1
        }
        return nil
    }

    mutating func run() {
        while i < b.count {
            skipSpace()
            guard i < b.count else { return }
            let stmtStart = i
            if keyword(i, "create") {
                i += 6; skipSpace()
                if keyword(i, "table") { i += 5; createTable() } else { skipStatement() }
            } else if keyword(i, "insert") {
                i += 6; skipSpace()
                if keyword(i, "into") { i += 4 }
                insert()
            } else if keyword(i, "copy") {
                i += 4
                copy()
            } else {
                skipStatement()
            }
            if i == stmtStart { i += 1 }
        }
    }

    mutating func createTable() {
        skipSpace()
        if keyword(i, "if") { i += 2; skipSpace(); if keyword(i, "not") { i += 3; skipSpace() }; if keyword(i, "exists") { i += 6 } }
        guard let name = identifier(), let defs = tuple() else { skipStatement(); return }
        let skip: Set<String> = ["primary", "key", "unique", "constraint", "index", "foreign", "check", "fulltext", "spatial", "exclude"]
        var cols: [String] = []
        for d in defs {
            var w = d.drop { $0 == " " || $0 == "\n" || $0 == "\t" }
            var col: String
            var quoted = false
            if let q = w.first, q == "`" || q == "\"" || q == "[" {
                let close: Character = q == "[" ? "]" : q
                w = w.dropFirst()
                col = String(w.prefix { $0 != close })
                quoted = true
            } else {
                col = String(w.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
            }
            // `PRIMARY KEY (`id`)` is a constraint; a column quoted as `key` is a column.
            if col.isEmpty || !quoted && skip.contains(col.lowercased()) { continue }
            cols.append(col)
        }
        if tables[name] == nil { order.append(name) }
        tables[name] = cols
        skipStatement()
    }

    /// Adds a row to the table's sample (in place: the accumulator is not copied per row).
    mutating func record(_ table: String, _ cols: [String], _ row: [String]) {
        if samples[table] == nil {
            if !order.contains(table) { order.append(table) }
            samples[table] = ColumnAccumulator(names: cols)
        }
        guard samples[table]!.rows < maxRows else { return }
        samples[table]!.add(row: row, counter: counter)
    }

    func hasEnoughRows(_ table: String) -> Bool { (samples[table]?.rows ?? 0) >= maxRows }

    mutating func insert() {
        // No CREATE TABLE read so far and no column list: the statement cannot be sampled, whatever
        // its table (a dump of INSERTs alone: most of its statements). Skipped without naming it.
        if tables.isEmpty {
            let start = i
            if identifierName() != nil {
                skipSpace()
                if i >= b.count || b[i] != UInt8(ascii: "(") { skipStatement(); return }
            }
            i = start
        }
        guard let name = identifier() else { skipStatement(); return }
        skipSpace()
        var cols = tables[name] ?? []
        if i < b.count && b[i] == UInt8(ascii: "(") {
            if let c = tuple() { cols = c.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "`\"[] ")) } }
            skipSpace()
        }
        guard keyword(i, "values") else { skipStatement(); return }
        // Columns unknown (no CREATE TABLE in the head, no column list), or enough rows of this
        // table already: skip the statement without reading its values.
        if cols.isEmpty || hasEnoughRows(name) { skipStatement(); return }
        i += 6
        while true {
            // The rest of a long extended INSERT is not parsed once the sample is full.
            if hasEnoughRows(name) { break }
            guard let row = tuple() else { break }
            record(name, cols, row)
            skipSpace()
            if i < b.count && b[i] == UInt8(ascii: ",") { i += 1; continue }
            break
        }
        skipStatement()
    }

    /// `COPY t (a, b) FROM stdin;` then tab-separated rows up to `\.`.
    mutating func copy() {
        guard let name = identifier() else { skipStatement(); return }
        var cols = tables[name] ?? []
        skipSpace()
        if i < b.count && b[i] == UInt8(ascii: "("), let c = tuple() { cols = c }
        skipStatement()
        if i < b.count && b[i] == 10 { i += 1 }
        while i < b.count {
            var e = i
            while e < b.count && b[e] != 10 { e += 1 }
            if e - i == 2 && b[i] == UInt8(ascii: "\\") && b[i + 1] == UInt8(ascii: ".") { i = e + 1; return }
            if e == b.count { i = e; return }  // cut by the head limit
            if !cols.isEmpty && (samples[name]?.rows ?? 0) < maxRows {
                let fields = b[i..<e].split(separator: 9, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
                record(name, cols, fields)
            }
            i = e + 1
        }
    }
}

/// SQLite: opened read-only and immutable (no journal or WAL file is created next to evidence).
enum SQLiteSampler {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func sample(path: String, maxRows: Int, counter: PersonalDataClassifier?) throws -> [(String, ColumnAccumulator)] {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let uri = "file:" + (path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path) + "?immutable=1"
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nil)
        defer { sqlite3_close_v2(db) }
        guard rc == SQLITE_OK, let db else {
            throw Failure(description: "cannot open as SQLite: \(db.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(rc)")")
        }
        func query(_ sql: String, _ each: (OpaquePointer) -> Bool) throws {
            var stmt: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
                throw Failure(description: "not a readable SQLite database: \(String(cString: sqlite3_errmsg(db)))")
            }
            defer { sqlite3_finalize(stmt) }
            while true {
                let r = sqlite3_step(stmt)
                if r == SQLITE_DONE { return }
                guard r == SQLITE_ROW else { throw Failure(description: "not a readable SQLite database: \(String(cString: sqlite3_errmsg(db)))") }
                if !each(stmt) { return }
            }
        }
        var names: [String] = []
        try query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name") { s in
            if let t = sqlite3_column_text(s, 0) { names.append(String(cString: t)) }
            return names.count < 1000
        }
        var out: [(String, ColumnAccumulator)] = []
        for name in names {
            let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            var acc: ColumnAccumulator?
            try query("SELECT * FROM \(quoted) LIMIT \(maxRows)") { s in
                let n = Int(sqlite3_column_count(s))
                if acc == nil { acc = ColumnAccumulator(names: (0..<n).map { sqlite3_column_name(s, Int32($0)).map { String(cString: $0) } ?? "?" }) }
                var row: [String] = []
                row.reserveCapacity(n)
                for c in 0..<n {
                    let type = sqlite3_column_type(s, Int32(c))
                    if type == SQLITE_TEXT || type == SQLITE_INTEGER || type == SQLITE_FLOAT, let t = sqlite3_column_text(s, Int32(c)) {
                        row.append(String(cString: t))
                    } else { row.append("") }
                }
                acc!.add(row: row, counter: counter)
                return true
            }
            if acc == nil {
                // An empty table still has columns (a password column in an empty table is not evidence of anything).
                var cols: [String] = []
                try query("PRAGMA table_info(\(quoted))") { s in
                    if let t = sqlite3_column_text(s, 1) { cols.append(String(cString: t)) }
                    return true
                }
                acc = ColumnAccumulator(names: cols)
            }
            out.append((name, acc!))
        }
        return out
    }
}
