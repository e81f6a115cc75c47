@testable import DSToolComply
import DSToolKit
import XCTest

/// Each primitive with evidence that makes it pass, fail, and not apply.
final class PrimitiveTests: XCTestCase {
    // MARK: pi_plaintext

    func testPlaintextPersonalDataInColumns() throws {
        let ev = EvidenceFolder()
        ev.write("db/customers.csv", peopleCSV(40))
        let r = try check("pi_plaintext:\n  scope: columns\n  kinds: [cn_id_card]", ev)
        XCTAssertEqual(r.status, "fail", r.reason)
        XCTAssertEqual(r.evidence.first?["column"]?.stringValue, "id_no")
        XCTAssertEqual(r.evidence.first?["input"]?.stringValue, ev.path("db/customers.csv"))
        XCTAssertTrue(r.evidenceText.contains("40 Resident identity card number"), r.evidenceText)
        // Mobile numbers are personal but not sensitive: the default kinds do not flag them.
        let phonesOnly = EvidenceFolder()
        phonesOnly.write("db/contacts.csv", peopleCSV(40, idNumbers: false))
        XCTAssertEqual(try check("pi_plaintext:\n  scope: columns", phonesOnly).status, "pass")
    }

    func testMaskedColumnsPass() throws {
        let ev = EvidenceFolder()
        var csv = "id,name,id_no\n"
        for (i, v) in ids(30).enumerated() { csv += "\(i),u\(i),\(v.prefix(6))********\(v.suffix(4))\n" }
        ev.write("db/customers.csv", csv)
        let r = try check("pi_plaintext:\n  scope: columns", ev)
        XCTAssertEqual(r.status, "pass", r.reason)
        XCTAssertTrue(r.reason.contains("3 column(s)"), r.reason)
    }

    func testPlaintextInSQLiteAndSQLDump() throws {
        let ev = EvidenceFolder()
        let cards = bankCards(20)
        ev.sqlite("db/pay.sqlite", ["CREATE TABLE cards (id INTEGER, holder TEXT, card_no TEXT)"]
                  + cards.enumerated().map { "INSERT INTO cards VALUES (\($0.offset), 'h\($0.offset)', '\($0.element)')" })
        let idv = ids(10)
        ev.write("db/dump.sql", "CREATE TABLE `people` (\n  `id` int NOT NULL,\n  `cert_no` varchar(18),\n  PRIMARY KEY (`id`)\n);\n"
                 + "INSERT INTO `people` VALUES " + idv.enumerated().map { "(\($0.offset),'\($0.element)')" }.joined(separator: ",") + ";\n")
        let r = try check("pi_plaintext:\n  scope: columns", ev)
        XCTAssertEqual(r.status, "fail")
        let places = Set(r.evidence.map { "\($0["table"]?.stringValue ?? "").\($0["column"]?.stringValue ?? "")" })
        XCTAssertEqual(places, ["cards.card_no", "people.cert_no"])
    }

    func testPlaintextInFiles() throws {
        let ev = EvidenceFolder()
        ev.write("share/notes.txt", "客户资料\n张三 身份证 \(ids(1)[0])\n")
        let r = try check("pi_plaintext:\n  scope: files", ev)
        XCTAssertEqual(r.status, "fail")
        XCTAssertEqual(r.evidence.first?["input"]?.stringValue, ev.path("share/notes.txt"))
        let clean = EvidenceFolder()
        clean.write("share/notes.txt", "会议纪要：本周无事项。\n")
        XCTAssertEqual(try check("pi_plaintext:\n  scope: files", clean).status, "pass")
        XCTAssertEqual(try check("pi_plaintext:\n  scope: files", EvidenceFolder()).status, "notapplicable")
    }

    // MARK: password_storage

