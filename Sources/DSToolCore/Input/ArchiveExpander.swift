import CDSToolArchive
import CDSToolGunzip
import CDSToolPluginABI
import DSToolKit
import FoundationEssentials
import Glibc

/// Opens containers (archives and single compressed files) with libarchive, as streams, and
/// keeps the run-wide archive budget (--max-total-size).
final class ArchiveExpander {
    let limits: InputLimits
    let reporter: InputReporter
    /// Bytes unpacked from archives so far in this run (every nesting level counts).
    var totalExpanded: Int64 = 0
    /// Set once --max-total-size is reached: no archive is read any further in this run.
    var exhausted = false

    init(limits: InputLimits, reporter: InputReporter) {
        self.limits = limits
        self.reporter = reporter
    }

    /// MIME types (from libmagic, i.e. from content) of the formats libarchive reads.
    static let containerMimes: Set<String> = [
        "application/zip", "application/x-tar", "application/gzip", "application/x-gzip", "application/x-bzip2",
        "application/x-xz", "application/zstd", "application/x-zstd", "application/x-7z-compressed",
        "application/x-rar", "application/vnd.rar", "application/x-rar-compressed", "application/x-cpio",
        "application/x-iso9660-image", "application/x-lzma", "application/x-lzip", "application/x-lz4",
        "application/x-compress", "application/x-archive", "application/vnd.debian.binary-package",
        "application/vnd.ms-cab-compressed", "application/x-xar", "application/x-lha", "application/x-lzh-compressed",
        "application/java-archive", "application/epub+zip",
    ]
    /// Office documents are zip files: they are delivered as items and also opened, so a scanner
    /// sees their XML parts (word/document.xml, xl/sharedStrings.xml, content.xml).
    static let containerMimePrefixes = ["application/vnd.openxmlformats-officedocument.", "application/vnd.oasis.opendocument."]

    static func isContainer(mime: String) -> Bool {
        containerMimes.contains(mime) || containerMimePrefixes.contains { mime.hasPrefix($0) }
    }

    /// gzip files are inflated with ISA-L (CDSToolGunzip) rather than libarchive's zlib filter:
    /// the same bytes, errors and entry names, at 2-3 times the speed. Tests turn it off to
    /// compare the two.
    static var inflatesGzipWithISAL = true

    /// A descriptor for ISA-L to inflate, if `input` is a gzip file whose first header
    /// libarchive's own gzip filter would accept (else libarchive reads it as usual).
    private func gzipInput(_ item: WalkItem, _ input: WalkItem.ArchiveInput) -> (fd: Int32, owned: Bool)? {
        guard Self.inflatesGzipWithISAL, item.mime == "application/gzip" || item.mime == "application/x-gzip" else { return nil }
        let fd: Int32
        let owned: Bool
        switch input {
        case .file(let path):
            fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }  // libarchive reports why
            owned = true
        case .spool(let s):
            fd = s.fd; owned = false
        }
        var start = [UInt8](repeating: 0, count: 64 << 10)
        let got = pread(fd, &start, start.count, 0)
        guard got > 0, dstool_gunzip_header_ok(start, got) != 0 else {
            if owned { Glibc.close(fd) }
            return nil
        }
        if owned { _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) }
        return (fd, owned)
    }

    /// Opens the archive in `item` once the plugin is done with it; nil (after reporting why) if
    /// it cannot be read.
    func open(_ item: WalkItem) -> ArchiveFrame? {
        let input: WalkItem.ArchiveInput
        do { input = try item.takeArchiveInput() } catch { return nil }  // reported where it failed
        guard let a = archive_read_new() else { return nil }
        archive_read_support_filter_all(a)
        // Every format except the text-based ones (mtree, warc) that would claim plain text
        // inside a compressed file; raw comes last, for single compressed files.
        archive_read_support_format_7zip(a)
        archive_read_support_format_ar(a)
        archive_read_support_format_cab(a)
        archive_read_support_format_cpio(a)
        archive_read_support_format_iso9660(a)
        archive_read_support_format_lha(a)
        archive_read_support_format_rar(a)
        archive_read_support_format_rar5(a)
        archive_read_support_format_tar(a)
        archive_read_support_format_xar(a)
        archive_read_support_format_zip(a)
        archive_read_support_format_raw(a)
        var spool: Spool?
        let size: Int64?
        let r: Int32
        var gunzip: OpaquePointer?
        if case .spool(let s) = input { spool = s; s.rewind() }
        if let gz = gzipInput(item, input) {
            size = spool?.size ?? item.size
            r = dstool_gunzip_open(a, gz.fd, gz.owned ? 1 : 0, &gunzip)
        } else {
            switch input {
            case .file(let path):
                size = item.size
                r = archive_read_open_filename(a, path, 1 << 16)
            case .spool(let s):
                size = s.size
                r = archive_read_open_fd(a, s.fd, 1 << 16)
            }
        }
        let frame = ArchiveFrame(archive: a, container: item, spool: spool, containerSize: size, gunzip: gunzip, expander: self)
        if r != ARCHIVE_OK {
            frame.reportBroken(opening: true)
            frame.close()
            return nil
        }
        return frame
    }
}

