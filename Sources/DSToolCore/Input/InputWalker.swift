import CDSToolPluginABI
import DSToolKit
import Foundation

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
    public private(set) var itemCount = 0
    /// The last item was read to its end (or opened as an archive): the plugin reads whole
    /// files, so the next file is asked for whole; otherwise only its first MiB.
    private var lastItemReadWhole = true
    let archives: ArchiveExpander
    /// Standard input's descriptor ("-"); tests substitute a pipe.
    var stdinFD: Int32 = STDIN_FILENO

    enum Frame {
        case directory(display: String, path: String, names: [String], index: Int, id: FileID)
        case archive(ArchiveFrame)
    }

    struct FileID: Equatable { let dev: UInt64; let ino: UInt64 }

    public init(inputs: [String], options: WalkOptions, report: @escaping (ErrorRecord) -> Void,
                reportFinding: @escaping (Finding) -> Void) {
        self.options = options
        self.reporter = InputReporter(error: report, finding: reportFinding)
        self.pending = inputs.reversed()
        self.archives = ArchiveExpander(limits: options.limits, reporter: reporter)
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
                case .directory(let display, let path, let names, let index, let id):
                    guard index < names.count else { continue }
                    stack.append(.directory(display: display, path: path, names: names, index: index + 1, id: id))
                    let childPath = (path as NSString).appendingPathComponent(names[index])
                    let childDisplay = display == "." ? names[index] : (display as NSString).appendingPathComponent(names[index])
                    if let item = visit(path: childPath, display: childDisplay, topLevel: false) {
                        if index + 1 < names.count {
                            FileDescriptorSource.prefetch(path: (path as NSString).appendingPathComponent(names[index + 1]),
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
            if let item = visit(path: input, display: input, topLevel: true) { return deliver(item) }
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
        item.detect(headSize: options.headSize, magic: magic, forced: options.forcedEncoding, magicForText: options.magicForText)
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
        let base = (display as NSString).lastPathComponent
        for pattern in options.excludes {
            if fnmatch(pattern, display, 0) == 0 || fnmatch(pattern, base, 0) == 0 { return true }
            if fnmatch(pattern, display, 1 << 3) == 0 { return true }  // FNM_LEADING_DIR: a pattern naming a folder skips what is inside it
        }
        return false
    }

    private func makeItem(name: String, fd: Int32, ownsFD: Bool, diskPath: String?, st: stat?, flags: UInt32) -> WalkItem {
        WalkItem(name: name, path: name, entry: nil, chain: [name], depth: 0,
                 source: FileDescriptorSource(fd: fd, ownsFD: ownsFD, regularFile: diskPath != nil), diskPath: diskPath,
                 size: st.map { Int64($0.st_size) }, mtime: st.map { Int64($0.st_mtim.tv_sec) }, mode: st.map { UInt32($0.st_mode) } ?? 0,
                 uid: st.map { Int64($0.st_uid) }, gid: st.map { Int64($0.st_gid) }, flags: flags,
                 reporter: reporter, spoolDirectory: options.spoolDirectory)
    }

    private func visit(path: String, display: String, topLevel: Bool) -> WalkItem? {
        if path == "-" && topLevel {
            return prepare(makeItem(name: "-", fd: stdinFD, ownsFD: false, diskPath: nil, st: nil, flags: UInt32(DSTOOL_ITEM_STDIN)))
        }
        if !topLevel && isExcluded(display) { return nil }
        var st = stat()
        // A symlink named on the command line is followed; inside folders only with --follow-symlinks.
        let statResult = (options.followSymlinks || topLevel) ? stat(path, &st) : lstat(path, &st)
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
            for case .directory(_, _, _, _, let open) in stack where open == id { return nil }
            do {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                stack.append(.directory(display: display, path: path, names: names, index: 0, id: id))
            } catch {
                report(ErrorRecord(input: display, reason: "cannot list directory: \(String(cString: strerror(errno == 0 ? EACCES : errno)))", code: "input.unreadable"))
            }
            return nil
        }
        guard type == S_IFREG else { return nil }  // sockets, devices, fifos are not evidence files
        if topLevel && isExcluded(display) { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            report(ErrorRecord(input: display, reason: String(cString: strerror(errno)), code: "input.unreadable"))
            return nil
        }
        return prepare(makeItem(name: display, fd: fd, ownsFD: true, diskPath: path, st: st, flags: 0))
    }

    /// Ends the walk early, releasing open files and temporary copies.
    public func close() {
        current?.cleanup(); current = nil
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
