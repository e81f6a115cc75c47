import DSToolKit
import FoundationEssentials
import Glibc

/// An unlinked temporary file: written, then read back from the start. It has no name from the
/// moment it is made, so nothing is left behind when the process ends, however it ends.
final class ScratchFile {
    private var fd: Int32

    /// Made in the first of `directories` that takes it.
    init(directories: [String], prefix: String) throws {
        fd = -1
        var why = ""
        for dir in directories {
            var template = Array(FilePaths.appending(to: dir, ".\(prefix)-XXXXXX").utf8CString)
            fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            if fd >= 0 {
                template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
                return
            }
            why = "cannot create a temporary file in \(dir): \(String(cString: strerror(errno)))"
        }
        throw DSToolError.io(why)
    }

    deinit { if fd >= 0 { close(fd) } }

    static var temporaryDirectory: String { ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp" }

    func write(_ data: Data) throws {
        try data.withUnsafeBytes { p in
            var off = 0
            while off < p.count {
                let n = Glibc.write(fd, p.baseAddress! + off, p.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DSToolError.io(String(cString: strerror(errno)))
                }
                off += n
            }
        }
    }

    /// Calls `body` with each chunk of the file, from the start.
    func readAll(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw DSToolError.io(String(cString: strerror(errno))) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw DSToolError.io(String(cString: strerror(errno)))
            }
            if n == 0 { return }
            try chunk.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }
}
