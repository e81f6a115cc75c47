import CDSToolSQLite
import DSToolKit
import FoundationEssentials
import Glibc

/// A thin SQLite connection for the case file: prepared statements, text and integer columns,
/// errors carrying SQLite's message.
final class SQLiteDatabase {
    let handle: OpaquePointer
    let path: String

    enum Mode { case readOnly, readWrite, create }

    init(path: String, mode: Mode, busyTimeoutMs: Int32 = 60_000) throws {
        var db: OpaquePointer?
        let flags: Int32
        switch mode {
        case .readOnly: flags = SQLITE_OPEN_READONLY
        case .readWrite: flags = SQLITE_OPEN_READWRITE
        case .create: flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let db { sqlite3_close(db) }
            throw DSToolError.io(message)
        }
        handle = db
        self.path = path
        sqlite3_busy_timeout(db, busyTimeoutMs)
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { sqlite3_close_v2(handle) }

    var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }
    var errorCode: Int32 { sqlite3_extended_errcode(handle) }

    func check(_ rc: Int32, _ what: @autoclosure () -> String = "") throws {
        guard rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW else {
            throw DSToolError.io(errorMessage)
        }
    }

    func exec(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let message = err.map { String(cString: $0) } ?? errorMessage
            sqlite3_free(err)
            throw DSToolError.io(message)
        }
    }

    func prepare(_ sql: String) throws -> Statement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw DSToolError.io(errorMessage) }
        return Statement(stmt, db: self)
    }

    /// The first column of the first row, as an integer (nil when there is no row or it is NULL).
    func scalarInt(_ sql: String) throws -> Int64? {
        let s = try prepare(sql)
        guard try s.step() else { return nil }
        return s.isNull(0) ? nil : s.int(0)
    }

    func scalarText(_ sql: String) throws -> String? {
        let s = try prepare(sql)
        guard try s.step() else { return nil }
        return s.text(0)
    }

    final class Statement {
        let stmt: OpaquePointer
        unowned let db: SQLiteDatabase
        init(_ stmt: OpaquePointer, db: SQLiteDatabase) { self.stmt = stmt; self.db = db }
        deinit { sqlite3_finalize(stmt) }

        func bind(_ index: Int32, _ value: String?) throws {
            guard let value else { try db.check(sqlite3_bind_null(stmt, index)); return }
            var v = value
            let rc = v.withUTF8 { p in
                p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(p.count, 1)) {
                    dstool_sqlite_bind_text_transient(stmt, index, $0, Int32(p.count))
                }
            }
            try db.check(rc)
        }
        func bind(_ index: Int32, _ bytes: UnsafeRawBufferPointer) throws {
            let rc = bytes.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    dstool_sqlite_bind_text_transient(stmt, index, $0, Int32(bytes.count))
                }
            } ?? dstool_sqlite_bind_text_transient(stmt, index, "", 0)
            try db.check(rc)
        }
        func bind(_ index: Int32, _ value: Int64?) throws {
            guard let value else { try db.check(sqlite3_bind_null(stmt, index)); return }
            try db.check(sqlite3_bind_int64(stmt, index, value))
        }

        /// Steps once: true when a row is available, false when done.
        @discardableResult
        func step() throws -> Bool {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_ROW { return true }
            if rc == SQLITE_DONE { return false }
            throw DSToolError.io(db.errorMessage)
        }
        func reset() { sqlite3_reset(stmt); sqlite3_clear_bindings(stmt) }

        func isNull(_ col: Int32) -> Bool { sqlite3_column_type(stmt, col) == SQLITE_NULL }
        func int(_ col: Int32) -> Int64 { sqlite3_column_int64(stmt, col) }
        func text(_ col: Int32) -> String? {
            guard let p = sqlite3_column_text(stmt, col) else { return nil }
            return String(cString: p)
        }
        /// The column's bytes without a String round trip (for hashing stored JSON exactly).
        func withBytes<R>(_ col: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            let p = sqlite3_column_blob(stmt, col)
            let n = Int(sqlite3_column_bytes(stmt, col))
            return try body(UnsafeRawBufferPointer(start: p, count: n))
        }
    }
}
