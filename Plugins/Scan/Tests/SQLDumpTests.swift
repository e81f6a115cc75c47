import DSToolCore
import DSToolKit
@testable import DSToolScan
import XCTest

/// SQL dumps (mysqldump, pg_dump, hand-written seeds) are tables: reported per column.
final class SQLDumpTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        ScanTestCache.install()
    }

    func scan(_ args: [String]) throws -> InProcess.Result {
        try InProcess.run(ScanPlugin.self, ["scan", "--format", "json"] + args)
    }

    /// "rule table.column matched/values" of every column finding, sorted.
    func columns(_ r: InProcess.Result) -> [String] {
        r.findings.filter { $0.properties?["scope"]?.stringValue == "column" }.map {
            "\($0.ruleId) \($0.location.table ?? "").\($0.location.columnName ?? "") \($0.properties?["matched"]?.intValue ?? -1)/\($0.properties?["values"]?.intValue ?? -1)"
        }.sorted()
    }

    func hex(_ s: String) -> String { Array(s.utf8).map { String(format: "%02x", $0) }.joined() }

    /// 1-based line of the first occurrence of `needle` in `text`.
    func line(of needle: String, in text: String) -> Int {
        let r = text.range(of: needle)!
        return text[..<r.lowerBound].filter { $0 == "\n" }.count + 1
    }

    struct MySQLDump {
        var text = ""
        var notePhone = ""
        var blobID = ""
        var token = ""
    }

    /// A mysqldump of 300 users (in three INSERT statements) and 50 orders, synthetic data.
    func mysqlDump() -> MySQLDump {
        var d = MySQLDump()
        var g = SyntheticPII(seed: 42)
        d.token = "ghp_" + Fake.alnum(36, "sqldump")
        d.notePhone = g.value(.cnMobile)
        d.blobID = g.idCard()
        var t = """
        -- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
        --
        -- Host: localhost    Database: crm
        -- deploy token \(d.token)
        /*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
        DROP TABLE IF EXISTS `users`;
        CREATE TABLE `users` (
          `id` int NOT NULL AUTO_INCREMENT,
          `name` varchar(32) DEFAULT NULL,
          `id_no` char(18) DEFAULT NULL,
          `phone` varchar(20) DEFAULT NULL,
          `note` text,
          `avatar` blob,
          PRIMARY KEY (`id`),
          KEY `idx_phone` (`phone`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
        LOCK TABLES `users` WRITE;

        """
        var id = 0
        for _ in 0..<3 {
            var rows: [String] = []
            for _ in 0..<100 {
                id += 1
                let idNo = id % 10 == 0 ? "NULL" : "'\(g.idCard())'"
                let note = id == 7 ? "'O\\'Brien said \\\"hi\\\"\\n手机 \(d.notePhone)'" : (id % 2 == 0 ? "'a;b),(c'" : "NULL")
                let avatar = id == 9 ? "0x" + hex("ID:" + d.blobID) : "NULL"
                rows.append("(\(id),'\(g.name())',\(idNo),'\(g.value(.cnMobile))',\(note),\(avatar))")
            }
            t += "INSERT INTO `users` VALUES " + rows.joined(separator: ",") + ";\n"
        }
        t += "UNLOCK TABLES;\n"
        var orders: [String] = []
        for i in 1...50 { orders.append("(\(i),'\(g.value(.bankCard))',_utf8mb4'备注 \(i)')") }
        t += "INSERT INTO `orders` (`id`,`card_no`,`memo`) VALUES " + orders.joined(separator: ",\n") + ";\n"
        t += "-- Dump completed on 2024-05-01 10:00:00\n"
        d.text = t
        return d
    }

    func testMySQLDumpIsReportedPerColumn() throws {
        let dir = try TempDir()
        let d = mysqlDump()
        // Named .csv and typed text/csv by libmagic: the content decides.
        let path = try dir.file("crm.csv", d.text)
        let r = try scan([path])
        XCTAssertEqual(r.errors.map(\.reason), [])
        XCTAssertEqual(columns(r), [
            "pii.bank_card orders.card_no 50/50",
            "pii.cn_id_card users.avatar 1/1",
            "pii.cn_id_card users.id_no 270/270",
            "pii.cn_mobile users.note 1/151",
            "pii.cn_mobile users.phone 300/300",
            "pii.person_name users.name 300/300",
        ])
        // The text outside the data is scanned too, value by value, with its line.
        let token = try XCTUnwrap(r.findings.first { $0.ruleId == "secret.github-pat" })
        XCTAssertEqual(token.location.line, 4)
        XCTAssertEqual(r.findings.count, 7)
        let summary = try XCTUnwrap(r.data.first { $0.kind == "scan.summary" })
        XCTAssertEqual(summary.value["pii"]?["cn_mobile"]?.intValue, 301)
        XCTAssertEqual(summary.value["secrets"]?.intValue, 1)

        // --per-value: offsets and lines point into the file, through escapes and hex.
        let per = try scan([path, "--per-value"])
        let bytes = Array(d.text.utf8)
        let note = try XCTUnwrap(per.findings.first { $0.location.columnName == "note" && $0.properties?["scope"] == nil })
        let off = Int(try XCTUnwrap(note.location.offset))
        XCTAssertEqual(String(decoding: bytes[off..<(off + 11)], as: UTF8.self), d.notePhone)
        XCTAssertEqual(note.location.length, 11)
        XCTAssertEqual(note.location.line, line(of: "INSERT INTO `users`", in: d.text))
        XCTAssertEqual(note.location.row, 7)
        let blob = try XCTUnwrap(per.findings.first { $0.location.columnName == "avatar" && $0.properties?["scope"] == nil })
        let boff = Int(try XCTUnwrap(blob.location.offset))
        XCTAssertEqual(String(decoding: bytes[boff..<(boff + 36)], as: UTF8.self), hex(d.blobID))
        XCTAssertEqual(blob.location.length, 36)
        let card = try XCTUnwrap(per.findings.first { $0.location.columnName == "card_no" && $0.location.row == 3 })
        XCTAssertEqual(card.location.line, line(of: "INSERT INTO `orders`", in: d.text) + 2)
    }

    func testPgDumpCopyBlocksAndStandardStrings() throws {
        let dir = try TempDir()
        var g = SyntheticPII(seed: 7)
        let escapedPhone = g.value(.cnMobile)
        let auditPhone = g.value(.cnMobile)
        var t = """
        --
        -- PostgreSQL database dump
        --

        SET statement_timeout = 0;
        SET standard_conforming_strings = on;
        SELECT pg_catalog.set_config('search_path', '', false);

        CREATE TABLE public.customers (
            id integer NOT NULL,
            full_name text,
            id_no character varying(18),
            mobile text,
            remark text
        );

        ALTER TABLE public.customers OWNER TO app;

        COPY public.customers (id, full_name, id_no, mobile, remark) FROM stdin;

        """
        for i in 1...200 {
            let idNo = i % 4 == 0 ? "\\N" : g.idCard()
            let remark = i == 5 ? "C:\\\\temp\\t备注\\n手机 \(escapedPhone)" : (i % 2 == 0 ? "\\N" : "x\\\\y")
            t += "\(i)\t\(g.name())\t\(idNo)\t\(g.value(.cnMobile))\t\(remark)\n"
        }
        t += "\\.\n\n"
        // Standard strings: a backslash is a character, not an escape.
        t += "INSERT INTO public.audit VALUES (1, 'C:\\temp\\', '\(auditPhone)');\n"
        let path = try dir.file("crm.sql", t)
        let r = try scan([path])
        XCTAssertEqual(r.errors.map(\.reason), [])
        XCTAssertEqual(columns(r), [
            "pii.cn_id_card customers.id_no 150/150",
            "pii.cn_mobile audit.col3 1/1",
            "pii.cn_mobile customers.mobile 200/200",
            "pii.cn_mobile customers.remark 1/100",
            "pii.person_name customers.full_name 200/200",
        ])
        let per = try scan([path, "--per-value"])
        let bytes = Array(t.utf8)
        let remark = try XCTUnwrap(per.findings.first { $0.location.columnName == "remark" && $0.properties?["scope"] == nil })
        let off = Int(try XCTUnwrap(remark.location.offset))
        XCTAssertEqual(String(decoding: bytes[off..<(off + 11)], as: UTF8.self), escapedPhone)
        XCTAssertEqual(remark.location.row, 5)
        XCTAssertEqual(remark.location.line, line(of: "COPY public", in: t) + 5)
        let audit = try XCTUnwrap(per.findings.first { $0.location.table == "audit" && $0.properties?["scope"] == nil })
        XCTAssertEqual(audit.location.line, line(of: "INSERT INTO public.audit", in: t))
        let aoff = Int(try XCTUnwrap(audit.location.offset))
        XCTAssertEqual(String(decoding: bytes[aoff..<(aoff + 11)], as: UTF8.self), auditPhone)
    }

    func testTruncatedDumpKeepsWhatWasReadAndSaysWhere() throws {
        let dir = try TempDir()
        let d = mysqlDump()
        // Cut inside the second users INSERT, in a string.
        let cutLine = line(of: "(150,", in: d.text)
        let cut = String(d.text[..<d.text.range(of: "(150,'")!.upperBound]) + "张"
        let path = try dir.file("cut.sql", cut)
        let r = try scan([path])
        XCTAssertEqual(r.exitCode, 1, "findings rank before input errors")
        XCTAssertEqual(r.errors.map(\.reason), ["line \(cutLine): table users: unterminated string (the input ends inside it)"])
        XCTAssertTrue(try XCTUnwrap(r.errors.first).input.hasSuffix("cut.sql"))
        XCTAssertEqual(columns(r).filter { $0.contains("users.phone") }, ["pii.cn_mobile users.phone 149/149"])

        // Cut between rows: the statement has no ';'.
        let between = String(d.text[..<d.text.range(of: ",(150,")!.lowerBound])
        let r2 = try scan([try dir.file("between.sql", between)])
        XCTAssertEqual(r2.errors.map(\.reason), ["line \(cutLine): table users: the input ends inside an INSERT statement (no ';'); truncated"])
        XCTAssertEqual(columns(r2).filter { $0.contains("users.phone") }, ["pii.cn_mobile users.phone 149/149"])
    }

    func testHostileDumps() throws {
        let dir = try TempDir()
        // An unterminated string runs to the end; what it holds is still scanned, in bounded pieces.
        let token = "ghp_" + Fake.alnum(36, "hostile")
        var s = "INSERT INTO t VALUES (1,'13812345678 "
        s += String(repeating: "x", count: 3 << 20) + " \(token) " + String(repeating: "y", count: 1 << 20)
        let r = try scan([try dir.file("open.sql", s)])
        XCTAssertEqual(r.errors.map(\.reason), ["line 1: table t: unterminated string (the input ends inside it)"])
        XCTAssertEqual(columns(r), ["pii.cn_mobile t.col2 1/17", "secret.github-pat t.col2 1/17"])

        // 100,000 columns: the first 4,096 are kept apart, the rest share one.
        var wide = "INSERT INTO wide VALUES ("
        wide += (1...100_000).map { $0 == 99_999 ? "'13912345678'" : String($0) }.joined(separator: ",") + ");\n"
        let w = try scan([try dir.file("wide.sql", wide)])
        XCTAssertEqual(w.errors.map(\.reason), [])
        XCTAssertEqual(columns(w), ["pii.cn_mobile wide.(more columns) 1/95904"])

        // A statement that does not parse: an error with its line; the rest of it is text; the next one parses.
        let bad = """
        CREATE TABLE t (a text, b text);
        INSERT INTO t VALUES ('13812345678','x') garbage \(token) 'open;
        ';
        INSERT INTO t VALUES ('13912345678','13712345678');
        INSERT INTO t VALUES ('13612345678', ;
        """
        let b = try scan([try dir.file("bad.sql", bad)])
        XCTAssertEqual(b.errors.map(\.reason), [
            "line 2: table t: expected ',' or ';' after a row; the rest of the statement is scanned as text",
            "line 5: table t: expected a value; the rest of the statement is scanned as text",
        ])
        XCTAssertEqual(columns(b), ["pii.cn_mobile t.a 3/3", "pii.cn_mobile t.b 1/2"])
        XCTAssertEqual(b.findings.first { $0.ruleId == "secret.github-pat" }?.location.line, 2)
        XCTAssertEqual(try scan([try dir.file("bad-only.sql", "INSERT INTO t VALUES (1) x;\n")]).exitCode, 3)
    }

    func testNotADumpStaysText() throws {
        let dir = try TempDir()
        // Queries are not dumps; a CSV whose first cell is "insert" is not one either.
        let q = try dir.file("report.sql", "SELECT name FROM users WHERE phone = '13812345678';\n")
        let r = try scan([q])
        XCTAssertEqual(r.findings.map { "\($0.ruleId) \($0.location.line ?? 0)" }, ["pii.cn_mobile 1"])
        let csv = try dir.file("ops.csv", "insert,phone\nx,13812345678\n")
        XCTAssertEqual(columns(try scan([csv])), ["pii.cn_mobile ops.csv.phone 1/1"])
    }

    func testExampleBackupHasNoColumnNamedAfterAValue() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let backup = root.deletingLastPathComponent().appendingPathComponent("Examples/evidence/backups/backup-2024.tar.gz")
        guard FileManager.default.fileExists(atPath: backup.path) else { throw XCTSkip("no Examples") }
        let r = try scan([backup.path])
        let users = columns(r).filter { $0.split(separator: " ")[1].hasPrefix("users.col") }
        XCTAssertEqual(users, ["pii.cn_id_card users.col2 10/10", "pii.cn_mobile users.col3 10/10"])
        for f in r.findings {
            let name = f.location.columnName ?? ""
            XCTAssertFalse(name.contains("'") || name.contains("("), "column named after a value: \(name)")
        }
    }
}
