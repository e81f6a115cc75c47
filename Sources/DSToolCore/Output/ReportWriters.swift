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
    private var fd: Int32 = -1
    private(set) var count = 0
    private(set) var failure: Error?
    /// Bytes kept in memory before spilling to disk (lowered by tests).
    nonisolated(unsafe) static var memoryLimit = 4 << 20

    deinit { if fd >= 0 { close(fd) } }

    /// Whether part of it went to the temporary file.
    var spilled: Bool { fd >= 0 }

    /// Appends one JSON value, comma-separated from the one before.
    func append(_ json: Data) {
        if count > 0 { memory.append(UInt8(ascii: ",")) }
        memory.append(json)
        count += 1
        if memory.count >= Self.memoryLimit { spill() }
    }

    private func spill() {
        guard failure == nil else { memory.removeAll(); return }
        do {
            if fd < 0 {
                let tmp = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
                var template = Array((tmp as NSString).appendingPathComponent(".dstool-report-XXXXXX").utf8CString)
                fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
                guard fd >= 0 else { throw DSToolError.io("cannot create a temporary file in \(tmp): \(String(cString: strerror(errno)))") }
                template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            }
            try memory.withUnsafeBytes { p in
                var off = 0
                while off < p.count {
                    let n = Glibc.write(fd, p.baseAddress! + off, p.count - off)
                    if n < 0 { if errno == EINTR { continue }; throw DSToolError.io(String(cString: strerror(errno))) }
                    off += n
                }
            }
        } catch {
            failure = error
        }
        memory.removeAll(keepingCapacity: true)
    }

    /// Writes everything appended so far to `out`, in order.
    func drain(to out: ReportStream) throws {
        if let failure { throw failure }
        if fd >= 0 {
            guard lseek(fd, 0, SEEK_SET) == 0 else { throw DSToolError.io(String(cString: strerror(errno))) }
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if n < 0 { if errno == EINTR { continue }; throw DSToolError.io(String(cString: strerror(errno))) }
                if n == 0 { break }
                out.write(Data(chunk[0..<n]))
            }
        }
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

    public func record(_ record: Record, raw: Data) {
        let canonical = (try? encoder.encode(record)) ?? raw
        switch record {
        case .finding: findings.append(canonical)
        case .error: errors.append(canonical)
        case .data: data.append(canonical)
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
    public func record(_ record: Record, raw: Data) {
        var line = (try? encoder.encode(record)) ?? raw
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
