@testable import DSToolComply
import DSToolKit
import DSToolScan
import Foundation
import XCTest

/// The small readers the primitives rely on.
final class ParserTests: XCTestCase {
    func testPasswordHashClasses() {
        let cases: [(String, PasswordHashClass)] = [
            ("5f4dcc3b5aa765d61d8327deb882cf99", .md5), ("5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8", .sha1),
            (String(repeating: "ab", count: 32), .sha256OrSM3), (String(repeating: "0f", count: 64), .sha512),
            ("$2y$10$abcdefghijklmnopqrstuu5dJ0cCBuTsRnJ1zKBHqCsDPn9AUt6w.", .bcrypt), ("$2b$12$short", .plaintext),
            ("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", .argon2), ("$scrypt$ln=16,r=8,p=1$c2FsdA$aGFzaA", .scrypt),
            ("pbkdf2_sha256$600000$salt$hash=", .pbkdf2), ("$pbkdf2-sha512$25000$c2FsdA$aGFzaA", .pbkdf2),
            ("$sm3$c2FsdA$" + String(repeating: "a", count: 64), .sm3Salted), ("$sm3$" + String(repeating: "a", count: 64), .sha256OrSM3),
            ("$1$salt$hash", .md5Crypt), ("$6$salt$hash", .shaCrypt), ("{SSHA}abcdefgh", .saltedSHA1), ("{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", .ldapUnsalted),
            ("X03MO1qnZdYdgyfeuILPmQ==", .md5), ("qUqP5cyxm6YcTAhz05Hph5gvu9M=", .sha1), ("hunter2", .plaintext), ("", .empty), ("NULL", .empty),
            (String(repeating: "q83vEjRW", count: 8), .opaque),
        ]
        for (v, c) in cases { XCTAssertEqual(PasswordHashClass.classify(v), c, v) }
    }

    func testPasswordColumnNames() {
        for yes in ["password", "passwd", "user_pwd", "pass_hash", "userPassword", "登录密码", "口令", "pw", "hashed_password"] {
            XCTAssertTrue(PasswordColumns.isPasswordColumn(yes), yes)
        }
        for no in ["passport", "passport_no", "bypass", "compass", "id_no", "pass_date_x"] where no != "pass_date_x" {
            XCTAssertFalse(PasswordColumns.isPasswordColumn(no), no)
        }
    }

    func testLogTimestamps() {
        func t(_ s: String, ref: String = "2025-06-30") -> String? {
            let r = Int64(Day(ref)!.ordinal + 1) * 86400
            return LogTimestamps.parse(Array(s.utf8)[...], reference: r).map { Day(epochSeconds: $0).description }
        }
        XCTAssertEqual(t("2024-03-05T10:11:12+08:00 host app: x"), "2024-03-05")
        XCTAssertEqual(t("[2024/03/05 10:11:12] warn"), "2024-03-05")
        XCTAssertEqual(t("Mar  5 10:11:12 host sshd[1]: x"), "2025-03-05")
        XCTAssertEqual(t("Dec 31 23:59:59 host x"), "2024-12-31")  // after the reference day: the year before
        XCTAssertEqual(t("Feb 29 00:00:00 host x", ref: "2025-06-30"), "2024-02-29")
        XCTAssertEqual(t("10.0.0.1 - - [05/Mar/2024:10:11:12 +0800] \"GET /\""), "2024-03-05")
        XCTAssertEqual(t("type=LOGIN msg=audit(1709633472.120:77): pid=1"), "2024-03-05")
        XCTAssertNil(t("no time here at all"))
        XCTAssertNil(t("order 20240305123 shipped"))
        let head = Array("x\nApr  1 00:00:00 h a\nMar  1 00:00:00 h b\n".utf8)
        let o = LogTimestamps.oldest(in: head, reference: Int64(Day("2025-06-30")!.ordinal) * 86400)
        XCTAssertEqual(o.map { Day(epochSeconds: $0.0).description }, "2025-03-01")
        XCTAssertEqual(o?.1, 3)
    }

    func testTimeSpans() {
        XCTAssertEqual(ConfigParsers.timeSpanSeconds("180d"), 180 * 86400)
        XCTAssertEqual(ConfigParsers.timeSpanSeconds("1y"), 31557600)
        XCTAssertEqual(ConfigParsers.timeSpanSeconds("6month"), 6 * 2629800)
        XCTAssertEqual(ConfigParsers.timeSpanSeconds("1w 2d"), 9 * 86400)
        XCTAssertEqual(ConfigParsers.timeSpanSeconds("3600"), 3600)
        XCTAssertEqual(ConfigParsers.timeSpanSeconds("5m"), 300)
        XCTAssertNil(ConfigParsers.timeSpanSeconds("soon"))
    }

