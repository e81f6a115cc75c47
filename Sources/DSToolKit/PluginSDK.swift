import CDSToolPluginABI
import FoundationEssentials
import Glibc

/// A dstool plugin written in Swift: one type conforming to this protocol, plus an Entry target
/// of a few lines that calls `PluginExport.entry(MyPlugin.self)` from `dstool_plugin_entry_v1`.
public protocol DSToolPlugin {
    /// The manifest, byte for byte the JSON of Manifests/<id>.json (tests compare the two).
    static var manifestJSON: String { get }
    /// Run one command. Throw `DSToolError.usage` for bad options (exit 2); any other error
    /// ends the run with status FAILED after an error record naming it.
    static func run(_ context: PluginContext) throws -> PluginStatus
}

public enum PluginStatus: Int32, Sendable {
    case ok = 0
    case usage = 2
    case inputErrors = 3
    case failed = 4
}

/// What the host asked for: the command, its parsed options, and the positional arguments.
public struct PluginRequest: Decodable, Sendable {
    public var abi: Int
    public var command: String
    /// Options as declared in the manifest: flags are `true`, values strings, multi arrays of strings.
    public var options: [String: JSONValue]
    /// Positional arguments (paths, or whatever the command takes).
    public var inputs: [String]
    /// The output format the user chose: text, json, jsonl, sarif, csv, or one the plugin renders.
    public var format: String
    public var lang: String
    /// Worker threads the plugin may use.
    public var jobs: Int
    public var cwd: String
    /// Whether the host's standard output is a terminal.
    public var stdoutIsTerminal: Bool

    enum CodingKeys: String, CodingKey {
        case abi, command, options, inputs, format, lang, jobs, cwd
        case stdoutIsTerminal = "stdout_is_terminal"
    }

    public init(command: String, options: [String: JSONValue] = [:], inputs: [String] = [], format: String = "json",
                lang: String = "en", jobs: Int = 1, cwd: String = FileManager.default.currentDirectoryPath,
                stdoutIsTerminal: Bool = false) {
        self.abi = Int(DSTOOL_ABI_VERSION); self.command = command; self.options = options; self.inputs = inputs
        self.format = format; self.lang = lang; self.jobs = jobs; self.cwd = cwd; self.stdoutIsTerminal = stdoutIsTerminal
    }

    public func flag(_ name: String) -> Bool { options[name]?.boolValue ?? false }
    public func value(_ name: String) -> String? {
        if let s = options[name]?.stringValue { return s }
        return options[name]?.arrayValue?.last?.stringValue
    }
    public func values(_ name: String) -> [String] {
        if let a = options[name]?.arrayValue { return a.compactMap(\.stringValue) }
        return options[name]?.stringValue.map { [$0] } ?? []
    }
    /// An integer option, or a usage error naming it.
    public func int(_ name: String, default def: Int) throws -> Int {
        guard let s = value(name) else { return def }
        guard let v = Int(s) else { throw DSToolError.usage("--\(name): '\(s)' is not a whole number") }
        return v
    }
    public var isChinese: Bool { lang.hasPrefix("zh") }
}

/// One input item handed over by the host. Valid until the next `nextItem()`.
public final class InputItem {
    public let name: String
    public let path: String
    public let entry: String?
    public let mime: String
    public let magic: String
    public let encoding: String
    public let size: Int64?
    public let mtime: Int64?
    public let mode: UInt32
    public let depth: Int
    public let chain: [String]
    public let flags: UInt32
    public let uid: Int64?
    public let gid: Int64?
    private let host: UnsafePointer<dstool_host_api>

