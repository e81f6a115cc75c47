import XCTest
@testable import DSToolCore

/// Outputs that are devices or FIFOs are written in place: renaming a temporary file onto /dev/null
/// would replace the device for every process on the machine.
final class AtomicOutputDeviceTests: XCTestCase {
    func testDevNullStaysADevice() throws {
        let out = try AtomicOutput(path: "/dev/null", replace: true)
        try out.write(Data("report".utf8))
        try out.commit()
        var st = stat()
        XCTAssertEqual(stat("/dev/null", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR)
        let aborted = try AtomicOutput(path: "/dev/null", replace: true)
        aborted.abort()
        XCTAssertEqual(stat("/dev/null", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR)
    }

    func testFIFOIsWrittenInPlace() throws {
        let path = NSTemporaryDirectory() + "atomic-fifo-\(UUID().uuidString)"
        XCTAssertEqual(mkfifo(path, 0o600), 0)
        defer { unlink(path) }
        let reader = Thread { _ = try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).readDataToEndOfFile() }
        reader.start()
        let out = try AtomicOutput(path: path, replace: true)
        try out.write(Data("x".utf8))
        try out.commit()
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO)
    }
}
