import CDSToolSQLite
import DSToolKit
import Foundation

/// Makes a masked copy of a SQLite database: the input is opened read-only (immutable, so not
/// even a lock or journal touches it) and copied with VACUUM INTO; in the copy one UPDATE per
/// table rewrites the ruled columns through the SQL function dstool_mask(). Triggers are set
/// aside during the update. A foreign key whose parent column is masked gets the parent's rule,
/// so joins keep working (the same key maps the same value the same way). secure_delete and a
/// final VACUUM leave no original value in free pages.
final class SQLiteMasker {
    let engine: MaskEngine
    private(set) var tables: [String] = []
    private(set) var rows = 0
    private(set) var foreignKeyViolations = 0
    /// Rules added to child columns of masked foreign keys: "orders.user_id ← users.id".
    private(set) var propagated: [String] = []

    init(engine: MaskEngine) { self.engine = engine }

    struct SQLiteFailure: Error, CustomStringConvertible { let description: String }

    /// Masks the database at `inputPath` into `outputPath` (a new file).
    func run(inputPath: String, outputPath: String) throws {
        let source = try SQLiteConnection(uri: "file:\(SQLiteMasker.uriEscape(inputPath))?immutable=1", readOnly: true)
        try source.execute("VACUUM INTO \(SQLiteMasker.literal(outputPath))")
        source.close()

        let db = try SQLiteConnection(path: outputPath)
        defer { db.close() }
        try db.execute("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA secure_delete=ON; PRAGMA foreign_keys=OFF;")
        let context = SQLFunctionContext(engine: engine)
        let box = Unmanaged.passRetained(context)
        defer { box.release() }
        guard sqlite3_create_function_v2(db.handle, "dstool_mask", -1, SQLITE_UTF8, box.toOpaque(), sqlMaskFunction, nil, nil, nil) == SQLITE_OK else {
            throw SQLiteFailure(description: "cannot register the masking function: \(db.lastError)")
        }

        // Tables (virtual tables are updated through themselves; their shadow tables are skipped).
        let master = try db.query("SELECT name, type, COALESCE(sql, '') FROM sqlite_master WHERE type IN ('table', 'trigger') ORDER BY rowid")
        let virtual = master.filter { $0[1] == "table" && $0[2].uppercased().hasPrefix("CREATE VIRTUAL TABLE") }.map { $0[0] }
        tables = master.filter { row in
            row[1] == "table" && !row[0].hasPrefix("sqlite_") && !virtual.contains { v in row[0] != v && row[0].hasPrefix(v + "_") }
        }.map { $0[0] }
        let triggers = master.filter { $0[1] == "trigger" }

        // Columns and their rules.
        var columns: [String: [String]] = [:]
        var ruleOf: [String: [String: Int]] = [:]
        for t in tables {
            let cols = try db.query("SELECT name FROM pragma_table_info(\(SQLiteMasker.literal(t)))").map { $0[0] }
            columns[t] = cols
            var map: [String: Int] = [:]
            for (i, c) in cols.enumerated() {
                if let r = engine.rules.firstIndex(where: { $0.name.jsonPath == nil && $0.name.matches(column: c, position: i, table: t) }) { map[c] = r }
            }
            ruleOf[t] = map
        }
        // Foreign keys: a child column takes its parent column's rule, and the other way round.
        var changed = true
        var rounds = 0
        while changed && rounds < 16 {
            changed = false
            rounds += 1
            for t in tables {
                let fks = try db.query("SELECT \"table\", \"from\", COALESCE(\"to\", '') FROM pragma_foreign_key_list(\(SQLiteMasker.literal(t)))")
                for fk in fks {
                    let parent = fk[0], from = fk[1]
                    var to = fk[2]
                    if to.isEmpty {  // references the parent's primary key
                        to = try db.query("SELECT name FROM pragma_table_info(\(SQLiteMasker.literal(parent))) WHERE pk = 1").first?[0] ?? ""
                    }
                    guard let parentColumns = ruleOf[parent] else { continue }
                    if let r = parentColumns[to], ruleOf[t]?[from] == nil {
                        ruleOf[t]![from] = r; changed = true
                        propagated.append("\(t).\(from) ← \(parent).\(to)")
                    } else if let r = ruleOf[t]?[from], parentColumns[to] == nil, columns[parent]?.contains(to) == true {
                        ruleOf[parent]![to] = r; changed = true
                        propagated.append("\(parent).\(to) ← \(t).\(from)")
                    }
                }
            }
        }

        try db.execute("BEGIN")
        for trigger in triggers { try db.execute("DROP TRIGGER \(SQLiteMasker.identifier(trigger[0]))") }
        for t in tables {
            let rules = ruleOf[t] ?? [:]
            let cols = columns[t] ?? []
            rows += Int(try db.query("SELECT count(*) FROM \(SQLiteMasker.identifier(t))").first.flatMap { Int($0[0]) } ?? 0)
            guard !rules.isEmpty else { continue }
            var sets: [String] = []
            for c in cols {
                guard let r = rules[c] else { continue }
                engine.rules[r].matchedSomewhere = true
                var call = "dstool_mask(\(r), \(SQLiteMasker.identifier(c)), \(SQLiteMasker.literal(t + "." + c))"
                if let subject = engine.rules[r].subject,
                   let sc = cols.enumerated().first(where: { subject.matches(column: $0.element, position: $0.offset, table: t) })?.element {
                    // The offset was chosen from the subject's original value: when restoring,
                    // restore the subject first (SET expressions all see the stored row).
                    if engine.direction == .unmask, let sr = rules[sc], engine.rules[sr].strategy.isReversible {
                        call += ", dstool_mask(\(sr), \(SQLiteMasker.identifier(sc)), \(SQLiteMasker.literal(t + "." + sc)))"
                    } else {
                        call += ", \(SQLiteMasker.identifier(sc))"
                    }
                }
                sets.append("\(SQLiteMasker.identifier(c)) = \(call))")
            }
            context.failure = nil
            do {
                try db.execute("UPDATE \(SQLiteMasker.identifier(t)) SET \(sets.joined(separator: ", "))")
            } catch {
                if let f = context.failure { throw f }
                throw SQLiteFailure(description: "table \(t): \(error)")
            }
        }
        for trigger in triggers where !trigger[2].isEmpty { try db.execute(trigger[2]) }
        try db.execute("COMMIT")
        foreignKeyViolations = try db.query("SELECT count(*) FROM pragma_foreign_key_check").first.flatMap { Int($0[0]) } ?? 0
        try db.execute("VACUUM")
    }

