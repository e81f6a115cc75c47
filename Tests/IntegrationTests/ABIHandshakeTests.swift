import Foundation
import XCTest

/// Plugins that get the handshake wrong are refused with a message that says what is wrong,
/// and never take the others down. The bad plugins are compiled here from C.
final class ABIHandshakeTests: XCTestCase {
    var prefix: URL!
    override func setUpWithError() throws { prefix = try Built.install(fixtures: false) }
    override func tearDown() { try? FileManager.default.removeItem(at: prefix) }

    var pluginDir: URL { prefix.appendingPathComponent("lib/dstool/plugins") }

    /// Builds libdstool-<id>.so from C source and installs it with a manifest, then re-locks.
    func installCPlugin(id: String, manifestVersion: String = "1.0.0", manifestAbi: Int = 1, source: String) throws {
        let dir = Built.tempDir()
        let c = dir.appendingPathComponent("p.c")
        try Data(source.utf8).write(to: c)
        let so = pluginDir.appendingPathComponent("libdstool-\(id).so")
        let include = Built.root.appendingPathComponent("Sources/CDSToolPluginABI/include").path
        let cc = try Built.run("/usr/bin/cc", ["-shared", "-fPIC", "-I", include, "-o", so.path, c.path])
        XCTAssertEqual(cc.status, 0, cc.stderr)
        let manifest = """
        {"abi":\(manifestAbi),"category":"inventory","commands":[{"input":"items","name":"\(id)","options":[],"report":"stdout","summary":{"en":"t","zh":"t"},"usage":"dstool \(id)"}],"description":{"en":"t","zh":"t"},"id":"\(id)","inputs":[],"library":"libdstool-\(id).so","name":{"en":"t","zh":"t"},"rules":[],"tool_library":["检测评估"],"version":"\(manifestVersion)"}
        """
        try Data(manifest.utf8).write(to: pluginDir.appendingPathComponent("\(id).manifest.json"))
        XCTAssertEqual(try Built.dstool(prefix, ["plugins", "lock", pluginDir.path]).status, 0)
    }

    func plugin(abi: String = "DSTOOL_ABI_VERSION", size: String = "sizeof(dstool_plugin_v1)", id: String, version: String = "1.0.0",
                entry: String = "dstool_plugin_entry_v1", runBody: String = "return DSTOOL_STATUS_OK;") -> String {
        """
        #include "dstool_plugin.h"
        static const char *m(void) { return "{\\"abi\\":1,\\"category\\":\\"inventory\\",\\"commands\\":[{\\"input\\":\\"items\\",\\"name\\":\\"\(id)\\",\\"options\\":[],\\"report\\":\\"stdout\\",\\"summary\\":{\\"en\\":\\"t\\",\\"zh\\":\\"t\\"},\\"usage\\":\\"u\\"}],\\"description\\":{\\"en\\":\\"t\\",\\"zh\\":\\"t\\"},\\"id\\":\\"\(id)\\",\\"inputs\\":[],\\"library\\":\\"libdstool-\(id).so\\",\\"name\\":{\\"en\\":\\"t\\",\\"zh\\":\\"t\\"},\\"rules\\":[],\\"tool_library\\":[],\\"version\\":\\"\(version)\\"}"; }
        static int32_t run(const char *req, const dstool_host_api *host) { (void)req; (void)host; \(runBody) }
        static const dstool_plugin_v1 table = { \(abi), \(size), m, run };
        const dstool_plugin_v1 *\(entry)(void) { return &table; }
        """
    }

    func testWrongABIVersionIsRefused() throws {
        try installCPlugin(id: "oldabi", source: plugin(abi: "7", id: "oldabi"))
        let r = try Built.dstool(prefix, ["oldabi"])
        XCTAssertEqual(r.status, 3)
        XCTAssertEqual(r.stderr, "dstool: plugin oldabi: ABI version 7, this dstool speaks 1\n")
    }

    func testTruncatedTableIsRefused() throws {
        try installCPlugin(id: "small", source: plugin(size: "8", id: "small"))
        let r = try Built.dstool(prefix, ["small"])
        XCTAssertEqual(r.stderr, "dstool: plugin small: plugin table too small (8 bytes)\n")
    }

    func testMissingEntrySymbolIsRefused() throws {
        try installCPlugin(id: "noentry", source: plugin(id: "noentry", entry: "some_other_name"))
        let r = try Built.dstool(prefix, ["noentry"])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.hasSuffix("libdstool-noentry.so exports no dstool_plugin_entry_v1\n"), r.stderr)
    }

    func testManifestMismatchIsRefused() throws {
        try installCPlugin(id: "mismatch", manifestVersion: "2.0.0", source: plugin(id: "mismatch", version: "1.0.0"))
        let r = try Built.dstool(prefix, ["mismatch"])
        XCTAssertEqual(r.stderr, "dstool: plugin mismatch: library is mismatch 1.0.0 but its manifest says mismatch 2.0.0\n")
    }

    func testPluginStatusesMapToExitCodes() throws {
        try installCPlugin(id: "usage", source: plugin(id: "usage", runBody: "return DSTOOL_STATUS_USAGE;"))
        XCTAssertEqual(try Built.dstool(prefix, ["usage"]).status, 2)
        try installCPlugin(id: "failing", source: plugin(id: "failing", runBody: "return DSTOOL_STATUS_FAILED;"))
        XCTAssertEqual(try Built.dstool(prefix, ["failing"]).status, 3)
        // A plugin that emits garbage: the record is rejected, the run goes on.
        try installCPlugin(id: "garbage", source: plugin(id: "garbage", runBody: "host->emit(host->ctx, \"{nope\", 5); return DSTOOL_STATUS_OK;"))
        let g = try Built.dstool(prefix, ["garbage", "--format", "json"])
        XCTAssertEqual(g.status, 0)
        XCTAssertTrue(g.stderr.contains("plugin emitted an invalid record"), g.stderr)
        XCTAssertTrue(g.stdout.contains("\"findings\":[]"), g.stdout)
        // Others still work after all of this.
        XCTAssertEqual(try Built.dstool(prefix, ["plugins", "list"]).status, 0)
    }
}
