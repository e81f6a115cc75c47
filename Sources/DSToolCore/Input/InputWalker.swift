import CDSToolPluginABI
import DSToolKit
import FoundationEssentials
import Glibc

/// Walks the inputs of a run and yields items one at a time: files, directories (recursively,
/// symlinks not followed unless asked), stdin as "-", and (through ArchiveExpander) the entries of
/// archives, nested. Problems with one input are reported through `report` / `reportFinding`
/// and the walk goes on.
public final class InputWalker {
    public static var defaultSpoolDirectory: String {
        let t = ProcessInfo.processInfo.environment["TMPDIR"] ?? ""
        return t.isEmpty ? "/tmp" : t
    }

    public let options: WalkOptions
    let reporter: InputReporter
    /// Receives one error record per input that could not be read.
    var report: (ErrorRecord) -> Void {
        get { reporter.error }
        set { reporter.error = newValue }
    }
    /// Receives findings about inputs (limit breaches).
    var reportFinding: (Finding) -> Void {
        get { reporter.finding }
        set { reporter.finding = newValue }
    }
    private var pending: [String]
    private var stack: [Frame] = []
    private var current: WalkItem?
    private let magic = MagicDetector()
    /// Where each item's detection head is read (options.headSize bytes, reused; the item keeps a
    /// copy of what it got): a fresh zeroed 64 KiB per item cost more than the rest of detection.
    private let headScratch: UnsafeMutableRawBufferPointer
    /// The next file of the folder being walked, already opened by `prefetch`.
    private var prefetched: FileDescriptorSource.Prefetched?
    public private(set) var itemCount = 0
    /// The last item was read to its end (or opened as an archive): the plugin reads whole
    /// files, so the next file is asked for whole; otherwise only its first MiB.
    private var lastItemReadWhole = true
    let archives: ArchiveExpander
    /// Standard input's descriptor ("-"); tests substitute a pipe.
    var stdinFD: Int32 = STDIN_FILENO

    enum Frame {
        case directory(DirectoryFrame)
        case archive(ArchiveFrame)
    }

    /// A folder being walked: its entries' names in order, the prefixes their paths and display
    /// names get (computed once per folder, as `appendingPathComponent` would join them), and the
    /// open folder its entries are looked up in.
    struct DirectoryFrame {
        let pathPrefix: String
        /// The folder's path as the file system has it, with a trailing "/" (no NUL).
        let rawPrefix: [CChar]
        /// Every component of the folder's path is UTF-8 (see FolderEntry.pathIsReal).
        let pathIsReal: Bool
        /// nil for the folder ".", whose entries are shown by their names alone.
        let displayPrefix: String?
        let names: [FolderName]
        var index: Int
        let id: FileID
        let folder: OpenFolder

        init(display: String, entry: FolderEntry, names: [FolderName], id: FileID, folder: OpenFolder) {
            // Entry names have no "/": joining one to the folder is appending it to this prefix.
            pathPrefix = String(FilePaths.appending(to: entry.path, "x").dropLast())
            var raw = entry.rawPath.dropLast()  // its NUL
            if raw.last != CChar(UInt8(ascii: "/")) { raw.append(CChar(UInt8(ascii: "/"))) }
            rawPrefix = Array(raw)
            pathIsReal = entry.pathIsReal
            displayPrefix = display == "." ? nil : String(FilePaths.appending(to: display, "x").dropLast())
            self.names = names; index = 0; self.id = id; self.folder = folder
        }
        func entry(_ i: Int) -> FolderEntry {
            FolderEntry(folder: folder, name: names[i].raw, rawPrefix: rawPrefix, path: pathPrefix + names[i].display,
                        pathIsReal: pathIsReal && names[i].isUTF8)
        }
        func display(_ i: Int) -> String { (displayPrefix ?? "") + names[i].display }
    }

