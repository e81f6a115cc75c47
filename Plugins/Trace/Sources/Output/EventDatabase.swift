import CDSToolSQLite
import DSToolKit
import Foundation

/// `--db FILE`: every parsed event in SQLite, for SQL after the run. Written to a temporary file
/// beside FILE and renamed into place when the run ends (an interrupted run leaves FILE as it
/// was). Tables: inputs, events (one row per event, canonical fields as columns, raw text),
/// fields (the other fields of an event), detections, sources; the view `timeline` adds
/// readable UTC times.
public final class EventDatabase {
    public let path: String
    let tempPath: String
    var db: OpaquePointer?
    var insertEvent: OpaquePointer?
    var insertField: OpaquePointer?
    var insertDetection: OpaquePointer?
    var insertInput: OpaquePointer?
    var pending = 0
    var knownInputs = Set<Int>()
    public private(set) var rows = 0
    var nameFor: (Int) -> (String, String, String) = { _ in ("", "", "") }

    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    static let columns: [Field] = [.srcIP, .user, .targetUser, .host, .program, .pid, .method, .uri, .path, .query, .proto,
                                   .referer, .userAgent, .vhost, .message, .level, .action, .command, .session, .database, .duration]

    public init(path: String, inputName: @escaping (Int) -> (String, String, String)) throws {
        self.path = path
        let base = (path as NSString).lastPathComponent
        tempPath = (FilePaths.folder(of: path) as NSString).appendingPathComponent(".\(base).tmp-\(getpid())")
        nameFor = inputName
        unlink(tempPath)
        guard sqlite3_open_v2(tempPath, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK else {
            let msg = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            throw Failure(message: "\(path): \(msg)")
        }
        let cols = EventDatabase.columns.map { "\($0.name) TEXT" }.joined(separator: ", ")
        try exec("""
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;
            CREATE TABLE inputs(id INTEGER PRIMARY KEY, name TEXT, path TEXT, format TEXT);
            CREATE TABLE events(id INTEGER PRIMARY KEY, input INTEGER REFERENCES inputs(id), line INTEGER, time_us INTEGER,
                time_original TEXT, zone_assumed INTEGER, format TEXT, status INTEGER, bytes INTEGER, \(cols), raw TEXT);
            CREATE TABLE fields(event INTEGER REFERENCES events(id), name TEXT, value TEXT);
            CREATE TABLE detections(event INTEGER REFERENCES events(id), rule_id TEXT, severity TEXT, detail TEXT, techniques TEXT, tactic TEXT);
            CREATE TABLE sources(source TEXT PRIMARY KEY, score INTEGER, first_seen TEXT, last_seen TEXT, requests INTEGER,
                distinct_paths INTEGER, bytes_out INTEGER, auth_failures INTEGER, auth_successes INTEGER, techniques TEXT, kill_chain TEXT);
            CREATE VIEW timeline AS SELECT strftime('%Y-%m-%dT%H:%M:%SZ', time_us / 1000000, 'unixepoch') AS time_utc, * FROM events;
            BEGIN;
            """)
        let placeholders = Array(repeating: "?", count: 9 + EventDatabase.columns.count).joined(separator: ",")
        insertEvent = try prepare("INSERT INTO events(input, line, time_us, time_original, zone_assumed, format, status, bytes, \(EventDatabase.columns.map(\.name).joined(separator: ", ")), raw) VALUES (\(placeholders))")
        insertField = try prepare("INSERT INTO fields VALUES (?,?,?)")
        insertDetection = try prepare("INSERT INTO detections VALUES (?,?,?,?,?,?)")
        insertInput = try prepare("INSERT INTO inputs VALUES (?,?,?,?)")
    }

    deinit { abort() }

    func exec(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(db, sql, nil, nil, &err) != SQLITE_OK {
            let m = err.map { String(cString: $0) } ?? "error"
            sqlite3_free(err)
            throw Failure(message: "\(path): \(m)")
        }
    }

    func prepare(_ sql: String) throws -> OpaquePointer? {
        var s: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &s, nil) == SQLITE_OK else { throw Failure(message: "\(path): \(String(cString: sqlite3_errmsg(db)))") }
        return s
    }

    @inline(__always) func bind(_ s: OpaquePointer?, _ i: Int32, _ b: Bytes?) {
        if let b, let base = b.baseAddress {
            base.withMemoryRebound(to: CChar.self, capacity: b.count) { _ = sqlite3_bind_text(s, i, $0, Int32(b.count), nil) }
        } else { sqlite3_bind_null(s, i) }
    }
    func bind(_ s: OpaquePointer?, _ i: Int32, _ str: String) {
        _ = dstool_sqlite_bind_text_transient(s, i, str, Int32(str.utf8.count))
    }

