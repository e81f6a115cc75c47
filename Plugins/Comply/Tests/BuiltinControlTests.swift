@testable import DSToolComply
import DSToolKit
import XCTest

/// Every built-in control has one generated evidence folder that makes it fail and one that makes
/// it pass. A control without fixtures fails `testEveryBuiltinControlHasFixtures`.
final class BuiltinControlTests: XCTestCase {
    typealias Build = (EvidenceFolder) -> Void
    struct Fixture { let fail: Build; let pass: Build }

    static func sshd(_ text: String) -> Fixture.Type { Fixture.self }

    /// A configuration file: failing and passing contents.
    static func config(_ path: String, fail: String, pass: String) -> Fixture {
        Fixture(fail: { $0.write(path, fail) }, pass: { $0.write(path, pass) })
    }

    /// A required document: the failing folder has only an unrelated (or an old) document.
    static func document(_ name: String, old: String? = nil) -> Fixture {
        Fixture(fail: { ev in
            ev.write("docs/员工手册.md", "# 员工手册\n发布日期：2025-01-01\n")
            if let old { ev.write("docs/\(name)", "# \(name)\n编制日期：\(old)\n") }
        }, pass: { ev in
            ev.write("docs/员工手册.md", "# 员工手册\n发布日期：2025-01-01\n")
            ev.write("docs/\(name)", "# \(name)\n编制日期：2025-05-20\n")
        })
    }

