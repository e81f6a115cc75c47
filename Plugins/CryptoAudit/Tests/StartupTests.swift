import DSToolCore
import Foundation
import XCTest
@testable import DSToolCryptoAudit

/// The plugin imports FoundationEssentials, not Foundation: loading Foundation (and ICU with it)
/// took 10–20 ms of every run's start-up. The built library must not need it, and what stood in
/// for Foundation's string calls must trim and parse as they did.
final class StartupTests: XCTestCase {
    func testTheBuiltPluginDoesNotNeedFoundation() throws {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var library: URL?
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("libdstool-cryptoaudit.so")
            if FileManager.default.fileExists(atPath: candidate.path) { library = candidate; break }
            dir.deleteLastPathComponent()
        }
        guard let library else { return XCTFail("libdstool-cryptoaudit.so is not built: run 'swift build' before 'swift test' (Scripts/test does)") }
        let needed = PluginPreload.neededLibraries(path: library.path)
        XCTAssertTrue(needed.contains("libFoundationEssentials.so"), "\(needed)")
        XCTAssertFalse(needed.contains("libFoundation.so"), "\(needed)")
        XCTAssertFalse(needed.contains { $0.contains("ICU") || $0.contains("icu") }, "\(needed)")
    }

    func testTrimmingMatchesFoundation() {
        // Every scalar of the Basic Multilingual Plane, alone: trimmed away exactly when Foundation's sets hold it.
        for v in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let s = String(Character(scalar))
            XCTAssertEqual(s.trimmingWhitespaces().isEmpty, CharacterSet.whitespaces.contains(scalar), "U+\(String(v, radix: 16))")
            XCTAssertEqual(s.trimmingWhitespacesAndNewlines().isEmpty, CharacterSet.whitespacesAndNewlines.contains(scalar), "U+\(String(v, radix: 16))")
        }
        let samples = ["", " ", "\t a b \t", "\u{3000}全角\u{3000}", "\u{00A0}x\u{2003}", " \r\nline\r\n ", "\u{85}x\u{2028}", "\u{2029}\u{0B}y\u{0C}", "é\u{301} ", "\u{200B}zero-width\u{200B}"]
        for s in samples {
            XCTAssertEqual(s.trimmingWhitespaces(), s.trimmingCharacters(in: .whitespaces), s.debugDescription)
            XCTAssertEqual(s.trimmingWhitespacesAndNewlines(), s.trimmingCharacters(in: .whitespacesAndNewlines), s.debugDescription)
            XCTAssertEqual(s[...].trimmingWhitespaces(), s.trimmingCharacters(in: .whitespaces), s.debugDescription)
        }
    }

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
