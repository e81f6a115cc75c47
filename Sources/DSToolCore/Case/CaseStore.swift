import CDSToolSQLite
import DSToolKit
import FoundationEssentials
import Glibc

/// The case file: an SQLite database that records every run made with `--case FILE` — the run
/// record (command line, operator, host, times, versions, inputs with SHA-256 and SM3) and every
/// record the run produced. dstool only ever appends to it (triggers refuse UPDATE and DELETE),
/// and each run is chained to the one before by SHA-256 and SM3 so `dstool case verify` finds a
/// run that was changed, inserted, reordered or deleted.
///
/// Hash chain (format "dstool-case-1"), for run number `seq`:
///   content_H = H(record_1 + "\n" + record_2 + "\n" + …)   records as stored: canonical JSON
///   link      = {"content_sha256":…,"content_sm3":…,"format":"dstool-case-1","prev_sha256":…,
///                "prev_sm3":…,"records":N,"run":RUN,"seq":seq}   (RUN: the canonical run JSON)
///   sha256 = SHA-256(link), sm3 = SM3(link); prev_* of run 1 are 64 zeros.
public enum CaseFormat {
    static let applicationID: Int64 = 0x4453_5443  // "DSTC"
    static let version: Int64 = 1
    static let linkFormat = "dstool-case-1"
    static let genesis = String(repeating: "0", count: 64)
    static let tables = ["meta", "runs", "inputs", "records"]
    static var triggerNames: [String] {
        tables.flatMap { ["\($0)_no_update", "\($0)_no_delete"] } + ["runs_in_order"]
    }

    static var schemaSQL: String {
        var sql = """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE runs(
          seq INTEGER PRIMARY KEY,
          run_json TEXT NOT NULL,
          records INTEGER NOT NULL,
          content_sha256 TEXT NOT NULL,
          content_sm3 TEXT NOT NULL,
          prev_sha256 TEXT NOT NULL,
          prev_sm3 TEXT NOT NULL,
          sha256 TEXT NOT NULL,
          sm3 TEXT NOT NULL,
          command TEXT GENERATED ALWAYS AS (json_extract(run_json, '$.command')) VIRTUAL,
          operator TEXT GENERATED ALWAYS AS (json_extract(run_json, '$.operator')) VIRTUAL,
          host TEXT GENERATED ALWAYS AS (json_extract(run_json, '$.host')) VIRTUAL,
          started TEXT GENERATED ALWAYS AS (json_extract(run_json, '$.started')) VIRTUAL,
          ended TEXT GENERATED ALWAYS AS (json_extract(run_json, '$.ended')) VIRTUAL,
          exit_code INTEGER GENERATED ALWAYS AS (json_extract(run_json, '$.exit_code')) VIRTUAL
        );
        CREATE TABLE inputs(
          run INTEGER NOT NULL, seq INTEGER NOT NULL, input TEXT NOT NULL,
          size INTEGER, sha256 TEXT, sm3 TEXT,
          PRIMARY KEY(run, seq)
        );
        CREATE TABLE records(
          run INTEGER NOT NULL, seq INTEGER NOT NULL, json TEXT NOT NULL,
          type TEXT GENERATED ALWAYS AS (json_extract(json, '$.type')) VIRTUAL,
          rule_id TEXT GENERATED ALWAYS AS (json_extract(json, '$.rule_id')) VIRTUAL,
          severity TEXT GENERATED ALWAYS AS (json_extract(json, '$.severity')) VIRTUAL,
          input TEXT GENERATED ALWAYS AS (coalesce(json_extract(json, '$.location.input'), json_extract(json, '$.input'))) VIRTUAL,
          fingerprint TEXT GENERATED ALWAYS AS (json_extract(json, '$.fingerprint')) VIRTUAL,
          PRIMARY KEY(run, seq)
        );
        CREATE TRIGGER runs_in_order BEFORE INSERT ON runs
          WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM runs)
          BEGIN SELECT RAISE(ABORT, 'dstool case files are append-only: runs are numbered in order'); END;

        """
        for t in tables {
            sql += "CREATE TRIGGER \(t)_no_update BEFORE UPDATE ON \(t) BEGIN SELECT RAISE(ABORT, 'dstool case files are append-only'); END;\n"
            sql += "CREATE TRIGGER \(t)_no_delete BEFORE DELETE ON \(t) BEGIN SELECT RAISE(ABORT, 'dstool case files are append-only'); END;\n"
        }
        return sql
    }

