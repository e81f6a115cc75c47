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
