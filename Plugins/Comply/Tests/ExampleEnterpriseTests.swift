@testable import DSToolComply
import DSToolKit
import XCTest

/// The generated enterprise evidence folder (Examples/enterprise) gets its report end to end.
final class ExampleEnterpriseTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../Examples/enterprise").standardized.path

    static let expected: [String: String] = [
        "DOC-SECURITY-POLICY": "pass", "DOC-CLASSIFICATION-POLICY": "pass", "DOC-IMPORTANT-DATA-CATALOGUE": "fail",
        "DOC-RISK-ASSESSMENT": "pass", "DOC-INCIDENT-RESPONSE-PLAN": "pass", "DOC-INCIDENT-DRILL": "fail",
        "DOC-PI-IMPACT-ASSESSMENT": "fail", "DOC-PRIVACY-POLICY": "pass",
        "PI-SENSITIVE-PLAINTEXT-COLUMNS": "fail", "PI-SENSITIVE-PLAINTEXT-FILES": "fail", "PI-FILE-PERMISSIONS": "fail",
        "PI-TEST-DATA-REAL": "fail", "PWD-HASH-STORAGE": "fail", "BACKUP-ENCRYPTED": "fail",
        "SSH-ROOT-LOGIN": "fail", "SSH-EMPTY-PASSWORDS": "pass", "SSH-MAX-AUTH-TRIES": "fail", "SSH-IDLE-TIMEOUT": "pass",
        "LOGIN-PASS-MAX-DAYS": "fail", "LOGIN-UMASK": "pass", "PWQUALITY-MINLEN": "pass", "PWQUALITY-MINCLASS": "pass",
        "LOG-RETENTION-180": "fail", "JOURNALD-PERSISTENT": "pass", "AUDITD-DISK-FULL": "pass", "AUDITD-MAX-LOG-ACTION": "pass",
        "AUDITD-SPACE-LEFT": "pass", "NGINX-TLS-PROTOCOLS": "fail", "NGINX-SERVER-TOKENS": "pass", "NGINX-ACCESS-LOG": "pass", "CRYPTO-CONFIG-GBT39786": "fail",
    ]

    func testDataSecurityPackOnTheExample() throws {
        let out = EvidenceFolder()
        let r = try comply(["--pack", "cn-data-security", "--html", out.path("report.html"), Self.folder], asOf: "2026-06-30")
        var got: [String: String] = [:]
        for (k, v) in r.controls where !k.contains("/") { got[k] = v.status }
        XCTAssertEqual(got, Self.expected)
        XCTAssertEqual(r.exitCode, 1)
        XCTAssertEqual(Set(r.result.findings.map(\.ruleId)), Set(Self.expected.filter { $0.value == "fail" }.keys))
        XCTAssertTrue(r.result.errors.isEmpty, "\(r.result.errors)")
        // The deciding evidence names the file and line.
        XCTAssertTrue(r.row("SSH-ROOT-LOGIN").evidenceText.contains("servers/web01/etc/ssh/sshd_config:4 PermitRootLogin yes"), r.row("SSH-ROOT-LOGIN").evidenceText)
        XCTAssertTrue(r.row("BACKUP-ENCRYPTED").evidenceText.contains("mes-20260501.tar.gz not encrypted"), r.row("BACKUP-ENCRYPTED").evidenceText)
        XCTAssertTrue(r.row("PWD-HASH-STORAGE").evidenceText.contains("30 unsalted-md5 of 30 sampled values"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.path("report.html")))
    }

    func testPersonalInformationPackOnTheExample() throws {
        let r = try comply(["--pack", "cn-pi", Self.folder], asOf: "2026-06-30")
        XCTAssertEqual(r.status("PI-SENSITIVE-PLAINTEXT-COLUMNS"), "fail")
        XCTAssertEqual(r.result.findings.first { $0.ruleId == "PI-SENSITIVE-PLAINTEXT-COLUMNS" }?.severity, .critical)
        XCTAssertEqual(r.status("DOC-PRIVACY-POLICY"), "pass")
        // The encrypted HR backup is recognised by its content, not its name.
        XCTAssertTrue(r.row("BACKUP-ENCRYPTED").evidenceText.isEmpty == false)
    }
}