    /// The names in a folder, read with readdir from its open descriptor (or its raw path), in
    /// the order of their shown names (ties, such as two names that differ only in bytes that
    /// are not UTF-8, by their bytes); nil, with errno set, if it cannot be listed.
    static func list(_ folder: OpenFolder, rawPath: [CChar]) -> [FolderName]? {
        var dir: OpaquePointer?
        if folder.fd >= 0 {
            let copy = dup(folder.fd)  // closedir closes the descriptor it is given
            if copy >= 0 { dir = fdopendir(copy); if dir == nil { Glibc.close(copy) } }
        } else {
            dir = opendir(rawPath)
        }
        guard let dir else { return nil }
        defer { closedir(dir) }
        var names: [FolderName] = []
        while true {
            // readdir says "end" and "error" both with nil; only errno tells them apart, and the
            // name decoding below (allocations) may leave errno set, so it is cleared per call.
            errno = 0
            guard let e = readdir(dir) else { break }
            let name = withUnsafePointer(to: &e.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) { p in
                    UnsafeBufferPointer(start: p, count: strlen(p) + 1)  // with its NUL
                }
            }
            if name.count == 2 && name[0] == 0x2E { continue }  // "."
            if name.count == 3 && name[0] == 0x2E && name[1] == 0x2E { continue }  // ".."
            names.append(FolderName(raw: Array(name)))
        }
        if errno != 0 { return nil }
        names.sort { $0.display != $1.display ? $0.display < $1.display : $0.raw.lexicographicallyPrecedes($1.raw) }
        return names
    }

    struct FileID: Equatable { let dev: UInt64; let ino: UInt64 }

    public init(inputs: [String], options: WalkOptions, report: @escaping (ErrorRecord) -> Void,
                reportFinding: @escaping (Finding) -> Void) {
        self.options = options
        self.reporter = InputReporter(error: report, finding: reportFinding)
        self.pending = inputs.reversed()
        self.archives = ArchiveExpander(limits: options.limits, reporter: reporter)
        headScratch = .allocate(byteCount: max(options.headSize, 0), alignment: 16)
    }

    deinit {
        if let p = prefetched { Glibc.close(p.fd) }
        headScratch.deallocate()
    }

    /// The next item, or nil at the end. The previous item is finished first (and, if it is an
    /// archive, descended into).
    public func next() -> WalkItem? {
        if let item = current {
            current = nil
            lastItemReadWhole = item.isContainer || item.rawConsumed >= (item.size ?? 0)
            if item.isContainer && options.expandArchives && !archives.exhausted, let frame = archives.open(item) {
                stack.append(.archive(frame))
            }
            item.cleanup()
        }
        while true {
            if let top = stack.popLast() {
                switch top {
                case .directory(var folder):
                    let index = folder.index
                    guard index < folder.names.count else { continue }
                    folder.index = index + 1
                    stack.append(.directory(folder))
                    if let item = visit(folder.entry(index), display: folder.display(index)) {
                        if index + 1 < folder.names.count {
                            prefetched = FileDescriptorSource.prefetch(folder.entry(index + 1),
                                bytes: lastItemReadWhole ? FileDescriptorSource.readAheadLead : FileDescriptorSource.readAheadMinimum)
                        }
                        return deliver(item)
                    }
                case .archive(let frame):
                    switch frame.nextEntry(walker: self) {
                    case .item(let item):
                        stack.append(.archive(frame))
                        return deliver(prepare(item))
                    case .skip:
                        stack.append(.archive(frame))
                    case .end:
                        frame.close()
                    }
                }
                continue
            }
            guard let input = pending.popLast() else { return nil }
            if let item = visit(FolderEntry(topLevel: input), display: input, topLevel: true) { return deliver(item) }
        }
    }

    private func deliver(_ item: WalkItem) -> WalkItem {
        current = item
        itemCount += 1
        return item
    }

    /// Classifies an item once its metadata is known (type, encoding, container).
    func prepare(_ item: WalkItem) -> WalkItem {
        if item.isEncrypted { return item }  // metadata only: the bytes cannot be read
        item.detect(scratch: headScratch, magic: magic, forced: options.forcedEncoding, magicForText: options.magicForText)
        // Type comes from the content (libmagic), never from the name.
        if ArchiveExpander.isContainer(mime: item.mime) {
            item.encoding = .binary
            item.undecidedASCII = false
            item.flags &= ~UInt32(DSTOOL_ITEM_TEXT)
            guard options.expandArchives else { return item }
            let limits = options.limits
            if item.depth >= limits.maxDepth {
                reportFinding(InputFindings.limit(name: item.name, path: item.path, chain: item.chain, kind: "depth",
                    en: "archive nested deeper than --max-depth \(limits.maxDepth); not opened",
                    zh: "压缩包嵌套超过 --max-depth \(limits.maxDepth) 层；未打开"))
            } else if archives.exhausted {
                reportFinding(InputFindings.limit(name: item.name, path: item.path, chain: item.chain, kind: "total-size",
                    en: "archive not opened: --max-total-size \(limits.maxTotalExpanded) was reached earlier in this run",
                    zh: "压缩包未打开：本次运行已达到 --max-total-size \(limits.maxTotalExpanded)"))
            } else {
                item.flags |= UInt32(DSTOOL_ITEM_CONTAINER)
            }
        }
        return item
    }

    func isExcluded(_ display: String) -> Bool {
        guard !options.excludes.isEmpty else { return false }
        let base = FilePaths.lastComponent(of: display)
        for pattern in options.excludes {
            if fnmatch(pattern, display, 0) == 0 || fnmatch(pattern, base, 0) == 0 { return true }
            if fnmatch(pattern, display, 1 << 3) == 0 { return true }  // FNM_LEADING_DIR: a pattern naming a folder skips what is inside it
        }
        return false
    }

    /// `diskPath`: the file's path for other programs (nil for stdin, and for a file whose path is
    /// not UTF-8: it is read through `fd`, and a plugin asking for a path gets a temporary copy).
    private func makeItem(name: String, fd: Int32, ownsFD: Bool, diskPath: String?, regularFile: Bool, st: stat?, flags: UInt32,
                          advised: Int64 = 0) -> WalkItem {
        WalkItem(name: name, path: name, entry: nil, chain: [name], depth: 0,
                 source: FileDescriptorSource(fd: fd, ownsFD: ownsFD, regularFile: regularFile,
                                              size: st.map { Int64($0.st_size) }, advised: advised), diskPath: diskPath,
                 size: st.map { Int64($0.st_size) }, mtime: st.map { Int64($0.st_mtim.tv_sec) }, mode: st.map { UInt32($0.st_mode) } ?? 0,
                 uid: st.map { Int64($0.st_uid) }, gid: st.map { Int64($0.st_gid) }, flags: flags,
                 reporter: reporter, spoolDirectory: options.spoolDirectory)
    }

    /// The prefetched file if it is `path` (a regular file's lstat, equal to its stat); any other
    /// prefetched file is closed.
    private func takePrefetched(_ entry: FolderEntry) -> FileDescriptorSource.Prefetched? {
        guard let p = prefetched else { return nil }
        prefetched = nil
        if p.path == entry.path && p.name == entry.name { return p }
        Glibc.close(p.fd)
        return nil
    }

    private func visit(_ entry: FolderEntry, display: String, topLevel: Bool = false) -> WalkItem? {
        let path = entry.path
        if path == "-" && topLevel {
            return prepare(makeItem(name: "-", fd: stdinFD, ownsFD: false, diskPath: nil, regularFile: false, st: nil,
                                    flags: UInt32(DSTOOL_ITEM_STDIN)))
        }
        let diskPath = entry.pathIsReal ? path : nil
        let ready = topLevel ? nil : takePrefetched(entry)
        if !topLevel && isExcluded(display) {
            if let ready { Glibc.close(ready.fd) }
            return nil
        }
        if let ready {
            return prepare(makeItem(name: display, fd: ready.fd, ownsFD: true, diskPath: diskPath, regularFile: true, st: ready.st,
                                    flags: 0, advised: ready.advised))
        }
        var st = stat()
        // A symlink named on the command line is followed; inside folders only with --follow-symlinks.
        let statResult = entry.status(&st, follow: options.followSymlinks || topLevel)
        if statResult != 0 {
            report(ErrorRecord(input: display, reason: String(cString: strerror(errno)), code: "input.unreadable"))
            return nil
        }
        let type = st.st_mode & S_IFMT
        if type == S_IFLNK { return nil }
        if type == S_IFDIR {
            guard options.recurse else {
                report(ErrorRecord(input: display, reason: "is a directory", code: "input.directory"))
                return nil
            }
            let id = FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))
            // Followed symlinks can loop back to a folder being walked: its contents are already covered.
            for case .directory(let open) in stack where open.id == id { return nil }
            let folder = OpenFolder(entry)
            if let names = Self.list(folder, rawPath: entry.rawPath) {
                stack.append(.directory(DirectoryFrame(display: display, entry: entry, names: names, id: id, folder: folder)))
            } else {
                report(ErrorRecord(input: display, reason: "cannot list directory: \(String(cString: strerror(errno == 0 ? EACCES : errno)))", code: "input.unreadable"))
            }
            return nil
        }
        guard type == S_IFREG else { return nil }  // sockets, devices, fifos are not evidence files
        if topLevel && isExcluded(display) { return nil }
        let fd = entry.open(O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            report(ErrorRecord(input: display, reason: String(cString: strerror(errno)), code: "input.unreadable"))
            return nil
        }
        return prepare(makeItem(name: display, fd: fd, ownsFD: true, diskPath: diskPath, regularFile: true, st: st, flags: 0))
    }

    /// Ends the walk early, releasing open files and temporary copies.
    public func close() {
        current?.cleanup(); current = nil
        if let p = prefetched { Glibc.close(p.fd); prefetched = nil }
        for f in stack { if case .archive(let a) = f { a.close() } }
        stack.removeAll()
    }
}

