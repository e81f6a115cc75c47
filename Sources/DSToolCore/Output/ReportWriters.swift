import DSToolKit
import Foundation

/// A report format: sees the run start, every record as it arrives, and the end.
public protocol ReportWriter: RecordSink {
    func finish(run: RunInfo) throws
}

/// Where a report goes: a sink for bytes (stdout, stderr, or an atomic file).
public final class ReportStream {
    let write: (Data) -> Void
    let close: () throws -> Void
    public let isTerminal: Bool

    public init(fd: Int32) {
        isTerminal = isatty(fd) != 0
        write = { data in
            data.withUnsafeBytes { p in
                var off = 0
                while off < p.count {
                    let n = Glibc.write(fd, p.baseAddress! + off, p.count - off)
                    if n < 0 { if errno == EINTR { continue }; return }
                    off += n
                }
            }
        }
        close = {}
    }

    public init(file: AtomicOutput) {
        isTerminal = false
        write = { try? file.write($0) }
        close = { try file.commit() }
    }

    /// Collects everything (tests; `isTerminal` stands in for a terminal).
    public init(collect: @escaping (Data) -> Void, isTerminal: Bool = false) {
        self.isTerminal = isTerminal
        write = collect
        close = {}
    }

    /// Writes through to `other` but leaves closing it to the caller (several reports in one stream).
    public init(unclosed other: ReportStream) {
        isTerminal = other.isTerminal
        write = { other.write($0) }
        close = {}
    }

    public func write(_ s: String) { write(Data(s.utf8)) }
    public func finish() throws { try close() }
}

/// Record JSON kept for a report written at the end: in memory up to 4 MiB, then in an unlinked
/// temporary file, so a run with millions of findings does not hold them all in memory.
final class RecordSpool {
    private var memory = Data()
    private var file: ScratchFile?
    private(set) var count = 0
    private(set) var failure: Error?
    /// Bytes kept in memory before spilling to disk (lowered by tests).
    nonisolated(unsafe) static var memoryLimit = 4 << 20

    /// Whether part of it went to the temporary file.
    var spilled: Bool { file != nil }

    /// Appends one JSON value, comma-separated from the one before.
    func append(_ json: Data) {
        if count > 0 { memory.append(UInt8(ascii: ",")) }
        memory.append(json)
        count += 1
        if memory.count >= Self.memoryLimit { spill() }
    }

    private func spill() {
        defer { memory.removeAll(keepingCapacity: true) }
        guard failure == nil else { return }
        do {
            if file == nil { file = try ScratchFile(directories: [ScratchFile.temporaryDirectory], prefix: "dstool-report") }
            try file!.write(memory)
        } catch {
            failure = error
        }
    }

    /// Writes everything appended so far to `out`, in order.
    func drain(to out: ReportStream) throws {
        if let failure { throw failure }
        try file?.readAll { out.write(Data($0)) }
        out.write(memory)
    }
}

/// `--format json`: one document at the end: run, findings, errors, data (keys sorted, like every
/// object dstool writes).
public final class JSONReportWriter: ReportWriter {
    let out: ReportStream
    let encoder = DSJSON.encoder()
    let findings = RecordSpool()
    let errors = RecordSpool()
    let data = RecordSpool()
    public init(out: ReportStream) { self.out = out }
    public var wantsCanonicalJSON: Bool { true }

    public func record(_ record: Record, raw: Data) {
        let canonical = raw.isEmpty ? ((try? record.canonicalJSON()).map { Data($0) } ?? raw) : raw
        switch record {
        case .finding: findings.append(canonical)
        case .error: errors.append(canonical)
        case .data: data.append(canonical)
        }
    }

    /// A record already in canonical JSON, by its type (case export: no decoding needed).
    func append(type: String, canonical: Data) throws {
        switch type {
        case "finding": findings.append(canonical)
        case "error": errors.append(canonical)
        case "data": data.append(canonical)
        default: throw DSToolError.invalid("a stored record of unknown type '\(type)'")
        }
    }

    public func finish(run: RunInfo) throws {
        out.write(Data("{\"data\":[".utf8))
        try data.drain(to: out)
        out.write(Data("],\"errors\":[".utf8))
        try errors.drain(to: out)
        out.write(Data("],\"findings\":[".utf8))
        try findings.drain(to: out)
        out.write(Data("],\"run\":".utf8))
        out.write(try encoder.encode(run))
        out.write(Data("}\n".utf8))
        try out.close()
    }
}

/// `--format jsonl`: each record as it arrives, then one summary line.
public final class JSONLReportWriter: ReportWriter {
    let out: ReportStream
    let encoder = DSJSON.encoder()
    public init(out: ReportStream) { self.out = out }
    public var wantsCanonicalJSON: Bool { true }
    public func record(_ record: Record, raw: Data) {
        var line = raw.isEmpty ? ((try? record.canonicalJSON()).map { Data($0) } ?? raw) : raw
        line.append(10)
        out.write(line)
    }
    /// A record already in canonical JSON (case export).
    func append(canonical: Data) {
        var line = canonical
        line.append(10)
        out.write(line)
    }
    public func finish(run: RunInfo) throws {
        var line = try encoder.encode(SummaryRecord(run: run))
        line.append(10)
        out.write(line)
        try out.close()
    }
}