    func testNginxAndLogrotateParsing() {
        let n = ConfigParsers.nginx("http {\n  # ssl_protocols SSLv3;\n  server {\n    ssl_protocols \"TLSv1.2\" TLSv1.3;\n  }\n}\n")
        XCTAssertEqual(n.map(\.key), ["ssl_protocols"])
        XCTAssertEqual(n[0].value, "TLSv1.2 TLSv1.3")
        XCTAssertEqual(n[0].line, 4)
        XCTAssertEqual(n[0].context, "http > server")
        let l = ConfigParsers.logrotate("weekly\nrotate 4\n/var/log/a.log /var/log/b.log {\n  daily\n  rotate 30\n  maxage 20\n}\n").config
        XCTAssertEqual(l.global.rotate, 4)
        XCTAssertEqual(l.global.periodDays, 7)
        XCTAssertEqual(l.blocks.count, 1)
        XCTAssertEqual(l.blocks[0].paths, "/var/log/a.log /var/log/b.log")
        XCTAssertEqual(l.blocks[0].rotate, 30)
        XCTAssertEqual(l.blocks[0].maxAge, 20)
        XCTAssertEqual(l.blocks[0].rotateLine, 5)
    }

    func testDocumentDates() {
        let text = "报告\n下次评估日期：2026年3月1日\n评估日期：2025年3月1日\n附件 2025-04-02\n"
        let c = DocumentDates.choose(text: text, metadata: nil, metadataSource: "", asOf: Day("2025-06-30")!)
        XCTAssertEqual(c?.0, Day("2025-03-01"))
        XCTAssertEqual(c?.2, 3)
        let unlabelled = DocumentDates.choose(text: "附件 2025-04-02\n 2024/1/5\n", metadata: nil, metadataSource: "", asOf: Day("2025-06-30")!)
        XCTAssertEqual(unlabelled?.0, Day("2025-04-02"))
        XCTAssertNil(DocumentDates.choose(text: "no dates", metadata: Day("2099-01-01"), metadataSource: "m", asOf: Day("2025-06-30")!))
        XCTAssertEqual(DocumentKind.recognise("2025年数据安全风险评估报告.docx"), [.riskAssessment])
        XCTAssertEqual(DocumentKind.recognise("Incident_Response_Plan_v3.pdf"), [.incidentResponsePlan])
        XCTAssertEqual(DocumentKind.recognise("个人信息保护影响评估-CRM.md"), [.piImpactAssessment])
        XCTAssertEqual(DocumentKind.recognise("olympia-notes.md"), [])
    }

    func testClausesAndDays() {
        XCTAssertEqual(Clause.parse("数据安全法 art. 27")?.label.zh, "中华人民共和国数据安全法 第二十七条")
        XCTAssertEqual(Clause.parse("个人信息保护法 art.55")?.id, "个人信息保护法 art. 55")
        XCTAssertEqual(Clause.parse("网络安全法 art. 21")?.label.en, "Cybersecurity Law Art. 21")
        XCTAssertEqual(Clause.parse("GB/T 22239-2019 8.1.4.3")?.reference, "8.1.4.3")
        XCTAssertNil(Clause.parse("GB/T 22239 8.1.4.3"))
        XCTAssertNil(Clause.parse("数据安全法 art. x"))
        XCTAssertEqual(ChineseNumerals.format(101), "一百零一")
        XCTAssertEqual(ChineseNumerals.format(10), "十")
        XCTAssertEqual(ChineseNumerals.format(56), "五十六")
        XCTAssertEqual(Day("2024-02-29")! + 366, Day("2025-03-01"))
        XCTAssertNil(Day("2023-02-29"))
        XCTAssertEqual(Day(epochSeconds: 0).description, "1970-01-01")
    }

    func testClassifier() {
        func roles(_ p: String) -> ItemRoles { ItemClassifier.classify(name: p, chain: [p], mime: "text/plain", magic: "", isText: true, isContainer: false).roles }
        XCTAssertTrue(roles("var/log/nginx/access.log.2").contains(.log))
        XCTAssertTrue(roles("var/log/messages-20240101").contains(.log))
        XCTAssertTrue(roles("uat/export/users.csv").contains(.testDataset))
        XCTAssertFalse(roles("latest/export/users.csv").contains(.testDataset))
        XCTAssertTrue(roles("backups/2024/db.sql").contains(.backup))
        XCTAssertEqual(ItemClassifier.classify(name: "a", chain: ["srv/web/etc/ssh/sshd_config.d/10.conf"], mime: "", magic: "", isText: true, isContainer: false).configGroup, "srv/web")
    }