/// Findings the input layer itself raises.
enum InputFindings {
    static func limit(name: String, path: String, chain: [String]?, kind: String, en: String, zh: String) -> Finding {
        Finding(ruleId: "input.limit.\(kind)",
                title: LocalizedText(en: "Input limit reached", zh: "超出输入限制"),
                message: LocalizedText(en: en, zh: zh),
                category: "input", severity: .medium,
                location: Location(input: name, path: path, chain: (chain?.count ?? 0) > 1 ? chain : nil),
                evidence: nil, properties: ["limit": .string(kind)])
    }
}

/// A folder being walked, open: its entries are looked up in it (`fstatat`, `openat`) rather than
/// by their whole path, which the kernel would walk again, component by component, per system call.
/// Without a descriptor (none left, or the folder vanished) entries are looked up by path.
final class OpenFolder {
    let fd: Int32
    init(_ entry: FolderEntry) { fd = entry.open(O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
    deinit { if fd >= 0 { Glibc.close(fd) } }
}

/// A name in a folder: the bytes the file system stores, NUL-terminated, and how it is shown.
/// Names are not always UTF-8 (a share copied from a GBK system): system calls get the bytes; the
/// shown name is UTF-8, else GB18030 decoded, else UTF-8 with U+FFFD for the bad bytes.
struct FolderName {
    let raw: [CChar]
    let display: String
    let isUTF8: Bool

    init(raw: [CChar]) {
        self.raw = raw
        (display, isUTF8) = raw.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: UInt8.self) { bytes in
                let name = UnsafeBufferPointer(rebasing: bytes.dropLast())
                let utf8 = UTF8Validation.isValid(name)
                return (utf8 ? String(decoding: name, as: UTF8.self) : TextDecoders.decodeName(name), utf8)
            }
        }
    }
}

