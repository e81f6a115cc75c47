import CDSToolSQLite
import DSToolCore
import DSToolKit
@testable import DSToolScan
import XCTest

/// Tables are reported per column; --per-value lists every value.
final class StructuredTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        ScanTestCache.install()
    }

    func scan(_ args: [String]) throws -> InProcess.Result {
        try InProcess.run(ScanPlugin.self, ["scan", "--format", "json"] + args)
    }

    func column(_ r: InProcess.Result, _ name: String, _ rule: String) -> Finding? {
        r.findings.first { $0.location.columnName == name && $0.ruleId == rule }
    }

    func testCSVColumnsAreSummarised() throws {
        let dir = try TempDir()
        var g = SyntheticPII(seed: 11)
        var csv = "id,name,id_no,phone,note\n"
        for i in 0..<1000 {
            let id = i % 10 == 0 ? "unknown" : g.idCard()
            csv += "\(i),\(g.name()),\(id),\(g.value(.cnMobile)),\"comma, and \"\"quotes\"\"\"\n"
        }
        let path = try dir.file("users.csv", csv)
        let r = try scan([path])
        let ids = try XCTUnwrap(column(r, "id_no", "pii.cn_id_card"))
        XCTAssertEqual(ids.properties?["matched"]?.intValue, 900)
        XCTAssertEqual(ids.properties?["values"]?.intValue, 1000)
        XCTAssertEqual(ids.message?.en, "users.csv.id_no: 900 of 1,000 values are Resident identity card number")
        XCTAssertEqual(ids.message?.zh, "users.csv.id_no：1,000 个值中有 900 个为居民身份证号")
        XCTAssertEqual(ids.location.table, "users.csv")
        XCTAssertEqual(column(r, "phone", "pii.cn_mobile")?.properties?["matched"]?.intValue, 1000)
        XCTAssertEqual(column(r, "name", "pii.person_name")?.properties?["matched"]?.intValue, 1000)
        XCTAssertNil(r.findings.first { $0.location.columnName == "note" })
        XCTAssertNil(r.findings.first { $0.location.columnName == "id" })
        // Three columns, three findings: a summary, not a finding per value.
        XCTAssertEqual(r.findings.count, 3)
        let summary = try XCTUnwrap(r.data.first { $0.kind == "scan.summary" })
        XCTAssertEqual(summary.value["pii"]?["cn_id_card"]?.intValue, 900)

        let perValue = try scan([path, "--per-value"])
        let values = perValue.findings.filter { $0.ruleId == "pii.cn_id_card" && $0.properties?["scope"]?.stringValue != "column" }
        XCTAssertEqual(values.count, 900)
        let first = try XCTUnwrap(values.first)
        XCTAssertEqual(first.location.row, 2)
        XCTAssertEqual(first.location.columnName, "id_no")
        // The offset points at the value in the file.
        let bytes = Array(csv.utf8)
        let off = Int(first.location.offset!)
        XCTAssertEqual(bytes[off - 1], UInt8(ascii: ","))
    }

    /// A table of several batches: with --jobs 2 batches are scanned on a second thread while the
    /// next is parsed; counts, samples, rows and per-value findings are the same as with one job.
    /// A column finding's data level is estimated from that column's own count of its kind; a
    /// finding for one value in text is general data; the input's level is in scan.summary.
    func testColumnFindingsCarryTheDataLevelOfTheirOwnVolume() throws {
        let dir = try TempDir()
        var g = SyntheticPII(seed: 12)
        var csv = "id,id_no,phone\n"
        for i in 0..<1000 { csv += "\(i),\(i % 10 == 0 ? "none" : g.idCard()),\(g.value(.cnMobile))\n" }
        let table = try dir.file("users.csv", csv)
        let text = try dir.file("note.txt", "id \(g.idCard())\n")
        let cfg = try dir.file("levels.yaml", "important:\n  sensitive: 900\n  personal: 1001\ncore:\n  sensitive: 1_000_000\n")
        let r = try scan([table, text, "--level-config", cfg])
        XCTAssertEqual(column(r, "id_no", "pii.cn_id_card")?.dataLevel, .important, "900 ID numbers reach 900 sensitive")
        XCTAssertEqual(column(r, "phone", "pii.cn_mobile")?.dataLevel, .general, "1,000 phone numbers stay under 1,001")
        XCTAssertEqual(r.findings.first { $0.location.input.hasSuffix("note.txt") }?.dataLevel, .general)
        let summary = try XCTUnwrap(r.data.first { $0.kind == "scan.summary" && $0.value["input"]?.stringValue?.hasSuffix("users.csv") == true })
        XCTAssertEqual(summary.value["data_level"]?.stringValue, "重要")
        // Default thresholds: 900 values are general data.
        XCTAssertEqual(column(try scan([table]), "id_no", "pii.cn_id_card")?.dataLevel, .general)
    }

    func testMultiBatchCSVGivesTheSameFindingsOnOneAndTwoJobs() throws {
        let dir = try TempDir()
        var g = SyntheticPII(seed: 23)
        var csv = "id,name,id_no,phone,note\n"
        let rows = 20_000, every = 200
        let filler = String(repeating: "lorem ipsum ", count: 12)
        for i in 0..<rows {
            if i % every == 0 {
                csv += "\(i),\(g.name()),\(g.idCard()),\(g.value(.cnMobile)),\"\(filler)\nsecond line\"\n"
            } else {
                csv += "\(i),-,-,-,\(filler)\(i)\n"
            }
        }
        XCTAssertGreaterThan(csv.utf8.count, 2 * CellBatch.capacity)
        let path = try dir.file("big.csv", csv)
        func key(_ f: Finding) -> String {
            "\(f.ruleId)|\(f.location.columnName ?? "")|\(f.location.row ?? -1)|\(f.location.offset ?? -1)|\(f.location.length ?? -1)|\(f.evidence ?? "")|\(f.properties?["matched"]?.intValue ?? -1)"
        }
        func summary(_ r: InProcess.Result, _ name: String, _ rule: String) -> Int64? {
            r.findings.first { $0.location.columnName == name && $0.ruleId == rule && $0.properties?["scope"]?.stringValue == "column" }?
                .properties?["matched"]?.intValue
        }
        let one = try scan([path, "--jobs", "1", "--per-value"])
        let two = try scan([path, "--jobs", "2", "--per-value"])
        XCTAssertEqual(one.findings.map(key), two.findings.map(key))
        let found = Int64(rows / every)
        XCTAssertEqual(summary(two, "id_no", "pii.cn_id_card"), found)
        XCTAssertEqual(summary(two, "phone", "pii.cn_mobile"), found)
        XCTAssertEqual(summary(two, "name", "pii.person_name"), found)
        let ids = two.findings.filter { $0.ruleId == "pii.cn_id_card" && $0.properties?["scope"]?.stringValue != "column" }
        XCTAssertEqual(ids.map { $0.location.row }, (0..<(rows / every)).map { Int64($0 * every + 1) })
        let summaryOne = try scan([path, "--jobs", "1"]), summaryTwo = try scan([path, "--jobs", "2"])
        XCTAssertEqual(summaryOne.findings.map(key), summaryTwo.findings.map(key))
        XCTAssertEqual(summaryTwo.findings.count, 3)
    }

    /// Quoted cells of about 90 KB (with newlines and doubled quotes) fill a batch in a dozen:
    /// the batch is handed on (to the second thread with two jobs) while a cell is open, and the
    /// open cell's bytes and anchors move on to the next batch. The ID number in each cell (one
    /// per cell: a cell counts once per kind) sits at a different depth, so the cut falls before
    /// it in some cells and after it in others; every value, and the plain one in the column
    /// before, is found at its exact raw offset, with one job and with two.
    func testOpenCellsCarriedAcrossBatchesKeepExactOffsets() throws {
        let dir = try TempDir()
        var g = SyntheticPII(seed: 31)
        var csv = Array("id,id_no,note\n".utf8)
        var expected: [Int64] = []
        let filler = Array(String(repeating: "lorem \"\"ipsum\"\" dolor\n", count: 300).utf8)
        for row in 0..<40 {
            csv += Array("\(row),".utf8)
            expected.append(Int64(csv.count))
            csv += Array("\(g.idCard()),\"".utf8)
            for part in 0..<12 {
                csv += filler
                if part == row % 12 {
                    csv += Array(" 身份证 ".utf8)
                    expected.append(Int64(csv.count))
                    csv += Array("\(g.idCard()) ".utf8)
                }
            }
            csv += Array("\"\n".utf8)
        }
        XCTAssertGreaterThan(csv.count, 3 * CellBatch.capacity)
        let path = dir.url.appendingPathComponent("long.csv").path
        try Data(csv).write(to: URL(fileURLWithPath: path))
        for jobs in ["1", "2"] {
            let r = try scan([path, "--jobs", jobs, "--per-value", "--only", "pii.cn_id_card"])
            let values = r.findings.filter { $0.properties?["scope"]?.stringValue != "column" }
            XCTAssertEqual(values.compactMap(\.location.offset).sorted(), expected, "jobs \(jobs)")
            XCTAssertEqual(Set(values.compactMap(\.location.length)), [18], "jobs \(jobs)")
            let columns = r.findings.filter { $0.properties?["scope"]?.stringValue == "column" }
            XCTAssertEqual(columns.map { $0.location.columnName ?? "" }.sorted(), ["id_no", "note"], "jobs \(jobs)")
            XCTAssertEqual(columns.map { $0.properties?["matched"]?.intValue ?? -1 }, [40, 40], "jobs \(jobs)")
        }
    }

    /// With more than one job, CSV and JSON-lines items are scanned whole on the workers while the
    /// reader goes on to the next items: findings, errors and summaries come in the order one job
    /// gives, among text items, and a table of more windows than are handed over at a time is
    /// read through.
    func testTablesScannedOnTheWorkersKeepInputOrder() throws {
        let dir = try TempDir()
        var g = SyntheticPII(seed: 29)
        func text() -> String {
            (0..<40).map { "line \($0) 手机 \(g.value(.cnMobile)) 身份证 \(g.idCard())" }.joined(separator: "\n") + "\n"
        }
        func table(_ rows: Int) -> String {
            "id,id_no,mobile,note\n" + (0..<rows).map { "\($0),\(g.idCard()),\(g.value(.cnMobile)),\(g.name())" }.joined(separator: "\n") + "\n"
        }
        _ = try dir.file("a1.txt", text())
        _ = try dir.file("a2.csv", table(300))
        _ = try dir.file("a3.jsonl", "{\"phone\":\"\(g.value(.cnMobile))\"}\nnot json \(g.idCard())\n{\"phone\":\"\(g.value(.cnMobile))\"}\n")
        _ = try dir.file("a4.txt", text())
        // Six windows of 1 MiB, more than the feed holds: the reader waits for the worker.
        let filler = String(repeating: "lorem ipsum ", count: 20)
        var big = "id,mobile_no,note\n"
        var row = 0
        while big.utf8.count < 6 << 20 {
            big += row % 500 == 0 ? "\(row),\(g.value(.cnMobile)),\(filler)\n" : "\(row),-,\(filler)\n"
            row += 1
        }
        _ = try dir.file("a5.csv", big)
        _ = try dir.file("a6.tsv", table(50).replacingOccurrences(of: ",", with: "\t"))
        _ = try dir.file("a7.txt", text())
        let one = try scan([dir.url.path, "--jobs", "1"])
        let two = try scan([dir.url.path, "--jobs", "2"])
        let three = try scan([dir.url.path, "--jobs", "3"])
        XCTAssertEqual(one.records, two.records)
        XCTAssertEqual(one.records, three.records)
        XCTAssertEqual(two.errors.map(\.code), ["scan.jsonl"])
        XCTAssertEqual(two.data.compactMap { $0.value["input"]?.stringValue }.map { ($0 as NSString).lastPathComponent },
                       ["a1.txt", "a2.csv", "a3.jsonl", "a4.txt", "a5.csv", "a6.tsv", "a7.txt"])
        XCTAssertEqual(column(two, "mobile_no", "pii.cn_mobile")?.properties?["matched"]?.intValue, Int64((row + 499) / 500))
        XCTAssertEqual(column(two, "id_no", "pii.cn_id_card")?.properties?["matched"]?.intValue, 300)
    }

    /// The reader hands a table's windows to its worker in order, at most `capacity` at a time; a
    /// read error comes after the windows read before it; a worker that gives up frees a reader
    /// waiting on a full feed.
    func testWindowFeed() throws {
        let windows = (0..<10).map { i -> TextWindow in
            let w = TextWindow(capacity: 4, withOffsets: false)
            w.index = i
            return w
        }
        let feed = WindowFeed(capacity: 2)
        let producer = Thread { for w in windows { _ = feed.put(w) }; feed.finish(error: nil) }
        producer.start()
        var seen: [Int] = []
        while let w = try feed.take() { seen.append(w.index) }
        XCTAssertEqual(seen, Array(0..<10))
        XCTAssertNil(try feed.take())

        struct ReadFailure: Error {}
        let failing = WindowFeed(capacity: 2)
        XCTAssertTrue(failing.put(windows[0]))
        failing.finish(error: ReadFailure())
        XCTAssertEqual(try failing.take()?.index, 0)
        XCTAssertThrowsError(try failing.take()) { XCTAssertTrue($0 is ReadFailure) }

        final class Outcome: @unchecked Sendable { var accepted: Bool? }
        let full = WindowFeed(capacity: 1)
        XCTAssertTrue(full.put(windows[0]))
        let outcome = Outcome()
        let returned = expectation(description: "put returns")
        Thread { outcome.accepted = full.put(windows[1]); returned.fulfill() }.start()
        full.abandon()
        wait(for: [returned], timeout: 30)
        XCTAssertEqual(outcome.accepted, false)
        XCTAssertFalse(full.put(windows[2]))
    }

    /// Without a .csv name a table is recognised by its lines (same number of commas outside
    /// quotes in each, as libmagic's "CSV text"); prose with a few commas stays text.
    func testCSVWithoutCSVNameIsRecognisedByItsLines() throws {
        let dir = try TempDir()
        var g = SyntheticPII(seed: 5)
        var csv = "name,phone,\"note, quoted\"\n"
        for i in 0..<20 { csv += "\(g.name()),\(g.value(.cnMobile)),\"a, \"\"b\"\" \(i)\"\n" }
        let table = try dir.file("export.txt", csv)
        let r = try scan([table])
        XCTAssertEqual(column(r, "phone", "pii.cn_mobile")?.properties?["matched"]?.intValue, 20)
        XCTAssertEqual(r.findings.filter { $0.ruleId == "pii.cn_mobile" }.count, 1)

        let phone = g.value(.cnMobile)
        let prose = try dir.file("notes.txt", "call me, please\nmy mobile: \(phone)\nthanks\nbye, bye, bye\n")
        let t = try scan([prose])
        let values = t.findings.filter { $0.ruleId == "pii.cn_mobile" }
        XCTAssertEqual(values.count, 1)
        XCTAssertNil(values.first?.location.columnName)
        XCTAssertEqual(values.first?.location.line, 2)

        func sniff(_ text: String) -> Bool { Array(text.utf8).withUnsafeBufferPointer { CSVSniff.looksLikeCSV($0) } }
        XCTAssertTrue(sniff("a,b\n1,2\n3,4\n"))
        XCTAssertFalse(sniff("a,b\n1,2\n"))
        XCTAssertFalse(sniff("a,b\n1,2,3\n3,4\n5,6\n"))
        XCTAssertTrue(sniff("\"x,\"\"y\",b\n1,2\n3,\"4,5\"\n"))
        XCTAssertFalse(sniff("no commas\nat all\nhere\nor here\n"))
    }

    /// Header names lose the blanks and quotes around them (space, tab, CR, `"`), on bytes: a
    /// CRLF header, quoted names, and a byte that is not UTF-8 beside a blank (it stays, replaced).
    func testHeaderNamesLoseBlanksAndQuotes() throws {
        XCTAssertEqual(Array(DelimitedParser.trimmingHeaderBlanks(ArraySlice(Array(" \t\"id_no\" \r".utf8)))), Array("id_no".utf8))
        XCTAssertEqual(Array(DelimitedParser.trimmingHeaderBlanks(ArraySlice(Array(" \"\" ".utf8)))), [])
        XCTAssertEqual(Array(DelimitedParser.trimmingHeaderBlanks(ArraySlice([0x20, 0xE4, 0x20]))), [0xE4])
        let dir = try TempDir()
        let path = try dir.file("people.csv", Data(Array("\"phone\" ,\t id_no\t, ".utf8) + [0xE4, 0x20, 0x0D, 0x0A]
                                                + Array("13812345678,11010519491231002X,x\r\n".utf8)))
        let r = try scan([path])
        XCTAssertEqual(column(r, "phone", "pii.cn_mobile")?.properties?["matched"]?.intValue, 1)
        XCTAssertEqual(column(r, "id_no", "pii.cn_id_card")?.properties?["matched"]?.intValue, 1)
    }

    func testTSVWithoutHeaderAndQuotedNewlines() throws {
        let dir = try TempDir()
        let path = try dir.file("dump.tsv", "13812345678\t\"line one\nline two 13912345678\"\n13712345678\tx\n")
        let r = try scan([path])
        XCTAssertEqual(column(r, "column1", "pii.cn_mobile")?.properties?["matched"]?.intValue, 2)
        XCTAssertEqual(column(r, "column2", "pii.cn_mobile")?.properties?["matched"]?.intValue, 1)
    }

    func testJSONLinesWithNestedKeysAndEscapes() throws {
        let dir = try TempDir()
        let lines = [
            #"{"user": {"name": "\u5f20\u4f1f", "phone": "13812345678"}, "tags": ["vip", "13912345678"], "n": 13712345678}"#,
            #"{"user": {"name": "李娜", "phone": "+86 138-1234-5678"}, "ok": true}"#,
            #"not json 11010519491231002X"#,
            "",
        ]
        let path = try dir.file("events.jsonl", lines.joined(separator: "\n"))
        let r = try scan([path])
        XCTAssertEqual(column(r, "user.phone", "pii.cn_mobile")?.properties?["matched"]?.intValue, 2)
        XCTAssertEqual(column(r, "tags[]", "pii.cn_mobile")?.properties?["matched"]?.intValue, 1)
        XCTAssertEqual(column(r, "n", "pii.cn_mobile")?.properties?["matched"]?.intValue, 1)
        XCTAssertEqual(column(r, "user.name", "pii.person_name")?.properties?["matched"]?.intValue, 2)
        XCTAssertEqual(column(r, "(line)", "pii.cn_id_card")?.properties?["matched"]?.intValue, 1)
        XCTAssertEqual(r.errors.map(\.reason), ["1 line(s) are not valid JSON (first at line 3); scanned as text"])
    }

    func testSQLiteTablesAreReadWithoutTouchingTheFile() throws {
        let dir = try TempDir()
        let path = dir.url.appendingPathComponent("crm.db").path
        var db: OpaquePointer?
        XCTAssertEqual(sqlite3_open(path, &db), SQLITE_OK)
        var g = SyntheticPII(seed: 5)
        var sql = "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, id_no TEXT, mobile INTEGER, card TEXT); BEGIN;"
        for i in 0..<200 {
            sql += "INSERT INTO customers VALUES (\(i), '\(g.name())', '\(g.idCard())', \(g.value(.cnMobile)), '\(i < 50 ? g.value(.bankCard) : "")');"
        }
        sql += "COMMIT; CREATE TABLE \"odd \"\"name\" (secret TEXT); INSERT INTO \"odd \"\"name\" VALUES ('token ghp_\(Fake.alnum(36, "sqlite"))');"
        XCTAssertEqual(sqlite3_exec(db, sql, nil, nil, nil), SQLITE_OK)
        sqlite3_close(db)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let mtime = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date

        let r = try scan([path])
        XCTAssertEqual(column(r, "id_no", "pii.cn_id_card")?.properties?["matched"]?.intValue, 200)
        XCTAssertEqual(column(r, "id_no", "pii.cn_id_card")?.location.table, "customers")
        XCTAssertEqual(column(r, "mobile", "pii.cn_mobile")?.properties?["matched"]?.intValue, 200)
        XCTAssertEqual(column(r, "card", "pii.bank_card")?.properties?["matched"]?.intValue, 50)
        XCTAssertEqual(column(r, "name", "pii.person_name")?.properties?["matched"]?.intValue, 200)
        XCTAssertEqual(column(r, "secret", "secret.github-pat")?.location.table, "odd \"name")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, "the database is never modified")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date, mtime)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-journal"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"))
    }

    func testCorruptSQLiteIsAnErrorAndTheRunGoesOn() throws {
        let dir = try TempDir()
        var bytes = Array("SQLite format 3\0".utf8)
        bytes += [0x10, 0x00, 0x01, 0x01, 0x00, 0x40, 0x20, 0x20]
        bytes += [UInt8](repeating: 0xAB, count: 4096)
        let bad = try dir.file("broken.db", Data(bytes))
        _ = try dir.file("ok.txt", "13812345678\n")
        let r = try scan([dir.url.path])
        XCTAssertEqual(r.findings.map(\.ruleId), ["pii.cn_mobile"])
        let e = try XCTUnwrap(r.errors.first)
        XCTAssertTrue(e.input.hasSuffix("broken.db"), e.input)
        XCTAssertTrue(e.reason.contains("SQLite"), e.reason)
        _ = bad
    }

    func testOfficeDocumentsAreScannedThroughTheirXMLParts() throws {
        let dir = try TempDir()
        // Word splits text into runs: the number is cut across two <w:t> elements.
        let document = #"<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>身份证号：1101051949</w:t></w:r><w:r><w:t>1231002X</w:t></w:r></w:p><w:p><w:r><w:t>13812345678</w:t></w:r></w:p></w:body></w:document>"#
        let zip = StoredZip.make([
            ("[Content_Types].xml", #"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#),
            ("word/document.xml", document),
        ])
        let path = try dir.file("contract.docx", Data(zip))
        let r = try scan([path])
        let ids = r.findings.filter { $0.ruleId == "pii.cn_id_card" }
        XCTAssertEqual(ids.count, 1, "\(r.findings.map(\.ruleId)) \(r.errors)")
        XCTAssertTrue(ids.first?.location.input.hasSuffix("contract.docx!word/document.xml") ?? false)
        // The offset is in the XML part, at the first digit.
        let off = Int(try XCTUnwrap(ids.first?.location.offset))
        XCTAssertEqual(Array(document.utf8)[off], UInt8(ascii: "1"))
        XCTAssertEqual(r.findings.filter { $0.ruleId == "pii.cn_mobile" }.count, 1)
    }
}

/// A zip file with stored (uncompressed) entries, for tests.
enum StoredZip {
    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
    static func crc32(_ b: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for x in b { c = crcTable[Int((c ^ UInt32(x)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)] }

    static func make(_ entries: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = [], central: [UInt8] = []
        for (name, text) in entries {
            let data = Array(text.utf8), nameBytes = Array(name.utf8)
            let crc = crc32(data), offset = UInt32(out.count)
            out += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21) + le32(crc)
            out += le32(UInt32(data.count)) + le32(UInt32(data.count)) + le16(nameBytes.count) + le16(0) + nameBytes + data
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21) + le32(crc)
            central += le32(UInt32(data.count)) + le32(UInt32(data.count)) + le16(nameBytes.count) + le16(0) + le16(0)
            central += le16(0) + le16(0) + le32(0) + le32(offset) + nameBytes
        }
        let cdOffset = UInt32(out.count)
        out += central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(entries.count) + le16(entries.count)
        out += le32(UInt32(central.count)) + le32(cdOffset) + le16(0)
        return out
    }
}
