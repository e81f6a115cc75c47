import CDSToolArchive
import CDSToolPluginABI
import DSToolKit
import Foundation

/// Opens containers (archives and single compressed files) with libarchive, as streams.
final class ArchiveExpander {
    let limits: InputLimits
    var totalExpanded: Int64 = 0

    init(limits: InputLimits) { self.limits = limits }

    /// MIME types libmagic gives for formats libarchive reads.
    static let containerMimes: Set<String> = [
        "application/zip", "application/x-tar", "application/gzip", "application/x-gzip", "application/x-bzip2",
        "application/x-xz", "application/zstd", "application/x-zstd", "application/x-7z-compressed",
        "application/x-rar", "application/vnd.rar", "application/x-rar-compressed", "application/x-cpio",
        "application/x-iso9660-image", "application/x-lzma", "application/x-lzip", "application/x-archive",
        "application/java-archive",
    ]

    func isContainer(_ item: WalkItem) -> Bool {
        Self.containerMimes.contains(item.mime)
    }

    func errorCode(for error: Error) -> String { "input.unreadable" }

    /// An archive frame over a finished container item, or nil if it is not one.
    func open(container item: WalkItem, report: (ErrorRecord) -> Void, reportFinding: (Finding) -> Void) -> ArchiveFrame? {
        guard item.flags & UInt32(DSTOOL_ITEM_CONTAINER) != 0 else { return nil }
        guard let a = archive_read_new() else { return nil }
        archive_read_support_filter_all(a)
        archive_read_support_format_all(a)
        archive_read_support_format_raw(a)  // single compressed files (.gz, .xz, ...)
        let frame = ArchiveFrame(archive: a, parent: item, expander: self)
        let r: Int32
        if let disk = item.diskPath {
            r = archive_read_open_filename(a, disk, 1 << 16)
        } else {
            r = frame.openStreaming()
        }
        if r != ARCHIVE_OK {
            let why = archive_error_string(a).map { String(cString: $0) } ?? "unrecognised archive"
            report(ErrorRecord(input: item.name, reason: "cannot open archive: \(why)", code: "archive.corrupt"))
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
    let parent: WalkItem
    unowned let expander: ArchiveExpander
    private var entries = 0
    private var closed = false
    private var readBuffer = [UInt8](repeating: 0, count: 1 << 16)
    var lastReadError: String?

    init(archive: OpaquePointer, parent: WalkItem, expander: ArchiveExpander) {
        self.archive = archive; self.parent = parent; self.expander = expander
    }

    /// Reads the parent's remaining bytes as the archive stream (parent not consumed by the plugin).
    func openStreaming() -> Int32 {
        parent.headPos = 0
        let ctx = Unmanaged.passUnretained(self).toOpaque()
        return archive_read_open(archive, ctx, nil, { _, ctx, bufOut in
            let frame = Unmanaged<ArchiveFrame>.fromOpaque(ctx!).takeUnretainedValue()
            return frame.readParent(bufOut)
        }, nil)
    }

    private func readParent(_ out: UnsafeMutablePointer<UnsafeRawPointer?>?) -> Int {
        do {
            let n = try readBuffer.withUnsafeMutableBytes { try parent.readRaw(into: $0) }
            readBuffer.withUnsafeBytes { out?.pointee = $0.baseAddress }
            return n
        } catch {
            lastReadError = "\(error)"
            return -1
        }
    }

    func nextEntry(walker: InputWalker) -> Next {
        var entry: OpaquePointer?
        let r = archive_read_next_header(archive, &entry)
        if r == ARCHIVE_EOF { return .end }
        if r < ARCHIVE_WARN || entry == nil {
            let why = archive_error_string(archive).map { String(cString: $0) } ?? "corrupt archive"
            let offset = archive_filter_bytes(archive, -1)
            walker.report(ErrorRecord(input: parent.name, reason: "corrupt archive: \(why)", code: "archive.corrupt", offset: offset))
            return .end
        }
        entries += 1
        if entries > expander.limits.maxEntries {
            walker.reportFinding(InputFindings.limit(item: parent, kind: "entries",
                message: "more than \(expander.limits.maxEntries) entries; the rest were not read"))
            return .end
        }
        let filetype = archive_entry_filetype(entry)
        guard filetype == 0o100000 || filetype == 0 else { return .skip }
        var entryName = archive_entry_pathname_utf8(entry).map { String(cString: $0) }
            ?? archive_entry_pathname(entry).map { String(cString: $0) } ?? "?"
        if entryName == "data" && archive_format(archive) == ARCHIVE_FORMAT_RAW {
            // A single compressed file: name the entry after the file without its suffix.
            let base = (parent.chain.last! as NSString).lastPathComponent
            entryName = (base as NSString).deletingPathExtension
        }
        let display = parent.name + "!" + entryName
        if walker.isExcluded(display) { return .skip }
        var flags = UInt32(DSTOOL_ITEM_IN_ARCHIVE)
        if archive_format(archive) == ARCHIVE_FORMAT_RAW { flags |= UInt32(DSTOOL_ITEM_COMPRESSED) }
        if archive_entry_is_encrypted(entry) != 0 { flags |= UInt32(DSTOOL_ITEM_ENCRYPTED) }
        let size: Int64? = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil
        let mtime: Int64? = archive_entry_mtime_is_set(entry) != 0 ? Int64(archive_entry_mtime(entry)) : nil
        let item = WalkItem(name: display, path: parent.path, entry: entryName, chain: parent.chain + [entryName],
                            depth: parent.depth + 1, source: ArchiveEntrySource(frame: self), diskPath: nil,
                            size: size, mtime: mtime, mode: UInt32(archive_entry_mode(entry)),
                            uid: Int64(archive_entry_uid(entry)), gid: Int64(archive_entry_gid(entry)), flags: flags)
        if flags & UInt32(DSTOOL_ITEM_ENCRYPTED) != 0 {
            walker.report(ErrorRecord(input: display, reason: "encrypted archive entry; contents not read", code: "archive.encrypted"))
        }
        return .item(item)
    }

    func readData(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = archive_read_data(archive, buffer.baseAddress, buffer.count)
        if n < 0 {
            let why = archive_error_string(archive).map { String(cString: $0) } ?? "read error"
            throw DSToolError.io(why)
        }
        return n
    }

    func close() {
        guard !closed else { return }
        closed = true
        archive_read_free(archive)
        parent.cleanup()
    }
}

final class ArchiveEntrySource: ByteSource {
    weak var frame: ArchiveFrame?
    init(frame: ArchiveFrame) { self.frame = frame }
    func read(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let frame else { return 0 }
        return try frame.readData(buffer)
    }
    func close() { frame = nil }
}
