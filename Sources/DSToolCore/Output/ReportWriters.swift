import DSToolKit
import FoundationEssentials
import Glibc

/// A report format: sees the run start, every record as it arrives, and the end.
public protocol ReportWriter: RecordSink {
    func finish(run: RunInfo) throws
}

/// Where a report goes: a sink for bytes (stdout, stderr, or an atomic file).
///
/// Records are written with `writeRecord`: on a file or pipe they are collected and written in
/// blocks of 64 KiB (one write per record was a tenth of a record's cost); on a terminal they go
/// out at once. Every other write on any stream, and every line the host prints on stderr
/// (`flushAll`), first writes out what is collected, so the order of everything printed stays as
/// it was — also when stdout and stderr are the same file.
public final class ReportStream {
    private let sink: (UnsafeRawBufferPointer) -> Void
    private let closeAction: () throws -> Void
    /// Set for a stream that only passes on to another (and leaves closing it to the caller).
    private let target: ReportStream?
    public let isTerminal: Bool
    private let lock = MutexLock()
    /// Collected record output (only streams to a file descriptor or file, not on a terminal).
    private var buffer: UnsafeMutableRawPointer?
    private var buffered = 0
    static let bufferCapacity = 64 << 10

    public init(fd: Int32) {
        isTerminal = isatty(fd) != 0
        sink = { Self.writeAll(fd, $0) }
        closeAction = {}
        target = nil
        if !isTerminal { startBuffering() }
    }

    /// Writes all of `bytes` to `fd` (a write error ends it: nothing to tell).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) {
        FileDescriptorIO.writeAll(fd, bytes)
    }

    public init(file: AtomicOutput) {
        isTerminal = false
        sink = { try? file.write($0) }
        closeAction = { try file.commit() }
        target = nil
        startBuffering()
    }

    /// Collects everything as it is written (tests; `isTerminal` stands in for a terminal).
    public init(collect: @escaping (Data) -> Void, isTerminal: Bool = false) {
        self.isTerminal = isTerminal
        sink = { collect(Data($0)) }
        closeAction = {}
        target = nil
    }

    /// Writes through to `other` but leaves closing it to the caller (several reports in one stream).
    public init(unclosed other: ReportStream) {
        isTerminal = other.isTerminal
        sink = { other.write($0) }
        closeAction = {}
        target = other
    }

    deinit {
        if buffer != nil { Self.registry.remove(self) }
        flush()
        buffer?.deallocate()
    }

    private func startBuffering() {
        buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.bufferCapacity, alignment: 16)
        Self.registry.add(self)
    }

    /// Writes at once (after what is collected on every stream).
    public func write(_ bytes: UnsafeRawBufferPointer) {
        Self.flushAll()
        lock.lock(); defer { lock.unlock() }
        sink(bytes)
    }
    public func write(_ data: Data) { data.withUnsafeBytes { write($0) } }
    public func write(_ s: String) { var s = s; s.withUTF8 { write(UnsafeRawBufferPointer($0)) } }

    /// Writes a record's output: collected while it fits, on a stream that collects.
    public func writeRecord(_ bytes: UnsafeRawBufferPointer) {
        if let target { target.writeRecord(bytes); return }
        guard let buffer else { write(bytes); return }
        lock.lock(); defer { lock.unlock() }
        if buffered + bytes.count > Self.bufferCapacity {
            flushLocked()
            if bytes.count > Self.bufferCapacity { sink(bytes); return }
        }
        if !bytes.isEmpty { (buffer + buffered).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
        buffered += bytes.count
    }
    public func writeRecord(_ s: String) { var s = s; s.withUTF8 { writeRecord(UnsafeRawBufferPointer($0)) } }
    /// A record's JSON and a newline.
    public func writeRecordLine(_ bytes: UnsafeRawBufferPointer) {
        writeRecord(bytes)
        withUnsafeBytes(of: UInt8(10)) { writeRecord($0) }
    }

    /// Writes out what is collected.
    public func flush() {
        if let target { target.flush(); return }
        guard buffer != nil else { return }
        lock.lock(); defer { lock.unlock() }
        flushLocked()
    }

    private func flushLocked() {
        guard let buffer, buffered > 0 else { return }
        let n = buffered
        buffered = 0
        sink(UnsafeRawBufferPointer(start: buffer, count: n))
    }

    public func close() throws {
        flush()
        try closeAction()
    }
    public func finish() throws { try close() }

    /// Writes out what every stream has collected: called before anything else is printed.
    public static func flushAll() { registry.flushAll() }

    /// The streams that collect, so that a line printed elsewhere can write them out first.
    final class Registry: @unchecked Sendable {
        private let lock = MutexLock()
        private var streams: [ObjectIdentifier: Unmanaged<ReportStream>] = [:]
        func add(_ s: ReportStream) {
            lock.lock(); streams[ObjectIdentifier(s)] = .passUnretained(s); lock.unlock()
        }
        func remove(_ s: ReportStream) {
            lock.lock(); streams[ObjectIdentifier(s)] = nil; lock.unlock()
        }
        func flushAll() {
            lock.lock(); defer { lock.unlock() }
            for s in streams.values { s.takeUnretainedValue().flush() }
        }
    }
    static let registry: Registry = {
        // Also at exit, for a stream never closed (a run that ended early).
        atexit { ReportStream.flushAll() }
        return Registry()
    }()
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
    func append(_ json: UnsafeRawBufferPointer) {
        if count > 0 { memory.append(UInt8(ascii: ",")) }
        memory.append(json.bindMemory(to: UInt8.self))
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
    public var needsDecodedRecords: Bool { false }

    public func record(_ record: AcceptedRecord) {
        switch record.essentials.kind {
        case .finding: findings.append(record.canonical)
        case .error: errors.append(record.canonical)
        case .data: data.append(record.canonical)
        }
    }

    /// A record already in canonical JSON, by its type (case export: no decoding needed).
    func append(type: String, canonical: Data) throws {
        switch type {
        case "finding": canonical.withUnsafeBytes { findings.append($0) }
        case "error": canonical.withUnsafeBytes { errors.append($0) }
        case "data": canonical.withUnsafeBytes { data.append($0) }
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
    public var needsDecodedRecords: Bool { false }
    public func record(_ record: AcceptedRecord) { append(canonical: record.canonical) }
    /// A record already in canonical JSON (also case export).
    func append(canonical: UnsafeRawBufferPointer) { out.writeRecordLine(canonical) }
    public func finish(run: RunInfo) throws {
        var line = try encoder.encode(SummaryRecord(run: run))
        line.append(10)
        out.write(line)
        try out.close()
    }
}

/// Unbuffered lines on standard error, for messages printed outside any report stream.
public enum StandardError {
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { ReportStream.writeAll(STDERR_FILENO, UnsafeRawBufferPointer($0)) }
    }
}
