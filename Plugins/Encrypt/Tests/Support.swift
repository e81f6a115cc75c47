import DSToolCore
import DSToolKit
@testable import DSToolEncrypt
import Foundation
import XCTest

enum TestSupport {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// ../shared/testdata from the project root (a worktree may sit one level deeper).
    static func sharedTestdata() throws -> URL {
        var dir = packageRoot
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("../shared/testdata").standardized
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("README.md").path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        XCTFail("../shared/testdata not found above \(packageRoot.path)")
        throw XCTSkip("no shared testdata")
    }

    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("dstool-encrypt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// Runs a dstool command line through the real host in this process.
    @discardableResult
    static func dstool(_ args: [String]) throws -> InProcess.Result {
        try InProcess.run(EncryptPlugin.self, args)
    }

    /// Finds a program on PATH, or fails the test with a clear message.
    static func requireTool(_ name: String, package: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        for dir in ["/usr/local/bin", "/usr/bin", "/bin"] {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        XCTFail("`\(name)` is not installed: install the Debian package \(package) (listed in Scripts/deps-debian.txt)", file: file, line: line)
        throw XCTSkip("\(name) missing")
    }

    struct Output { var status: Int32; var stdout: Data; var stderr: String }

    @discardableResult
    static func run(_ exe: String, _ args: [String], stdin: Data? = nil, env: [String: String] = [:]) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out; p.standardError = err; p.standardInput = inp
        try p.run()
        // Both pipes are drained concurrently so a chatty child never blocks on a full pipe.
        final class Box: @unchecked Sendable { var data = Data() }
        let o = Box(), e = Box()
        let group = DispatchGroup()
        group.enter(); DispatchQueue.global().async { o.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter(); DispatchQueue.global().async { e.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if let stdin { inp.fileHandleForWriting.write(stdin) }
        try inp.fileHandleForWriting.close()
        p.waitUntilExit()
        group.wait()
        return Output(status: p.terminationStatus, stdout: o.data, stderr: String(decoding: e.data, as: UTF8.self))
    }

    /// Deterministic pseudo-random bytes (tests only).
    static func bytes(_ n: Int, seed: UInt64) -> [UInt8] {
        var x = seed &+ 0x9E3779B97F4A7C15
        var out = [UInt8](repeating: 0, count: n)
        for i in 0..<n {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            out[i] = UInt8(truncatingIfNeeded: x >> 24)
        }
        return out
    }

    static func write(_ bytes: [UInt8], to url: URL) throws { try Data(bytes).write(to: url) }
    static func read(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }

    /// Decrypts in memory; returns the plaintext or throws the EnvelopeError.
    static func decrypt(_ file: [UInt8], _ identities: [Identity], armor: Bool? = nil) throws -> [UInt8] {
        let opened = try Envelope.open(MemorySource(file), armor: armor)
        let sink = MemorySink()
        try Envelope.decrypt(opened, identities: { _ in identities }, sink: sink)
        return sink.bytes
    }

    static func encrypt(_ plain: [UInt8], _ recipients: [Recipient], scheme: Scheme, armor: Bool = false,
                        backend: GMChunkCipher.Backend = .best) throws -> [UInt8] {
        let sink = MemorySink()
        try Envelope.encrypt(MemorySource(plain), to: recipients, scheme: scheme, armor: armor, sink: sink, gmBackend: backend)
        return sink.bytes
    }

    static func envelopeError(_ body: () throws -> Any) -> EnvelopeError? {
        do { _ = try body(); return nil } catch let e as EnvelopeError { return e } catch { return .unusable("other error: \(error)") }
    }
}
