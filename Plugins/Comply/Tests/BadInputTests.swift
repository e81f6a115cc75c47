@testable import DSToolComply
import DSToolCore
import DSToolKit
import XCTest

/// Unreadable evidence gives an error for the controls it affects only; missing evidence never
/// passes; hostile rule files are refused.
final class BadInputTests: XCTestCase {
    func testCorruptSQLiteAffectsOnlyTableControls() throws {
        let ev = EvidenceFolder()
        ev.writeBytes("db/app.sqlite", Array("SQLite format 3\u{0}".utf8) + [UInt8](repeating: 0xAB, count: 4096))
        ev.write("etc/ssh/sshd_config", "PermitRootLogin no\n")
        let pack = packSelecting(["PWD-HASH-STORAGE", "PI-SENSITIVE-PLAINTEXT-COLUMNS", "SSH-ROOT-LOGIN"])
        let r = try comply(["--pack", pack.path, ev.root])
        XCTAssertEqual(r.status("PWD-HASH-STORAGE"), "error")
        XCTAssertEqual(r.status("PI-SENSITIVE-PLAINTEXT-COLUMNS"), "error")
        XCTAssertEqual(r.status("SSH-ROOT-LOGIN"), "pass")
        XCTAssertTrue(r.row("PWD-HASH-STORAGE").evidenceText.contains("not a readable SQLite database"), r.row("PWD-HASH-STORAGE").evidenceText)
        XCTAssertEqual(r.result.errors.map(\.input), [ev.path("db/app.sqlite")])
        XCTAssertEqual(r.result.errors.first?.code, "comply.evidence")
        XCTAssertEqual(r.exitCode, 3)
    }

    func testTruncatedCompressedLogIsAnErrorForRetention() throws {
        let ev = EvidenceFolder()
        let full = EvidenceFolder()
        full.archive("x.tar.gz", [EvidenceFolder.entry("syslog.2", String(repeating: "Jan  1 00:00:00 host x: y\n", count: 20000))], gzip: true)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: full.path("x.tar.gz"))))
        // Only the gzip header survives: the host cannot read a single entry.
        ev.writeBytes("var/log/syslog.2.tar.gz", Array(bytes.prefix(12)))
        ev.write("etc/ssh/sshd_config", "PermitRootLogin no\n")
        let pack = packSelecting(["LOG-RETENTION-180", "SSH-ROOT-LOGIN"])
        let r = try comply(["--pack", pack.path, ev.root])
        XCTAssertEqual(r.status("SSH-ROOT-LOGIN"), "pass")
        XCTAssertEqual(r.status("LOG-RETENTION-180"), "error", r.row("LOG-RETENTION-180").reason)
        XCTAssertTrue(r.row("LOG-RETENTION-180").evidenceText.contains("syslog.2.tar.gz no entry of this archive could be read"), r.row("LOG-RETENTION-180").evidenceText)
        XCTAssertFalse(r.result.errors.isEmpty)
    }

    func testBinaryConfigurationIsAnErrorForItsControlsOnly() throws {
        let ev = EvidenceFolder()
        ev.writeBytes("etc/ssh/sshd_config", [0x7F, 0x45, 0x4C, 0x46, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0xFF, 0xFE])
        ev.write("etc/login.defs", "PASS_MAX_DAYS 30\n")
        let pack = packSelecting(["SSH-ROOT-LOGIN", "SSH-MAX-AUTH-TRIES", "LOGIN-PASS-MAX-DAYS"])
        let r = try comply(["--pack", pack.path, ev.root])
        XCTAssertEqual(r.status("SSH-ROOT-LOGIN"), "error")
        XCTAssertEqual(r.status("SSH-MAX-AUTH-TRIES"), "error")
        XCTAssertEqual(r.status("LOGIN-PASS-MAX-DAYS"), "pass")
        XCTAssertEqual(r.result.errors.first?.reason, "sshd configuration is not a text file")
    }

    /// Nothing to look at is never a pass.
    func testEmptyEvidenceNeverPasses() throws {
        let ev = EvidenceFolder()
        let r = try comply(["--pack", "cn-data-security", ev.root])
        let statuses = Set(r.controls.filter { !$0.key.contains("/") }.values.map(\.status))
        XCTAssertFalse(statuses.contains("pass"), "\(r.controls.filter { $0.value.status == "pass" }.keys)")
        XCTAssertEqual(r.exitCode, 0)
        XCTAssertEqual(r.status("DOC-RISK-ASSESSMENT"), "manual")
        XCTAssertEqual(r.status("SSH-ROOT-LOGIN"), "notapplicable")
    }

    func testHostileRuleFiles() throws {
        // An alias bomb is refused before it can expand.
        var bomb = "pack: p\ntitle: {zh: a, en: a}\nx0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<12 { bomb += "x\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n" }
        XCTAssertThrowsError(try PackLibrary.builtin().parsePack(text: bomb, file: "bomb.yaml", depth: 0)) { e in
            XCTAssertEqual("\(e)", "bomb.yaml:3:5: YAML anchors and aliases are not allowed in rule files")
        }
        // Deep nesting and a file over the size limit.
        let deep = "pack: p\ntitle: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
        XCTAssertThrowsError(try PackLibrary.builtin().parsePack(text: deep, file: "deep.yaml", depth: 0))
        let big = EvidenceFolder()
        let p = big.write("big.yaml", "pack: p\n# " + String(repeating: "x", count: 5 << 20) + "\n")
        XCTAssertThrowsError(try PackLibrary.readRuleFile(p, display: "big.yaml")) { e in
            XCTAssertEqual("\(e)", "big.yaml: larger than 4 MiB; not a rule file")
        }
    }

    func testBadOptions() throws {
        let ev = EvidenceFolder()
        XCTAssertEqual(try comply(["--sample-rows", "0", ev.root]).exitCode, 2)
        let r = try InProcess.run(CompliancePlugin.self, ["comply", "--as-of", "30/06/2025", ev.root])
        XCTAssertEqual(r.exitCode, 2)
        XCTAssertEqual(r.errors.first?.reason, "--as-of: '30/06/2025' is not a date YYYY-MM-DD")
        XCTAssertEqual(try InProcess.run(CompliancePlugin.self, ["comply"]).exitCode, 2)
    }
}

