@testable import DSToolComply
import DSToolCore
import DSToolKit
import XCTest

/// Results reach every output: records for the host formats, XCCDF-like JSON, HTML and text, in
/// English and Chinese; clause roll-up and pack score.
final class OutputTests: XCTestCase {
    func evidence() -> EvidenceFolder {
        let ev = EvidenceFolder()
        ev.write("etc/ssh/sshd_config", "PermitRootLogin yes\nMaxAuthTries 3\n")
        ev.write("etc/login.defs", "PASS_MAX_DAYS 60\nUMASK 022\n")
        return ev
    }

    func testRecordsPerControlClauseAndPack() throws {
        let ev = evidence()
        let pack = packSelecting(["SSH-ROOT-LOGIN", "SSH-MAX-AUTH-TRIES", "LOGIN-PASS-MAX-DAYS", "LOGIN-UMASK", "JOURNALD-PERSISTENT"])
        let r = try comply(["--pack", pack.path, ev.root])
        XCTAssertEqual(r.result.data.map(\.kind).filter { $0 == "control" }.count, 5)
        XCTAssertEqual(r.status("JOURNALD-PERSISTENT"), "notapplicable")
        XCTAssertEqual(r.row("JOURNALD-PERSISTENT").reason, "no journald configuration among the evidence")
        let packRec = try XCTUnwrap(r.result.data.first { $0.kind == "pack" })
        XCTAssertEqual(packRec.value["counts"]?["pass"]?.intValue, 2)
        XCTAssertEqual(packRec.value["counts"]?["fail"]?.intValue, 2)
        XCTAssertEqual(packRec.value["counts"]?["notapplicable"]?.intValue, 1)
        // Weighted: passes are medium (2) + medium (2); fails high (3) + low (1): 4 / 8.
        XCTAssertEqual(packRec.value["score"]?.doubleValue, 50.0)
        XCTAssertEqual(packRec.value["pass_rate"]?.doubleValue, 50.0)
        let clause = try XCTUnwrap(r.result.data.first { $0.kind == "clause" && $0.value["clause"]?.stringValue == "GB/T 22239-2019 8.1.4.1" })
        XCTAssertEqual(clause.value["status"]?.stringValue, "fail")
        XCTAssertEqual(clause.value["counts"]?["pass"]?.intValue, 2)
        XCTAssertEqual(clause.value["counts"]?["fail"]?.intValue, 1)
        XCTAssertEqual(clause.value["label"]?["zh"]?.stringValue, "GB/T 22239-2019 网络安全等级保护基本要求 8.1.4.1")
        // One finding per failed control, with the control's severity, clauses and deciding evidence.
        let f = try XCTUnwrap(r.result.findings.first { $0.ruleId == "SSH-ROOT-LOGIN" })
        XCTAssertEqual(f.severity, .high)
        XCTAssertEqual(f.category, "compliance-check")
        XCTAssertEqual(f.location.input, ev.path("etc/ssh/sshd_config"))
        XCTAssertEqual(f.location.line, 1)
        XCTAssertEqual(f.references ?? [], ["GB/T 22239-2019 8.1.4.2", "GB/T 22239-2019 8.1.4.1"])
        XCTAssertEqual(r.result.findings.count, 2)
        // The same control in the same place keeps its fingerprint across runs.
        let again = try comply(["--pack", pack.path, ev.root])
        XCTAssertEqual(again.result.findings.map(\.fingerprint).sorted(), r.result.findings.map(\.fingerprint).sorted())
    }

    func testSARIFAndCSVCarryTheFailedControls() throws {
        let ev = evidence()
        let pack = packSelecting(["SSH-ROOT-LOGIN", "LOGIN-UMASK"])
        let sarif = try InProcess.run(CompliancePlugin.self, ["comply", "--format", "sarif", "--as-of", "2025-06-30", "--pack", pack.path, ev.root])
        let doc = try JSONSerialization.jsonObject(with: Data(sarif.report.utf8)) as! [String: Any]
        let results = ((doc["runs"] as! [[String: Any]])[0]["results"] as! [[String: Any]]).map { $0["ruleId"] as! String }
        XCTAssertEqual(Set(results), ["SSH-ROOT-LOGIN", "LOGIN-UMASK"])
        let csv = try InProcess.run(CompliancePlugin.self, ["comply", "--format", "csv", "--as-of", "2025-06-30", "--pack", pack.path, ev.root])
        XCTAssertTrue(csv.report.contains("SSH-ROOT-LOGIN"), csv.report)
    }

