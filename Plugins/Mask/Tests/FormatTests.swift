import CDSToolSQLite
import DSToolCore
import DSToolKit
@testable import DSToolMask
import DSToolScan
import XCTest

/// JSON, JSON Lines, free text and SQLite through the real host; --auto.
final class FormatTests: MaskCommandTestCase {

    func testJSONDocumentByPath() throws {
        let policy = try write("p.yaml", """
        fields:
          - field: $.users[*].name
            strategy: mask-name
          - field: phone
            strategy: mask-mobile
          - field: $.users[*].tags
            strategy: suppress
          - field: meta.age
            strategy: generalize-age
        """)
        let input = try write("doc.json", """
        {"users": [
          {"name": "王小明", "phone": "13812345678", "tags": ["a", {"b": 1}], "meta": {"age": 37}},
          {"name": "欧阳娜娜", "phone": 13912345678, "note": "\\u738b", "tags": null}
        ], "phone": "not a phone", "count": 2}
        """)
        let r = try run(["mask", "--policy", policy, input, "-o", out("doc-out.json")])
        XCTAssertEqual(r.exitCode, 0, r.report)
        XCTAssertEqual(try read(out("doc-out.json")), """
        {"users": [
          {"name": "王**", "phone": "138****5678", "tags": null, "meta": {"age": "30-39"}},
          {"name": "欧阳**", "phone": "139****5678", "note": "\\u738b", "tags": null}
        ], "phone": "***", "count": 2}
        """)
    }