/// One open archive on the walker's stack.
final class ArchiveFrame {
    enum Next { case item(WalkItem), skip, end }

    let archive: OpaquePointer
    /// The archive as an item (its bytes are no longer read through it).
    let container: WalkItem
    private let spool: Spool?
    private let containerSize: Int64?
    /// ISA-L inflating a gzip file for libarchive (nil: libarchive reads the container itself).
    private let gunzip: OpaquePointer?
    private unowned let expander: ArchiveExpander
    private var limits: InputLimits { expander.limits }
    private var reporter: InputReporter { expander.reporter }

    private var entries = 0
    /// Bytes unpacked from this archive (for the ratio).
    private(set) var expanded: Int64 = 0
    // The current entry.
    private var entryName = ""
    private var entryDisplay = ""
    private var entryChain: [String] = []
    private var entryBytes: Int64 = 0
    private var entryDone = true
    private var entryFailed = false
    private var entryEncrypted = false
    /// Nothing more is read from this archive (a limit or a fatal error; already reported).
    private(set) var abandoned = false
    private var closed = false
    private var inDamagedStretch = false

    init(archive: OpaquePointer, container: WalkItem, spool: Spool?, containerSize: Int64?, gunzip: OpaquePointer? = nil,
         expander: ArchiveExpander) {
        self.archive = archive; self.container = container; self.spool = spool
        self.containerSize = containerSize; self.gunzip = gunzip; self.expander = expander
    }

    /// Bytes of the container as stored that have been consumed (libarchive's outermost filter
    /// position, or the compressed bytes ISA-L took).
    private var packedConsumed: Int64 {
        if let gunzip { return dstool_gunzip_consumed(gunzip) }
        return archive_filter_bytes(archive, -1)
    }
    /// The container is decompressed before libarchive reads its format.
    private var compressed: Bool { gunzip != nil || archive_filter_count(archive) > 1 }

    /// Whether skipping an entry unpacks it anyway (a compressed stream such as tar.gz, or a
    /// solid format): then unread entries are drained through readData, under the limits.
    private var skippingUnpacks: Bool {
        if compressed { return true }
        switch archive_format(archive) & 0xFF0000 {
        case ARCHIVE_FORMAT_7ZIP, ARCHIVE_FORMAT_RAR, ARCHIVE_FORMAT_RAR_V5, ARCHIVE_FORMAT_CAB, ARCHIVE_FORMAT_LHA: return true
        default: return false
        }
    }

    private var errorMessage: String {
        archive_error_string(archive).map { String(cString: $0) } ?? "libarchive cannot read it"
    }

    /// Where a 7z file says it ends (its start header points at the header at the end), or nil:
    /// libarchive gives no reason when that header is missing.
    private func sevenZipDeclaredEnd() -> Int64? {
        var start = [UInt8](repeating: 0, count: 32)
        let got: Int
        if let spool { got = pread(spool.fd, &start, 32, 0) }
        else if let path = container.diskPath {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { Glibc.close(fd) }
            got = pread(fd, &start, 32, 0)
        } else { return nil }
        guard got == 32, Array(start[0..<6]) == [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C] else { return nil }
        func le64(_ at: Int) -> Int64 { (0..<8).reduce(Int64(0)) { $0 | Int64(start[at + $1]) << (8 * Int64($1)) } }
        let (end, overflow) = le64(12).addingReportingOverflow(le64(20))
        return overflow || end < 0 ? nil : 32 + end
    }

