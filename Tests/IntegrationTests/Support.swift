import Foundation
import XCTest

/// Runs the built dstool binary (and installs it into temporary prefixes) for end-to-end tests.
enum Built {
    /// The package root, from this file's location.
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The build products folder: the test bundle lives there, beside dstool and the plugin libraries.
    static var productsDir: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("dstool").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    static func requireBinary(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let bin = productsDir.appendingPathComponent("dstool")
        guard FileManager.default.isExecutableFile(atPath: bin.path) else {
            XCTFail("\(bin.path) is missing: run 'swift build' before 'swift test' (Scripts/test does)", file: file, line: line)
            throw XCTSkip("no binary")
        }
        return bin
    }

    /// Every temporary folder of this test process lives under one root that is removed when the
    /// process exits, so a run leaves nothing in the temporary directory even when a test fails
    /// before its own clean-up (installed prefixes are ~100 MB each).
    static let runRoot: URL = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dstool-it-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: Built.runRoot) }
        return root
    }()

    /// A fresh installed prefix (binary, plugins, manifests, lock, Swift runtime) in a temporary folder.
    static func install(fixtures: Bool = true) throws -> URL {
        _ = try requireBinary()
        let prefix = runRoot.appendingPathComponent("prefix-\(UUID().uuidString)")
        var args = [root.appendingPathComponent("Scripts/install").path, "--from-bin", productsDir.path, "--prefix", prefix.path]
        if fixtures { args.append("--with-fixtures") }
        let r = try run(args[0], Array(args.dropFirst()), cwd: root)
        guard r.status == 0 else { throw NSError(domain: "install", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        return prefix
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a program with a clean environment (PATH only, plus `env`).
    @discardableResult
    static func run(_ exe: String, _ args: [String], env: [String: String] = [:], cwd: URL? = nil, stdin: Data? = nil) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        var environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LANG": "C.UTF-8"]
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        if let cwd { p.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out; p.standardError = err; p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(stdin) }
        try inp.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child cannot block on a full pipe.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    static func dstool(_ prefix: URL, _ args: [String], env: [String: String] = [:], cwd: URL? = nil, stdin: Data? = nil) throws -> Output {
        try run(prefix.appendingPathComponent("bin/dstool").path, args, env: env, cwd: cwd, stdin: stdin)
    }

    static func tempDir() -> URL {
        let d = runRoot.appendingPathComponent(UUID().uuidString)
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }
}