    init(_ info: dstool_item_info, host: UnsafePointer<dstool_host_api>) {
        func s(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }
        name = s(info.name) ?? "?"
        path = s(info.path) ?? name
        entry = s(info.entry)
        mime = s(info.mime) ?? "application/octet-stream"
        magic = s(info.magic) ?? ""
        encoding = s(info.encoding) ?? "binary"
        size = info.size >= 0 ? info.size : nil
        mtime = info.mtime == Int64.min ? nil : info.mtime
        mode = info.mode
        depth = Int(info.depth)
        flags = info.flags
        uid = info.uid >= 0 ? info.uid : nil
        gid = info.gid >= 0 ? info.gid : nil
        if let cj = info.chain_json {
            let json = UnsafeRawBufferPointer(start: cj, count: strlen(cj))
            chain = Self.singleNameChain(json) ?? (try? RecordDecoder.decodeStrings(json)) ?? [name]
        } else {
            chain = [name]
        }
        self.host = host
    }

    /// A chain of one name without escapes (`["a/b.txt"]`, every file on disk) read without the
    /// JSON parser; nil for anything else.
    static func singleNameChain(_ json: UnsafeRawBufferPointer) -> [String]? {
        let n = json.count
        guard n >= 4, json[0] == UInt8(ascii: "["), json[1] == UInt8(ascii: "\""),
              json[n - 2] == UInt8(ascii: "\""), json[n - 1] == UInt8(ascii: "]") else { return nil }
        let inside = UnsafeRawBufferPointer(rebasing: json[2..<(n - 2)])
        guard !inside.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }),
              let name = String(validating: inside, as: UTF8.self) else { return nil }
        return [name]
    }

    public var isStdin: Bool { flags & UInt32(DSTOOL_ITEM_STDIN) != 0 }
    public var inArchive: Bool { flags & UInt32(DSTOOL_ITEM_IN_ARCHIVE) != 0 }
    public var isContainer: Bool { flags & UInt32(DSTOOL_ITEM_CONTAINER) != 0 }
    public var isText: Bool { flags & UInt32(DSTOOL_ITEM_TEXT) != 0 }
    public var isEncrypted: Bool { flags & UInt32(DSTOOL_ITEM_ENCRYPTED) != 0 }

    private func lastError() -> String {
        host.pointee.last_error(host.pointee.ctx).map { String(cString: $0) } ?? "read failed"
    }

    /// Raw bytes: returns the count read, 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = host.pointee.read(host.pointee.ctx, buffer.baseAddress, buffer.count)
        if n < 0 { throw DSToolError.io(lastError()) }
        return Int(n)
    }

    /// UTF-8 text; `offsets`, if given (capacity ≥ buffer), receives each byte's raw offset.
    public func readText(into buffer: UnsafeMutableBufferPointer<UInt8>, offsets: UnsafeMutablePointer<UInt64>? = nil) throws -> Int {
        let n = buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
            host.pointee.read_text(host.pointee.ctx, $0, buffer.count, offsets)
        }
        if n < 0 { throw DSToolError.io(lastError()) }
        return Int(n)
    }

    /// The whole item, or an error if it is larger than `limit` bytes.
    public func readAll(limit: Int = 256 << 20) throws -> [UInt8] {
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { return out }
            if out.count + n > limit { throw DSToolError.io("larger than \(limit) bytes") }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// The whole item decoded to a String (lenient), up to `limit` bytes of UTF-8.
    public func readAllText(limit: Int = 256 << 20) throws -> String {
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBufferPointer { try readText(into: $0) }
            if n == 0 { return String(decoding: out, as: UTF8.self) }
            if out.count + n > limit { throw DSToolError.io("larger than \(limit) bytes") }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// A file holding the whole item (the input itself, or a host-owned temporary copy).
    public func localPath() throws -> String {
        guard let p = host.pointee.local_path(host.pointee.ctx) else { throw DSToolError.io(lastError()) }
        return String(cString: p)
    }

    /// A location naming this item, for findings.
    public func location(line: Int? = nil, column: Int? = nil, offset: Int64? = nil) -> Location {
        Location(input: name, path: path, chain: chain.count > 1 ? chain : nil, line: line, column: column, offset: offset)
    }
}

/// A data output opened through the host (atomic: temporary file, renamed on commit).
public final class PluginOutput {
    private let handle: Int64
    private let host: UnsafePointer<dstool_host_api>
    private var closed = false
    public let path: String

    init(handle: Int64, path: String, host: UnsafePointer<dstool_host_api>) {
        self.handle = handle; self.path = path; self.host = host
    }

    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        if buffer.isEmpty { return }
        let n = host.pointee.output_write(host.pointee.ctx, handle, buffer.baseAddress, buffer.count)
        if n < 0 {
            throw DSToolError.io(host.pointee.last_error(host.pointee.ctx).map { String(cString: $0) } ?? "write failed")
        }
    }
    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }
    public func write(_ string: String) throws { var s = string; try s.withUTF8 { try write(UnsafeRawBufferPointer($0)) } }

    /// Renames the finished file into place.
    public func commit() throws {
        guard !closed else { return }
        closed = true
        if host.pointee.output_close(host.pointee.ctx, handle, 1) != 0 {
            throw DSToolError.io(host.pointee.last_error(host.pointee.ctx).map { String(cString: $0) } ?? "cannot finish \(path)")
        }
    }
    /// Removes the unfinished file.
    public func abort() {
        guard !closed else { return }
        closed = true
        _ = host.pointee.output_close(host.pointee.ctx, handle, 0)
    }
    deinit { abort() }
}