    /// Reports that the archive broke (cannot be opened, a damaged header, damaged data), naming
    /// the archive, the entry being read if any, and the byte offset in the archive.
    func reportBroken(opening: Bool = false, damagedHeaderAt: Int64? = nil, resynchronising: Bool = false) {
        var message = errorMessage
        let sevenZipEnd = sevenZipDeclaredEnd()
        if archive_error_string(archive) == nil, let size = containerSize, let end = sevenZipEnd, end > size {
            message = "the 7z header should end at byte \(end) but the file has \(size) bytes"
        }
        let lower = message.lowercased()
        // A container libarchive could not open has no filter left to ask (-1), inflated by ISA-L or not.
        let consumed = opening && gunzip != nil ? -1 : packedConsumed
        var offset: Int64? = damagedHeaderAt ?? (consumed > 0 ? consumed : nil)
        let encrypted = lower.contains("encrypted") || lower.contains("passphrase")
        var truncated = lower.contains("truncated") || lower.contains("premature end") || lower.contains("unexpected end")
            || lower.contains("no progress is possible")  // xz/lzma: the input ended inside the stream
        if let size = containerSize, let o = offset, o >= size, damagedHeaderAt == nil { truncated = true }
        if let size = containerSize, let end = sevenZipEnd, end > size { truncated = true }
        if truncated, let size = containerSize { offset = size }  // the data stops at the end of the file
        let what: String
        let code: String
        if encrypted { what = "encrypted archive"; code = "archive.encrypted"; offset = nil }
        else if truncated { what = "truncated archive"; code = "archive.truncated" }
        else { what = opening ? "not a readable archive" : "corrupt archive"; code = "archive.corrupt" }
        var reason = what
        if !entryDone && !entryName.isEmpty && damagedHeaderAt == nil { reason += ", entry \(entryName)" }
        reason += ": \(message)"
        if resynchronising { reason += "; skipping to the next readable entry" }
        reporter.error(ErrorRecord(input: container.name, reason: reason, code: code, offset: offset))
    }

    private func limitFinding(kind: String, en: String, zh: String) -> ReportedFailure {
        reporter.fail(InputFindings.limit(name: entryDisplay, path: container.path, chain: entryChain, kind: kind, en: en, zh: zh))
    }

    private func abandon() { abandoned = true }