    func testPasswordStorage() throws {
        let weak = EvidenceFolder()
        weak.write("db/users.csv", peopleCSV(20, idNumbers: false, phones: false) { md5Hex("pw\($0)") })
        let r = try check("password_storage: {}", weak)
        XCTAssertEqual(r.status, "fail")
        XCTAssertTrue(r.evidenceText.contains("20 unsalted-md5 of 20 sampled values"), r.evidenceText)

        let plain = EvidenceFolder()
        plain.sqlite("app.db", ["CREATE TABLE account (login TEXT, passwd TEXT)", "INSERT INTO account VALUES ('a', 'Secret123'), ('b', 'hunter2')"])
        XCTAssertTrue(try check("password_storage: {}", plain).evidenceText.contains("2 plaintext"))

        let strong = EvidenceFolder()
        strong.write("db/users.csv", "id,password_hash\n1,$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW\n2,pbkdf2_sha256$600000$abc$def=\n3,$sm3$c2FsdA$0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n")
        let s = try check("password_storage: {}", strong)
        XCTAssertEqual(s.status, "pass", s.reason)

        // Values that look encrypted cannot be judged from the data: a person decides.
        let opaque = EvidenceFolder()
        opaque.write("db/users.csv", "id,password\n1,\(String(repeating: "q83vEjRW", count: 8))\n")
        XCTAssertEqual(try check("password_storage: {}", opaque).status, "manual")

        // A stricter pack that accepts only salted SM3.
        XCTAssertEqual(try check("password_storage:\n  allowed: [salted-sm3]", strong).status, "fail")
        XCTAssertEqual(try check("password_storage: {}", EvidenceFolder()).status, "notapplicable")
    }

    // MARK: pi_file_permissions

    func testFilePermissionsOnDiskAndInsideTar() throws {
        let ev = EvidenceFolder()
        ev.write("hr/roster.csv", peopleCSV(5), mode: 0o644)
        ev.write("hr/public.txt", "食堂菜单\n", mode: 0o644)
        let r = try check("pi_file_permissions: {}", ev)
        XCTAssertEqual(r.status, "fail")
        XCTAssertEqual(r.evidence.map { $0["input"]?.stringValue ?? "" }, [ev.path("hr/roster.csv")])
        XCTAssertTrue(r.evidenceText.contains("mode 644"), r.evidenceText)

        let tight = EvidenceFolder()
        tight.write("hr/roster.csv", peopleCSV(5), mode: 0o640)
        tight.write("hr/public.txt", "食堂菜单\n", mode: 0o644)
        XCTAssertEqual(try check("pi_file_permissions: {}", tight).status, "pass")
        // Group-readable counts when the pack says group.
        XCTAssertEqual(try check("pi_file_permissions:\n  readable_by: group", tight).status, "fail")

        // Modes recorded inside a tar archive are evidence too.
        let tar = EvidenceFolder()
        tar.archive("share/export.tar.gz", [EvidenceFolder.entry("export/people.csv", peopleCSV(5), mode: 0o604),
                                            EvidenceFolder.entry("export/readme.txt", "hello\n", mode: 0o644)], gzip: true)
        chmod(tar.path("share/export.tar.gz"), 0o600)
        let t = try check("pi_file_permissions: {}", tar)
        XCTAssertEqual(t.status, "fail")
        XCTAssertEqual(t.evidence.first?["input"]?.stringValue, tar.path("share/export.tar.gz") + "!export/people.csv")
        XCTAssertTrue(t.evidenceText.contains("mode 604"), t.evidenceText)
    }

    // MARK: config_value

    func testConfigValueSSHD() throws {
        let ev = EvidenceFolder()
        ev.write("web01/etc/ssh/sshd_config", "# comment\nPort 22\nPermitRootLogin yes\nMatch User backup\n  PermitRootLogin no\n")
        ev.write("web02/etc/ssh/sshd_config", "PermitRootLogin no\n")
        let r = try check("config_value:\n  config: sshd\n  key: PermitRootLogin\n  allowed: [no]", ev)
        XCTAssertEqual(r.status, "fail")
        XCTAssertEqual(r.evidence.count, 1)
        XCTAssertEqual(r.evidence[0]["input"]?.stringValue, ev.path("web01/etc/ssh/sshd_config"))
        XCTAssertEqual(r.evidence[0]["line"]?.intValue, 3)
    }

    func testConfigValueDefaultsAndDropIns() throws {
        let ev = EvidenceFolder()
        // Debian: the drop-in folder is included first, and the first value sshd obtains wins.
        ev.write("etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\n")
        ev.write("etc/ssh/sshd_config.d/10-hardening.conf", "permitrootlogin no\n")
        XCTAssertEqual(try check("config_value:\n  config: sshd\n  key: PermitRootLogin\n  allowed: [no]", ev).status, "pass")
        // Without the Include, sshd never reads the drop-in.
        let noInclude = EvidenceFolder()
        noInclude.write("etc/ssh/sshd_config", "PermitRootLogin yes\n")
        noInclude.write("etc/ssh/sshd_config.d/10-hardening.conf", "PermitRootLogin no\n")
        XCTAssertEqual(try check("config_value:\n  config: sshd\n  key: PermitRootLogin\n  allowed: [no]", noInclude).status, "fail")
        // Not set: the software's default decides; without a default a person must look.
        let unset = EvidenceFolder()
        unset.write("etc/ssh/sshd_config", "Port 22\n")
        XCTAssertEqual(try check("config_value:\n  config: sshd\n  key: MaxAuthTries\n  max: 5\n  default: \"6\"", unset).status, "fail")
        XCTAssertEqual(try check("config_value:\n  config: sshd\n  key: MaxAuthTries\n  max: 5", unset).status, "manual")
        XCTAssertEqual(try check("config_value:\n  config: sshd\n  key: MaxAuthTries\n  max: 5", EvidenceFolder()).status, "notapplicable")
    }