/// Huge single-line inputs are scanned in overlapping windows: every value is counted once.
final class LongLineTests: XCTestCase {
    func testValuesOnAMultiMegabyteLineAreCountedOnce() throws {
        let ev = EvidenceFolder()
        var line = ""
        let values = ids(3000)
        var filler = 0
        for v in values {
            line += v + " "
            line += String(repeating: "x", count: 700 + (filler % 300)) + " "
            filler += 37
        }
        XCTAssertGreaterThan(line.utf8.count, 2 << 20)
        ev.write("share/oneline.txt", line)
        let r = try check("pi_plaintext:\n  scope: files\n  kinds: [cn_id_card]\n  min_values: 1000000", ev)
        // Never answered (a million values asked for): scanned to the end, every value counted once.
        XCTAssertEqual(r.status, "pass", r.reason)
        let facts = try XCTUnwrap(lastEvidence?.items.first { $0.name.hasSuffix("oneline.txt") }?.pi)
        XCTAssertEqual(facts.counts["cn_id_card"], 3000)
        XCTAssertTrue(facts.complete)
    }

    /// Once every check has its answer, the rest of an item is not scanned; counts say "at least".
    func testScanStopsOnceAnswered() throws {
        let ev = EvidenceFolder()
        var text = ""
        while text.utf8.count < 3 << 20 { text += "客户 \(ids(1)[0]) 已登记\n" }
        ev.write("share/big.txt", text)
        let r = try check("pi_plaintext:\n  scope: files\n  kinds: [cn_id_card]", ev)
        XCTAssertEqual(r.status, "fail")
        XCTAssertTrue(r.evidenceText.contains("holds at least "), r.evidenceText)
        let facts = try XCTUnwrap(lastEvidence?.items.first { $0.name.hasSuffix("big.txt") }?.pi)
        XCTAssertFalse(facts.complete)
        XCTAssertLessThan(facts.counts["cn_id_card"] ?? 0, text.utf8.count / 40)
    }

    /// A file read to its end but, once one check had its answer, scanned only for what another
    /// check still asked: the answered kinds' counts are lower bounds and say so (they were
    /// printed as exact counts before); every answer stays the same.
    func testCountsAfterAnAnswerSayAtLeastEvenWhenTheFileIsReadToItsEnd() throws {
        let ev = EvidenceFolder()
        var text = ""
        while text.utf8.count < 3 << 20 { text += "联系电话 \(mobiles(1)[0]) 已回访\n" }
        ev.write("share/contacts.txt", text, mode: 0o644)
        let pack = packSelecting(["PI-FILE-PERMISSIONS", "PI-SENSITIVE-PLAINTEXT-FILES"])
        let r = try comply(["--pack", pack.path, ev.root])
        XCTAssertEqual(r.status("PI-SENSITIVE-PLAINTEXT-FILES"), "pass", r.row("PI-SENSITIVE-PLAINTEXT-FILES").reason)
        let permissions = r.row("PI-FILE-PERMISSIONS")
        XCTAssertEqual(permissions.status, "fail")
        XCTAssertTrue(permissions.evidenceText.contains("mode 644 lets others read at least "), permissions.evidenceText)
        let facts = try XCTUnwrap(lastEvidence?.items.first { $0.name.hasSuffix("contacts.txt") }?.pi)
        XCTAssertFalse(facts.complete)
        XCTAssertLessThan(facts.counts["cn_mobile"] ?? 0, text.utf8.count / 40)
    }
}
