import DSToolKit
import FoundationEssentials
import Glibc

/// A file written to a temporary name in its destination folder and renamed into place only when
/// complete; "-" writes straight to standard output.
public final class AtomicOutput {
    public let displayPath: String
    private let finalPath: String?
    private var tempPath: String?
    private var fd: Int32
    private let replace: Bool
    /// A device, FIFO or socket written in place (closed on commit/abort).
    private var special = false

    public init(path: String, mode: mode_t = 0o644, replace: Bool = false) throws {
        displayPath = path
        self.replace = replace
        if path == "-" {
            finalPath = nil; tempPath = nil; fd = STDOUT_FILENO
            return
        }
        // /dev/null, /dev/stdout, a FIFO: write to it in place. A temporary file renamed onto it would
        // replace the device for everyone on the machine.
        var st = stat()
        if stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG && (st.st_mode & S_IFMT) != S_IFDIR {
            fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw DSToolError.io("cannot open \(path): \(String(cString: strerror(errno)))") }
            finalPath = nil; tempPath = nil; special = true
            return
        }
        finalPath = path
        if !replace && FileManager.default.fileExists(atPath: path) {
            throw DSToolError.io("\(path) exists; not overwriting it")
        }
        let base = FilePaths.lastComponent(of: path)
        var template = Array(FilePaths.appending(to: FilePaths.folder(of: path), ".\(base).dstool-XXXXXX").utf8CString)
        fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw DSToolError.io("cannot create \(path): \(String(cString: strerror(errno)))") }
        tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        fchmod(fd, mode)
    }

    /// Whether this is "-", standard output.
    public var isStandardOutput: Bool { fd == STDOUT_FILENO && finalPath == nil && tempPath == nil && !special }

    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        guard FileDescriptorIO.writeAll(fd, buffer) else { throw DSToolError.io(String(cString: strerror(errno))) }
    }

    public func write(_ data: Data) throws { try data.withUnsafeBytes { try write($0) } }

    public func commit() throws {
        if special {
            special = false
            if Glibc.close(fd) != 0 { fd = -1; throw DSToolError.io("cannot write \(displayPath): \(String(cString: strerror(errno)))") }
            fd = -1
            return
        }
        guard let tempPath, let finalPath else { return }
        defer { self.tempPath = nil }
        if fsync(fd) != 0 || Glibc.close(fd) != 0 {
            let why = String(cString: strerror(errno))
            unlink(tempPath)
            throw DSToolError.io("cannot write \(finalPath): \(why)")
        }
        fd = -1
        if !replace && FileManager.default.fileExists(atPath: finalPath) {
            unlink(tempPath)
            throw DSToolError.io("\(finalPath) appeared while writing; not overwriting it")
        }
        if rename(tempPath, finalPath) != 0 {
            let why = String(cString: strerror(errno))
            unlink(tempPath)
            throw DSToolError.io("cannot move into place \(finalPath): \(why)")
        }
    }

    public func abort() {
        if special { special = false; Glibc.close(fd); fd = -1; return }
        guard let tempPath else { return }
        if fd >= 0 { Glibc.close(fd); fd = -1 }
        unlink(tempPath)
        self.tempPath = nil
    }

    deinit { abort() }
}

/// Secrets from env:NAME, fd:N, file:PATH or prompt:TEXT (terminal, no echo) — never argv.
final class SecretReader {
    func read(_ source: String) throws -> [UInt8] {
        guard let colon = source.firstIndex(of: ":") else {
            throw DSToolError.usage("secret source '\(source)' must be env:NAME, fd:N, file:PATH or prompt:TEXT")
        }
        let kind = source[..<colon], arg = String(source[source.index(after: colon)...])
        switch kind {
        case "env":
            guard let v = getenv(arg) else { throw DSToolError.usage("environment variable \(arg) is not set") }
            return Array(String(cString: v).utf8)
        case "fd":
            guard let fd = Int32(arg), fd >= 0 else { throw DSToolError.usage("fd:\(arg) is not a file descriptor number") }
            return try readAll(fd: fd, name: "fd \(fd)", stripNewline: true)
        case "file":
            let fd = open(arg, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw DSToolError.io("\(arg): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            return try readAll(fd: fd, name: arg, stripNewline: true)
        case "prompt":
            guard isatty(STDIN_FILENO) != 0 || isatty(STDERR_FILENO) != 0, let tty = fopen("/dev/tty", "r+") else {
                throw DSToolError.usage("a passphrase is needed but there is no terminal to ask on (use env:, fd: or file:)")
            }
            defer { fclose(tty) }
            fputs(arg, tty); fflush(tty)
            var old = termios()
            let fd = fileno(tty)
            tcgetattr(fd, &old)
            var noEcho = old
            noEcho.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(fd, TCSAFLUSH, &noEcho)
            defer { tcsetattr(fd, TCSAFLUSH, &old); fputs("\n", tty) }
            var bytes: [UInt8] = []
            while true {
                let c = fgetc(tty)
                if c == EOF || c == 10 || c == 13 { break }
                bytes.append(UInt8(truncatingIfNeeded: c))
            }
            return bytes
        default:
            throw DSToolError.usage("secret source '\(source)' must be env:NAME, fd:N, file:PATH or prompt:TEXT")
        }
    }

    private func readAll(fd: Int32, name: String, stripNewline: Bool) throws -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw DSToolError.io("\(name): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
            if out.count > 1 << 20 { throw DSToolError.invalid("\(name): secret longer than 1 MiB") }
        }
        buf.withUnsafeMutableBytes { memset_s_portable($0.baseAddress!, $0.count) }
        if stripNewline {
            while let last = out.last, last == 10 || last == 13 { out.removeLast() }
        }
        return out
    }
}
