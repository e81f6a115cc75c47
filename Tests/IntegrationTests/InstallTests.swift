import Foundation
import XCTest

/// The installed tree: relocatable, verified before loading, robust to broken plugins.
final class InstallTests: XCTestCase {
    var prefix: URL!
    override func setUpWithError() throws { prefix = try Built.install() }
    override func tearDown() { try? FileManager.default.removeItem(at: prefix) }

    var pluginDir: URL { prefix.appendingPathComponent("lib/dstool/plugins") }

    func evidenceFile() throws -> URL {
        let d = Built.tempDir()
        let f = d.appendingPathComponent("note.txt")
        try Data("hello\n".utf8).write(to: f)
        return f
    }

    func testCopiedTreeRunsBothPluginsWithNoEnvironment() throws {
        let moved = Built.tempDir().appendingPathComponent("elsewhere")
        try FileManager.default.copyItem(at: prefix, to: moved)
        try FileManager.default.removeItem(at: prefix)
        prefix = moved
        let f = try evidenceFile()
        let inv = try Built.dstool(moved, ["inventory", "--format", "jsonl", f.path])
        XCTAssertEqual(inv.status, 0, inv.stderr)
        // sha256("hello\n")
        XCTAssertTrue(inv.stdout.contains("\"sha256\":\"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\""), inv.stdout)
        XCTAssertTrue(inv.stdout.contains("\"type\":\"summary\""))
        let echo = try Built.dstool(moved, ["echo-items", "--format", "json", f.path])
        XCTAssertEqual(echo.status, 0, echo.stderr)
        XCTAssertTrue(echo.stdout.contains("\"text\":\"hello\\n\""), echo.stdout)
        let verify = try Built.dstool(moved, ["plugins", "verify"])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertFalse(verify.stdout.contains("FAIL"))
    }

    func testDigestMismatchIsRefusedUnlessAllowed() throws {
        let lib = pluginDir.appendingPathComponent("libdstool-inventory.so")
        let h = try FileHandle(forWritingTo: lib)
        h.seekToEndOfFile(); h.write(Data([0])); try h.close()
        let f = try evidenceFile()
        let refused = try Built.dstool(prefix, ["inventory", f.path])
        XCTAssertEqual(refused.status, 3)
        XCTAssertEqual(refused.stderr, "dstool: refusing plugin inventory: SHA-256 of libdstool-inventory.so differs from plugins.lock (run 'dstool plugins verify', or pass --allow-unverified-plugins)\n")
        let allowed = try Built.dstool(prefix, ["inventory", "--allow-unverified-plugins", f.path])
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        let verify = try Built.dstool(prefix, ["plugins", "verify"])
        XCTAssertEqual(verify.status, 1)
        XCTAssertTrue(verify.stdout.contains("FAIL inventory"), verify.stdout)
        // Another plugin still runs.
        XCTAssertEqual(try Built.dstool(prefix, ["echo-items", f.path]).status, 0)
    }