    /// The SHA-256 and SM3 of one run's link in the chain.
    static func link(seq: Int64, runJSON: UnsafeRawBufferPointer, records: Int64, contentSHA256: String, contentSM3: String,
                     prevSHA256: String, prevSM3: String) -> (sha256: String, sm3: String) {
        let head = "{\"content_sha256\":\"\(contentSHA256)\",\"content_sm3\":\"\(contentSM3)\",\"format\":\"\(linkFormat)\","
            + "\"prev_sha256\":\"\(prevSHA256)\",\"prev_sm3\":\"\(prevSM3)\",\"records\":\(records),\"run\":"
        let tail = ",\"seq\":\(seq)}"
        let a = Digest(.sha256), b = Digest(.sm3)
        for d in [a, b] {
            d.update(Array(head.utf8)); d.update(runJSON); d.update(Array(tail.utf8))
        }
        return (Digest.hex(a.finish()), Digest.hex(b.finish()))
    }

    /// Opens a case file. `create`: make it (or initialise an empty file) when it is not there yet.
    /// Errors name the reason, not the path (callers prefix the path).
    static func open(path: String, create: Bool) throws -> SQLiteDatabase {
        var st = stat()
        if stat(path, &st) != 0 {
            guard errno == ENOENT else { throw DSToolError.io(String(cString: strerror(errno))) }
            guard create else { throw DSToolError.io("no such file") }
            let db = try SQLiteDatabase(path: path, mode: .create)
            try initialise(db)
            return db
        }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw DSToolError.invalid("is a folder, not a dstool case file") }
        if st.st_size > 0 {
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw DSToolError.io(String(cString: strerror(errno))) }
            var header = [UInt8](repeating: 0, count: 100)
            let got = header.withUnsafeMutableBytes { FileDescriptorIO.readFully(fd, into: $0) } ?? 0
            close(fd)
            header.removeSubrange(got...)
            let magic = Array("SQLite format 3\0".utf8)
            let looksLikeSQLite = header.count >= magic.count ? header.starts(with: magic) : magic.starts(with: header)
            guard looksLikeSQLite else { throw DSToolError.invalid("not a dstool case file (not an SQLite database)") }
            // A writer may be creating the file this moment: a short file is for SQLite (and its
            // lock) to judge when recording; to a reader it is a damaged case file.
            if header.count < 100 && !create { throw DSToolError.invalid("damaged case file: truncated to \(st.st_size) bytes") }
        }
        let db: SQLiteDatabase
        if create {
            db = try SQLiteDatabase(path: path, mode: .readWrite)
            // SQLite quietly opens a file it may not write read-only; say so before the run, not after.
            if sqlite3_db_readonly(db.handle, "main") == 1 { throw DSToolError.io("the case file is not writable") }
        } else {
            // Read-write lets SQLite roll back a journal left by a killed writer; nothing else is written.
            if let rw = try? SQLiteDatabase(path: path, mode: .readWrite) { db = rw }
            else { db = try SQLiteDatabase(path: path, mode: .readOnly) }
        }
        do {
            let app = try db.scalarInt("PRAGMA application_id") ?? 0
            if app == applicationID {
                let v = try db.scalarInt("PRAGMA user_version") ?? 0
                guard v <= version else { throw DSToolError.invalid("case file format \(v) is newer than this dstool reads (\(version))") }
                let tables = try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'runs', 'inputs', 'records')") ?? 0
                guard tables == 4 else { throw DSToolError.invalid("damaged case file: \(4 - tables) of its tables are missing") }
                return db
            }
            let objects = try db.scalarInt("SELECT count(*) FROM sqlite_master") ?? 0
            if app == 0 && objects == 0 {
                guard create else { throw DSToolError.invalid("not a dstool case file (an empty SQLite database)") }
                try initialise(db)
                return db
            }
            throw DSToolError.invalid("not a dstool case file (an SQLite database of another application)")
        } catch let e as DSToolError {
            if case .io(let m) = e { throw DSToolError.invalid("damaged case file: \(m)") }
            throw e
        }
    }

    /// Creates the tables and triggers, inside a write transaction (two dstools creating the same
    /// file at once: the second finds it made).
    static func initialise(_ db: SQLiteDatabase) throws {
        try db.exec("BEGIN IMMEDIATE")
        do {
            let app = try db.scalarInt("PRAGMA application_id") ?? 0
            if app != applicationID {
                try db.exec(schemaSQL)
                try db.exec("PRAGMA application_id = \(applicationID); PRAGMA user_version = \(version)")
                let ins = try db.prepare("INSERT INTO meta(key, value) VALUES (?, ?)")
                for (k, v) in [("format", "dstool-case"), ("version", "\(version)"), ("created", Timestamp.iso(Date())),
                               ("created_by", "dstool \(Runner.version)")] {
                    try ins.bind(1, k); try ins.bind(2, v); try ins.step(); ins.reset()
                }
            }
            try db.exec("COMMIT")
        } catch {
            try? db.exec("ROLLBACK")
            throw error
        }
    }
}

