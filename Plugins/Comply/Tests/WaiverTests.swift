@testable import DSToolComply
import DSToolKit
import XCTest

final class WaiverTests: XCTestCase {
    let known: Set<String> = ["SSH-ROOT-LOGIN", "LOG-RETENTION-180"]

    func parseError(_ text: String) -> String? {
        do { _ = try WaiverFile.parse(text, file: "w.yaml", knownControls: known); return nil } catch { return "\(error)" }
    }

    func testWaiverErrorsArePositioned() {
        XCTAssertEqual(parseError("waivers:\n  - control: SSH-ROOT-LOGIN\n    expires: 2025-12-31\n"),
                       "w.yaml:2:5: a waiver has no 'justification'")
        XCTAssertEqual(parseError("waivers:\n  - control: SSH-ROOT-LOGIN\n    justification: ok\n    expires: 2025-12-31\n"),
                       "w.yaml:3:20: justification must say why (at least 10 characters), not 'ok'")
        XCTAssertEqual(parseError("waivers:\n  - control: SSH-ROOT-LOGIN\n    justification: bastion host only, change CHG-1\n    expires: 2025-02-30\n"),
                       "w.yaml:4:14: expires must be a date YYYY-MM-DD, not '2025-02-30'")
        XCTAssertEqual(parseError("waivers:\n  - control: SSH-ROOT-LOGN\n    justification: bastion host only, change CHG-1\n    expires: 2025-12-31\n"),
                       "w.yaml:2:14: no control 'SSH-ROOT-LOGN' to waive")
        XCTAssertEqual(parseError("waivers:\n  - control: SSH-ROOT-LOGIN\n    justification: bastion host only, change CHG-1\n    expires: 2025-12-31\n    approver: x\n"),
                       "w.yaml:5:5: unknown key 'approver' in a waiver (expected approved_by, control, expires, justification, pack)")
    }

    func waiverFile(expires: String) -> RuleFile {
        RuleFile("waivers.yaml", """
        waivers:
          - control: SSH-ROOT-LOGIN
            justification: jump host reachable only from the bastion VLAN; change CHG-2291
            expires: \(expires)
            approved_by: 张三

        """)
    }

    /// A waiver stops a failure from counting until it expires; `--as-of` fixes "today".
    func testWaiverAppliesUntilItExpires() throws {
        let ev = EvidenceFolder()
        ev.write("etc/ssh/sshd_config", "PermitRootLogin yes\n")
        let pack = packSelecting(["SSH-ROOT-LOGIN"])
        let w = waiverFile(expires: "2025-06-30")

        let active = try comply(["--pack", pack.path, "--waivers", w.path, ev.root], asOf: "2025-06-30")
        XCTAssertEqual(active.status("SSH-ROOT-LOGIN"), "fail")
        XCTAssertTrue(active.row("SSH-ROOT-LOGIN").waived)
        XCTAssertEqual(active.result.findings.count, 0)
        XCTAssertEqual(active.exitCode, 0)
        XCTAssertEqual(active.row("SSH-ROOT-LOGIN").value["waiver"]?["expired"]?.boolValue, false)

        let expired = try comply(["--pack", pack.path, "--waivers", w.path, ev.root], asOf: "2025-07-01")
        XCTAssertEqual(expired.status("SSH-ROOT-LOGIN"), "fail")
        XCTAssertFalse(expired.row("SSH-ROOT-LOGIN").waived)
        XCTAssertEqual(expired.result.findings.map(\.ruleId), ["SSH-ROOT-LOGIN"])
        XCTAssertEqual(expired.exitCode, 1)
        XCTAssertEqual(expired.row("SSH-ROOT-LOGIN").value["waiver"]?["expired"]?.boolValue, true)
    }

    func testBrokenWaiverFileRunsNothing() throws {
        let ev = EvidenceFolder()
        ev.write("etc/ssh/sshd_config", "PermitRootLogin yes\n")
        let w = RuleFile("w.yaml", "waivers:\n  - control: SSH-ROOT-LOGIN\n    justification: because of reasons\n    expires: next year\n")
        let r = try comply(["--waivers", w.path, ev.root])
        XCTAssertEqual(r.exitCode, 2)
        XCTAssertTrue(r.result.data.isEmpty)
        XCTAssertEqual(r.result.errors.first?.reason, "\(w.path):4:14: expires must be a date YYYY-MM-DD, not 'next year'")
    }
}