    func testConfigValueOtherFormats() throws {
        let ev = EvidenceFolder()
        ev.write("etc/login.defs", "PASS_MAX_DAYS\t99999\nPASS_MIN_DAYS 0\n")
        ev.write("etc/security/pwquality.conf", "# minlen = 9\nminlen = 12\nminclass = 2\n")
        ev.write("etc/systemd/journald.conf", "[Journal]\nStorage=volatile\nMaxRetentionSec=6month\n")
        ev.write("etc/audit/auditd.conf", "disk_full_action = IGNORE\nmax_log_file_action = keep_logs\n")
        ev.write("etc/nginx/nginx.conf", "http {\n  server_tokens off;\n  server {\n    listen 443 ssl;\n    ssl_protocols TLSv1 TLSv1.2;\n  }\n}\n")
        func st(_ c: String) throws -> String { try check(c, ev).status }
        XCTAssertEqual(try st("config_value:\n  config: login.defs\n  key: PASS_MAX_DAYS\n  max: 90"), "fail")
        XCTAssertEqual(try st("config_value:\n  config: pwquality\n  key: minlen\n  min: 8"), "pass")
        XCTAssertEqual(try st("config_value:\n  config: pwquality\n  key: minclass\n  min: 3"), "fail")
        XCTAssertEqual(try st("config_value:\n  config: journald\n  key: Storage\n  section: Journal\n  allowed: [persistent, auto]"), "fail")
        XCTAssertEqual(try st("config_value:\n  config: journald\n  key: MaxRetentionSec\n  min: 15552000"), "pass")
        XCTAssertEqual(try st("config_value:\n  config: auditd\n  key: disk_full_action\n  forbidden: [ignore]"), "fail")
        XCTAssertEqual(try st("config_value:\n  config: auditd\n  key: max_log_file_action\n  allowed: [keep_logs, rotate]"), "pass")
        let tls = try check("config_value:\n  config: nginx\n  key: ssl_protocols\n  forbid_tokens: [SSLv3, TLSv1, TLSv1.1]", ev)
        XCTAssertEqual(tls.status, "fail")
        XCTAssertEqual(tls.evidence.first?["line"]?.intValue, 5)
        XCTAssertTrue(tls.evidenceText.contains("includes forbidden 'TLSv1'"), tls.evidenceText)
        XCTAssertEqual(try st("config_value:\n  config: nginx\n  key: server_tokens\n  allowed: [\"off\"]"), "pass")
    }

    // MARK: log_retention

    func testLogRetentionFromLogrotate() throws {
        let short = EvidenceFolder()
        short.write("etc/logrotate.conf", "weekly\nrotate 4\ninclude /etc/logrotate.d\n")
        short.write("etc/logrotate.d/nginx", "/var/log/nginx/*.log {\n    daily\n    rotate 14\n    compress\n    postrotate\n        rotate 999\n    endscript\n}\n")
        let r = try check("log_retention:\n  min_days: 180", short)
        XCTAssertEqual(r.status, "fail")
        XCTAssertEqual(r.evidence.first?["line"]?.intValue, 3)
        XCTAssertTrue(r.evidenceText.contains("keeps 14 days (rotate 14 × 1 days)"), r.evidenceText)

        let long = EvidenceFolder()
        long.write("etc/logrotate.conf", "weekly\nrotate 4\n")
        long.write("etc/logrotate.d/rsyslog", "/var/log/syslog\n{\n    rotate 7\n    monthly\n}\n/var/log/auth.log {\n    rotate 52\n}\n")
        let l = try check("log_retention:\n  min_days: 180", long)
        XCTAssertEqual(l.status, "pass", l.reason + l.evidenceText)
        // maxage caps what rotate keeps.
        long.write("etc/logrotate.d/app", "/var/log/app.log {\n  rotate 100\n  daily\n  maxage 30\n}\n")
        XCTAssertEqual(try check("log_retention:\n  min_days: 180", long).status, "fail")
    }

