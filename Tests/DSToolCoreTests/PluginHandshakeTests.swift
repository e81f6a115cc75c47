@testable import DSToolCore
import XCTest

/// The handshake takes an embedded manifest of the installed file's text as that manifest; any
/// other text is decoded and compared.
final class PluginHandshakeTests: XCTestCase {
    func testSameTextIgnoresOnlyTrailingLineEnds() {
        let cases: [(String, String, Bool)] = [
            ("{\"id\":\"scan\"}", "{\"id\":\"scan\"}\n", true),
            ("{\"id\":\"scan\"}\n", "{\"id\":\"scan\"}", true),
            ("{\"id\":\"scan\"}", "{\"id\":\"scan\"}\r\n", true),
            ("", "", true),
            ("", "\n", true),
            ("{\"id\":\"scan\"}", "{\"id\":\"scaN\"}", false),
            ("{\"id\":\"scan\"}", "{\"id\":\"scan\"} ", false),
            ("{\"id\":\"scan\"}", " {\"id\":\"scan\"}", false),
            ("{\"id\":\"scan\"}", "{\"id\":\"scan\"}\n{}", false),
            ("{\"id\":\"扫描\"}", "{\"id\":\"扫描\"}\n", true),
        ]
        for (embedded, file, same) in cases {
            XCTAssertEqual(embedded.withCString { PluginLoader.sameText($0, Array(file.utf8)) }, same,
                           "\(embedded.debugDescription) vs \(file.debugDescription)")
        }
    }
}
