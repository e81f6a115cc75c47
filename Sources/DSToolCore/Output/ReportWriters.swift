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

    /// Collects everything (tests).
    public init(collect: @escaping (Data) -> Void) {
        isTerminal = false
        write = collect
        close = {}
    }

    public func write(_ s: String) { write(Data(s.utf8)) }
}

/// `--format json`: one document at the end: run, findings, errors, data.
public final class JSONReportWriter: ReportWriter {
    let out: ReportStream
    var findings: [Data] = []
    var errors: [Data] = []
    var data: [Data] = []
    public init(out: ReportStream) { self.out = out }

    public func record(_ record: Record, raw: Data) {
        let canonical = (try? DSJSON.encode(record)) ?? raw
        switch record {
        case .finding: findings.append(canonical)
        case .error: errors.append(canonical)
        case .data: data.append(canonical)
        }
    }

    public func finish(run: RunInfo) throws {
        var doc = Data("{\"data\":[".utf8)
        doc.append(Data(data.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",").utf8))
        doc.append(Data("],\"errors\":[".utf8))
        doc.append(Data(errors.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",").utf8))
        doc.append(Data("],\"findings\":[".utf8))
        doc.append(Data(findings.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",").utf8))
        doc.append(Data("],\"run\":".utf8))
        doc.append(try DSJSON.encode(run))
        doc.append(Data("}\n".utf8))
        out.write(doc)
        try out.close()
    }
}

/// `--format jsonl`: each record as it arrives, then one summary line.
public final class JSONLReportWriter: ReportWriter {
    let out: ReportStream
    public init(out: ReportStream) { self.out = out }
    public func record(_ record: Record, raw: Data) {
        var line = (try? DSJSON.encode(record)) ?? raw
        line.append(10)
        out.write(line)
    }
    public func finish(run: RunInfo) throws {
        var line = try DSJSON.encode(SummaryRecord(run: run))
        line.append(10)
        out.write(line)
        try out.close()
    }
}
