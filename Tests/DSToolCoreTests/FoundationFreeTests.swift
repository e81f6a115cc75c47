@testable import DSToolCore
import Foundation
import XCTest

/// The host imports FoundationEssentials only (full Foundation loads ICU: milliseconds of every
/// run). What it used from Foundation is written out here; these tests hold each replacement to
/// Foundation's own answer (tests may import Foundation).
final class FoundationFreeTests: XCTestCase {
    /// Every byte, and names with spaces, CJK, controls and the separators SARIF cares about.
    func testSARIFURIsArePercentEncodedAsFoundationEncodesThem() {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#[]@:%")
        var inputs = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        inputs += ["证据/报告 2024.csv", "backup.tar.gz!db/users.sql", "a%20b", "C:\\x", "e\u{301}", "🔑.pem", "x?y#z[1]@h"]
        for input in inputs {
            XCTAssertEqual(SARIFReportWriter.uri(input), input.addingPercentEncoding(withAllowedCharacters: allowed), input.debugDescription)
        }
    }

    /// Blanks around a size are dropped as `trimmingCharacters(in: .whitespaces)` drops them
    /// (tab and Unicode space separators, not line ends).
    func testByteSizesTrimBlanksAsFoundationDoes() {
        XCTAssertEqual(ByteSize.parse(" 64K\t"), 65536)
        XCTAssertEqual(ByteSize.parse("\u{200B}1K"), 1024)
        XCTAssertEqual(ByteSize.parse("\u{3000}8M\u{00A0}"), 8 << 20)
        XCTAssertNil(ByteSize.parse("8M\n"))
        XCTAssertNil(ByteSize.parse("  "))
        XCTAssertNil(ByteSize.parse(""))
        XCTAssertEqual(ByteSize.parse("2 kib"), nil)
        XCTAssertEqual(ByteSize.parse("2kib"), 2048)
    }

    /// A quote followed by a combining mark is one Character to Swift but still a quote to the
    /// shell: it is escaped, so the quoted text round-trips through `sh`.
    func testShellQuotingEscapesEveryQuoteScalar() throws {
        let args = ["it's", "'\u{301}x", "a b", "$(echo pwned)", "\u{301}'", "plain"]
        XCTAssertEqual(ShellQuote.quote("'\u{301}x"), "''\\''\u{301}x'")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "printf '%s\\n' " + ShellQuote.join(args)]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(printed, args.map { $0 + "\n" }.joined())
    }

    func testFishStringsEscapeEveryQuoteScalar() {
        XCTAssertEqual(Completion.fishString("it's"), "'it\\'s'")
        XCTAssertEqual(Completion.fishString("'\u{301}"), "'\\'\u{301}'")
        XCTAssertEqual(Completion.fishString("a\\b\nc"), "'a\\\\b c'")
    }

    func testBashWordsKeepASCIILettersDigitsAndDashDotUnderscore() {
        XCTAssertEqual(Completion.bashWord("crypto-audit_v1.2"), "crypto-audit_v1.2")
        XCTAssertEqual(Completion.bashWord("扫描 é$x;"), "x")
    }

    /// Loading Foundation (and ICU) costs 10–20 ms of CPU at every start: the host and the plugins
    /// that do without it must not link it, as their built files' DT_NEEDED names say.
    func testTheHostScanCryptoAuditAndEncryptDoNotNeedFoundation() throws {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("dstool").path) { dir.deleteLastPathComponent() }
        guard dir.path != "/" else { return XCTFail("dstool is not built: run 'swift build' before 'swift test' (Scripts/test does)") }
        for name in ["dstool", "libdstool-scan.so", "libdstool-cryptoaudit.so", "libdstool-encrypt.so"] {
            let path = dir.appendingPathComponent(name).path
            XCTAssertTrue(FileManager.default.fileExists(atPath: path), "\(name) is not built")
            let needed = PluginPreload.neededLibraries(path: path)
            XCTAssertTrue(needed.contains("libFoundationEssentials.so"), "\(name): \(needed)")
            XCTAssertFalse(needed.contains("libFoundation.so"), "\(name): \(needed)")
            XCTAssertFalse(needed.contains("libFoundationInternationalization.so"), "\(name): \(needed)")
        }
        // The check can fail: mask links Yams, which needs Foundation.
        XCTAssertTrue(PluginPreload.neededLibraries(path: dir.appendingPathComponent("libdstool-mask.so").path).contains("libFoundation.so"))
    }
}