    func testLogRetentionFromJournaldAndTimestamps() throws {
        let jd = EvidenceFolder()
        jd.write("etc/systemd/journald.conf", "[Journal]\nMaxRetentionSec=1month\n")
        XCTAssertEqual(try check("log_retention: {}", jd).status, "fail")

        // No settings, logs reaching back 200 days: proven by the data.
        let old = EvidenceFolder()
        old.write("var/log/nginx/access.log.1", "10.0.0.1 - - [12/Dec/2024:10:00:00 +0800] \"GET / HTTP/1.1\" 200 1\n")
        old.write("var/log/nginx/access.log", "10.0.0.1 - - [29/Jun/2025:10:00:00 +0800] \"GET / HTTP/1.1\" 200 1\n")
        let o = try check("log_retention: {}", old)
        XCTAssertEqual(o.status, "pass", o.reason)
        XCTAssertTrue(o.evidenceText.contains("2024-12-12"), o.evidenceText)

        // Logs reaching back 20 days, no settings: cannot tell, a person must look.
        let young = EvidenceFolder()
        young.write("var/log/syslog", "Jun 10 08:00:01 host CRON[1]: job\nJun 11 08:00:01 host CRON[1]: job\n")
        let y = try check("log_retention: {}", young, asOf: "2025-06-30")
        XCTAssertEqual(y.status, "manual", y.reason)
        XCTAssertTrue(y.reason.contains("20 days"), y.reason)
        XCTAssertEqual(try check("log_retention: {}", EvidenceFolder()).status, "notapplicable")
    }

    func testLogsInCompressedRotations() throws {
        let ev = EvidenceFolder()
        ev.archive("var/log/audit/audit.log.4.tar", [EvidenceFolder.entry("audit.log.4", "type=USER_LOGIN msg=audit(1704067200.123:42): pid=1\n")])
        ev.write("var/log/audit/audit.log", "type=USER_LOGIN msg=audit(1751000000.000:1): pid=1\n")
        let r = try check("log_retention: {}", ev)
        XCTAssertEqual(r.status, "pass", r.reason)
        XCTAssertTrue(r.evidenceText.contains("2024-01-01"), r.evidenceText)
    }

    // MARK: document_present

    func testDocumentPresentAndRecent() throws {
        let ev = EvidenceFolder()
        ev.write("docs/2025年数据安全风险评估报告.md", "# 数据安全风险评估报告\n\n评估日期：2025年3月1日\n下次评估日期：2026年3月1日\n")
        ev.write("docs/重要数据目录.txt", "重要数据目录\n编制日期: 2023-01-05\n")
        let ra = try check("document_present:\n  kind: risk-assessment\n  max_age_days: 365", ev)
        XCTAssertEqual(ra.status, "pass", ra.reason)
        XCTAssertEqual(ra.evidence.first?["line"]?.intValue, 3)
        let cat = try check("document_present:\n  kind: important-data-catalogue\n  max_age_days: 365", ev)
        XCTAssertEqual(cat.status, "fail")
        XCTAssertTrue(cat.reason.contains("907 days old"), cat.reason)
        let ir = try check("document_present:\n  kind: incident-response-plan", ev)
        XCTAssertEqual(ir.status, "fail")
        XCTAssertTrue(ir.reason.contains("among the 2 document(s)"), ir.reason)
        // No documents at all: ask for them, do not fail the enterprise on a missing folder.
        XCTAssertEqual(try check("document_present:\n  kind: incident-response-plan", EvidenceFolder()).status, "manual")
        // Present but undated.
        let undated = EvidenceFolder()
        undated.write("docs/incident-response-plan.md", "# Plan\nCall the duty officer.\n")
        XCTAssertEqual(try check("document_present:\n  kind: incident-response-plan\n  max_age_days: 1095", undated).status, "manual")
        XCTAssertEqual(try check("document_present:\n  kind: incident-response-plan", undated).status, "pass")
    }

