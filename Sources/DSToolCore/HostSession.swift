import CDSToolPluginABI
import DSToolKit
import FoundationEssentials
import Glibc

/// Receives what a run produces, in order. Output writers and the case store implement it.
public protocol RecordSink: AnyObject {
    func record(_ record: AcceptedRecord)
    /// Whether this sink writes `canonical` (json, jsonl, the case store): then it gets the
    /// record's canonical JSON (sorted keys, as DSJSON writes it). Others may get the plugin's bytes.
    var wantsCanonicalJSON: Bool { get }
    /// Whether this sink reads `decoded` of every record (text, SARIF, CSV, tests). Sinks that only
    /// write the bytes say no, and then records the plugin sent in canonical form are not decoded.
    var needsDecodedRecords: Bool { get }
}

extension RecordSink {
    public var wantsCanonicalJSON: Bool { false }
    public var needsDecodedRecords: Bool { true }
}

/// A record as the sinks get it, valid only during the call (`canonical` points into the plugin's
/// buffer or the host's).
public struct AcceptedRecord {
    /// Its kind and, for a finding, its severity.
    public let essentials: RecordEssentials
    /// Its JSON: canonical when any sink `wantsCanonicalJSON`, else possibly the plugin's bytes.
    public let canonical: UnsafeRawBufferPointer
    /// The decoded record: always for errors and input-limit findings, and for every record when any
    /// sink `needsDecodedRecords`.
    public let decoded: Record?

    public init(essentials: RecordEssentials, canonical: UnsafeRawBufferPointer, decoded: Record?) {
        self.essentials = essentials; self.canonical = canonical; self.decoded = decoded
    }

    /// A decoded record and its JSON (records read back from a case file).
    public init(_ record: Record, canonical: UnsafeRawBufferPointer) {
        self.init(essentials: RecordEssentials(record), canonical: canonical, decoded: record)
    }
}

/// Counts of a run, for the summary and the exit code.
public struct RunCounts: Codable, Sendable {
    public var findings = 0
    public var bySeverity: [String: Int] = [:]
    public var errors = 0
    public var items = 0
    public var data = 0
    enum CodingKeys: String, CodingKey {
        case findings, errors, items, data
        case bySeverity = "by_severity"
    }
    public init() {}
}

/// One plugin run: implements the host API table over the input walker, outputs and sinks.
public final class HostSession: @unchecked Sendable {
    public let request: PluginRequest
    public let walker: InputWalker?
    let sinks: [RecordSink]
    let wantsCanonicalJSON: Bool
    let needsDecodedRecords: Bool
    /// Some input is standard input, a pipe or a device (see `beforeWaitingForInput`).
    let inputsMayWait: Bool
    let lock = MutexLock()
    /// Finding values already checked in this run's records (texts, references and properties repeat).
    let recordMemo = CanonicalValueMemo()
    /// The run's counts; `by_severity` is filled from `findingsBySeverity` when read.
    public var counts: RunCounts {
        var c = tally
        for (rank, n) in findingsBySeverity.enumerated() where n > 0 { c.bySeverity[Severity.allCases[rank].rawValue] = n }
        return c
    }
    private var tally = RunCounts()
    /// Findings per severity, by rank: counting into the dictionary by name hashed a String a record.
    private var findingsBySeverity = [Int](repeating: 0, count: Severity.allCases.count)
    public private(set) var maxSeverity: Severity?
    /// Inputs that were not (fully) processed: unreadable items and limit breaches.
    public private(set) var inputErrorCount = 0
    public var log: (Int32, String) -> Void = { level, msg in
        if level >= 2 || ProcessInfo.processInfo.environment["DSTOOL_DEBUG"] != nil {
            ReportStream.flushAll()
            StandardError.write("dstool: \(msg)\n")
        }
    }
    public var progressHandler: ((UInt64, UInt64, String) -> Void)?
    public var cancelled = false
    var cancelledCheck: () -> Bool = { false }
    var current: WalkItem?
    var currentStrings: [UnsafeMutablePointer<CChar>] = []
    var lastError = ""
    var outputs: [Int64: AtomicOutput] = [:]
    var nextOutput: Int64 = 1
    let spoolDirectory: String
    let secretReader = SecretReader()
    /// Set when a plugin wrote data to standard output (the report then goes to stderr).
    public private(set) var wroteStdout = false

