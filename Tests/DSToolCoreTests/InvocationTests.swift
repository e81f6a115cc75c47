import DSToolCore
import DSToolKit
import XCTest

final class InvocationTests: XCTestCase {
    let opts = [PluginManifest.Option(name: "show-secrets", kind: "flag", help: LocalizedText("x")),
                PluginManifest.Option(name: "rules", short: "r", kind: "multi", help: LocalizedText("x"))]

    func testGlobalAndCommandOptionsAnywhere() throws {
        let inv = try Invocation.parse(["--format", "json", "scan", "a", "--show-secrets", "-r", "x.yaml", "--rules=y.yaml", "-", "--lang=zh"]) { $0 == "scan" ? self.opts : nil }
        XCTAssertEqual(inv.command, "scan")
        XCTAssertEqual(inv.globalValue("format"), "json")
        XCTAssertEqual(inv.globalValue("lang"), "zh")
        XCTAssertEqual(inv.options["show-secrets"], .bool(true))
        XCTAssertEqual(inv.options["rules"], .array(["x.yaml", "y.yaml"]))
        XCTAssertEqual(inv.positionals, ["a", "-"])
    }

    func testUnknownOptionIsUsageError() {
        XCTAssertThrowsError(try Invocation.parse(["scan", "--nope"]) { _ in self.opts }) { e in
            XCTAssertEqual("\(e)", "unknown option --nope for 'scan'")
        }
        XCTAssertThrowsError(try Invocation.parse(["scan", "--format"]) { _ in self.opts }) { e in
            XCTAssertEqual("\(e)", "option --format needs a value")
        }
    }

    func testDoubleDashEndsOptions() throws {
        let inv = try Invocation.parse(["scan", "--", "--show-secrets"]) { _ in self.opts }
        XCTAssertEqual(inv.positionals, ["--show-secrets"])
        XCTAssertNil(inv.options["show-secrets"])
    }

    func testByteSizes() {
        XCTAssertEqual(ByteSize.parse("512"), 512)
        XCTAssertEqual(ByteSize.parse("64K"), 65536)
        XCTAssertEqual(ByteSize.parse("8G"), 8 << 30)
        XCTAssertEqual(ByteSize.parse("2MiB"), 2 << 20)
        XCTAssertNil(ByteSize.parse("lots"))
        XCTAssertNil(ByteSize.parse("99999999999T"))
    }
}