    static func identifier(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    static func literal(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
    static func uriEscape(_ path: String) -> String {
        var out = ""
        for b in path.utf8 {
            switch b {
            case UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: "%"): out += String(format: "%%%02X", b)
            default: out.unicodeScalars.append(UnicodeScalar(b))
            }
        }
        return out
    }
}

/// What the SQL function needs: the engine, a result buffer, and the first failure.
final class SQLFunctionContext {
    let engine: MaskEngine
    var out: [UInt8] = []
    var subject: [UInt8] = []
    var failure: Error?
    init(engine: MaskEngine) { self.engine = engine }
}

/// dstool_mask(rule, value, place[, subject]): the masked value, of the same SQL type where the
/// result allows (an integer stays an integer), NULL for NULL, BLOBs unchanged.
private let sqlMaskFunction: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = { ctx, argc, argv in
    guard let ctx, let argv, argc >= 3 else { return }
    let context = Unmanaged<SQLFunctionContext>.fromOpaque(sqlite3_user_data(ctx)!).takeUnretainedValue()
    let value = argv[1]
    let type = sqlite3_value_type(value)
    if type == SQLITE_NULL || type == SQLITE_BLOB { sqlite3_result_value(ctx, value); return }
    let ruleIndex = Int(sqlite3_value_int(argv[0]))
    let engine = context.engine
    guard ruleIndex >= 0, ruleIndex < engine.rules.count else { sqlite3_result_value(ctx, value); return }
    let rule = engine.rules[ruleIndex]
    guard let text = sqlite3_value_text(value) else { sqlite3_result_value(ctx, value); return }
    let bytes = UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(value)))
    if bytes.isEmpty { sqlite3_result_value(ctx, value); return }
    var vc = ValueContext.none
    if argc >= 4, let s = sqlite3_value_text(argv[3]) {
        let sb = UnsafeBufferPointer(start: s, count: Int(sqlite3_value_bytes(argv[3])))
        vc.subject = sb
    }
    context.out.removeAll(keepingCapacity: true)
    do {
        let place = String(cString: sqlite3_value_text(argv[2]))
        switch try engine.apply(rule, bytes, vc, into: &context.out, where: place) {
        case .unchanged: sqlite3_result_value(ctx, value)
        case .removed: sqlite3_result_null(ctx)
        case .replaced:
            if type == SQLITE_INTEGER, let n = context.out.withUnsafeBufferPointer({ Integers.parse($0, allowSign: true) }),
               context.out.first != UInt8(ascii: "0") || context.out.count == 1 {
                sqlite3_result_int64(ctx, n)
            } else {
                context.out.withUnsafeBufferPointer { o in
                    o.baseAddress!.withMemoryRebound(to: CChar.self, capacity: o.count) {
                        dstool_sqlite_result_text_transient(ctx, $0, Int32(o.count))
                    }
                }
            }
        }
    } catch {
        context.failure = error
        sqlite3_result_error(ctx, "dstool_mask failed", -1)
    }
}

/// A small SQLite connection wrapper.
final class SQLiteConnection {
    private(set) var handle: OpaquePointer?

    init(path: String) throws {
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            let why = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            throw SQLiteMasker.SQLiteFailure(description: why)
        }
    }

    init(uri: String, readOnly: Bool) throws {
        guard sqlite3_open_v2(uri, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nil) == SQLITE_OK else {
            let why = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            throw SQLiteMasker.SQLiteFailure(description: why)
        }
    }

    deinit { close() }
    func close() { if let h = handle { sqlite3_close(h); handle = nil } }

    var lastError: String { handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed" }

    func execute(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &err) != SQLITE_OK {
            let why = err.map { String(cString: $0) } ?? lastError
            sqlite3_free(err)
            throw SQLiteMasker.SQLiteFailure(description: why)
        }
    }

    /// All rows of a query, every column as text.
    func query(_ sql: String) throws -> [[String]] {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &stmt, nil) == SQLITE_OK else { throw SQLiteMasker.SQLiteFailure(description: lastError) }
        defer { sqlite3_finalize(stmt) }
        var rows: [[String]] = []
        while true {
            let r = sqlite3_step(stmt)
            if r == SQLITE_DONE { break }
            guard r == SQLITE_ROW else { throw SQLiteMasker.SQLiteFailure(description: lastError) }
            let n = sqlite3_column_count(stmt)
            rows.append((0..<n).map { i in sqlite3_column_text(stmt, i).map { String(cString: $0) } ?? "" })
        }
        return rows
    }
}