/// A file or folder the walk visits: its name in an open folder, and its path.
struct FolderEntry {
    let folder: OpenFolder?
    /// The name as stored, NUL-terminated: what system calls in the open folder get.
    let name: [CChar]
    /// The folder's raw path with a trailing "/" (no NUL), for lookups without an open folder.
    let rawPrefix: [CChar]
    /// The path as shown.
    let path: String
    /// Every component of the path is UTF-8, so `path` is also the file's real path, which other
    /// programs (SQLite, libarchive) can open.
    let pathIsReal: Bool

    init(folder: OpenFolder?, name: [CChar], rawPrefix: [CChar], path: String, pathIsReal: Bool) {
        self.folder = folder; self.name = name; self.rawPrefix = rawPrefix; self.path = path; self.pathIsReal = pathIsReal
    }

    /// An input named on the command line.
    init(topLevel path: String) {
        self.init(folder: nil, name: Array(path.utf8CString), rawPrefix: [], path: path, pathIsReal: true)
    }

    /// The whole raw path, NUL-terminated.
    var rawPath: [CChar] { rawPrefix + name }

    /// stat (`follow`) or lstat of the entry.
    func status(_ st: inout stat, follow: Bool) -> Int32 {
        if let folder, folder.fd >= 0 { return fstatat(folder.fd, name, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) }
        let raw = rawPath
        return follow ? stat(raw, &st) : lstat(raw, &st)
    }

    func open(_ flags: Int32) -> Int32 {
        if let folder, folder.fd >= 0 { return openat(folder.fd, name, flags) }
        return Glibc.open(rawPath, flags)
    }
}
