import CDSToolPluginABI
import DSToolKit
import FoundationEssentials
import Glibc

/// Limits that end one item (never the run); each breach is reported as an `input.limit.*`
/// finding and counts as an input error (exit 3).
public struct InputLimits: Sendable {
    /// Archives nested this deep are not opened (0: no archive is opened).
    public var maxDepth = 8
    /// Bytes read from one archive entry.
    public var maxEntrySize: Int64 = 8 << 30
    /// Bytes unpacked from archives in one run, every nesting level counted.
    public var maxTotalExpanded: Int64 = 64 << 30
    /// Unpacked bytes of one archive divided by the packed bytes read for them.
    public var maxRatio: Double = 1000
    /// The ratio is judged only once an archive has unpacked this much (tiny files compress oddly).
    public var ratioMinimum: Int64 = 1 << 20
    /// Entries (of any type) of one archive.
    public var maxEntries = 1_000_000
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
    /// Overrides encoding detection for every item that is not an archive.
    public var forcedEncoding: TextEncoding?
    /// Bytes examined for type and encoding detection.
    public var headSize = 64 << 10
    /// Ask libmagic for the type of text items too (off for commands whose manifest says
    /// `"type_detection": "binary"`: those items are typed "text/plain").
    public var magicForText = true
    /// Where temporary copies of archive entries and stdin go (mkstemp names, always removed).
    public var spoolDirectory = InputWalker.defaultSpoolDirectory
    public init() {}
}

/// Thrown once an input problem has been reported (an error record or a limit finding):
/// whoever catches it ends that item without reporting again.
struct ReportedFailure: Error, CustomStringConvertible {
    let description: String
}

/// Where the input layer reports problems: the run's error records and findings.
final class InputReporter {
    var error: (ErrorRecord) -> Void
    var finding: (Finding) -> Void
    init(error: @escaping (ErrorRecord) -> Void, finding: @escaping (Finding) -> Void) {
        self.error = error; self.finding = finding
    }
    /// Reports and returns the failure to throw.
    func fail(_ record: ErrorRecord) -> ReportedFailure {
        error(record)
        return ReportedFailure(description: record.reason)
    }
    func fail(_ f: Finding) -> ReportedFailure {
        finding(f)
        return ReportedFailure(description: f.message?.en ?? f.title.en)
    }
}

/// Where an item's bytes come from.
protocol ByteSource: AnyObject {
    func read(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Closes underlying resources (idempotent).
    func close()
}

/// A file descriptor (a file on disk, a spool, or stdin).
final class FileDescriptorSource: ByteSource {
    private var fd: Int32
    private let ownsFD: Bool
    /// A regular file: the disk is asked for the bytes ahead of the reader (below).
    private let readAhead: Bool
    /// A regular file's size when it was opened (nil: unknown, or not a regular file).
    private let openedSize: Int64?
    private var offset: Int64 = 0
    private var advisedUntil: Int64
    /// The end was seen: later reads return 0 without asking the kernel again.
    private var reachedEnd = false
    /// How far ahead of the reader the disk is kept busy: twice what it has read of the file, from
    /// 1 MiB to 32 MiB (a plugin that reads a head and moves on does not pull the whole file from
    /// disk); asked for half a lead more at a time.
    static let readAheadMinimum: Int64 = 1 << 20
    static let readAheadLead: Int64 = 32 << 20
    static func lead(after consumed: Int64) -> Int64 { min(readAheadLead, max(readAheadMinimum, 2 * consumed)) }

    /// `size` is a regular file's size from its stat; `advised` the bytes from its start the disk
    /// was already asked for (`prefetch`).
    init(fd: Int32, ownsFD: Bool, regularFile: Bool = false, size: Int64? = nil, advised: Int64 = 0) {
        self.fd = fd; self.ownsFD = ownsFD; readAhead = regularFile
        openedSize = regularFile ? size : nil
        advisedUntil = advised
        // A file within the first lead is asked for whole at the first read: the kernel's larger
        // sequential window would change nothing (and it costs a system call per file).
        if regularFile && (size ?? Int64.max) > Self.readAheadMinimum { _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) }
    }

