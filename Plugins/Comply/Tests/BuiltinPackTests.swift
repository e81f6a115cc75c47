@testable import DSToolComply
import DSToolCore
import DSToolKit
import Foundation
import XCTest

/// The manifest and the embedded packs are the files in the repository, byte for byte.
final class BuiltinPackTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../..").standardized

    func testEmbeddedManifestIsTheManifestFile() throws {
        let file = try String(contentsOf: Self.repo.appendingPathComponent("Manifests/comply.json"), encoding: .utf8)
        XCTAssertEqual(CompliancePlugin.manifestJSON, file.trimmingCharacters(in: .newlines))
        let m = try PluginManifest.decode(Data(file.utf8))
        XCTAssertEqual(m.id, "comply")
        XCTAssertEqual(m.library, "libdstool-comply.so")
        XCTAssertEqual(m.command(named: "comply")?.formats, ["xccdf"])
        // Every built-in control is a rule of the manifest, with its severity and clauses.
        let lib = try PackLibrary.builtin()
        XCTAssertEqual(Set(m.rules.map(\.id)), Set(lib.controlIds))
        for r in m.rules {
            let d = lib.definitions[r.id]!.value
            XCTAssertEqual(r.severity, d.severity, r.id)
            XCTAssertEqual(r.references ?? [], d.clauses.map(\.id), r.id)
            XCTAssertEqual(r.title, d.title, r.id)
        }
    }

    func testEmbeddedPacksAreTheFiles() throws {
        let packs = Self.repo.appendingPathComponent("Plugins/Comply/Packs")
        let controls = try FileManager.default.contentsOfDirectory(atPath: packs.appendingPathComponent("controls").path).filter { $0.hasSuffix(".yaml") }
        XCTAssertEqual(Set(controls.map { "controls/" + $0 }), Set(BuiltinPacks.controlFiles.keys))
        for c in controls {
            let text = try String(contentsOf: packs.appendingPathComponent("controls/" + c), encoding: .utf8)
            XCTAssertEqual(BuiltinPacks.controlFiles["controls/" + c], text.trimmingCharacters(in: .newlines), "\(c): run Scripts/embed-comply-packs")
        }
        for p in BuiltinPacks.packNames {
            let text = try String(contentsOf: packs.appendingPathComponent(p + ".yaml"), encoding: .utf8)
            XCTAssertEqual(BuiltinPacks.packFiles[p + ".yaml"], text.trimmingCharacters(in: .newlines), "\(p): run Scripts/embed-comply-packs")
        }
    }

    /// One control per file, named after its id.
    func testControlFilesAreNamedAfterTheirIds() throws {
        let lib = try PackLibrary.builtin()
        for id in lib.controlIds {
            XCTAssertEqual(lib.definitions[id]!.value.position.file, "builtin:controls/\(id.lowercased()).yaml")
        }
    }

    func testListShowsControlsWithoutReadingEvidence() throws {
        let r = try InProcess.run(CompliancePlugin.self, ["comply", "--list", "--pack", "cn-pi", "--format", "json"])
        XCTAssertEqual(r.exitCode, 0)
        let defs = r.data.filter { $0.kind == "control-definition" }
        XCTAssertEqual(defs.count, try PackLibrary.builtin().loadPack("cn-pi", cwd: "/").controls.count)
        XCTAssertEqual(defs.first { $0.value["control"]?.stringValue == "PI-SENSITIVE-PLAINTEXT-COLUMNS" }?.value["severity"]?.stringValue, "critical")
    }
}