    func testDocumentDatesFromOfficeAndPDFMetadata() throws {
        let ev = EvidenceFolder()
        let core = "<?xml version=\"1.0\"?><cp:coreProperties><dcterms:modified xsi:type=\"dcterms:W3CDTF\">2025-02-10T08:00:00Z</dcterms:modified></cp:coreProperties>"
        let body = "<w:document><w:body><w:p><w:r><w:t>个人信息保护影响评估报告</w:t></w:r></w:p></w:body></w:document>"
        ev.archive("docs/个人信息保护影响评估报告.docx", [EvidenceFolder.entry("docProps/core.xml", core), EvidenceFolder.entry("word/document.xml", body)], format: "zip")
        ev.write("docs/应急预案.pdf", "%PDF-1.4\n1 0 obj << /Title (x) /CreationDate (D:20190101000000) /ModDate (D:20240905120000+08'00') >> endobj\n%%EOF\n")
        let pia = try check("document_present:\n  kind: pi-impact-assessment\n  max_age_days: 1095", ev)
        XCTAssertEqual(pia.status, "pass", pia.reason)
        XCTAssertTrue(pia.evidenceText.contains("2025-02-10"), pia.evidenceText)
        let plan = try check("document_present:\n  kind: incident-response-plan\n  max_age_days: 365", ev)
        XCTAssertEqual(plan.status, "pass", plan.reason + plan.evidenceText)
        XCTAssertTrue(plan.evidenceText.contains("2024-09-05"), plan.evidenceText)
    }

    // MARK: test_data_real_pi

    func testTestDataWithRealPersonalData() throws {
        let ev = EvidenceFolder()
        ev.write("dev/seed/users.csv", peopleCSV(10))
        ev.write("prod/users.csv", peopleCSV(10))
        let r = try check("test_data_real_pi: {}", ev)
        XCTAssertEqual(r.status, "fail")
        XCTAssertEqual(r.evidence.map { $0["input"]?.stringValue ?? "" }, [ev.path("dev/seed/users.csv")])

        // De-identified test data (IDs with broken check digits, masked phones) passes.
        let masked = EvidenceFolder()
        var csv = "id,id_no,mobile\n"
        for (i, v) in ids(10).enumerated() {
            let bad = v.last == "1" ? "2" : "1"
            csv += "\(i),\(v.dropLast())\(bad),138****\(1000 + i)\n"
        }
        masked.write("测试环境/users.csv", csv)
        XCTAssertEqual(try check("test_data_real_pi: {}", masked).status, "pass")
        XCTAssertEqual(try check("test_data_real_pi: {}", EvidenceFolder()).status, "notapplicable")
    }

    /// The name of the folder handed to dstool says nothing about the evidence inside it.
    func testInputFolderNameIsNotEvidence() throws {
        let ev = EvidenceFolder()
        ev.write("test-copy-of-evidence/prod/users.csv", peopleCSV(5))
        let p = primitivePack("test_data_real_pi: {}")
        let r = try comply(["--pack", p.path, ev.path("test-copy-of-evidence")]).row("T")
        XCTAssertEqual(r.status, "notapplicable", r.reason)
    }

    // MARK: backup_encrypted

    func testBackupsEncrypted() throws {
        let ev = EvidenceFolder()
        ev.archive("backups/db-2025-06-01.tar.gz", [EvidenceFolder.entry("dump/users.csv", peopleCSV(5))], gzip: true)
        ev.writeBytes("backups/db-2025-06-02.tar.gz.age", Array("age-encryption.org/v1\n-> X25519 abc\n".utf8) + [0x00, 0x01, 0x02])
        ev.archive("backups/hr-2025.zip", [EvidenceFolder.entry("hr.csv", peopleCSV(5))], format: "zip", password: "secret")
        ev.archive("backups/configs.tar", [EvidenceFolder.entry("etc/hosts", "127.0.0.1 localhost\n")])
        let r = try check("backup_encrypted: {}", ev)
        XCTAssertEqual(r.status, "fail")
        XCTAssertEqual(r.evidence.map { $0["input"]?.stringValue ?? "" }, [ev.path("backups/db-2025-06-01.tar.gz")])

        let ok = EvidenceFolder()
        ok.writeBytes("backups/db.sql.age", Array("age-encryption.org/v1\n-> X25519 abc\n".utf8))
        ok.writeBytes("backups/files.bak", Array("Salted__".utf8) + [1, 2, 3, 4, 5, 6, 7, 8])
        ok.writeBytes("backups/hr.csv.gm", Array("dstool-gm/v1\n-> SM2 abc\n".utf8) + [9, 9, 9])
        ok.archive("backups/hr-2025.zip", [EvidenceFolder.entry("hr.csv", peopleCSV(5))], format: "zip", password: "secret")
        let o = try check("backup_encrypted: {}", ok)
        XCTAssertEqual(o.status, "pass", o.reason)
        XCTAssertTrue(o.evidenceText.contains("encrypted (age)") && o.evidenceText.contains("openssl enc") && o.evidenceText.contains("all 1 entries encrypted")
                      && o.evidenceText.contains("encrypted (dstool GM envelope)"), o.evidenceText)
        XCTAssertEqual(try check("backup_encrypted: {}", EvidenceFolder()).status, "notapplicable")
    }