    func read(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard fd >= 0, !reachedEnd, buffer.count > 0 else { return 0 }
        // Evidence on a cold disk: while the plugin works on what it has, the next megabytes are
        // already being read (the kernel's own read-ahead is a few hundred KiB). Nothing is asked
        // beyond the size the file had when opened (a prefetched small file is asked for nothing).
        let lead = Self.lead(after: offset)
        if readAhead && offset + lead > advisedUntil && advisedUntil < (openedSize ?? Int64.max) {
            let until = offset + lead + lead / 2
            _ = posix_fadvise(fd, off_t(advisedUntil), off_t(until - advisedUntil), POSIX_FADV_WILLNEED)
            advisedUntil = until
        }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 {
                offset += Int64(n)
                // A short read that ends exactly at the size the file had when it was opened is
                // its end: the read that would return 0 is saved (a small file is one read). A
                // file that grew or shrank meanwhile is read on until a read returns 0.
                if n == 0 || (n < buffer.count && offset == openedSize) { reachedEnd = true }
                return n
            }
            if errno == EINTR { continue }
            throw DSToolError.io(String(cString: strerror(errno)))
        }
    }

    /// A file the walk will deliver next, opened early so the disk reads its first bytes while
    /// the current item is worked on; the walk then reads it through this descriptor (no second
    /// lookup, stat or open).
    struct Prefetched {
        let path: String
        /// The raw name (two names not UTF-8 can be shown alike).
        let name: [CChar]
        let fd: Int32
        let st: stat
        /// Bytes from the start the disk was asked for.
        let advised: Int64
    }

    /// Opens a regular file the walk will deliver next and asks the disk for its first bytes (up to
    /// `bytes`). Best effort: nil if it is not a regular file or cannot be opened (the visit then
    /// looks again and reports why).
    static func prefetch(_ entry: FolderEntry, bytes: Int64) -> Prefetched? {
        let path = entry.path
        var st = stat()
        guard entry.status(&st, follow: false) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        // Non-blocking in case it was replaced by a fifo since the lstat (no effect on regular files).
        let fd = entry.open(O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        let advised = min(Int64(st.st_size), bytes)
        if advised > 0 { _ = posix_fadvise(fd, 0, off_t(advised), POSIX_FADV_WILLNEED) }
        return Prefetched(path: path, name: entry.name, fd: fd, st: st, advised: advised)
    }
    func close() {
        if fd >= 0 && ownsFD { Glibc.close(fd) }
        fd = -1
    }
    deinit { close() }
}

/// A host-owned temporary copy of a stream item (an archive entry, stdin): what local_path
/// returns, and what a nested archive is opened from (libarchive needs to seek in zip, 7z, iso).
/// Created with mkstemp in the spool directory; without a name (unlinked at once) unless a
/// plugin asked for a path; always closed and removed when the item or its archive is done.
final class Spool {
    let fd: Int32
    private(set) var path: String?
    private(set) var size: Int64 = 0
    /// Holds the whole item.
    var complete = false
    private var closed = false

    init(directory: String, named: Bool) throws {
        var template = Array(FilePaths.appending(to: directory, "dstool-spool-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw DSToolError.io("cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))")
        }
        let p = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        self.fd = fd
        if named { path = p } else { unlink(p) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < bytes.count {
            let w = Glibc.write(fd, bytes.baseAddress! + off, bytes.count - off)
            if w < 0 {
                if errno == EINTR { continue }
                throw DSToolError.io("cannot write a temporary copy: \(String(cString: strerror(errno)))")
            }
            off += w
        }
        size += Int64(bytes.count)
    }

    func rewind() { lseek(fd, 0, SEEK_SET) }

    /// Removes the name; the open descriptor keeps the data until it is closed.
    func unlinkName() {
        if let path { unlink(path); self.path = nil }
    }

