import DSToolCore
import DSToolKit
@testable import DSToolMask
import Foundation
import XCTest

/// Paths the tests need: the project root, and the shared test data (read in place).
enum TestPaths {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()  // Tests
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/testdata` from the project root, or from a folder above it (worktrees live deeper).
    static func sharedTestData() throws -> URL {
        if let env = ProcessInfo.processInfo.environment["DSTOOL_SHARED_TESTDATA"] { return URL(fileURLWithPath: env) }
        var dir = root
        for _ in 0..<4 {
            let candidate = dir.deletingLastPathComponent().appendingPathComponent("shared/testdata")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("vectors").path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw XCTSkip("shared/testdata not found above \(root.path)")
    }

    static func vectors() throws -> [String: Any] {
        let url = try sharedTestData().appendingPathComponent("vectors/standard-vectors.json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    /// A fresh temporary folder, removed when the test ends.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dstool-mask-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

func hexBytes(_ hex: String) -> [UInt8] {
    var out = [UInt8]()
    var it = hex.makeIterator()
    while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
    return out
}

/// Commands run through the real host in a temporary folder with a key file (mask.key).
class MaskCommandTestCase: XCTestCase {
    var dir: URL!
    var keyPath: String { dir.appendingPathComponent("mask.key").path }

    override func setUpWithError() throws {
        dir = try TestPaths.temporaryDirectory(self)
        try Data("0123456789abcdef0123456789abcdef\n".utf8).write(to: URL(fileURLWithPath: keyPath))
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }
    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
    func run(_ args: [String]) throws -> InProcess.Result { try InProcess.run(MaskPlugin.self, args + ["--format", "json"]) }
    func out(_ name: String) -> String { dir.appendingPathComponent(name).path }
    func summary(_ r: InProcess.Result) -> JSONValue? { r.data.first { $0.kind == "mask.summary" }?.value }
}
