import DSToolCore
import DSToolKit
@testable import DSToolScan
import XCTest

final class ScanCommandTests: XCTestCase {
    func testEmbeddedManifestIsTheManifestFile() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../Manifests/scan.json")
        let file = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(ScanPlugin.manifestJSON, file.trimmingCharacters(in: .newlines))
        let m = try PluginManifest.decode(Data(file.utf8))
        XCTAssertEqual(m.id, "scan")
        XCTAssertEqual(m.library, "libdstool-scan.so")
    }

    func testScanReportsRedactedPIIWithLineAndColumn() throws {
        let dir = try TempDir()
        let path = try dir.file("people.txt", "first line\n姓名 王小明 身份证 11010519491231002X\n")
        let r = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", path])
        XCTAssertEqual(r.exitCode, 1)
        let ids = r.findings.filter { $0.ruleId == "pii.cn_id_card" }
        XCTAssertEqual(ids.count, 1)
        let f = try XCTUnwrap(ids.first)
        XCTAssertEqual(f.location.line, 2)
        XCTAssertEqual(f.location.column, 12)
        XCTAssertEqual(f.location.offset, Int64("first line\n姓名 王小明 身份证 ".utf8.count))
        XCTAssertEqual(f.location.length, 18)
        XCTAssertEqual(f.evidence, "1101************2X")
        XCTAssertFalse(r.report.contains("11010519491231002X"), "the value never appears in the report by default")
        let shown = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--show-secrets", path])
        XCTAssertEqual(shown.findings.first { $0.ruleId == "pii.cn_id_card" }?.evidence, "11010519491231002X")
        XCTAssertEqual(shown.findings.first { $0.ruleId == "pii.cn_id_card" }?.fingerprint, f.fingerprint)
    }
}

final class ManifestRulesTests: XCTestCase {
    /// The manifest lists every rule the plugin can emit. DSTOOL_UPDATE_MANIFEST=1 rewrites the list.
    func testManifestListsEveryRule() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../Manifests/scan.json").standardized
        let text = try String(contentsOf: url, encoding: .utf8)
        let expected = RuleCatalog.manifestRules()
        if ProcessInfo.processInfo.environment["DSTOOL_UPDATE_MANIFEST"] == "1" {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let lines = try expected.map { "    " + String(decoding: try enc.encode($0), as: UTF8.self) }
            let start = text.range(of: "  \"rules\": [")!
            let end = text.range(of: "\n  ],\n", range: start.upperBound..<text.endIndex) ?? text.range(of: "],\n", range: start.upperBound..<text.endIndex)!
            let updated = text[..<start.lowerBound] + "  \"rules\": [\n" + lines.joined(separator: ",\n") + "\n  ],\n" + text[end.upperBound...]
            try String(updated).write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let m = try PluginManifest.decode(Data(text.utf8))
        XCTAssertEqual(m.rules, expected, "run DSTOOL_UPDATE_MANIFEST=1 swift test --filter ManifestRulesTests, then Scripts/embed-manifests")
    }
}