    // MARK: crypto_settings

    func testCryptoSettingsThroughTheCryptoAuditEngine() throws {
        let ev = EvidenceFolder()
        ev.write("web/etc/nginx/nginx.conf", "http {\n  server {\n    listen 443 ssl;\n    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n    ssl_ciphers RC4-SHA:AES128-SHA;\n  }\n}\n")
        ev.write("app/etc/ssh/sshd_config", "Ciphers aes256-gcm@openssh.com,chacha20-poly1305@openssh.com\nMACs hmac-sha2-256-etm@openssh.com\n")
        let r = try check("crypto_settings: {}", ev)
        XCTAssertEqual(r.status, "fail")
        XCTAssertTrue(r.evidence.allSatisfy { $0["input"]?.stringValue == ev.path("web/etc/nginx/nginx.conf") }, r.evidenceText)
        XCTAssertTrue(r.evidenceText.contains("forbidden"), r.evidenceText)
        XCTAssertTrue(r.evidence.contains { $0["line"]?.intValue == 4 }, r.evidenceText)
        // Only forbidden classes: TLS 1.1 alone (weak) no longer fails.
        let weakOnly = EvidenceFolder()
        weakOnly.write("etc/nginx/nginx.conf", "http {\n  ssl_protocols TLSv1.1 TLSv1.2;\n}\n")
        XCTAssertEqual(try check("crypto_settings: {}", weakOnly).status, "fail")
        XCTAssertEqual(try check("crypto_settings:\n  fail_on: [forbidden]", weakOnly).status, "pass")
        let good = EvidenceFolder()
        good.write("etc/nginx/nginx.conf", "http {\n  ssl_protocols TLSv1.2 TLSv1.3;\n  ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;\n}\n")
        let g = try check("crypto_settings: {}", good)
        XCTAssertEqual(g.status, "pass", g.reason + g.evidenceText)
        XCTAssertEqual(try check("crypto_settings: {}", EvidenceFolder()).status, "notapplicable")
        XCTAssertThrowsError(try PackLibrary.builtin().parsePack(text: "pack: p\ntitle: {zh: a, en: a}\ncontrols:\n  - id: C\n    title: {zh: a, en: a}\n    description: {zh: a, en: a}\n    severity: low\n    clauses: [GB/T 39786-2021]\n    check:\n      crypto_settings: {fail_on: [broken]}\n    remediation: {zh: a, en: a}\nselect: [C]\n", file: "p.yaml", depth: 0)) { e in
            XCTAssertEqual("\(e)", "p.yaml:10:35: crypto_settings.fail_on: unknown class 'broken' (known: forbidden, weak, unknown, acceptable)")
        }
    }

    // MARK: composition

    func testAllAndAnyComposition() throws {
        let ev = EvidenceFolder()
        ev.write("etc/ssh/sshd_config", "PermitRootLogin no\nMaxAuthTries 10\n")
        let root = "config_value:\n      config: sshd\n      key: PermitRootLogin\n      allowed: [no]"
        let tries = "config_value:\n      config: sshd\n      key: MaxAuthTries\n      max: 5"
        let login = "config_value:\n      config: login.defs\n      key: PASS_MAX_DAYS\n      max: 90"
        XCTAssertEqual(try check("all:\n  - \(root)\n  - \(tries)", ev).status, "fail")
        XCTAssertEqual(try check("any:\n  - \(root)\n  - \(tries)", ev).status, "pass")
        // A part without evidence keeps `all` from passing: manual, never a false pass.
        let partly = try check("all:\n  - \(root)\n  - \(login)", ev)
        XCTAssertEqual(partly.status, "manual")
        XCTAssertTrue(partly.reason.hasPrefix("partly verified"), partly.reason)
    }

    func testApplicabilityOtherwise() throws {
        let ev = EvidenceFolder()
        ev.write("readme.txt", "nothing here\n")
        XCTAssertEqual(try check("log_retention: {}", ev, requires: "logs").status, "notapplicable")
        XCTAssertEqual(try check("log_retention: {}", ev, requires: "logs").reason, "no log files among the evidence")
    }
}
