import DSToolKit
import XCTest
@testable import DSToolCryptoAudit

final class ManifestTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func testEmbeddedManifestIsTheFile() throws {
        let file = try String(contentsOf: Self.root.appendingPathComponent("Manifests/cryptoaudit.json"), encoding: .utf8)
        XCTAssertEqual(CryptoAuditPlugin.manifestJSON, file.trimmingCharacters(in: .newlines))
    }

    func testManifestListsEveryRuleWithItsSeverityAndTitle() throws {
        let m = try PluginManifest.decode(Data(CryptoAuditPlugin.manifestJSON.utf8))
        XCTAssertEqual(m.id, "cryptoaudit")
        XCTAssertEqual(m.library, "libdstool-cryptoaudit.so")
        XCTAssertEqual(m.command(named: "crypto-audit")?.formats, ["cbom"])
        let declared = m.rules.map { "\($0.id) \($0.severity.rawValue) \($0.title.en) \($0.title.zh)" }
        let actual = AuditRules.all.map { r in "\(r.definition.id) \(r.definition.severity.rawValue) \(r.definition.title.en) \(r.definition.title.zh)" }
        XCTAssertEqual(declared, actual)
        XCTAssertEqual(Set(AuditRules.all.map(\.definition.id)).count, AuditRules.all.count, "rule ids are unique")
        for r in AuditRules.all { XCTAssertFalse(r.definition.cwe.isEmpty, r.definition.id) }
    }
}