/// Secret bytes read through the host; wiped when released.
public final class SecretBytes {
    public private(set) var bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    public func wipe() {
        bytes.withUnsafeMutableBytes { p in
            if let base = p.baseAddress { memset_s_portable(base, p.count) }
        }
        bytes.removeAll()
    }
    deinit { wipe() }
}

/// A wipe the optimiser cannot drop (glibc's explicit_bzero).
public func memset_s_portable(_ p: UnsafeMutableRawPointer, _ n: Int) {
    if n > 0 { explicit_bzero(p, n) }
}

/// Everything a running plugin can ask of the host.
public final class PluginContext: @unchecked Sendable {
    public let request: PluginRequest
    public let host: UnsafePointer<dstool_host_api>
    private let lock = MutexLock()
    private var current: InputItem?
    public private(set) var emittedErrors = 0

    public init(request: PluginRequest, host: UnsafePointer<dstool_host_api>) {
        self.request = request
        self.host = host
    }

    /// The next input item, or nil when there are none left.
    public func nextItem() -> InputItem? {
        var info = dstool_item_info()
        info.struct_size = UInt32(MemoryLayout<dstool_item_info>.size)
        let r = host.pointee.next_item(host.pointee.ctx, &info)
        guard r == 1 else { current = nil; return nil }
        let item = InputItem(info, host: host)
        current = item
        return item
    }

    public func emit(_ finding: Finding) { emitCanonical(finding) }
    public func emit(_ data: DataRecord) { emitCanonical(data) }
    public func emit(_ error: ErrorRecord) {
        lock.lock(); emittedErrors += 1; lock.unlock()
        emitCanonical(error)
    }
    public func emitError(input: String, reason: String, code: String, offset: Int64? = nil) {
        emit(ErrorRecord(input: input, reason: reason, code: code, offset: offset))
    }

    /// Records cross the ABI as canonical JSON from the hand-written writer (JSONEncoder was
    /// most of a record's cost); a record it cannot write (a non-finite number) goes as `{}`,
    /// which the host refuses with a message.
    private func emitCanonical(_ value: some CanonicalJSONEncodable) {
        emitCanonicalBytes((try? value.canonicalJSON()) ?? Array("{}".utf8))
    }

    /// Bytes the SDK's canonical writer made.
    func emitCanonicalBytes(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { p in
            _ = host.pointee.emit(host.pointee.ctx, p.baseAddress!.assumingMemoryBound(to: CChar.self), p.count)
        }
    }

