import CDSToolPluginABI
import DSToolKit
import Foundation

/// Walks the inputs of a run and yields items one at a time: files, directories (recursively,
/// symlinks not followed unless asked), stdin as "-", and (through ArchiveExpander) the entries of
/// archives, nested. Problems with one input are reported through `report` and the walk goes on.
public final class InputWalker {
    public let options: WalkOptions
    /// Receives one error record per input that could not be read.
    var report: (ErrorRecord) -> Void
    /// Receives findings about inputs (limit breaches).
    var reportFinding: (Finding) -> Void
    private var pending: [String]
    private var stack: [Frame] = []
    private var current: WalkItem?
    private let magic = MagicDetector()
    public private(set) var itemCount = 0
    let archives: ArchiveExpander

    enum Frame {
        case directory(display: String, path: String, names: [String], index: Int)
        case archive(ArchiveFrame)
    }

    public init(inputs: [String], options: WalkOptions, report: @escaping (ErrorRecord) -> Void,
                reportFinding: @escaping (Finding) -> Void) {
        self.options = options
        self.report = report
        self.reportFinding = reportFinding
        self.pending = inputs.reversed()
        self.archives = ArchiveExpander(limits: options.limits)
    }

    /// The next item, or nil at the end. The previous item is finished first (and, if it is an
    /// archive, descended into).
    public func next() -> WalkItem? {
        if let item = current {
            current = nil
            if options.expandArchives, let frame = archives.open(container: item, report: report, reportFinding: reportFinding) {
                stack.append(.archive(frame))
            } else {
                item.cleanup()
            }
        }
        while true {
            if let top = stack.popLast() {
                switch top {
                case .directory(let display, let path, let names, let index):
                    guard index < names.count else { continue }
                    stack.append(.directory(display: display, path: path, names: names, index: index + 1))
                    let childPath = (path as NSString).appendingPathComponent(names[index])
                    let childDisplay = display == "." ? names[index] : (display as NSString).appendingPathComponent(names[index])
                    if let item = visit(path: childPath, display: childDisplay, topLevel: false) { return deliver(item) }
                case .archive(let frame):
                    switch frame.nextEntry(walker: self) {
                    case .item(let item):
                        stack.append(.archive(frame))
                        if let item = prepare(item) { return deliver(item) }
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

    /// Classifies an item once its metadata is known (type, encoding); nil if it failed.
    func prepare(_ item: WalkItem) -> WalkItem? {
        if item.flags & UInt32(DSTOOL_ITEM_ENCRYPTED) != 0 { return item }
        do {
            try item.detect(headSize: options.headSize, magic: magic, forced: options.forcedEncoding)
            if options.expandArchives && item.depth < options.limits.maxDepth && archives.isContainer(item) {
                item.flags |= UInt32(DSTOOL_ITEM_CONTAINER)
            } else if options.expandArchives && archives.isContainer(item) {
                reportFinding(InputFindings.limit(item: item, kind: "depth",
                    message: "archive nested deeper than --max-depth \(options.limits.maxDepth); not opened"))
            }
            return item
        } catch {
            report(ErrorRecord(input: item.name, reason: "\(error)", code: archives.errorCode(for: error)))
            item.cleanup()
            return nil
        }
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

    private func visit(path: String, display: String, topLevel: Bool) -> WalkItem? {
        if path == "-" && topLevel {
            let source = FileDescriptorSource(fd: STDIN_FILENO, ownsFD: false)
            let item = WalkItem(name: "-", path: "-", entry: nil, chain: ["-"], depth: 0, source: source, diskPath: nil,
                                size: nil, mtime: nil, mode: 0, uid: nil, gid: nil, flags: UInt32(DSTOOL_ITEM_STDIN))
            return prepare(item)
        }
        if !topLevel && isExcluded(display) { return nil }
        var st = stat()
        let statResult = (options.followSymlinks || topLevel) ? stat(path, &st) : lstat(path, &st)
        if statResult != 0 {
            report(ErrorRecord(input: display, reason: String(cString: strerror(errno)), code: "input.unreadable"))
            return nil
        }
        let type = st.st_mode & S_IFMT
        if type == S_IFLNK { return nil }  // not followed unless asked
        if type == S_IFDIR {
            guard options.recurse else {
                report(ErrorRecord(input: display, reason: "is a directory", code: "input.directory"))
                return nil
            }
            do {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                stack.append(.directory(display: display, path: path, names: names, index: 0))
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
        let item = WalkItem(name: display, path: display, entry: nil, chain: [display], depth: 0,
                            source: FileDescriptorSource(fd: fd, ownsFD: true), diskPath: path,
                            size: Int64(st.st_size), mtime: Int64(st.st_mtim.tv_sec), mode: UInt32(st.st_mode),
                            uid: Int64(st.st_uid), gid: Int64(st.st_gid), flags: 0)
        return prepare(item)
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
    static func limit(item: WalkItem, kind: String, message: String) -> Finding {
        Finding(ruleId: "input.limit.\(kind)",
                title: LocalizedText(en: "Input limit reached", zh: "超出输入限制"),
                message: LocalizedText(en: message, zh: message),
                category: "input", severity: .medium,
                location: Location(input: item.name, path: item.path, chain: item.chain.count > 1 ? item.chain : nil),
                evidence: nil, properties: ["limit": .string(kind)])
    }
}