    func testJSONLinesReversibleAndBrokenLines() throws {
        let policy = try write("p.yaml", "fields:\n  id: fpe-id-card\n  card: fpe-bank-card\n")
        var g = SyntheticPII(seed: 3)
        let id = g.idCard(), card = g.value(.bankCard)
        let input = try write("rows.jsonl", "{\"id\":\"\(id)\",\"card\":\"\(card)\",\"n\":1}\r\n\n{\"id\": \"\(id)\"}\n{broken\n")
        let r = try run(["mask", "--policy", policy, "--key", "file:\(keyPath)", input, "-o", out("rows-out.jsonl")])
        XCTAssertEqual(r.exitCode, 0, r.report)
        let lines = try Data(contentsOf: URL(fileURLWithPath: out("rows-out.jsonl"))).split(separator: 10, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(lines.count, 5)
        XCTAssertTrue(lines[0].hasSuffix(",\"n\":1}\r")); XCTAssertEqual(lines[1], ""); XCTAssertEqual(lines[3], "null")
        let doc = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        let maskedID = doc["id"] as! String, maskedCard = doc["card"] as! String
        XCTAssertTrue(CNIDCard.isValid(maskedID)); XCTAssertNotEqual(maskedID, id)
        XCTAssertTrue(Luhn.isValid(maskedCard)); XCTAssertNotEqual(maskedCard, card)
        XCTAssertTrue(lines[2].contains(maskedID), "the same value masks the same way on every line")
        XCTAssertEqual(r.data.first { $0.kind == "mask.summary" }?.value["malformed"], 1)
        // unmask gives the input back (the broken line stays as the masked copy had it).
        let u = try run(["unmask", "--policy", policy, "--key", "file:\(keyPath)", out("rows-out.jsonl"), "-o", out("rows-back.jsonl")])
        XCTAssertEqual(u.exitCode, 0, u.report)
        XCTAssertEqual(try read(out("rows-back.jsonl")), "{\"id\":\"\(id)\",\"card\":\"\(card)\",\"n\":1}\r\n\n{\"id\": \"\(id)\"}\nnull\n")
        // Hostile nesting is an error for that line, not a crash.
        let deep = try write("deep.jsonl", String(repeating: "[", count: 5000) + "\n")
        let d = try run(["mask", "--policy", policy, "--key", "file:\(keyPath)", deep, "-o", out("deep-out.jsonl"), "--on-invalid", "fail"])
        XCTAssertEqual(d.exitCode, 3)
        XCTAssertTrue(d.errors[0].reason.contains("nested deeper"), d.errors[0].reason)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out("deep-out.jsonl")))
    }

    func testFreeTextLog() throws {
        let log = try write("app.log", "2024-01-02 10:00:01 login user=张三 phone=13812345678 id=11010519491231002X\nno personal data here\nmail zhangsan@example.com done\n")
        let policy = try write("p.yaml", "fields: []\n")
        let r = try run(["mask", "--policy", policy, log, "-o", out("app-out.log")])
        XCTAssertEqual(r.exitCode, 0, r.report)
        XCTAssertEqual(try read(out("app-out.log")), "2024-01-02 10:00:01 login user=张三 phone=138****5678 id=110105********002X\nno personal data here\nmail z***@example.com done\n")
        let s = try XCTUnwrap(r.data.first { $0.kind == "mask.summary" }?.value)
        XCTAssertEqual(s["records"], 3)
        XCTAssertEqual(s["text_kinds"]?["cn_mobile"], 1)
        // A policy's text section chooses per kind.
        let p2 = try write("p2.yaml", "text:\n  cn_mobile: {strategy: redact, value: \"[手机]\"}\n")
        XCTAssertEqual(try run(["mask", "--policy", p2, log, "-o", out("app-out2.log")]).exitCode, 0)
        XCTAssertEqual(try read(out("app-out2.log")), "2024-01-02 10:00:01 login user=张三 phone=[手机] id=11010519491231002X\nno personal data here\nmail zhangsan@example.com done\n")
        let bad = try write("p3.yaml", "text:\n  phone_number: redact\n")
        XCTAssertEqual(try run(["mask", "--policy", bad, log]).exitCode, 2)
    }

    /// Builds a small database with a foreign key from orders to users.
    func makeDatabase() throws -> (path: String, ids: [String]) {
        let path = out("shop.db")
        var db: OpaquePointer?
        XCTAssertEqual(sqlite3_open(path, &db), SQLITE_OK)
        defer { sqlite3_close(db) }
        var g = SyntheticPII(seed: 11)
        let ids = (0..<5).map { _ in g.idCard() }
        var sql = """
        PRAGMA foreign_keys=ON;
        CREATE TABLE users (id_card TEXT PRIMARY KEY, name TEXT NOT NULL, mobile INTEGER, born TEXT);
        CREATE TABLE orders (no INTEGER PRIMARY KEY, buyer TEXT REFERENCES users(id_card), amount REAL, visit TEXT);
        CREATE TABLE audit (at TEXT, what TEXT);
        CREATE TRIGGER users_audit AFTER UPDATE ON users BEGIN INSERT INTO audit VALUES ('now', 'updated ' || old.name); END;
        """
        for (i, id) in ids.enumerated() {
            sql += "INSERT INTO users VALUES ('\(id)', '用户\(i)', \(13812345670 + i), '1990-0\(i + 1)-15');"
            sql += "INSERT INTO orders (buyer, amount, visit) VALUES ('\(id)', \(i * 10 + 1).5, '2024-03-0\(i + 1)');"
            sql += "INSERT INTO orders (buyer, amount, visit) VALUES ('\(id)', 7, '2024-04-0\(i + 1)');"
        }
        XCTAssertEqual(sqlite3_exec(db, sql, nil, nil, nil), SQLITE_OK)
        return (path, ids)
    }

    func query(_ path: String, _ sql: String) throws -> [[String]] {
        let c = try SQLiteConnection(uri: "file:\(path)?immutable=1", readOnly: true)
        defer { c.close() }
        return try c.query(sql)
    }

    func testSQLiteReferentialIntegrity() throws {
        let (db, ids) = try makeDatabase()
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let policy = try write("p.yaml", """
        fields:
          users.id_card: fpe-id-card
          users.mobile: fpe-mobile
          name: mask-name
          users.born: {strategy: generalize-date, to: year}
          orders.visit: {strategy: date-shift, subject: buyer}
        """)
        let masked = out("shop-masked.db")
        let r = try run(["mask", "--policy", policy, "--key", "file:\(keyPath)", db, "-o", masked])
        XCTAssertEqual(r.exitCode, 0, r.report)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before, "the input is never modified")
        let s = try XCTUnwrap(r.data.first { $0.kind == "mask.summary" }?.value)
        XCTAssertEqual(s["foreign_keys_propagated"], ["orders.buyer ← users.id_card"])
        XCTAssertEqual(s["foreign_key_violations"], 0)
        // Every order still joins its user; no original ID is left anywhere in the file.
        let joined = try query(masked, "SELECT count(*) FROM orders o JOIN users u ON o.buyer = u.id_card")
        XCTAssertEqual(joined, [["10"]])
        let users = try query(masked, "SELECT id_card, name, mobile, typeof(mobile), born FROM users ORDER BY rowid")
        for (u, id) in zip(users, ids) {
            XCTAssertTrue(CNIDCard.isValid(u[0]), u[0]); XCTAssertNotEqual(u[0], id)
            XCTAssertTrue(u[1].hasPrefix("用") && u[1].hasSuffix("*"))
            XCTAssertEqual(u[2].prefix(3), "138"); XCTAssertEqual(u[3], "integer")
            XCTAssertEqual(u[4], "1990")
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: masked))
        for id in ids { XCTAssertNil(bytes.range(of: Data(id.utf8)), "original \(id) left in the masked file") }
        XCTAssertEqual(try query(masked, "SELECT count(*) FROM audit"), [["0"]], "triggers did not fire during masking")
        XCTAssertEqual(try query(masked, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"), [["1"]])
        // Visits of one buyer moved by the same number of days.
        let visits = try query(masked, "SELECT julianday(visit) FROM orders ORDER BY no").map { Double($0[0])! }
        let originals = (0..<5).flatMap { i in [Double(i), 31 + Double(i)] }  // 2024-03-0(i+1), 2024-04-0(i+1)
        for i in 0..<5 { XCTAssertEqual(visits[2 * i + 1] - visits[2 * i], originals[2 * i + 1] - originals[2 * i]) }
        // unmask restores the identifiers and the visits (names and years stay masked).
        let back = out("shop-back.db")
        let u = try run(["unmask", "--policy", policy, "--key", "file:\(keyPath)", masked, "-o", back])
        XCTAssertEqual(u.exitCode, 0, u.report)
        XCTAssertEqual(try query(back, "SELECT id_card, mobile FROM users ORDER BY rowid").map(\.[0]), ids)
        XCTAssertEqual(try query(back, "SELECT visit FROM orders ORDER BY no"), try query(db, "SELECT visit FROM orders ORDER BY no"))
    }

    func testSQLiteBadInput() throws {
        let policy = try write("p.yaml", "fields:\n  name: suppress\n")
        let (db, _) = try makeDatabase()
        // NOT NULL forbids removing names: the input fails and nothing is written.
        let r = try run(["mask", "--policy", policy, db, "-o", out("x.db")])
        XCTAssertEqual(r.exitCode, 3)
        XCTAssertTrue(r.errors[0].reason.contains("NOT NULL"), r.errors[0].reason)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out("x.db")))
        // A truncated database file.
        let data = try Data(contentsOf: URL(fileURLWithPath: db))
        let cut = out("cut.db")
        try data.prefix(5000).write(to: URL(fileURLWithPath: cut))
        let r2 = try run(["mask", "--policy", policy, cut, "-o", out("y.db")])
        XCTAssertEqual(r2.exitCode, 3, r2.report)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out("y.db")))
    }

    func testAutoDetectsAndEmitsPolicy() throws {
        var g = SyntheticPII(seed: 5)
        var csv = "客户姓名,身份证号,手机,邮箱,地址,备注,金额\n"
        for i in 0..<50 {
            csv += "\(g.name()),\(g.idCard()),\(g.value(.cnMobile)),\(g.value(.email)),\(g.address()),\(i % 5 == 0 ? "回访电话 " + g.value(.cnMobile) : "无"),\(i * 3)\n"
        }
        let input = try write("customers.csv", csv)
        let emitted = out("auto.yaml")
        let r = try run(["mask", "--auto", input, "-o", out("customers-out.csv"), "--emit-policy", emitted])
        XCTAssertEqual(r.exitCode, 0, r.report)
        let policy = try MaskPolicy.parse(yaml: try read(emitted), name: "auto")
        XCTAssertEqual(policy.fields.map(\.field), ["客户姓名", "身份证号", "手机", "邮箱", "地址", "备注"])
        XCTAssertEqual(policy.fields.map(\.strategy), ["mask-name", "mask-id-card", "mask-mobile", "mask-email", "mask-address", "scan-text"])
        let rows = try read(out("customers-out.csv")).split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        for row in rows {
            XCTAssertTrue(row[1].contains("********")); XCTAssertTrue(row[2].contains("****")); XCTAssertTrue(row[3].contains("***@"))
            XCTAssertFalse(row[5].contains { $0.isNumber } && row[5].count > 8 && !row[5].contains("*"))
        }
        XCTAssertEqual(rows[0][6], "0")
        // With a key the defaults are the reversible forms.
        let keyed = out("auto-keyed.yaml")
        XCTAssertEqual(try run(["mask", "--auto", "--key", "file:\(keyPath)", input, "-o", out("c2.csv"), "--emit-policy", keyed]).exitCode, 0)
        let p2 = try MaskPolicy.parse(yaml: try read(keyed), name: "auto")
        XCTAssertEqual(p2.fields.first { $0.field == "身份证号" }?.strategy, "fpe-id-card")
        XCTAssertEqual(p2.fields.first { $0.field == "客户姓名" }?.strategy, "surrogate-name")
    }
}
