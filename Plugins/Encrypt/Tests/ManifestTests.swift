import DSToolCore
import DSToolKit
@testable import DSToolEncrypt
import XCTest

final class ManifestTests: XCTestCase {
    /// The manifest compiled into the plugin is Manifests/encrypt.json byte for byte.
    func testEmbeddedManifestMatchesFile() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Manifests/encrypt.json")
        let file = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(file.trimmingCharacters(in: .newlines), EncryptPlugin.manifestJSON.trimmingCharacters(in: .newlines))
        let m = try PluginManifest.decode(Data(EncryptPlugin.manifestJSON.utf8))
        XCTAssertEqual(m.id, "encrypt")
        XCTAssertEqual(Set(m.commands.map(\.name)), ["encrypt", "decrypt", "keygen", "sign", "verify", "hash"])
        for c in m.commands {
            for o in c.options { XCTAssertFalse(GlobalOptions.names.contains(o.name), "\(c.name) --\(o.name) collides with a host option") }
        }
    }
}