    func testGroupWritablePluginOrFolderIsRefused() throws {
        let lib = pluginDir.appendingPathComponent("libdstool-inventory.so")
        chmod(lib.path, 0o775)
        let f = try evidenceFile()
        let r = try Built.dstool(prefix, ["inventory", f.path])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("is writable by group or others"), r.stderr)
        chmod(lib.path, 0o755)
        chmod(pluginDir.path, 0o777)
        let r2 = try Built.dstool(prefix, ["inventory", f.path])
        XCTAssertEqual(r2.status, 3)
        XCTAssertTrue(r2.stderr.contains("folder \(pluginDir.path) is writable by group or others"), r2.stderr)
        chmod(pluginDir.path, 0o755)
    }

    func testMissingLockRefuses() throws {
        try FileManager.default.removeItem(at: pluginDir.appendingPathComponent("plugins.lock"))
        let r = try Built.dstool(prefix, ["inventory", try evidenceFile().path])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("no plugins.lock in"), r.stderr)
    }

    func testBrokenManifestDoesNotStopOthers() throws {
        try Data("{ not json".utf8).write(to: pluginDir.appendingPathComponent("junk.manifest.json"))
        try Data(#"{"id":"half"}"#.utf8).write(to: pluginDir.appendingPathComponent("half.manifest.json"))
        let list = try Built.dstool(prefix, ["plugins", "list"])
        XCTAssertEqual(list.status, 0)
        XCTAssertTrue(list.stdout.contains("inventory"), list.stdout)
        XCTAssertTrue(list.stdout.contains("broken: \(pluginDir.path)/junk.manifest.json: invalid manifest: not JSON"), list.stdout)
        XCTAssertTrue(list.stdout.contains("half.manifest.json: invalid manifest: missing \"version\""), list.stdout)
        XCTAssertEqual(try Built.dstool(prefix, ["inventory", try evidenceFile().path]).status, 0)
    }

    func testListingLoadsNoPluginLibrary() throws {
        // A manifest whose library is not a shared object at all: listing and help must not care.
        let manifest = #"{"abi":1,"category":"inventory","commands":[{"input":"none","name":"ghost","options":[],"report":"stdout","summary":{"en":"Ghost","zh":"幽灵"},"usage":"dstool ghost"}],"description":{"en":"x","zh":"x"},"id":"ghost","inputs":[],"library":"libdstool-ghost.so","name":{"en":"Ghost","zh":"幽灵"},"rules":[],"tool_library":["检测评估"],"version":"1.0.0"}"#
        try Data(manifest.utf8).write(to: pluginDir.appendingPathComponent("ghost.manifest.json"))
        try Data("not an ELF file".utf8).write(to: pluginDir.appendingPathComponent("libdstool-ghost.so"))
        let help = try Built.dstool(prefix, ["help"], env: ["LD_DEBUG": "files"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("ghost"))
        XCTAssertFalse(help.stderr.contains("libdstool-"), "help loaded a plugin library")
        let list = try Built.dstool(prefix, ["plugins", "list"], env: ["LD_DEBUG": "files"])
        XCTAssertFalse(list.stderr.contains("libdstool-"), "plugins list loaded a plugin library")
        // Running the command loads (only) that plugin — and refuses it, since it is not locked.
        let run = try Built.dstool(prefix, ["ghost"])
        XCTAssertEqual(run.status, 3)
        XCTAssertTrue(run.stderr.contains("refusing plugin ghost: ghost is not listed in plugins.lock"), run.stderr)
        let forced = try Built.dstool(prefix, ["ghost", "--allow-unverified-plugins"])
        XCTAssertEqual(forced.status, 3)
        XCTAssertTrue(forced.stderr.contains("plugin ghost: cannot load"), forced.stderr)
    }

    func testPluginPathComesFirst() throws {
        // DSTOOL_PLUGIN_PATH shadows the installed plugins folder.
        let other = Built.tempDir()
        chmod(other.path, 0o755)
        let echoManifest = try String(contentsOf: pluginDir.appendingPathComponent("echo.manifest.json"), encoding: .utf8)
        try Data(echoManifest.replacingOccurrences(of: "Echo input items (test fixture)", with: "Shadowing echo").utf8)
            .write(to: other.appendingPathComponent("echo.manifest.json"))
        try FileManager.default.copyItem(at: pluginDir.appendingPathComponent("libdstool-echo.so"), to: other.appendingPathComponent("libdstool-echo.so"))
        XCTAssertEqual(try Built.dstool(prefix, ["plugins", "lock", other.path]).status, 0)
        let help = try Built.dstool(prefix, ["help"], env: ["DSTOOL_PLUGIN_PATH": other.path])
        XCTAssertTrue(help.stdout.contains("Shadowing echo"), help.stdout)
        let run = try Built.dstool(prefix, ["echo-items", try evidenceFile().path], env: ["DSTOOL_PLUGIN_PATH": other.path])
        XCTAssertEqual(run.status, 0, run.stderr)
    }
}