    public enum LogLevel: Int32 { case debug = 0, info = 1, warning = 2, error = 3 }
    public func log(_ level: LogLevel, _ message: String) { host.pointee.log(host.pointee.ctx, level.rawValue, message) }
    public func progress(done: UInt64, total: UInt64, label: String) { host.pointee.progress(host.pointee.ctx, done, total, label) }
    public var isCancelled: Bool { host.pointee.is_cancelled(host.pointee.ctx) != 0 }

    /// Opens a data output ("-" is stdout). It is written atomically: commit() or abort().
    public func openOutput(_ path: String, mode: UInt32 = 0o644, replace: Bool = false) throws -> PluginOutput {
        let h = host.pointee.output_open(host.pointee.ctx, path, mode, replace ? UInt32(DSTOOL_OUTPUT_REPLACE) : 0)
        if h < 0 {
            throw DSToolError.io(host.pointee.last_error(host.pointee.ctx).map { String(cString: $0) } ?? "cannot open \(path)")
        }
        return PluginOutput(handle: h, path: path, host: host)
    }

    /// Reads a secret from "env:NAME", "fd:N", "file:PATH" or "prompt:TEXT" — never from argv.
    public func readSecret(_ source: String, maxLength: Int = 1 << 20) throws -> SecretBytes {
        var buf = [UInt8](repeating: 0, count: maxLength)
        let n = host.pointee.read_secret(host.pointee.ctx, source, &buf, buf.count)
        defer { buf.withUnsafeMutableBytes { memset_s_portable($0.baseAddress!, $0.count) } }
        if n < 0 {
            throw DSToolError.io(host.pointee.last_error(host.pointee.ctx).map { String(cString: $0) } ?? "cannot read secret")
        }
        if Int(n) > maxLength { throw DSToolError.invalid("secret from \(source) is longer than \(maxLength) bytes") }
        return SecretBytes(Array(buf.prefix(Int(n))))
    }
}

/// Builds the exported dstool_plugin_v1 table for a Swift plugin type.
public enum PluginExport {
    nonisolated(unsafe) static var pluginType: (any DSToolPlugin.Type)?
    nonisolated(unsafe) static var manifestCString: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) static var table = dstool_plugin_v1(
        abi_version: UInt32(DSTOOL_ABI_VERSION),
        struct_size: UInt32(MemoryLayout<dstool_plugin_v1>.size),
        manifest_json: { PluginExport.manifestCString.map { UnsafePointer($0) } },
        run: { request, host in PluginExport.run(request, host) }
    )

    /// Call from `@_cdecl("dstool_plugin_entry_v1")`; returns the table's address.
    public static func entry(_ type: any DSToolPlugin.Type) -> UnsafeRawPointer {
        if pluginType == nil || pluginType! != type {
            pluginType = type
            if let old = manifestCString { free(old) }
            manifestCString = strdup(type.manifestJSON)
        }
        return withUnsafePointer(to: &table) { UnsafeRawPointer($0) }
    }

    static func run(_ requestJSON: UnsafePointer<CChar>?, _ host: UnsafePointer<dstool_host_api>?) -> Int32 {
        guard let host, let requestJSON, let type = pluginType else { return PluginStatus.failed.rawValue }
        let data = Data(String(cString: requestJSON).utf8)
        let request: PluginRequest
        do {
            request = try JSONDecoder().decode(PluginRequest.self, from: data)
        } catch {
            host.pointee.log(host.pointee.ctx, 3, "plugin: cannot read the request: \(error)")
            return PluginStatus.failed.rawValue
        }
        let context = PluginContext(request: request, host: host)
        do {
            let status = try type.run(context)
            return status.rawValue
        } catch let DSToolError.usage(message) {
            context.emitError(input: request.command, reason: message, code: "usage")
            return PluginStatus.usage.rawValue
        } catch {
            context.emitError(input: request.command, reason: "\(error)", code: "plugin.failed")
            return PluginStatus.failed.rawValue
        }
    }
}
