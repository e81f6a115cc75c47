import DSToolCore
import DSToolKit
import Foundation
import XCTest
@testable import DSToolCryptoAudit

/// A temporary folder of files for one test, removed afterwards.
final class TempTree {
    let root: String
    init(_ files: [String: String] = [:]) {
        root = NSTemporaryDirectory() + "cryptoaudit-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for (name, text) in files { write(name, Array(text.utf8)) }
    }
    func path(_ name: String) -> String { root + "/" + name }
    func write(_ name: String, _ bytes: [UInt8]) {
        let p = path(name)
        try! FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: p, contents: Data(bytes))
    }
    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Runs a command line in `root` and returns its status and output.
    @discardableResult
    func sh(_ command: String) -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = URL(fileURLWithPath: root)
        var env = ProcessInfo.processInfo.environment
        env["OPENSSL_CONF"] = "/dev/null"
        p.environment = env
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try! p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

extension XCTestCase {
    /// Findings of one source file on its own, as "rule line subject".
    func sourceFindings(_ name: String, _ text: String) -> [String] {
        CryptoAuditEngine.auditSource(name: name, text: text).map { f in
            "\(f.ruleId) \(f.location.line ?? 0)" + (f.properties?["algorithm"]?.stringValue.map { " " + $0 } ?? "")
        }
    }

    /// Runs the plugin through the real host on a tree.
    func runAudit(_ args: [String]) throws -> InProcess.Result {
        try InProcess.run(CryptoAuditPlugin.self, ["crypto-audit", "--format", "json", "--no-progress"] + args)
    }

    /// Findings of a whole tree, as "rule file:line subject" (file relative to the tree).
    func treeFindings(_ tree: TempTree, _ extra: [String] = []) throws -> [String] {
        let r = try runAudit(extra + ["--no-inventory", tree.root])
        XCTAssertEqual(r.errors.map(\.line), [], "no errors expected")
        return r.findings.map { f in
            let file = f.location.input.replacingOccurrences(of: tree.root + "/", with: "")
            return "\(f.ruleId) \(file):\(f.location.line ?? 0)" + (f.properties?["algorithm"]?.stringValue.map { " " + $0 } ?? "")
        }
    }
}