    func nextEntry(walker: InputWalker) -> Next {
        if abandoned || closed || expander.exhausted { return .end }
        finishEntry()
        if abandoned || expander.exhausted { return .end }
        var entry: OpaquePointer?
        var r = archive_read_next_header(archive, &entry)
        var retries = 0
        while r == ARCHIVE_RETRY && retries < 1 << 20 {
            // A damaged header (tar): libarchive moves on to the next block; report the stretch once.
            if !inDamagedStretch {
                inDamagedStretch = true
                let at = compressed ? nil : archive_read_header_position(archive)
                reportBroken(damagedHeaderAt: at, resynchronising: true)
            }
            retries += 1
            r = archive_read_next_header(archive, &entry)
        }
        if r == ARCHIVE_EOF { return .end }
        if r < ARCHIVE_WARN || entry == nil {
            entryDone = true
            reportBroken()
            abandon()
            return .end
        }
        inDamagedStretch = false
        // The raw format with no filter under it is the container's own bytes: libmagic saw a
        // compressed file, but no decompressor accepted its header (cut short, or damaged).
        // Opened as an entry, it would be the same file again, down to --max-depth.
        if gunzip == nil, archive_format(archive) == ARCHIVE_FORMAT_RAW, archive_filter_count(archive) == 1 {
            entryDone = true
            let size = containerSize.map { " (\($0) bytes: cut short or damaged)" } ?? " (cut short or damaged)"
            reporter.error(ErrorRecord(input: container.name,
                                       reason: "not a readable archive: no decompressor accepts its \(container.mime) header" + size,
                                       code: "archive.corrupt", offset: nil))
            abandon()
            return .end
        }
        // What libarchive's gzip filter gives a single compressed file's entry (its stored name
        // and time), when ISA-L inflated it.
        if let gunzip, archive_format(archive) == ARCHIVE_FORMAT_RAW, archive_filter_count(archive) == 1 {
            dstool_gunzip_fill_raw_entry(gunzip, entry)
        }
        entries += 1
        entryDone = false; entryFailed = false; entryEncrypted = false; entryBytes = 0
        entryName = ArchiveFrame.entryName(entry!, archive: archive, container: container)
        entryChain = container.chain + [entryName]
        entryDisplay = container.name + "!" + entryName
        if entries > limits.maxEntries {
            entryDone = true
            _ = reporter.fail(InputFindings.limit(name: container.name, path: container.path,
                chain: container.chain.count > 1 ? container.chain : nil, kind: "entries",
                en: "more than \(limits.maxEntries) entries (--max-entries); the rest were not read",
                zh: "条目超过 \(limits.maxEntries) 个（--max-entries）；其余条目未读取"))
            abandon()
            return .end
        }
        let filetype = archive_entry_filetype(entry) & 0o170000
        let hasData = filetype == 0o100000 || (filetype == 0 && archive_entry_size(entry) > 0)
        let hardlinkWithoutData = archive_entry_hardlink(entry) != nil && archive_entry_size(entry) == 0
        // Folders, symlinks (never followed inside archives), devices: nothing to read.
        if !hasData || hardlinkWithoutData { entryDone = true; return .skip }
        if walker.isExcluded(entryDisplay) { return .skip }
        var flags = UInt32(DSTOOL_ITEM_IN_ARCHIVE)
        if archive_format(archive) == ARCHIVE_FORMAT_RAW { flags |= UInt32(DSTOOL_ITEM_COMPRESSED) }
        if archive_entry_is_encrypted(entry) != 0 { flags |= UInt32(DSTOOL_ITEM_ENCRYPTED); entryEncrypted = true }
        let size: Int64? = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil
        if let size, size > limits.maxEntrySize, !entryEncrypted {
            entryFailed = true
            _ = limitFinding(kind: "entry-size",
                en: "entry of \(size) bytes is larger than --max-entry-size \(limits.maxEntrySize); not read" + restNote(),
                zh: "条目 \(size) 字节，超过 --max-entry-size \(limits.maxEntrySize)；未读取" + restNoteZh())
            if skippingUnpacks { abandon(); return .end }
            return .skip
        }
        let mtime: Int64? = archive_entry_mtime_is_set(entry) != 0 ? Int64(archive_entry_mtime(entry)) : nil
        let item = WalkItem(name: entryDisplay, path: container.path, entry: entryName, chain: entryChain,
                            depth: container.depth + 1, source: ArchiveEntrySource(frame: self), diskPath: nil,
                            size: size, mtime: mtime, mode: UInt32(archive_entry_mode(entry)),
                            uid: Int64(archive_entry_uid(entry)), gid: Int64(archive_entry_gid(entry)),
                            flags: flags, reporter: reporter, spoolDirectory: container.spoolDirectory)
        if entryEncrypted {
            reporter.error(ErrorRecord(input: entryDisplay, reason: "encrypted entry; contents not read", code: "archive.encrypted"))
        }
        return .item(item)
    }

    /// Says what happens to the rest of the archive when an entry is cut short.
    private func restNote() -> String {
        skippingUnpacks ? "; the rest of \(container.name) was not read (skipping the entry would unpack it)" : ""
    }
    private func restNoteZh() -> String {
        skippingUnpacks ? "；\(container.name) 的其余部分未读取（跳过该条目仍需解压）" : ""
    }

    /// Before the next header: drain what the plugin left unread when skipping would unpack it
    /// anyway, so those bytes pass the same limits.
    private func finishEntry() {
        guard !entryDone, !entryFailed, !entryEncrypted else { return }
        if skippingUnpacks {
            var scratch = [UInt8](repeating: 0, count: 1 << 16)
            do { while try scratch.withUnsafeMutableBytes({ try readData($0) }) > 0 {} } catch { return }
        }
        entryDone = true
    }

