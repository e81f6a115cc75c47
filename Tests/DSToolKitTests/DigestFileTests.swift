import DSToolKit
import Foundation
import XCTest

/// Digests of files, read in 1 MiB blocks through one buffer.
final class DigestFileTests: XCTestCase {
    func testFileDigestsEqualTheDigestsOfTheBytes() throws {
        let dir = NSTemporaryDirectory() + "dstool-digest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for size in [0, 1, (1 << 20) - 1, 1 << 20, (5 << 19) + 3] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 11) }
            let path = dir + "/f\(size)"
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            let both = try Digest.fileDigests(path: path)
            XCTAssertEqual(both.size, Int64(size))
            XCTAssertEqual(both.sha256, Digest.sha256Hex(bytes), "size \(size)")
            XCTAssertEqual(try Digest.fileDigest(.sha256, path: path), both.sha256)
            let sm3 = Digest(.sm3)
            bytes.withUnsafeBytes { sm3.update($0) }
            XCTAssertEqual(both.sm3, Digest.hex(sm3.finish()), "size \(size)")
        }
        XCTAssertEqual(try Digest.fileDigest(.sha256, path: dir + "/f0"), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertThrowsError(try Digest.fileDigest(.sha256, path: dir + "/missing")) {
            XCTAssertEqual("\($0)", "cannot open \(dir)/missing: No such file or directory")
        }
        XCTAssertThrowsError(try Digest.fileDigest(.sha256, path: dir)) {
            XCTAssertEqual("\($0)", "cannot read \(dir): Is a directory")
        }
    }
}