    func close() {
        guard !closed else { return }
        closed = true
        unlinkName()
        Glibc.close(fd)
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
    /// The detection block was all ASCII and not the whole item: decoding decides later.
    var undecidedASCII = false

    var source: ByteSource
    /// Bytes already taken from `source` for detection, served before the rest.
    var head: [UInt8] = []
    var headPos = 0
    /// Raw bytes handed out so far (head included).
    var rawConsumed: Int64 = 0
    var readMode: ReadMode = .none
    var decoder: TextStreamDecoder?
    var pendingText: [UInt8] = []
    var pendingOffsets: [UInt64] = []
    var pendingPos = 0
    var textEnded = false
    private var rawChunk: [UInt8] = []
    /// The temporary copy: complete (local_path), or being filled as the plugin reads a nested
    /// archive (the walker finishes it and opens the archive from it).
    var spool: Spool?
    /// Set once reading failed; it was reported where it happened.
    var failure: ReportedFailure?
    /// The on-disk file this item is, if it is one (local_path returns it as is).
    let diskPath: String?
    let reporter: InputReporter
    let spoolDirectory: String

    enum ReadMode { case none, raw, text }

    init(name: String, path: String, entry: String?, chain: [String], depth: Int, source: ByteSource, diskPath: String?,
         size: Int64?, mtime: Int64?, mode: UInt32, uid: Int64?, gid: Int64?, flags: UInt32,
         reporter: InputReporter, spoolDirectory: String) {
        self.name = name; self.path = path; self.entry = entry; self.chain = chain; self.depth = depth
        self.source = source; self.diskPath = diskPath; self.size = size; self.mtime = mtime; self.mode = mode
        self.uid = uid; self.gid = gid; self.flags = flags; self.reporter = reporter; self.spoolDirectory = spoolDirectory
    }

    var isContainer: Bool { flags & UInt32(DSTOOL_ITEM_CONTAINER) != 0 }
    var isEncrypted: Bool { flags & UInt32(DSTOOL_ITEM_ENCRYPTED) != 0 }

    /// Reads from the source; a failure is reported once (here, or where it happened) and sticks.
    private func pull(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let failure { throw failure }
        do {
            return try source.read(buffer)
        } catch let f as ReportedFailure {
            failure = f
            throw f
        } catch {
            let f = reporter.fail(ErrorRecord(input: name, reason: "read error: \(error)", code: "input.read", offset: rawConsumed))
            failure = f
            throw f
        }
    }

    /// How archives with text headers begin: ar, and cpio's odc, newc and crc forms.
    static let textArchivePrefixes: [[UInt8]] = ["!<arch>\n", "070707", "070701", "070702"].map { Array($0.utf8) }

    /// Reads the detection head (up to `scratch.count` bytes, into the walker's reusable buffer; the
    /// item keeps a copy of what was read) and classifies the item (libmagic type, text encoding).
    func detect(scratch: UnsafeMutableRawBufferPointer, magic detector: MagicDetector?, forced: TextEncoding?, magicForText: Bool = true) {
        var filled = 0
        var atEnd = false
        var readEnded = false
        if let expected = size, expected >= 0, expected < Int64(scratch.count) {
            // An item smaller than the head (most files) is read straight into a buffer of its own,
            // one byte longer than its size so that its end is seen: no copy out of the scratch.
            let capacity = Int(expected) + 1
            head = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                let raw = UnsafeMutableRawBufferPointer(buffer)
                while filled < capacity {
                    guard let n = try? pull(UnsafeMutableRawBufferPointer(rebasing: raw[filled...])) else { readEnded = true; break }
                    if n == 0 { atEnd = true; readEnded = true; break }
                    filled += n
                }
                count = filled
            }
            // It has grown since its size was taken: read on into the scratch, as for a large item.
            if !readEnded { head.withUnsafeBytes { scratch.copyMemory(from: $0) } }
        }
        if !readEnded {
            while filled < scratch.count {
                // A failure here (a limit, damaged data) was reported; the item is still delivered
                // with what was read, and the plugin's read fails after it.
                guard let n = try? pull(UnsafeMutableRawBufferPointer(rebasing: scratch[filled...])) else { break }
                if n == 0 { atEnd = true; break }
                filled += n
            }
            head = Array(UnsafeRawBufferPointer(rebasing: scratch[0..<filled]))
        }
        if atEnd && size == nil { size = Int64(filled) }
        head.withUnsafeBytes { p in
            let natural = TextEncoding.detect(p, atEnd: atEnd)
            if !magicForText && natural != .binary {
                (mime, magic) = ("text/plain", "text")
                // ar and ASCII cpio archives of text files have no NUL byte: libmagic still
                // decides whether they are archives (to be opened), and nothing else.
                if let detector, Self.textArchivePrefixes.contains(where: { p.starts(with: $0) }) {
                    let typed = detector.describe(p)
                    if ArchiveExpander.isContainer(mime: typed.mime) { (mime, magic) = typed }
                }
            }
            else if let detector { (mime, magic) = detector.describe(p) }
            encoding = forced ?? natural
            undecidedASCII = forced == nil && !atEnd && encoding == .utf8 && !p.contains { $0 >= 0x80 }
        }
        if encoding != .binary { flags |= UInt32(DSTOOL_ITEM_TEXT) }
    }

    /// A plugin starts reading a nested archive: copy what it reads, so the archive can be opened
    /// afterwards without reading the entry twice.
    private func startTeeIfNeeded() throws {
        guard isContainer, diskPath == nil, spool == nil, rawConsumed == 0 else { return }
        do { spool = try Spool(directory: spoolDirectory, named: false) }
        catch {
            // Without a copy the archive cannot be opened later; say so, and let the plugin read on.
            reporter.error(ErrorRecord(input: name, reason: "\(error); the archive will not be opened", code: "input.spool"))
            flags &= ~UInt32(DSTOOL_ITEM_CONTAINER)
        }
    }

