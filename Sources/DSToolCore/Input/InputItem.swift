import CDSToolPluginABI
import DSToolKit
import Foundation

/// Limits that end one item (never the run); each breach is reported as a finding.
public struct InputLimits: Sendable {
    public var maxDepth = 8
    public var maxEntrySize: Int64 = 8 << 30          // bytes read from one archive entry
    public var maxTotalExpanded: Int64 = 64 << 30     // bytes expanded from archives in one run
    public var maxRatio: Double = 1000                // expanded / compressed bytes of one archive
    public var maxEntries = 1_000_000                 // entries of one archive
    public init() {}
}

public struct WalkOptions: Sendable {
    /// Descend into archives (zip, tar, 7z, ...) and unpack single compressed files.
    public var expandArchives = true
    /// Walk directories recursively (otherwise a directory argument is an error).
    public var recurse = true
    public var followSymlinks = false
    public var limits = InputLimits()
    /// Glob patterns (fnmatch, matched against the display chain and the base name) to skip.
    public var excludes: [String] = []
    /// Overrides encoding detection for every item.
    public var forcedEncoding: TextEncoding?
    /// Bytes examined for type and encoding detection.
    public var headSize = 64 << 10
    public init() {}
}

/// Where an item's bytes come from.
protocol ByteSource: AnyObject {
    func read(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Closes underlying resources (idempotent).
    func close()
}

/// A file descriptor (a file on disk, or stdin).
final class FileDescriptorSource: ByteSource {
    private var fd: Int32
    private let ownsFD: Bool
    init(fd: Int32, ownsFD: Bool) { self.fd = fd; self.ownsFD = ownsFD }
    func read(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard fd >= 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw DSToolError.io(String(cString: strerror(errno)))
        }
    }
    func close() {
        if fd >= 0 && ownsFD { Glibc.close(fd) }
        fd = -1
    }
    deinit { close() }
}

/// One input item as the host holds it: metadata, the detection head, and the byte source.
public final class WalkItem {
    public let name: String
    public let path: String
    public let entry: String?
    public let chain: [String]
    public let depth: Int
    public var size: Int64?
    public var mtime: Int64?
    public var mode: UInt32
    public var uid: Int64?
    public var gid: Int64?
    public var flags: UInt32
    public internal(set) var mime = "application/octet-stream"
    public internal(set) var magic = ""
    public internal(set) var encoding = TextEncoding.binary

    var source: ByteSource
    /// Bytes already taken from `source` for detection, served before the rest.
    var head: [UInt8] = []
    var headPos = 0
    var rawConsumed: Int64 = 0
    var readMode: ReadMode = .none
    var decoder: TextStreamDecoder?
    var pendingText: [UInt8] = []
    var pendingOffsets: [UInt64] = []
    var pendingPos = 0
    var textEnded = false
    /// Called with every chunk of raw bytes handed out (archive limits, hashing).
    var onRaw: ((UnsafeRawBufferPointer) throws -> Void)?
    var spoolPath: String?
    /// The on-disk file this item is, if it is one (local_path returns it as is).
    let diskPath: String?

    enum ReadMode { case none, raw, text }

    init(name: String, path: String, entry: String?, chain: [String], depth: Int, source: ByteSource, diskPath: String?,
         size: Int64?, mtime: Int64?, mode: UInt32, uid: Int64?, gid: Int64?, flags: UInt32) {
        self.name = name; self.path = path; self.entry = entry; self.chain = chain; self.depth = depth
        self.source = source; self.diskPath = diskPath; self.size = size; self.mtime = mtime; self.mode = mode
        self.uid = uid; self.gid = gid; self.flags = flags
    }

    /// Reads the detection head and classifies the item (libmagic type, text encoding).
    func detect(headSize: Int, magic detector: MagicDetector?, forced: TextEncoding?) throws {
        head = [UInt8](repeating: 0, count: headSize)
        var filled = 0
        var atEnd = false
        try head.withUnsafeMutableBytes { p in
            while filled < headSize {
                let n = try source.read(UnsafeMutableRawBufferPointer(rebasing: p[filled...]))
                if n == 0 { atEnd = true; break }
                filled += n
            }
        }
        head.removeSubrange(filled...)
        if atEnd && size == nil { size = Int64(filled) }
        try head.withUnsafeBytes { p in
            if let detector { (mime, magic) = detector.describe(p) }
            encoding = forced ?? TextEncoding.detect(p, atEnd: atEnd)
            try onRaw?(p)
        }
        if encoding != .binary { flags |= UInt32(DSTOOL_ITEM_TEXT) }
    }