    public init(request: PluginRequest, walker: InputWalker?, sinks: [RecordSink]) {
        self.request = request
        self.walker = walker
        self.sinks = sinks
        wantsCanonicalJSON = sinks.contains { $0.wantsCanonicalJSON }
        needsDecodedRecords = sinks.contains { $0.needsDecodedRecords }
        inputsMayWait = walker != nil && request.inputs.contains { input in
            var st = stat()
            guard input != "-", stat(input, &st) == 0 else { return input == "-" }
            return (st.st_mode & S_IFMT) != S_IFREG && (st.st_mode & S_IFMT) != S_IFDIR
        }
        self.spoolDirectory = walker?.options.spoolDirectory ?? InputWalker.defaultSpoolDirectory
    }

    /// Handles a record: validate, count, pass to the sinks. Also used for the host's own records.
    @discardableResult
    public func accept(json: Data) -> Bool {
        json.withUnsafeBytes { accept(bytes: $0) }
    }

    /// Handles a record from bytes valid during the call. Bytes already in canonical form (what
    /// the SDK emits) go to the sinks as they are, decoded only if a sink reads records; any other
    /// record is decoded and, for the sinks that write JSON, re-encoded. Either way the sinks get
    /// the same bytes and the same record.
    @discardableResult
    public func accept(bytes: UnsafeRawBufferPointer) -> Bool {
        if needsDecodedRecords {
            if let canonical = CanonicalRecordCheck.decode(bytes) {
                deliver(AcceptedRecord(essentials: canonical.essentials, canonical: bytes, decoded: canonical.record))
                return true
            }
        } else if let essentials = CanonicalRecordCheck.essentials(bytes, memo: recordMemo) {
            // Errors are printed as they come (ErrorLinePrinter), so they are always decoded.
            if essentials.kind != .error {
                deliver(AcceptedRecord(essentials: essentials, canonical: bytes, decoded: nil))
                return true
            }
            if let canonical = CanonicalRecordCheck.decode(bytes) {
                deliver(AcceptedRecord(essentials: canonical.essentials, canonical: bytes, decoded: canonical.record))
                return true
            }
        }
        let record: Record
        do { record = try RecordDecoder.decode(bytes) } catch { return refuse(error) }
        let essentials = RecordEssentials(record)
        // A record the writer refuses (a non-finite number) goes to the sinks as the plugin wrote it.
        if wantsCanonicalJSON, let canonical = try? record.canonicalJSON() {
            canonical.withUnsafeBytes { deliver(AcceptedRecord(essentials: essentials, canonical: $0, decoded: record)) }
        } else {
            deliver(AcceptedRecord(essentials: essentials, canonical: bytes, decoded: record))
        }
        return true
    }

    private func refuse(_ error: Error) -> Bool {
        log(2, "plugin emitted an invalid record: \(error)")
        return false
    }

    /// Counts a record and passes it to the sinks, one record at a time.
    private func deliver(_ record: AcceptedRecord) {
        lock.lock(); defer { lock.unlock() }
        switch record.essentials.kind {
        case .finding:
            tally.findings += 1
            let severity = record.essentials.severity!
            findingsBySeverity[severity.rank] += 1
            if case .finding(let f) = record.decoded, f.ruleId.hasPrefix("input.limit.") {
                // An input the limits cut short is an input error (exit 3), not a data-security finding.
                inputErrorCount += 1
            } else if maxSeverity == nil || severity > maxSeverity! {
                maxSeverity = severity
            }
        case .error:
            tally.errors += 1
            inputErrorCount += 1
        case .data:
            tally.data += 1
        }
        for s in sinks { s.record(record) }
    }

    public func accept(_ finding: Finding) { if let d = try? DSJSON.encode(finding) { accept(json: d) } }
    public func accept(_ error: ErrorRecord) { if let d = try? DSJSON.encode(error) { accept(json: d) } }

    /// Runs the plugin's table with this session as host.
    public func run(_ table: UnsafePointer<dstool_plugin_v1>) -> Int32 {
        let requestJSON = DSJSON.string(RequestEnvelope(request))
        var api = makeAPI()
        let status = requestJSON.withCString { req in
            withUnsafePointer(to: &api) { table.pointee.run!(req, $0) }
        }
        finishCurrent()
        walker?.close()
        for (_, o) in outputs { o.abort() }
        outputs.removeAll()
        return status
    }

    func finishCurrent() {
        for p in currentStrings { free(p) }
        currentStrings.removeAll()
        current = nil
    }