    /// SQL dump samples: an extended INSERT is read only up to the sample size, a table whose
    /// columns are unknown is not sampled, cells are classified with their column as context.
    func testSQLDumpSampler() {
        func id(_ n: Int) -> String {
            let first17 = "3101041990" + String(format: "%02d%02d", n % 12 + 1, n % 28 + 1) + String(format: "%03d", n % 1000)
            let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
            let sum = zip(first17.utf8, weights).reduce(0) { $0 + Int($1.0 - 48) * $1.1 }
            return first17 + String(Array("10X98765432")[sum % 11])
        }
        var dump = "CREATE TABLE `people` (`id` int, `id_no` varchar(18), `note` text, `key` int, PRIMARY KEY (`id`));\n"
        dump += "INSERT INTO `people` VALUES " + (0..<5000).map { "(\($0),'\(id($0))','a, (b)',1)" }.joined(separator: ",") + ";\n"
        dump += "INSERT INTO unknown VALUES(1,'\(id(1))'),(2,'it\\'s; \"here\"`'),(3,\"a;b\");\n"
        dump += "CREATE TABLE other (mobile varchar(11));\nINSERT INTO other VALUES ('13812345678');\n"
        dump += "INSERT INTO `people` (`id`, `id_no`, `note`, `key`) VALUES (9,'\(id(9))',NULL,2);\n"
        let counter = PersonalDataClassifier(kinds: [.cnIDCard, .cnMobile], minimumConfidence: 0.5)
        let tables = SQLDumpSampler.sample(Array(dump.utf8), maxRows: 10, counter: counter)
        XCTAssertEqual(tables.map(\.0), ["people", "other"])
        XCTAssertEqual(tables[1].1.rows, 1)
        XCTAssertEqual(tables[1].1.columns[0].pi.counts, ["cn_mobile": 1])
        let people = tables[0].1
        XCTAssertEqual(people.rows, 10)
        XCTAssertEqual(people.columns.map(\.name), ["id", "id_no", "note", "key"])
        XCTAssertEqual(people.columns.map(\.nonEmpty), [10, 10, 10, 10])
        XCTAssertEqual(people.columns[1].pi.counts, ["cn_id_card": 10])
        XCTAssertEqual(people.columns[2].pi.counts, [:])
        // A truncated head (cut inside a tuple) samples what is complete.
        let cut = Array(dump.utf8.prefix(200))
        let partial = SQLDumpSampler.sample(cut, maxRows: 1000, counter: counter)
        XCTAssertEqual(partial.first?.1.rows, 2)
    }

    /// Before any CREATE TABLE, INSERTs without a column list cannot be sampled and are skipped
    /// without being parsed (a semicolon inside a string still does not end them); one that names
    /// its columns is sampled, and a table created later is sampled from then on.
    func testSQLDumpWithoutSchemaSamplesOnlyWhatNamesItsColumns() {
        var dump = "INSERT INTO `db`.`people` VALUES (1,'a; INSERT INTO x (m) VALUES (1)');\n"
        dump += "insert into \"people\" values(2,'13812345678');\n"
        dump += "INSERT INTO people (id, mobile) VALUES (3,'13912345678'),(4,'13712345678');\n"
        dump += "INSERT INTO [people] VALUES (5,'13612345678');\n"
        dump += "CREATE TABLE later (mobile varchar(11));\nINSERT INTO later VALUES ('13512345678');\n"
        let counter = PersonalDataClassifier(kinds: [.cnMobile], minimumConfidence: 0.5)
        let tables = SQLDumpSampler.sample(Array(dump.utf8), maxRows: 10, counter: counter)
        XCTAssertEqual(tables.map(\.0), ["people", "later"])
        XCTAssertEqual(tables.map(\.1.rows), [2, 1])
        XCTAssertEqual(tables[0].1.columns.map(\.name), ["id", "mobile"])
        XCTAssertEqual(tables[0].1.columns[1].pi.counts, ["cn_mobile": 2])
        XCTAssertEqual(tables[1].1.columns[0].pi.counts, ["cn_mobile": 1])
    }


    /// CSV and SQL dump heads are sampled on the scan workers (with 1 job or 2), SQLite files on
    /// the reading thread: the tables still come out in the order their items were read.
    func testTablesKeepItemOrderWhenSampledOnWorkers() throws {
        let ev = EvidenceFolder()
        _ = ev.write("data/a.csv", "id,mobile\n1,13812345678\n")
        ev.sqlite("data/b.sqlite", ["CREATE TABLE people(name TEXT, mobile TEXT)", "INSERT INTO people VALUES ('x', '13912345678')"])
        _ = ev.write("data/c.sql", "CREATE TABLE t1 (mobile varchar(11));\nINSERT INTO t1 VALUES ('13712345678');\n" +
                     "CREATE TABLE t2 (note text);\nINSERT INTO t2 VALUES ('x');\n")
        _ = ev.write("data/d.tsv", "mobile\tnote\n13612345678\tx\n")
        for jobs in ["1", "2"] {
            _ = try comply(["--pack", "cn-data-security", "--jobs", jobs, ev.root])
            let tables = try XCTUnwrap(lastEvidence?.tables)
            XCTAssertEqual(tables.map { ($0.item as NSString).lastPathComponent + ($0.table.map { "." + $0 } ?? "") },
                           ["a.csv", "b.sqlite.people", "c.sql.t1", "c.sql.t2", "d.tsv"], "--jobs \(jobs)")
            XCTAssertEqual(tables.map(\.rowsSampled), [1, 1, 1, 1, 1])
            XCTAssertEqual(tables[0].columns[1].pi.counts, ["cn_mobile": 1])
        }
    }