    /// Adds one event (and its detections).
    public func insert(_ e: Event, input: Int, detections: [Detection]) {
        guard db != nil else { return }
        if !knownInputs.contains(input) {
            knownInputs.insert(input)
            let (name, path, format) = nameFor(input)
            sqlite3_bind_int64(insertInput, 1, Int64(input))
            bind(insertInput, 2, name); bind(insertInput, 3, path); bind(insertInput, 4, format)
            sqlite3_step(insertInput); sqlite3_reset(insertInput)
        }
        let s = insertEvent
        sqlite3_bind_int64(s, 1, Int64(input))
        sqlite3_bind_int64(s, 2, Int64(e.lineNumber))
        if e.hasTime { sqlite3_bind_int64(s, 3, e.time) } else { sqlite3_bind_null(s, 3) }
        if e.timeEnd > e.timeStart { bind(s, 4, Bytes(start: e.storage + Int(e.timeStart), count: Int(e.timeEnd - e.timeStart))) }
        else { sqlite3_bind_null(s, 4) }
        sqlite3_bind_int(s, 5, e.zoneAssumed ? 1 : 0)
        bind(s, 6, e.format.name)
        if e.statusCode >= 0 { sqlite3_bind_int64(s, 7, Int64(e.statusCode)) } else { sqlite3_bind_null(s, 7) }
        if e.byteCount >= 0 { sqlite3_bind_int64(s, 8, e.byteCount) } else { sqlite3_bind_null(s, 8) }
        var i: Int32 = 9
        for f in EventDatabase.columns {
            if f == .action && e.authAction != .none && e.format != .auditd && e.format != .mysqlGeneral { bind(s, i, e.authAction.name) }
            else { bind(s, i, e.value(f)) }
            i += 1
        }
        bind(s, i, e.raw)
        sqlite3_step(s); sqlite3_reset(s)
        let id = sqlite3_last_insert_rowid(db)
        for x in e.extras {
            sqlite3_bind_int64(insertField, 1, id)
            bind(insertField, 2, Bytes(start: e.storage + Int(x.nameStart), count: Int(x.nameEnd - x.nameStart)))
            bind(insertField, 3, Bytes(start: e.storage + Int(x.valueStart), count: Int(x.valueEnd - x.valueStart)))
            sqlite3_step(insertField); sqlite3_reset(insertField)
        }
        for d in detections { addDetection(event: id, d) }
        rows += 1
        pending += 1
        if pending >= 200_000 { pending = 0; try? exec("COMMIT; BEGIN;") }
    }

    func addDetection(event id: Int64, _ d: Detection) {
        sqlite3_bind_int64(insertDetection, 1, id)
        bind(insertDetection, 2, d.rule.id); bind(insertDetection, 3, d.severity.rawValue); bind(insertDetection, 4, d.detail)
        bind(insertDetection, 5, d.rule.techniques.joined(separator: ","))
        if let t = d.rule.tactic { bind(insertDetection, 6, t.name) } else { sqlite3_bind_null(insertDetection, 6) }
        sqlite3_step(insertDetection); sqlite3_reset(insertDetection)
    }

    /// Adds the ranked sources, builds indexes, and renames the file into place.
    public func finish(profiles: [SourceProfile]) throws {
        guard db != nil else { return }
        let ins = try prepare("INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?,?,?,?,?,?,?)")
        for p in profiles {
            bind(ins, 1, p.source); sqlite3_bind_int64(ins, 2, Int64(p.score))
            if let f = p.firstSeen { bind(ins, 3, CivilTime.isoString(micros: f)) } else { sqlite3_bind_null(ins, 3) }
            if let l = p.lastSeen { bind(ins, 4, CivilTime.isoString(micros: l)) } else { sqlite3_bind_null(ins, 4) }
            sqlite3_bind_int64(ins, 5, Int64(p.requests)); sqlite3_bind_int64(ins, 6, Int64(p.distinctPaths))
            sqlite3_bind_int64(ins, 7, p.bytesOut); sqlite3_bind_int64(ins, 8, Int64(p.authFailures))
            sqlite3_bind_int64(ins, 9, Int64(p.authSuccesses)); bind(ins, 10, p.techniques.joined(separator: ","))
            bind(ins, 11, p.stages.map(\.tactic.name).joined(separator: " > "))
            sqlite3_step(ins); sqlite3_reset(ins)
        }
        sqlite3_finalize(ins)
        try exec("COMMIT; CREATE INDEX events_time ON events(time_us); CREATE INDEX events_src ON events(src_ip); CREATE INDEX detections_event ON detections(event);")
        close()
        if rename(tempPath, path) != 0 {
            let m = String(cString: strerror(errno))
            unlink(tempPath)
            throw Failure(message: "\(path): cannot move the database into place: \(m)")
        }
    }

    func close() {
        for s in [insertEvent, insertField, insertDetection, insertInput] { sqlite3_finalize(s) }
        insertEvent = nil; insertField = nil; insertDetection = nil; insertInput = nil
        if let d = db { sqlite3_close(d) }
        db = nil
    }

    /// Drops the unfinished file.
    public func abort() {
        guard db != nil else { return }
        close()
        unlink(tempPath)
    }
}