/// Records one run into a case file. Records go to an unlinked staging file as they arrive, and
/// the whole run is inserted in one transaction at the end: a failed, killed or interrupted run
/// leaves the case file as it was, and concurrent runs queue on SQLite's lock (busy timeout).
public final class CaseStore: RunRecorder {
    public let path: String
    let db: SQLiteDatabase
    private var stage: StagingFile?
    private var stageError: Error?
    private let contentSHA256 = Digest(.sha256)
    private let contentSM3 = Digest(.sm3)
    private var recordCount: Int64 = 0
    private let encoder = DSJSON.encoder()
    /// Where the finished run went (set by finish).
    public private(set) var recorded: RunInfo.CaseRef?

    init(path: String, db: SQLiteDatabase) { self.path = path; self.db = db }

    /// Opens (creating if needed) a case file for recording.
    public static func open(path: String) throws -> CaseStore {
        CaseStore(path: path, db: try CaseFormat.open(path: path, create: true))
    }

    public func begin(run: RunInfo) throws {
        stage = try StagingFile(directory: FilePaths.folder(of: path))
    }

    public var wantsCanonicalJSON: Bool { true }
    public var needsDecodedRecords: Bool { false }
    static let newline: [UInt8] = [10]

    public func record(_ record: AcceptedRecord) {
        guard let stage, stageError == nil else { return }
        do {
            // Hashed and staged as the line `JSON\n`.
            contentSHA256.update(record.canonical); contentSHA256.update(Self.newline)
            contentSM3.update(record.canonical); contentSM3.update(Self.newline)
            try stage.append(record.canonical)
            recordCount += 1
        } catch {
            stageError = error
        }
    }

