import Foundation
import XCTest
@testable import DSToolCryptoAudit

/// The plugin imports FoundationEssentials, not Foundation (the built library's needs:
/// DSToolCoreTests.FoundationFreeTests): what stands in for Foundation's JSON reading must read
/// configuration values as it did (the trimming: DSToolKitTests.TrimmingTests).
final class ConfigJSONTests: XCTestCase {
    func testJSONConfigValuesByPath() {
        let text = #"{"server": {"ssl": {"protocols": "TLSv1.2", "port": 443, "min": 1.2, "enabled": true, "retries": 1, "off": 0}, "ciphers": ["A", "B"], "x": null}}"#
        XCTAssertEqual(ValueFileFormat.parseJSON(text).map { "\($0.key)=\($0.value)" }, [
            // 0 and 1 are numbers, not booleans (Foundation's reading dropped them).
            "server.ssl.min=1.2", "server.ssl.off=0", "server.ssl.port=443", "server.ssl.protocols=TLSv1.2", "server.ssl.retries=1",
        ])
        // Not an object at the top, damaged, or not JSON: nothing.
        for bad in [#""TLSv1""#, "[1, 2]", #"{"a": "#, "", "\u{FEFF}{", #"{"a": 1"#] {
            XCTAssertEqual(ValueFileFormat.parseJSON(bad).count, 0, bad)
        }
    }
}