    /// Raw bytes, head first.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if readMode == .text { throw DSToolError.invalid("read after read_text on the same item") }
        readMode = .raw
        return try readRaw(into: buffer)
    }

    func readRaw(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        if headPos < head.count {
            let n = min(buffer.count, head.count - headPos)
            head.withUnsafeBytes { h in buffer.baseAddress!.copyMemory(from: h.baseAddress! + headPos, byteCount: n) }
            headPos += n
            rawConsumed += Int64(n)
            return n
        }
        let n = try source.read(buffer)
        if n > 0 {
            rawConsumed += Int64(n)
            try onRaw?(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        return n
    }

    /// Decoded UTF-8 with offsets into the raw bytes.
    public func readText(into buffer: UnsafeMutableRawBufferPointer, offsets: UnsafeMutablePointer<UInt64>?) throws -> Int {
        if readMode == .raw { throw DSToolError.invalid("read_text after read on the same item") }
        readMode = .text
        if decoder == nil { decoder = TextDecoders.make(encoding) }
        while pendingPos >= pendingText.count {
            if textEnded { return 0 }
            pendingText.removeAll(keepingCapacity: true); pendingOffsets.removeAll(keepingCapacity: true); pendingPos = 0
            var raw = [UInt8](repeating: 0, count: 1 << 16)
            let base = UInt64(rawConsumed)
            let n = try raw.withUnsafeMutableBytes { try readRaw(into: $0) }
            if n == 0 {
                decoder!.finish(out: &pendingText, offsets: &pendingOffsets)
                textEnded = true
            } else {
                raw.withUnsafeBytes { decoder!.decode(UnsafeRawBufferPointer(rebasing: $0[0..<n]), base: base, out: &pendingText, offsets: &pendingOffsets) }
            }
        }
        // Hand out whole characters only: never cut a UTF-8 sequence.
        var n = min(buffer.count, pendingText.count - pendingPos)
        if n < pendingText.count - pendingPos {
            while n > 0 && (pendingText[pendingPos + n] & 0xC0) == 0x80 { n -= 1 }
            if n == 0 { throw DSToolError.invalid("read_text buffer smaller than one character") }
        }
        pendingText.withUnsafeBytes { p in buffer.baseAddress!.copyMemory(from: p.baseAddress! + pendingPos, byteCount: n) }
        if let offsets {
            pendingOffsets.withUnsafeBufferPointer { p in offsets.update(from: p.baseAddress! + pendingPos, count: n) }
        }
        pendingPos += n
        return n
    }

    /// A file holding the whole item: the disk file itself, or a spooled temporary copy.
    func localPath(spoolDirectory: String) throws -> String {
        if let diskPath { return diskPath }
        if let spoolPath { return spoolPath }
        guard readMode == .none && headPos == 0 else {
            throw DSToolError.invalid("local_path must be asked for before the item is read")
        }
        var template = Array((spoolDirectory as NSString).appendingPathComponent("dstool-item-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw DSToolError.io("cannot create a temporary file in \(spoolDirectory): \(String(cString: strerror(errno)))") }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        spoolPath = path
        defer { Glibc.close(fd) }
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try buf.withUnsafeMutableBytes { try readRaw(into: $0) }
            if n == 0 { break }
            var off = 0
            while off < n {
                let w = buf.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, n - off) }
                if w < 0 { if errno == EINTR { continue }; throw DSToolError.io("cannot write temporary copy: \(String(cString: strerror(errno)))") }
                off += w
            }
        }
        // Later reads come from the spooled copy; its bytes were already counted against the limits.
        source.close()
        let rfd = open(path, O_RDONLY | O_CLOEXEC)
        guard rfd >= 0 else { throw DSToolError.io("cannot reopen temporary copy: \(String(cString: strerror(errno)))") }
        source = FileDescriptorSource(fd: rfd, ownsFD: true)
        head = []; headPos = 0; rawConsumed = 0; onRaw = nil
        readMode = .none
        return path
    }

    func cleanup() {
        source.close()
        if let spoolPath { unlink(spoolPath); self.spoolPath = nil }
    }
}