    public func finish(run: RunInfo) throws {
        guard let stage else { throw DSToolError.failed("the run was not begun") }
        defer { self.stage = nil }
        if let stageError { throw DSToolError.io("cannot stage the run's records: \(stageError)") }
        try stage.flush()
        var stored = run
        stored.caseRecord = nil
        let runJSON = try encoder.encode(stored)
        let contentSHA = Digest.hex(contentSHA256.finish()), contentSM3Hex = Digest.hex(contentSM3.finish())

        try db.exec("BEGIN IMMEDIATE")
        do {
            var seq: Int64 = 1
            var prev = (CaseFormat.genesis, CaseFormat.genesis)
            let last = try db.prepare("SELECT seq, sha256, sm3 FROM runs ORDER BY seq DESC LIMIT 1")
            if try last.step() {
                seq = last.int(0) + 1
                prev = (last.text(1) ?? "", last.text(2) ?? "")
            }
            let link = runJSON.withUnsafeBytes {
                CaseFormat.link(seq: seq, runJSON: $0, records: recordCount, contentSHA256: contentSHA, contentSM3: contentSM3Hex,
                                prevSHA256: prev.0, prevSM3: prev.1)
            }
            let ins = try db.prepare("""
                INSERT INTO runs(seq, run_json, records, content_sha256, content_sm3, prev_sha256, prev_sm3, sha256, sm3)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            try ins.bind(1, seq)
            try runJSON.withUnsafeBytes { try ins.bind(2, $0) }
            try ins.bind(3, recordCount)
            try ins.bind(4, contentSHA); try ins.bind(5, contentSM3Hex)
            try ins.bind(6, prev.0); try ins.bind(7, prev.1)
            try ins.bind(8, link.sha256); try ins.bind(9, link.sm3)
            try ins.step()

            let input = try db.prepare("INSERT INTO inputs(run, seq, input, size, sha256, sm3) VALUES (?, ?, ?, ?, ?, ?)")
            for (i, t) in run.targets.enumerated() {
                try input.bind(1, seq); try input.bind(2, Int64(i + 1)); try input.bind(3, t.input)
                try input.bind(4, t.size); try input.bind(5, t.sha256); try input.bind(6, t.sm3)
                try input.step(); input.reset()
            }

            let rec = try db.prepare("INSERT INTO records(run, seq, json) VALUES (?, ?, ?)")
            var n: Int64 = 0
            try stage.forEachLine { line in
                n += 1
                try rec.bind(1, seq); try rec.bind(2, n); try rec.bind(3, line)
                try rec.step(); rec.reset()
            }
            guard n == recordCount else { throw DSToolError.io("staged \(n) records, expected \(recordCount)") }
            try db.exec("COMMIT")
            recorded = RunInfo.CaseRef(file: path, run: seq, sha256: link.sha256, sm3: link.sm3)
        } catch {
            try? db.exec("ROLLBACK")
            throw error
        }
    }

    public func abandon() {
        stage = nil
    }
}

/// The records of a run in progress, one per line, in an unlinked temporary file beside the case
/// file (or in the temporary folder): a killed run leaves nothing behind.
final class StagingFile {
    private let file: ScratchFile
    private var buffer = Data()
    /// Bytes kept in memory before a write (lowered by tests).
    nonisolated(unsafe) static var bufferLimit = 1 << 20

    init(directory: String) throws {
        file = try ScratchFile(directories: [directory, ScratchFile.temporaryDirectory], prefix: "dstool-case-stage")
    }

    /// Appends a record and its newline.
    func append(_ record: UnsafeRawBufferPointer) throws {
        buffer.append(record.bindMemory(to: UInt8.self))
        buffer.append(10)
        if buffer.count >= Self.bufferLimit { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try file.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Each staged line (without its newline), from the start.
    func forEachLine(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try flush()
        var pending: [UInt8] = []
        try file.readAll { p in
            var start = 0
            while let nl = p[start...].firstIndex(of: 10) {
                if pending.isEmpty {
                    try body(UnsafeRawBufferPointer(rebasing: p[start..<nl]))
                } else {
                    pending.append(contentsOf: p[start..<nl])
                    try pending.withUnsafeBytes { try body($0) }
                    pending.removeAll(keepingCapacity: true)
                }
                start = nl + 1
            }
            pending.append(contentsOf: p[start...])
        }
        guard pending.isEmpty else { throw DSToolError.io("staging file ends in the middle of a record") }
    }
}