    static let fixtures: [String: Fixture] = [
        "PI-SENSITIVE-PLAINTEXT-COLUMNS": Fixture(
            fail: { $0.write("db/customers.csv", peopleCSV(20)) },
            pass: { $0.write("db/customers.csv", peopleCSV(20, idNumbers: false)) }),
        "PI-SENSITIVE-PLAINTEXT-FILES": Fixture(
            fail: { $0.write("share/客户名单.txt", "王伟 身份证号 \(ids(1)[0])\n") },
            pass: { $0.write("share/客户名单.txt", "王伟 身份证号 已脱敏\n") }),
        "PI-FILE-PERMISSIONS": Fixture(
            fail: { $0.write("hr/roster.csv", peopleCSV(5), mode: 0o644) },
            pass: { $0.write("hr/roster.csv", peopleCSV(5), mode: 0o600) }),
        "PI-TEST-DATA-REAL": Fixture(
            fail: { $0.write("test/users.csv", peopleCSV(5)) },
            pass: { $0.write("test/users.csv", "id,name\n1,测试用户\n") }),
        "PWD-HASH-STORAGE": Fixture(
            fail: { $0.write("db/users.csv", "id,password\n1,\(md5Hex("a"))\n2,\(md5Hex("b"))\n") },
            pass: { $0.write("db/users.csv", "id,password\n1,$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW\n") }),
        "BACKUP-ENCRYPTED": Fixture(
            fail: { $0.archive("backups/db.tar.gz", [EvidenceFolder.entry("users.csv", peopleCSV(5))], gzip: true) },
            pass: { $0.writeBytes("backups/db.tar.gz.age", Array("age-encryption.org/v1\n-> X25519 k\n".utf8)) }),
        "SSH-ROOT-LOGIN": config("etc/ssh/sshd_config", fail: "Port 22\n", pass: "PermitRootLogin no\n"),
        "SSH-EMPTY-PASSWORDS": config("etc/ssh/sshd_config", fail: "PermitEmptyPasswords yes\n", pass: "Port 22\n"),
        "SSH-MAX-AUTH-TRIES": config("etc/ssh/sshd_config", fail: "MaxAuthTries 6\n", pass: "MaxAuthTries 3\n"),
        "SSH-IDLE-TIMEOUT": config("etc/ssh/sshd_config", fail: "ClientAliveInterval 0\n", pass: "ClientAliveInterval 300\n"),
        "LOGIN-PASS-MAX-DAYS": config("etc/login.defs", fail: "PASS_MAX_DAYS 99999\n", pass: "PASS_MAX_DAYS 90\n"),
        "LOGIN-UMASK": config("etc/login.defs", fail: "UMASK 022\n", pass: "UMASK 077\n"),
        "PWQUALITY-MINLEN": config("etc/security/pwquality.conf", fail: "minlen = 6\n", pass: "minlen = 12\n"),
        "PWQUALITY-MINCLASS": config("etc/security/pwquality.conf", fail: "minlen = 12\n", pass: "minclass = 3\n"),
        "LOG-RETENTION-180": config("etc/logrotate.conf", fail: "weekly\nrotate 4\n/var/log/wtmp {\n  monthly\n}\n",
                                    pass: "weekly\nrotate 4\n/var/log/wtmp {\n  monthly\n  rotate 12\n}\n"),
        "JOURNALD-PERSISTENT": config("etc/systemd/journald.conf", fail: "[Journal]\nStorage=volatile\n", pass: "[Journal]\nStorage=persistent\n"),
        "AUDITD-DISK-FULL": config("etc/audit/auditd.conf", fail: "disk_full_action = ignore\n", pass: "disk_full_action = HALT\n"),
        "AUDITD-MAX-LOG-ACTION": config("etc/audit/auditd.conf", fail: "max_log_file_action = ignore\n", pass: "max_log_file_action = keep_logs\n"),
        "AUDITD-SPACE-LEFT": config("etc/audit/auditd.conf", fail: "space_left_action = IGNORE\n", pass: "space_left_action = email\n"),
        "NGINX-TLS-PROTOCOLS": config("etc/nginx/nginx.conf", fail: "http { server { listen 443 ssl; } }\n",
                                      pass: "http { ssl_protocols TLSv1.2 TLSv1.3; }\n"),
        "NGINX-SERVER-TOKENS": config("etc/nginx/nginx.conf", fail: "http { }\n", pass: "http { server_tokens off; }\n"),
        "NGINX-ACCESS-LOG": config("etc/nginx/nginx.conf", fail: "http { server { access_log off; } }\n", pass: "http { access_log /var/log/nginx/a.log; }\n"),
        "CRYPTO-CONFIG-GBT39786": config("etc/nginx/nginx.conf", fail: "http {\n  ssl_protocols TLSv1 TLSv1.2;\n}\n",
                                         pass: "http {\n  ssl_protocols TLSv1.2 TLSv1.3;\n  ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384;\n}\n"),
        "DOC-IMPORTANT-DATA-CATALOGUE": document("重要数据目录.md", old: "2023-01-01"),
        "DOC-CLASSIFICATION-POLICY": document("数据分类分级制度.md"),
        "DOC-SECURITY-POLICY": document("数据安全管理制度.md"),
        "DOC-INCIDENT-RESPONSE-PLAN": document("数据安全事件应急预案.md", old: "2020-03-01"),
        "DOC-INCIDENT-DRILL": document("应急演练记录.md", old: "2023-11-11"),
        "DOC-RISK-ASSESSMENT": document("数据安全风险评估报告.md", old: "2024-05-01"),
        "DOC-PI-IMPACT-ASSESSMENT": document("个人信息保护影响评估报告.md", old: "2021-01-01"),
        "DOC-PRIVACY-POLICY": document("个人信息处理规则.md"),
    ]

    func testEveryBuiltinControlHasFixtures() throws {
        let lib = try PackLibrary.builtin()
        XCTAssertEqual(Set(lib.controlIds), Set(Self.fixtures.keys))
        XCTAssertGreaterThanOrEqual(try lib.loadPack("cn-data-security", cwd: "/").controls.count, 25)
    }

    func testEachBuiltinControlFailsAndPasses() throws {
        for id in try PackLibrary.builtin().controlIds.sorted() {
            guard let f = Self.fixtures[id] else { continue }
            let pack = packSelecting([id])
            let bad = EvidenceFolder(), good = EvidenceFolder()
            f.fail(bad)
            f.pass(good)
            let failing = try comply(["--pack", pack.path, bad.root])
            XCTAssertEqual(failing.status(id), "fail", "\(id) on its failing fixture: \(failing.row(id).reason)")
            XCTAssertEqual(failing.result.findings.map(\.ruleId), [id], id)
            XCTAssertEqual(failing.exitCode, 1, id)
            let passing = try comply(["--pack", pack.path, good.root])
            XCTAssertEqual(passing.status(id), "pass", "\(id) on its passing fixture: \(passing.row(id).reason) \(passing.row(id).evidenceText)")
            XCTAssertTrue(passing.result.findings.isEmpty, id)
        }
    }
}