    func makeAPI() -> dstool_host_api {
        var api = dstool_host_api()
        api.abi_version = UInt32(DSTOOL_ABI_VERSION)
        api.struct_size = UInt32(MemoryLayout<dstool_host_api>.size)
        api.ctx = Unmanaged.passUnretained(self).toOpaque()
        api.emit = { ctx, json, len in
            let s = HostSession.from(ctx)
            guard let json else { return -1 }
            return s.accept(bytes: UnsafeRawBufferPointer(start: json, count: len)) ? 0 : -1
        }
        api.progress = { ctx, done, total, label in
            let s = HostSession.from(ctx)
            s.progressHandler?(done, total, label.map { String(cString: $0) } ?? "")
        }
        api.log = { ctx, level, msg in
            HostSession.from(ctx).log(level, msg.map { String(cString: $0) } ?? "")
        }
        api.is_cancelled = { ctx in let s = HostSession.from(ctx); return (s.cancelled || s.cancelledCheck()) ? 1 : 0 }
        api.next_item = { ctx, out in HostSession.from(ctx).nextItem(out) }
        api.read = { ctx, buf, cap in
            let s = HostSession.from(ctx)
            s.beforeWaitingForInput()
            guard let item = s.current, let buf else { s.lastError = "no current item"; return -1 }
            do { return Int64(try item.read(into: UnsafeMutableRawBufferPointer(start: buf, count: cap))) }
            catch { return s.itemFailed(item, error) }
        }
        api.read_text = { ctx, buf, cap, offsets in
            let s = HostSession.from(ctx)
            s.beforeWaitingForInput()
            guard let item = s.current, let buf else { s.lastError = "no current item"; return -1 }
            do { return Int64(try item.readText(into: UnsafeMutableRawBufferPointer(start: buf, count: cap), offsets: offsets)) }
            catch { return s.itemFailed(item, error) }
        }
        api.local_path = { ctx in
            let s = HostSession.from(ctx)
            s.beforeWaitingForInput()
            guard let item = s.current else { s.lastError = "no current item"; return nil }
            do {
                let p = try item.localPath()
                let c = strdup(p)!
                s.currentStrings.append(c)
                return UnsafePointer(c)
            } catch {
                s.lastError = "\(item.name): \(error)"
                return nil
            }
        }
        api.last_error = { ctx in
            let s = HostSession.from(ctx)
            let c = strdup(s.lastError)!
            s.currentStrings.append(c)
            return UnsafePointer(c)
        }
        api.output_open = { ctx, path, mode, flags in
            let s = HostSession.from(ctx)
            guard let path else { return -1 }
            return s.openOutput(String(cString: path), mode: mode, replace: flags & UInt32(DSTOOL_OUTPUT_REPLACE) != 0)
        }
        api.output_write = { ctx, handle, buf, len in
            let s = HostSession.from(ctx)
            guard let o = s.outputs[handle] else { s.lastError = "no such output"; return -1 }
            // Standard output may also carry the report: what it has collected goes first.
            if o.isStandardOutput { ReportStream.flushAll() }
            do { try o.write(UnsafeRawBufferPointer(start: buf, count: len)); return Int64(len) }
            catch { s.lastError = "\(o.displayPath): \(error)"; return -1 }
        }
        api.output_close = { ctx, handle, commit in
            let s = HostSession.from(ctx)
            guard let o = s.outputs.removeValue(forKey: handle) else { s.lastError = "no such output"; return -1 }
            if commit == 0 { o.abort(); return 0 }
            do { try o.commit(); return 0 } catch { s.lastError = "\(o.displayPath): \(error)"; return -1 }
        }
        api.read_secret = { ctx, source, buf, cap in
            let s = HostSession.from(ctx)
            guard let source else { return -1 }
            do {
                let secret = try s.secretReader.read(String(cString: source))
                defer { var copy = secret; copy.withUnsafeMutableBytes { memset_s_portable($0.baseAddress!, $0.count) } }
                if secret.count <= cap, let buf { secret.withUnsafeBytes { buf.copyMemory(from: $0.baseAddress!, byteCount: secret.count) } }
                return Int64(secret.count)
            } catch {
                s.lastError = "\(error)"
                return -1
            }
        }
        return api
    }

    static func from(_ ctx: UnsafeMutableRawPointer?) -> HostSession {
        Unmanaged<HostSession>.fromOpaque(ctx!).takeUnretainedValue()
    }