    /// Raw bytes, head first.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if readMode == .text { throw DSToolError.invalid("read after read_text on the same item") }
        if readMode == .none { try startTeeIfNeeded() }
        readMode = .raw
        return try readRaw(into: buffer)
    }

    func readRaw(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        let n: Int
        if headPos < head.count {
            n = min(buffer.count, head.count - headPos)
            head.withUnsafeBytes { h in buffer.baseAddress!.copyMemory(from: h.baseAddress! + headPos, byteCount: n) }
            headPos += n
            if headPos == head.count { head = []; headPos = 0 }  // served: free it
        } else {
            n = try pull(buffer)
        }
        if n > 0 {
            rawConsumed += Int64(n)
            if let spool, !spool.complete {
                do { try spool.write(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
                catch {
                    let f = reporter.fail(ErrorRecord(input: name, reason: "\(error)", code: "input.spool"))
                    failure = f
                    throw f
                }
            }
        }
        return n
    }

    /// Decoded UTF-8 with offsets into the raw bytes.
    public func readText(into buffer: UnsafeMutableRawBufferPointer, offsets: UnsafeMutablePointer<UInt64>?) throws -> Int {
        if readMode == .raw { throw DSToolError.invalid("read_text after read on the same item") }
        if readMode == .none { try startTeeIfNeeded() }
        readMode = .text
        if decoder == nil { decoder = undecidedASCII ? TextDecoders.makeUndecided() : TextDecoders.make(encoding) }
        while pendingPos >= pendingText.count {
            if textEnded { return 0 }
            pendingText.removeAll(keepingCapacity: true); pendingOffsets.removeAll(keepingCapacity: true); pendingPos = 0
            if rawChunk.isEmpty { rawChunk = [UInt8](repeating: 0, count: 1 << 16) }
            let base = UInt64(rawConsumed)
            let n = try rawChunk.withUnsafeMutableBytes { try readRaw(into: $0) }
            if n == 0 {
                decoder!.finish(out: &pendingText, offsets: &pendingOffsets)
                textEnded = true
            } else {
                rawChunk.withUnsafeBytes { decoder!.decode(UnsafeRawBufferPointer(rebasing: $0[0..<n]), base: base, out: &pendingText, offsets: &pendingOffsets) }
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

    /// Reads everything left into the spool.
    private func drainIntoSpool() throws {
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        while try buf.withUnsafeMutableBytes({ try readRaw(into: $0) }) > 0 {}
        spool?.complete = true
    }

    /// A file holding the whole item: the disk file itself, or a spooled temporary copy.
    func localPath() throws -> String {
        if let diskPath { return diskPath }
        if let spool, spool.complete, let p = spool.path { return p }
        guard readMode == .none && rawConsumed == 0 && spool == nil else {
            throw DSToolError.invalid("local_path must be asked for before the item is read")
        }
        spool = try Spool(directory: spoolDirectory, named: true)
        try drainIntoSpool()
        let path = spool!.path!
        // Later reads come from the copy; its bytes were already counted against the limits.
        source.close()
        let rfd = open(path, O_RDONLY | O_CLOEXEC)
        guard rfd >= 0 else { throw DSToolError.io("cannot reopen temporary copy: \(String(cString: strerror(errno)))") }
        source = FileDescriptorSource(fd: rfd, ownsFD: true)
        head = []; headPos = 0; rawConsumed = 0
        readMode = .none
        return path
    }

    /// What an archive is opened from once the plugin is done with this item.
    enum ArchiveInput {
        case file(String)
        case spool(Spool)
    }

    /// The whole item for libarchive: the disk file, or the spool completed with whatever the
    /// plugin did not read (those bytes pass through the same limits). The spool's ownership
    /// moves to the caller.
    func takeArchiveInput() throws -> ArchiveInput {
        if let failure { throw failure }
        if let diskPath { return .file(diskPath) }
        if spool == nil {
            guard rawConsumed == 0 else {
                throw ReportedFailure(description: "no copy of the archive")  // reported by startTeeIfNeeded
            }
            do { spool = try Spool(directory: spoolDirectory, named: false) }
            catch { throw reporter.fail(ErrorRecord(input: name, reason: "\(error); the archive was not opened", code: "input.spool")) }
        }
        if !spool!.complete {
            readMode = .raw
            try drainIntoSpool()
        }
        let s = spool!
        spool = nil
        s.unlinkName()  // the plugin has moved on: local_path's copy is no longer promised
        return .spool(s)
    }

    func cleanup() {
        source.close()
        spool?.close()
        spool = nil
    }
}
