@testable import DSToolKit
import Glibc
import XCTest

/// Whole reads and writes: through pipes that deliver in pieces, at the end of a file, and on
/// descriptors that fail.
final class FileDescriptorIOTests: XCTestCase {
    func pipePair() -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        return (fds[0], fds[1])
    }

    func testReadFullyGathersPiecesUntilTheBufferIsFull() {
        let (r, w) = pipePair()
        defer { close(r) }
        let pieces: [[UInt8]] = [[1, 2, 3], [4], [5, 6, 7, 8, 9], [10, 11, 12]]
        let writer = Thread {
            for piece in pieces {
                piece.withUnsafeBytes { _ = write(w, $0.baseAddress, $0.count) }
                usleep(2000)
            }
            close(w)
        }
        writer.start()
        var buffer = [UInt8](repeating: 0, count: 10)
        XCTAssertEqual(buffer.withUnsafeMutableBytes { FileDescriptorIO.readFully(r, into: $0) }, 10)
        XCTAssertEqual(buffer, Array(1...10))
        // The rest, then the end: a short count, then zero.
        var rest = [UInt8](repeating: 0, count: 8)
        XCTAssertEqual(rest.withUnsafeMutableBytes { FileDescriptorIO.readFully(r, into: $0) }, 2)
        XCTAssertEqual(Array(rest.prefix(2)), [11, 12])
        XCTAssertEqual(rest.withUnsafeMutableBytes { FileDescriptorIO.readFully(r, into: $0) }, 0)
    }

    func testWriteAllWritesMoreThanAPipeHoldsAtOnce() {
        let (r, w) = pipePair()
        defer { close(r) }
        let payload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }  // 1 MiB: the pipe holds 64 KiB
        let writer = Thread {
            XCTAssertTrue(payload.withUnsafeBytes { FileDescriptorIO.writeAll(w, $0) })
            close(w)
        }
        writer.start()
        var received = [UInt8](repeating: 0, count: payload.count + 1)
        XCTAssertEqual(received.withUnsafeMutableBytes { FileDescriptorIO.readFully(r, into: $0) }, payload.count)
        XCTAssertEqual(Array(received.prefix(payload.count)), payload)
    }

    func testFailuresAreReportedNotLooped() {
        var buffer = [UInt8](repeating: 0, count: 4)
        XCTAssertNil(buffer.withUnsafeMutableBytes { FileDescriptorIO.readFully(-1, into: $0) })
        XCTAssertFalse(buffer.withUnsafeBytes { FileDescriptorIO.writeAll(-1, $0) })
        XCTAssertEqual(errno, EBADF)
        // A pipe whose reader has gone: EPIPE (SIGPIPE ignored for the test), not a hang.
        let (r, w) = pipePair()
        close(r)
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous); close(w) }
        XCTAssertFalse(buffer.withUnsafeBytes { FileDescriptorIO.writeAll(w, $0) })
        XCTAssertEqual(errno, EPIPE)
        // A file opened read-only cannot be written; nothing to write always succeeds.
        let fd = open("/dev/null", O_RDONLY)
        defer { close(fd) }
        XCTAssertFalse(buffer.withUnsafeBytes { FileDescriptorIO.writeAll(fd, $0) })
        XCTAssertTrue(FileDescriptorIO.writeAll(fd, UnsafeRawBufferPointer(start: nil, count: 0)))
    }
}
