import DSToolKit
import FoundationEssentials
import Glibc

/// A run as stored in a case file.
public struct StoredRun: Sendable {
    public var seq: Int64
    public var runJSON: String
    public var records: Int64
    public var contentSHA256: String
    public var contentSM3: String
    public var prevSHA256: String
    public var prevSM3: String
    public var sha256: String
    public var sm3: String

    /// The run record, or nil when the stored JSON does not decode (verify reports that).
    public var run: RunInfo? { try? JSONDecoder().decode(RunInfo.self, from: Data(runJSON.utf8)) }
    public func caseRef(file: String) -> RunInfo.CaseRef { RunInfo.CaseRef(file: file, run: seq, sha256: sha256, sm3: sm3) }
}

/// The outcome of `dstool case verify`.
public struct CaseVerification: Sendable {
    /// One line per problem, naming the run.
    public var problems: [String] = []
    public var runs = 0
    public var records: Int64 = 0
    public var headSHA256: String?
    public var headSM3: String?
    /// The run whose hash matched --head, when one was given.
    public var anchoredRun: Int64?
    public var ok: Bool { problems.isEmpty }
}

/// A case file opened for reading (show, export, verify). Nothing is ever written through it.
public final class CaseFile {
    public let path: String
    let db: SQLiteDatabase

    public init(path: String) throws {
        self.path = path
        db = try CaseFormat.open(path: path, create: false)
    }

    /// Every run, in chain order.
    public func runs() throws -> [StoredRun] {
        let s = try db.prepare("""
            SELECT seq, run_json, records, content_sha256, content_sm3, prev_sha256, prev_sm3, sha256, sm3
            FROM runs ORDER BY seq
            """)
        var out: [StoredRun] = []
        while try s.step() {
            out.append(StoredRun(seq: s.int(0), runJSON: s.text(1) ?? "", records: s.int(2),
                                 contentSHA256: s.text(3) ?? "", contentSM3: s.text(4) ?? "",
                                 prevSHA256: s.text(5) ?? "", prevSM3: s.text(6) ?? "",
                                 sha256: s.text(7) ?? "", sm3: s.text(8) ?? ""))
        }
        return out
    }

