import Foundation
import XCTest

/// Locates ../shared/testdata (read in place, never copied) by walking up from this file.
enum SharedTestData {
    static let root: URL? = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<8 {
            let candidate = dir.appendingPathComponent("shared/testdata")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("vectors").path) { return candidate }
            let sibling = dir.appendingPathComponent("../shared/testdata").standardized
            if FileManager.default.fileExists(atPath: sibling.appendingPathComponent("vectors").path) { return sibling }
            dir = dir.deletingLastPathComponent()
        }
        let fixed = URL(fileURLWithPath: "/work/shared/testdata")
        return FileManager.default.fileExists(atPath: fixed.path) ? fixed : nil
    }()

    static func json(_ relative: String) throws -> [String: Any] {
        guard let root else { throw XCTSkip("../shared/testdata not found") }
        let data = try Data(contentsOf: root.appendingPathComponent(relative))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}

/// A temporary folder removed after the test.
final class TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("dstool-scan-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func file(_ name: String, _ contents: String) throws -> String {
        try file(name, Data(contents.utf8))
    }
    func file(_ name: String, _ data: Data) throws -> String {
        let u = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: u)
        return u.path
    }
    deinit { try? FileManager.default.removeItem(at: url) }
}