    /// Heads of large items are reused from item to item: a buffer comes back empty with its
    /// storage (no fresh pages per table), a head a sampler still holds is never written over,
    /// and small heads are not kept.
    func testHeadBuffersAreReusedWithoutTouchingAHeadStillInUse() {
        let heads = HeadBuffers()
        var a = heads.take(capacity: 2 << 20)
        XCTAssertEqual(a.count, 0)
        XCTAssertGreaterThanOrEqual(a.capacity, 2 << 20)
        a.append(contentsOf: [1, 2, 3])
        let storage = a.withUnsafeBufferPointer { $0.baseAddress }
        heads.giveBack(a)
        a = []
        var b = heads.take(capacity: 1 << 20)
        XCTAssertEqual(b.count, 0)
        XCTAssertEqual(b.withUnsafeBufferPointer { $0.baseAddress }, storage, "the spare buffer is reused in place")
        b.append(contentsOf: [4, 5])
        // A sampler on a worker still reading the head when it is given back: the next taker
        // writes into storage of its own.
        let held = b
        heads.giveBack(b)
        b = []
        var c = heads.take(capacity: 1 << 20)
        c.append(contentsOf: [9, 9, 9, 9])
        XCTAssertEqual(held, [4, 5])
        XCTAssertEqual(c, [9, 9, 9, 9])
        // Too small to keep; a spare buffer too small for the request is not used.
        heads.giveBack([UInt8](repeating: 7, count: 1000))
        XCTAssertEqual(heads.spareCount, 0)
        heads.giveBack(c)
        let d = heads.take(capacity: 64 << 20)
        XCTAssertGreaterThanOrEqual(d.capacity, 64 << 20)
        XCTAssertEqual(heads.spareCount, 1)
    }

    /// Many tables with multi-megabyte heads in a row (their head buffers reused), sampled on the
    /// workers with 1 and 2 jobs: each table's sample is its own rows, whatever the order in which
    /// the samplers ran and gave their buffers back (a shorter head after a longer one included).
    func testLargeTableHeadsInARowAreEachSampledFromTheirOwnBytes() throws {
        let ev = EvidenceFolder()
        var expected: [(String, [String], [String: Int], Int)] = []
        for k in 0..<6 {
            // Rows long enough that the 1000 sampled rows span more than a megabyte.
            let pad = String(repeating: "x", count: 1200 + 300 * (k % 3))
            let rows = 1100 - 30 * k
            if k % 2 == 0 {
                var csv = "n\(k),mobile\(k),note\n"
                for (i, m) in mobiles(rows).enumerated() { csv += "\(i),\(m),\(pad)\n" }
                _ = ev.write("data/t\(k).csv", csv)
                expected.append(("t\(k).csv", ["n\(k)", "mobile\(k)", "note"], ["cn_mobile": min(rows, 1000)], min(rows, 1000)))
            } else {
                var sql = "CREATE TABLE p\(k) (id int, id_no varchar(18), note text);\n"
                for (i, v) in ids(rows).enumerated() { sql += "INSERT INTO p\(k) VALUES (\(i),'\(v)','\(pad)');\n" }
                _ = ev.write("data/t\(k).sql", sql)
                expected.append(("t\(k).sql.p\(k)", ["id", "id_no", "note"], ["cn_id_card": min(rows, 1000)], min(rows, 1000)))
            }
        }
        for jobs in ["1", "2"] {
            _ = try comply(["--pack", "cn-data-security", "--jobs", jobs, ev.root])
            let tables = try XCTUnwrap(lastEvidence?.tables)
            XCTAssertEqual(tables.map { ($0.item as NSString).lastPathComponent + ($0.table.map { "." + $0 } ?? "") }, expected.map(\.0), "--jobs \(jobs)")
            for (t, e) in zip(tables, expected) {
                XCTAssertEqual(t.columns.map(\.name), e.1, e.0)
                XCTAssertEqual(t.rowsSampled, e.3, e.0)
                XCTAssertEqual(t.columns[1].pi.counts, e.2, e.0)
                XCTAssertEqual(t.columns[0].pi.counts, [:], e.0)
            }
        }
    }

}