    /// The stored records of one run, in order, as their JSON bytes.
    public func forEachRecordJSON(run: Int64, _ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws {
        let s = try db.prepare("SELECT seq, json FROM records WHERE run = ? ORDER BY seq")
        try s.bind(1, run)
        while try s.step() {
            let seq = s.int(0)
            try s.withBytes(1) { try body(seq, $0) }
        }
    }

    /// The stored records of one run as their type and canonical JSON, without decoding them.
    public func forEachRecordRaw(run: Int64, _ body: (String, Data) throws -> Void) throws {
        let s = try db.prepare("SELECT type, json FROM records WHERE run = ? ORDER BY seq")
        try s.bind(1, run)
        while try s.step() {
            try body(s.text(0) ?? "", s.withBytes(1) { Data($0) })
        }
    }

    /// Checks one run against its recorded hashes before it is exported, so an export never
    /// carries a run changed after it was recorded. (The chain as a whole is `verify`'s job.)
    public func checkRun(_ r: StoredRun) throws {
        let a = Digest(.sha256)
        var n: Int64 = 0
        try forEachRecordJSON(run: r.seq) { _, bytes in n += 1; a.update(bytes); a.update([10]) }
        let link = Data(r.runJSON.utf8).withUnsafeBytes {
            CaseFormat.link(seq: r.seq, runJSON: $0, records: r.records, contentSHA256: r.contentSHA256, contentSM3: r.contentSM3,
                            prevSHA256: r.prevSHA256, prevSM3: r.prevSM3)
        }
        guard n == r.records, Digest.hex(a.finish()) == r.contentSHA256, link.sha256 == r.sha256, link.sm3 == r.sm3 else {
            throw DSToolError.invalid("run \(r.seq) does not match its recorded hashes: it was changed after it was recorded (see 'dstool case verify')")
        }
    }

    /// The records of one run, decoded.
    public func forEachRecord(run: Int64, _ body: (Record, Data) throws -> Void) throws {
        try forEachRecordJSON(run: run) { seq, bytes in
            let data = Data(bytes)
            let record: Record
            do { record = try RecordDecoder.decode(data) }
            catch { throw DSToolError.invalid("run \(run), record \(seq) is not a valid record (run 'dstool case verify')") }
            try body(record, data)
        }
    }

    /// Checks the file's integrity, the append-only triggers, and the hash chain of every run.
    /// `head`: a run hash (SHA-256 or SM3) noted earlier, which must still be in the chain.
    public func verify(head: String? = nil) -> CaseVerification {
        var v = CaseVerification()
        do {
            let check = try db.prepare("PRAGMA quick_check(10)")
            var lines: [String] = []
            while try check.step() { lines.append(check.text(0) ?? "") }
            if lines != ["ok"] { v.problems += lines.map { "damaged: \($0)" } }

            let trig = try db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            var present = Set<String>()
            while try trig.step() { if let n = trig.text(0) { present.insert(n) } }
            let missing = CaseFormat.triggerNames.filter { !present.contains($0) }
            if !missing.isEmpty {
                v.problems.append("the append-only triggers were removed: \(missing.joined(separator: ", "))")
            }

            let runs = try self.runs()
            v.runs = runs.count
            var expected: Int64 = 1
            var prev = (CaseFormat.genesis, CaseFormat.genesis)
            var prevSeq: Int64 = 0
            for r in runs {
                if r.seq != expected {
                    if r.seq > expected {
                        let gap = r.seq - 1 == expected ? "run \(expected) is missing" : "runs \(expected)–\(r.seq - 1) are missing"
                        v.problems.append("\(gap): deleted from the case")
                    } else {
                        v.problems.append("run \(r.seq): out of order")
                    }
                }
                // The records against the content hashes.
                let a = Digest(.sha256), b = Digest(.sm3)
                var n: Int64 = 0
                var gaps = false
                try forEachRecordJSON(run: r.seq) { seq, bytes in
                    n += 1
                    if seq != n { gaps = true }
                    a.update(bytes); b.update(bytes); a.update([10]); b.update([10])
                }
                v.records += n
                if n != r.records || gaps {
                    v.problems.append("run \(r.seq): has \(n) records, recorded with \(r.records)\(gaps ? " (numbering has gaps)" : "") — records were deleted or inserted")
                } else if Digest.hex(a.finish()) != r.contentSHA256 || Digest.hex(b.finish()) != r.contentSM3 {
                    v.problems.append("run \(r.seq): its findings or errors were changed (content hash differs)")
                }
                // The link to the run before.
                if r.prevSHA256 != prev.0 || r.prevSM3 != prev.1 {
                    let before = prevSeq == 0 ? "the start of the case" : "run \(prevSeq)"
                    v.problems.append("run \(r.seq): not chained to \(before) (\(before) was rewritten, or a run was inserted or deleted between them)")
                }
                let link = Data(r.runJSON.utf8).withUnsafeBytes {
                    CaseFormat.link(seq: r.seq, runJSON: $0, records: r.records, contentSHA256: r.contentSHA256, contentSM3: r.contentSM3,
                                    prevSHA256: r.prevSHA256, prevSM3: r.prevSM3)
                }
                if link.sha256 != r.sha256 || link.sm3 != r.sm3 {
                    v.problems.append("run \(r.seq): its run record or hashes were changed (link hash differs)")
                }
                // The inputs table against the run record.
                if let run = r.run {
                    let s = try db.prepare("SELECT input, size, sha256, sm3 FROM inputs WHERE run = ? ORDER BY seq")
                    try s.bind(1, r.seq)
                    var rows: [RunTarget] = []
                    while try s.step() {
                        rows.append(RunTarget(input: s.text(0) ?? "", size: s.isNull(1) ? nil : s.int(1), sha256: s.text(2), sm3: s.text(3)))
                    }
                    let same = rows.count == run.targets.count && zip(rows, run.targets).allSatisfy {
                        $0.input == $1.input && $0.size == $1.size && $0.sha256 == $1.sha256 && $0.sm3 == $1.sm3
                    }
                    if !same { v.problems.append("run \(r.seq): the inputs table differs from the run record") }
                } else {
                    v.problems.append("run \(r.seq): the run record is not a valid run")
                }
                if let head, head.lowercased() == r.sha256 || head.lowercased() == r.sm3 { v.anchoredRun = r.seq }
                prev = (r.sha256, r.sm3)
                prevSeq = r.seq
                expected = r.seq + 1
            }
            v.headSHA256 = runs.last?.sha256
            v.headSM3 = runs.last?.sm3
            for table in ["records", "inputs"] {
                let s = try db.prepare("SELECT DISTINCT run FROM \(table) WHERE run NOT IN (SELECT seq FROM runs) ORDER BY run")
                while try s.step() {
                    v.problems.append("\(table) of run \(s.int(0)), which is not in the case (the run was deleted)")
                }
            }
            if let head, v.anchoredRun == nil {
                v.problems.append("no run has the hash \(head): runs recorded up to it were deleted or rewritten")
            }
        } catch {
            v.problems.append("damaged: \(error)")
        }
        return v
    }
}