    func testTextReportInEnglishAndChinese() throws {
        let ev = evidence()
        let pack = packSelecting(["SSH-ROOT-LOGIN", "LOGIN-PASS-MAX-DAYS"])
        let en = try InProcess.run(CompliancePlugin.self, ["comply", "--format", "text", "--as-of", "2025-06-30", "--pack", pack.path, ev.root])
        XCTAssertTrue(en.report.contains("Score 40.0/100; 2 controls: 1 pass, 1 fail"), en.report)
        XCTAssertTrue(en.report.contains("FAIL          SSH-ROOT-LOGIN  Root cannot log in over SSH"), en.report)
        XCTAssertTrue(en.report.contains("PermitRootLogin yes: 'yes' is not one of no"), en.report)
        XCTAssertTrue(en.report.contains("By clause:"), en.report)
        let zh = try InProcess.run(CompliancePlugin.self, ["comply", "--format", "text", "--lang", "zh", "--as-of", "2025-06-30", "--pack", pack.path, ev.root])
        XCTAssertTrue(zh.report.contains("得分 40.0/100；共 2 项控制：符合 1，不符合 1"), zh.report)
        XCTAssertTrue(zh.report.contains("不符合  SSH-ROOT-LOGIN  禁止 root 通过 SSH 直接登录"), zh.report)
        XCTAssertTrue(zh.report.contains("GB/T 22239-2019 网络安全等级保护基本要求 8.1.4.1"), zh.report)
    }

    func testHTMLReport() throws {
        let ev = evidence()
        ev.write("etc/nginx/nginx.conf", "http { server_tokens \"<script>alert(1)</script>\"; }\n")
        let out = EvidenceFolder()
        let html = out.path("report.html")
        let pack = packSelecting(["SSH-ROOT-LOGIN", "NGINX-SERVER-TOKENS"])
        _ = try comply(["--pack", pack.path, "--html", html, "--lang", "zh", ev.root])
        let text = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(text.contains("<html lang=\"zh-CN\">"))
        XCTAssertTrue(text.contains("合规检查报告"))
        XCTAssertTrue(text.contains("<td class=\"fail\">不符合</td>"))
        // Evidence text is escaped, never markup.
        XCTAssertFalse(text.contains("<script>"))
        XCTAssertTrue(text.contains("&lt;script&gt;"))
        let en = out.path("report-en.html")
        _ = try comply(["--pack", pack.path, "--html", en, ev.root])
        XCTAssertTrue(try String(contentsOfFile: en, encoding: .utf8).contains("Compliance check report"))
        // --html needs a file: standard output carries the report.
        XCTAssertEqual(try comply(["--pack", pack.path, "--html", "-", ev.root]).exitCode, 2)
    }

    /// The XCCDF-like document: XCCDF result words, waivers as overrides, the weighted score.
    func testXCCDFDocument() throws {
        let lib = try PackLibrary.builtin()
        let pack = try lib.parsePack(text: "pack: x\ntitle: {zh: 测试, en: test}\nselect: [SSH-ROOT-LOGIN, LOGIN-PASS-MAX-DAYS, JOURNALD-PERSISTENT]\n", file: "x.yaml", depth: 0).pack
        let e = Evidence()
        e.configs.append(ConfigFileEvidence(type: .sshd, item: "etc/ssh/sshd_config", group: "", isDropIn: false,
                                            entries: [ConfigEntry(key: "PermitRootLogin", value: "yes", line: 3, context: "")], logrotate: nil))
        e.configs.append(ConfigFileEvidence(type: .loginDefs, item: "etc/login.defs", group: "", isDropIn: false,
                                            entries: [ConfigEntry(key: "PASS_MAX_DAYS", value: "30", line: 1, context: "")], logrotate: nil))
        let waiver = Waiver(control: "SSH-ROOT-LOGIN", pack: nil, justification: "bastion host only, CHG-1", expires: Day("2025-12-31")!,
                            approvedBy: "李四", position: SourcePosition(file: "w", line: 1, column: 1))
        let result = Evaluator.evaluate(pack, evidence: e, context: EvaluationContext(asOf: Day("2025-06-30")!), waivers: [waiver])
        let doc = XCCDFReport.document([result], asOf: Day("2025-06-30")!, inputs: ["ev"], started: Date(timeIntervalSince1970: 0),
                                       ended: Date(timeIntervalSince1970: 60), lang: "en")
        let tr = doc["benchmarks"]?.arrayValue?.first?["test_result"]
        let rr = tr?["rule_results"]?.arrayValue ?? []
        XCTAssertEqual(rr.map { $0["result"]?.stringValue ?? "" }, ["fail", "pass", "notapplicable"])
        XCTAssertEqual(rr[0]["override"]?["new_result"]?.stringValue, "pass")
        XCTAssertEqual(rr[0]["override"]?["authority"]?.stringValue, "李四")
        XCTAssertEqual(rr[0]["check"]?["evidence"]?.arrayValue?.first?["line"]?.intValue, 3)
        // The waived failure is out of the score: only LOGIN-PASS-MAX-DAYS was decided.
        XCTAssertEqual(tr?["score"]?["value"]?.doubleValue, 100)
        XCTAssertEqual(tr?["start_time"]?.stringValue, "1970-01-01T00:00:00Z")
    }

    func testManualMapsToNotChecked() {
        XCTAssertEqual(ControlStatus.allCases.map(\.rawValue), ["pass", "fail", "notapplicable", "manual", "error"])
    }
}