    /// A read error ends the item, not the run: the input layer reported it where it happened
    /// (an error record or a limit finding); anything else is reported once, here.
    func itemFailed(_ item: WalkItem, _ error: Error) -> Int64 {
        lastError = "\(item.name): \(error)"
        if error is ReportedFailure { return -1 }
        if case DSToolError.invalid = error { return -1 }  // misuse of the API by the plugin, not bad input
        accept(ErrorRecord(input: item.name, reason: "\(error)", code: "input.read", offset: item.rawConsumed))
        return -1
    }

    /// Reading standard input, a pipe or a device may wait for as long as the writer likes: the
    /// report output collected so far is written out first, so nothing found is held back meanwhile
    /// (`dstool scan - --format jsonl` prints each record before it waits for more input).
    func beforeWaitingForInput() {
        if inputsMayWait { ReportStream.flushAll() }
    }

    func nextItem(_ out: UnsafeMutablePointer<dstool_item_info>?) -> Int32 {
        beforeWaitingForInput()
        finishCurrent()
        guard let walker, let out else { return 0 }
        if cancelled || cancelledCheck() { return 0 }
        guard let item = walker.next() else { return 0 }
        current = item
        lock.lock(); tally.items += 1; lock.unlock()
        func c(_ s: String?) -> UnsafePointer<CChar>? {
            guard let s else { return nil }
            let p = strdup(s)!
            currentStrings.append(p)
            return UnsafePointer(p)
        }
        var info = dstool_item_info()
        info.struct_size = UInt32(MemoryLayout<dstool_item_info>.size)
        info.flags = item.flags
        info.name = c(item.name)
        info.path = c(item.path)
        info.entry = c(item.entry)
        info.mime = c(item.mime)
        info.magic = c(item.magic)
        info.encoding = c(item.encoding.rawValue)
        info.size = item.size ?? -1
        info.mtime = item.mtime ?? Int64.min
        info.mode = item.mode
        info.depth = UInt32(item.depth)
        info.chain_json = c(String(decoding: Self.chainJSON(item.chain), as: UTF8.self))
        info.uid = item.uid ?? -1
        info.gid = item.gid ?? -1
        // Copy only as many bytes as the plugin's struct has room for (it may be older).
        let room = min(Int(out.pointee.struct_size == 0 ? UInt32(MemoryLayout<dstool_item_info>.size) : out.pointee.struct_size),
                       MemoryLayout<dstool_item_info>.size)
        withUnsafeBytes(of: &info) { UnsafeMutableRawPointer(out).copyMemory(from: $0.baseAddress!, byteCount: room) }
        return 1
    }

    /// An item's chain as a JSON array of strings: the bytes DSJSON writes, written by hand
    /// (Foundation's encoder cost ~4 µs an item).
    static func chainJSON(_ chain: [String]) -> [UInt8] {
        var writer = CanonicalJSONWriter(capacity: 256)
        do { try writer.write(chain); return writer.bytes } catch { return Array(DSJSON.string(chain).utf8) }
    }

    func openOutput(_ path: String, mode: UInt32, replace: Bool) -> Int64 {
        do {
            let o = try AtomicOutput(path: path, mode: mode_t(mode == 0 ? 0o644 : mode), replace: replace)
            if path == "-" { wroteStdout = true }
            let h = nextOutput
            nextOutput += 1
            outputs[h] = o
            return h
        } catch {
            lastError = "\(error)"
            return -1
        }
    }
}

/// The request as sent over the ABI (snake_case keys, matching PluginRequest's decoding).
struct RequestEnvelope: Encodable {
    let r: PluginRequest
    init(_ r: PluginRequest) { self.r = r }
    enum K: String, CodingKey { case abi, command, options, inputs, format, lang, jobs, cwd, stdout_is_terminal }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: K.self)
        try c.encode(r.abi, forKey: .abi); try c.encode(r.command, forKey: .command)
        try c.encode(r.options, forKey: .options); try c.encode(r.inputs, forKey: .inputs)
        try c.encode(r.format, forKey: .format); try c.encode(r.lang, forKey: .lang)
        try c.encode(r.jobs, forKey: .jobs); try c.encode(r.cwd, forKey: .cwd)
        try c.encode(r.stdoutIsTerminal, forKey: .stdout_is_terminal)
    }
}