    /// Unpacked bytes of the current entry, under the limits.
    func readData(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if abandoned || closed { throw ReportedFailure(description: "\(container.name) is no longer read") }
        if entryEncrypted { throw ReportedFailure(description: "encrypted entry") }
        if entryDone || entryFailed { return 0 }
        // Entries are read up to exactly --max-entry-size; one more byte is the breach.
        let room = limits.maxEntrySize - entryBytes
        let want = room > 0 ? min(buffer.count, Int(clamping: room)) : min(buffer.count, 1)
        let n = archive_read_data(archive, buffer.baseAddress, want)
        if n == 0 { entryDone = true; return 0 }
        if n < 0 {
            let message = errorMessage
            if n == Int(ARCHIVE_FATAL) {
                reportBroken()
                entryDone = true
                abandon()
            } else {
                // This entry is damaged (a bad checksum, an unsupported method); the next may be fine.
                reporter.error(ErrorRecord(input: entryDisplay, reason: "cannot unpack entry: \(message)",
                                           code: "archive.entry", offset: entryBytes))
                entryFailed = true
            }
            throw ReportedFailure(description: message)
        }
        entryBytes += Int64(n)
        expanded += Int64(n)
        expander.totalExpanded += Int64(n)
        if entryBytes > limits.maxEntrySize {
            entryFailed = true
            let f = limitFinding(kind: "entry-size",
                en: "entry is larger than --max-entry-size \(limits.maxEntrySize); read stopped" + restNote(),
                zh: "条目超过 --max-entry-size \(limits.maxEntrySize)；停止读取" + restNoteZh())
            if skippingUnpacks { abandon() }
            throw f
        }
        if expander.totalExpanded > limits.maxTotalExpanded {
            entryFailed = true
            expander.exhausted = true
            abandon()
            throw limitFinding(kind: "total-size",
                en: "archives unpacked more than --max-total-size \(limits.maxTotalExpanded) bytes in this run; read stopped, no further archive is opened",
                zh: "本次运行解压总量超过 --max-total-size \(limits.maxTotalExpanded) 字节；停止读取，不再打开其他压缩包")
        }
        if expanded >= limits.ratioMinimum {
            let packed = packedConsumed
            if packed > 0 && Double(expanded) > Double(packed) * limits.maxRatio {
                entryFailed = true
                abandon()
                let ratio = Int(Double(expanded) / Double(packed))
                throw limitFinding(kind: "ratio",
                    en: "possible decompression bomb: \(container.name) unpacked \(expanded) bytes from \(packed) (ratio \(ratio), --max-ratio \(Self.format(limits.maxRatio))); the rest was not read",
                    zh: "疑似压缩炸弹：\(container.name) 由 \(packed) 字节解压出 \(expanded) 字节（压缩比 \(ratio)，--max-ratio \(Self.format(limits.maxRatio))）；其余部分未读取")
            }
        }
        return n
    }

    static func format(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }

    func close() {
        guard !closed else { return }
        closed = true
        archive_read_free(archive)
        if let gunzip { dstool_gunzip_free(gunzip) }
        spool?.close()
    }

    /// The entry's name: UTF-8 as stored, else (zip files from Chinese Windows carry CP936 names
    /// without the UTF-8 flag) GB18030 when it reads as such, else UTF-8 with U+FFFD. A leading
    /// "./" is dropped; absolute names and ".." stay as they are: names are never paths to write to.
    /// A single compressed file's entry is named after the file without its suffix.
    static func entryName(_ entry: OpaquePointer, archive: OpaquePointer, container: WalkItem) -> String {
        if archive_format(archive) == ARCHIVE_FORMAT_RAW {
            return rawEntryName(stored: archive_entry_pathname(entry).map { String(cString: $0) }, container: container)
        }
        var name = "?"
        if let raw = archive_entry_pathname(entry) {
            name = TextDecoders.decodeName(UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw)))
        }
        while name.hasPrefix("./") { name.removeFirst(2) }
        return name.isEmpty ? "?" : name
    }

    static func rawEntryName(stored: String?, container: WalkItem) -> String {
        let base = FilePaths.lastComponent(of: container.chain.last ?? container.name)
        if container.flags & UInt32(DSTOOL_ITEM_STDIN) != 0 || base == "-" {
            if let stored, stored != "data", !stored.isEmpty { return FilePaths.lastComponent(of: stored) }
            return "data"
        }
        let (stem, rawExt) = FilePaths.splitExtension(ofName: base)
        let ext = rawExt.lowercased()
        switch ext {
        case "": return base
        case "tgz", "taz", "tbz", "tbz2", "txz", "tzst", "tlz": return stem + ".tar"
        default: return stem.isEmpty ? base : stem
        }
    }
}

/// An archive entry's bytes, read through its frame (and so under its limits).
final class ArchiveEntrySource: ByteSource {
    weak var frame: ArchiveFrame?
    init(frame: ArchiveFrame) { self.frame = frame }
    func read(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let frame else { return 0 }
        return try frame.readData(buffer)
    }
    func close() { frame = nil }
}
