import DSToolCore
import DSToolKit
@testable import DSToolScan
import XCTest

/// `dstool scan` through the real host (input walker, decoders, report writers).
final class ScanEngineTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        ScanTestCache.install()
    }

    func scan(_ args: [String]) throws -> InProcess.Result {
        try InProcess.run(ScanPlugin.self, ["scan", "--format", "json"] + args)
    }

    func testSecretsAndPersonalDataInAFolder() throws {
        let dir = try TempDir()
        let ghp = "ghp_" + Fake.alnum(36, "engine-ghp")
        let akid = "AKID" + Fake.alnum(32, "engine-akid")
        _ = try dir.file("app/config.yaml", "server:\n  port: 8080\ngithub:\n  token: \(ghp)\ntencent:\n  secretId: \(akid)\n")
        _ = try dir.file("docs/people.md", "# 联系人\n客户手机 13812345678，身份证 11010519491231002X。\n")
        _ = try dir.file("clean.txt", "nothing to see here\n")
        let r = try scan([dir.url.path, "--jobs", "2"])
        XCTAssertEqual(r.exitCode, 1)
        let got = r.findings.map { "\($0.ruleId) \(URL(fileURLWithPath: $0.location.path ?? "").lastPathComponent):\($0.location.line ?? 0):\($0.location.column ?? 0)" }.sorted()
        XCTAssertEqual(got, [
            "pii.cn_id_card people.md:2:22",
            "pii.cn_mobile people.md:2:6",
            "secret.github-pat config.yaml:4:10",
            "secret.tencent-cloud-secret-id config.yaml:6:13",
        ])
        XCTAssertFalse(r.report.contains(ghp), "secrets are redacted by default")
        XCTAssertEqual(r.findings.first { $0.ruleId == "secret.github-pat" }?.evidence, "ghp_" + String(repeating: "*", count: 34) + String(ghp.suffix(2)))
        // One summary per input with findings, with a data level.
        let summaries = r.data.filter { $0.kind == "scan.summary" }
        XCTAssertEqual(summaries.count, 2)
        let people = try XCTUnwrap(summaries.first { $0.value["input"]?.stringValue?.hasSuffix("people.md") == true })
        XCTAssertEqual(people.value["data_level"]?.stringValue, "一般")
        XCTAssertEqual(people.value["pii"]?["cn_id_card"]?.intValue, 1)
    }

    func testFingerprintsAreStableAndBaselineSuppresses() throws {
        let dir = try TempDir()
        let key = "ghp_" + Fake.alnum(36, "baseline")
        let path = try dir.file("a.env", "TOKEN=\(key)\n")
        let first = try scan([path])
        let fp = try XCTUnwrap(first.findings.first?.fingerprint)
        // Lines added above: the fingerprint stays.
        try "# comment\n\nTOKEN=\(key)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let moved = try scan([path])
        XCTAssertEqual(moved.findings.first?.fingerprint, fp)
        XCTAssertEqual(moved.findings.first?.location.line, 3)

        let baseline = dir.url.appendingPathComponent("baseline.json").path
        let written = try scan([path, "--write-baseline", baseline])
        XCTAssertEqual(written.findings.count, 1)
        let data = try Data(contentsOf: URL(fileURLWithPath: baseline))
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains(fp))
        let suppressed = try scan([path, "--baseline", baseline])
        XCTAssertEqual(suppressed.findings.count, 0)
        XCTAssertEqual(suppressed.exitCode, 0)
        // An earlier JSON report serves as a baseline too.
        let report = dir.url.appendingPathComponent("report.json").path
        try first.report.write(toFile: report, atomically: true, encoding: .utf8)
        XCTAssertEqual(try scan([path, "--baseline", report]).findings.count, 0)
        // A new secret is still reported.
        try "TOKEN=\(key)\nOTHER=ghp_\(Fake.alnum(36, "new"))\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try scan([path, "--baseline", baseline]).findings.count, 1)
        // A bad baseline is a usage error naming the file.
        let bad = try dir.file("bad.json", "{not json")
        let r = try scan([path, "--baseline", bad])
        XCTAssertEqual(r.exitCode, 2)
        XCTAssertTrue(r.errors.first?.reason.contains("bad.json") ?? false)
        // JSON lines (a jsonl report): each line's fingerprints count, however deep they sit.
        let newFingerprint = try XCTUnwrap(try scan([path]).findings.first { $0.fingerprint != fp }?.fingerprint)
        let lines = try dir.file("baseline.jsonl", "{\"fingerprint\":\"\(fp)\"}\n\n{\"nested\":[{\"fingerprint\":\"\(newFingerprint)\"}],\"fingerprint\":7}\n")
        XCTAssertEqual(try scan([path, "--baseline", lines]).findings.count, 0)
        // Cut short, blank, or not UTF-8 (a Latin-1 byte in a string): a usage error naming the file.
        for (name, bytes, reason) in [("half.jsonl", Array("{\"fingerprint\":\"\(fp)\"}\n{\"fingerprint\":".utf8), "neither JSON nor JSON lines"),
                                      ("empty.json", Array("\n\n".utf8), "the file is empty"),
                                      ("latin1.json", Array("{\"fingerprint\":\"".utf8) + [0xFF] + Array("\"}".utf8), "neither JSON nor JSON lines")] {
            let file = try dir.file(name, Data(bytes))
            let r = try scan([path, "--baseline", file])
            XCTAssertEqual(r.exitCode, 2, name)
            XCTAssertEqual(r.errors.first?.reason, "--baseline \(file): \(reason)", name)
        }
    }

    /// A scan run keeps large blocks in the heap (see Allocator): the C library must take both
    /// settings (the run goes on without them, only slower).
    func testAllocatorKeepsLargeBlocksForTheRun() {
        XCTAssertTrue(Allocator.keepLargeBlocks())
    }

    func testOnlyAndSkip() throws {
        let dir = try TempDir()
        let path = try dir.file("mixed.txt", "token ghp_\(Fake.alnum(36, "os")) phone 13812345678 mail li.wei@163.com\n")
        XCTAssertEqual(try scan([path, "--only", "pii"]).findings.map(\.ruleId).sorted(), ["pii.cn_mobile", "pii.email"])
        XCTAssertEqual(try scan([path, "--only", "secret"]).findings.map(\.ruleId), ["secret.github-pat"])
        XCTAssertEqual(try scan([path, "--skip", "pii.email,github-pat"]).findings.map(\.ruleId), ["pii.cn_mobile"])
        XCTAssertEqual(try scan([path, "--only", "source-control"]).findings.map(\.ruleId), ["secret.github-pat"])
    }

    func testUserRulesFromYAML() throws {
        let dir = try TempDir()
        let token = "acme_" + Fake.lowerDigits(32, "acme")
        let path = try dir.file("x.cfg", "acme = \(token)\nghp = ghp_\(Fake.alnum(36, "yaml"))\n")
        let rules = try dir.file("rules.yaml", """
        rules:
          - id: acme-key
            title: {en: ACME key, zh: ACME 密钥}
            category: saas
            severity: critical
            keywords: [acme_]
            pattern: 'acme_[a-z0-9]{32}'
          - id: github-pat
            disabled: yes
        """)
        let r = try scan([path, "--rules", rules])
        XCTAssertEqual(r.findings.map(\.ruleId), ["secret.acme-key"])
        XCTAssertEqual(r.findings.first?.severity, .critical)
        XCTAssertEqual(r.findings.first?.title.zh, "ACME 密钥")
        let broken = try dir.file("broken.yaml", "rules:\n  - id: x\n    pattern: '(unclosed'\n")
        let b = try scan([path, "--rules", broken])
        XCTAssertEqual(b.exitCode, 2)
        XCTAssertTrue(b.errors.first?.reason.contains("rule x") ?? false, b.errors.first?.reason ?? "")
        let unbounded = try dir.file("unbounded.yaml", "rules:\n  - id: y\n    pattern: 'key=.+'\n")
        XCTAssertTrue(try scan([path, "--rules", unbounded]).errors.first?.reason.contains("bounded") ?? false)
    }

    func testHugeSingleLineAcrossWindows() throws {
        // A 3 MiB line with values straddling the 1 MiB window edges: each found exactly once.
        let dir = try TempDir()
        var text = [UInt8](repeating: UInt8(ascii: "a"), count: 3 << 20)
        let id = Array("11010519491231002X".utf8)
        let ghp = Array(("ghp_" + Fake.alnum(36, "huge")).utf8)
        func put(_ v: [UInt8], at: Int) {
            text[at - 1] = 32
            for (i, c) in v.enumerated() { text[at + i] = c }
            text[at + v.count] = 32
        }
        put(id, at: (1 << 20) - 9)            // cut by the first window's end
        put(ghp, at: (2 << 20) - 8190)        // near the start of the third window's overlap
        put(id, at: 3 << 19)                  // plain
        put(ghp, at: (3 << 20) - 100)         // near the end of the input
        let path = try dir.file("minified.js", Data(text))
        let r = try scan([path])
        let got = r.findings.map { "\($0.ruleId)@\($0.location.offset ?? -1)" }.sorted()
        XCTAssertEqual(got, [
            "pii.cn_id_card@\((1 << 20) - 9)", "pii.cn_id_card@\(3 << 19)",
            "secret.github-pat@\((2 << 20) - 8190)", "secret.github-pat@\((3 << 20) - 100)",
        ].sorted())
        XCTAssertEqual(Set(r.findings.map(\.location.line)), [1])
    }

    func testLinesAndColumnsAcrossWindowsAndLineMarks() throws {
        // Findings deep in 1 MiB windows count their lines from the reader's marks (every 16 KiB):
        // line and column (in characters) must be those of the text, in every window.
        let dir = try TempDir()
        var text = ""
        var expected: [String] = []
        var line = 1
        while text.utf8.count < 3 << 20 {
            if line % 997 == 0 {
                let wide = line % 7   // three-byte characters before the value
                text += String(repeating: "值", count: wide) + " tel 13812345678\n"
                expected.append("\(line):\(wide + 6)")
            } else {
                text += String(repeating: "x", count: line % 90) + "\n"
            }
            line += 1
        }
        let path = try dir.file("lines.txt", text)
        let r = try scan([path, "--only", "pii.cn_mobile"])
        XCTAssertEqual(r.findings.map { "\($0.location.line ?? 0):\($0.location.column ?? 0)" }, expected)
    }

    /// Text with ID numbers planted in it, and where each one is (line, column in characters).
    struct PlantedText {
        var text = ""
        var line = 1, column = 0
        var expected: [String] = []
        mutating func fill(_ c: Character, _ n: Int) { text += String(repeating: c, count: n); column += n }
        mutating func newline() { text += "\n"; line += 1; column = 0 }
        mutating func lines(_ n: Int) { for i in 0..<n { fill("x", i % 61); newline() } }
        mutating func id() {
            fill(" ", 1)
            expected.append("\(line):\(column + 1)")
            text += "11010519491231002X"; column += 18
            fill(" ", 1)
        }
        /// Values before and after the first window's end on a line that crosses it; a line
        /// longer than a window (a window with no newline at all); then short lines again.
        static func acrossWindows(wide: Character) -> PlantedText {
            var t = PlantedText()
            t.fill(wide, 40); t.id(); t.newline()
            while t.text.utf8.count < (1 << 20) - 30_000 { t.lines(200) }
            t.id(); t.fill(wide, 5_000); t.id(); t.fill("y", 30_000); t.id(); t.fill(wide, 1_000); t.id()
            t.newline()
            t.lines(50)
            t.fill("z", 10); t.id()
            for _ in 0..<12 { t.fill(wide, 50_000); t.fill("y", 70_000); t.id() }   // 1.6 MiB without a newline
            t.newline(); t.id(); t.newline()
            t.lines(3_000); t.id()
            return t
        }
    }

    /// Workers count a window's lines from its own start; the findings get their line and column
    /// when they are emitted, in order, from the windows before them. Lines and columns must be the
    /// text's in every window and item, whatever the number of jobs: values on a line that crosses
    /// a window's end, a window with no newline, a new item after a long one, UTF-8, GB18030 and
    /// UTF-16 text (decoded windows), an empty file and a huge single-line file.
    func testLinesAndColumnsHandedOverBetweenWindowsInOrder() throws {
        let dir = try TempDir()
        let utf8 = PlantedText.acrossWindows(wide: "值")
        let a = try dir.file("a-utf8.txt", utf8.text)
        var single = PlantedText()
        for _ in 0..<30 { single.fill("值", 20_000); single.fill("q", 40_000); single.id() }   // 2.5 MiB, one line
        let b = try dir.file("b-one-line.txt", single.text)
        _ = try dir.file("c-empty.txt", "")
        var small = PlantedText()
        small.fill("值", 3); small.id(); small.newline(); small.id()
        let d = try dir.file("d-small.txt", small.text)
        let gb = PlantedText.acrossWindows(wide: "值")
        let gbDir = try TempDir()
        let pgb = try gbDir.file("gb18030.txt", try XCTUnwrap(gb.text.data(using: String.Encoding(rawValue: 0x80000632))))
        let u16 = PlantedText.acrossWindows(wide: "值")
        var u16bytes: [UInt8] = [0xFF, 0xFE]
        u16bytes.reserveCapacity(u16.text.utf16.count * 2 + 2)
        for u in u16.text.utf16 { u16bytes.append(UInt8(u & 0xFF)); u16bytes.append(UInt8(u >> 8)) }
        let p16 = try dir.file("e-utf16.txt", Data(u16bytes))
        func positions(_ r: InProcess.Result, _ path: String) -> [String] {
            let name = (path as NSString).lastPathComponent
            return r.findings.filter { ($0.location.path ?? "").hasSuffix("/" + name) }.map { "\($0.location.line ?? 0):\($0.location.column ?? 0)" }
        }
        for jobs in ["1", "2", "3"] {
            let r = try scan([dir.url.path, "--only", "pii.cn_id_card", "--jobs", jobs])
            XCTAssertEqual(positions(r, a), utf8.expected, "UTF-8, --jobs \(jobs)")
            XCTAssertEqual(positions(r, b), single.expected, "one line, --jobs \(jobs)")
            XCTAssertEqual(positions(r, d), small.expected, "small item after long ones, --jobs \(jobs)")
            XCTAssertEqual(positions(r, p16), u16.expected, "UTF-16, --jobs \(jobs)")
            XCTAssertEqual(r.findings.count, utf8.expected.count + single.expected.count + small.expected.count + u16.expected.count)
            let rgb = try scan([pgb, "--only", "pii.cn_id_card", "--encoding", "gb18030", "--jobs", jobs])
            XCTAssertEqual(positions(rgb, pgb), gb.expected, "GB18030, --jobs \(jobs)")
        }
    }

    /// Findings come out in input order, each once, with their lines and columns, however items
    /// and windows are spread over the threads (the reader scans part of a backlog itself, and
    /// text windows after a table are scanned, and held, while the table is): empty and tiny
    /// files, files of several windows (values across window ends, a 2.5 MiB line, a dense file),
    /// tables scanned whole on the workers between them, a file that fails half-way, and a folder
    /// of many small files. Every finding and summary, and their order, must be the same with 1, 2,
    /// 3 and 4 jobs (the errors too, but the host reports an archive's own error when it meets it,
    /// so where it falls among the plugin's records depends on how far the plugin is behind).
    func testFindingsInInputOrderAcrossItemsWindowsAndTablesWithSeveralJobs() throws {
        let dir = try TempDir()
        // "name line:column" of every value in a text item, in input order.
        var expected: [String] = []
        func plant(_ name: String, _ t: PlantedText) throws {
            _ = try dir.file(name, t.text)
            expected += t.expected.map { "\(name) \($0)" }
        }
        try plant("a00-empty.txt", PlantedText())
        for i in 1...30 {
            var t = PlantedText()
            if i % 3 != 0 {
                t.lines(i % 7); t.fill("值", i % 5); t.id()
                if i % 2 == 0 { t.newline(); t.id() }
            }
            try plant(String(format: "a%02d-tiny.txt", i), t)
        }
        try plant("b-long.txt", PlantedText.acrossWindows(wide: "值"))
        var line = PlantedText()
        for _ in 0..<30 { line.fill("值", 20_000); line.fill("q", 40_000); line.id() }
        try plant("b2-one-line.txt", line)
        var g = SyntheticPII(seed: 5)
        var csv = "id,id_no,note\n"
        for i in 0..<3000 { csv += "\(i),\(g.idCard()),x\n" }
        _ = try dir.file("c-table.csv", csv)
        var dense = PlantedText()
        while dense.text.utf8.count < 3 << 20 { dense.lines(40); dense.fill("y", 17); dense.id(); dense.newline() }
        try plant("d-dense.txt", dense)
        _ = try dir.file("e-table.csv", csv)
        // A gzip stream cut in the middle: the item fails after some of its windows.
        var log = ""
        for i in 0..<150_000 { log += i % 100 == 0 ? "line \(i) id 11010519491231002X\n" : "line \(i) nothing\n" }
        let plain = try dir.file("f-broken.log", log)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-1", plain]
        try p.run(); p.waitUntilExit()
        let gz = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
        try gz.prefix(gz.count / 2).write(to: URL(fileURLWithPath: plain + ".gz"))
        var after = PlantedText()
        after.fill("x", 3); after.id()
        try plant("g-after.txt", after)
        for i in 0..<200 {
            var t = PlantedText()
            t.lines(i % 4); t.fill("q", i % 13); t.id()
            try plant(String(format: "h-many/%03d.txt", i), t)
        }
        let prefix = dir.url.path + "/"
        func text(_ r: InProcess.Result) -> [String] {
            r.findings.compactMap { f in
                guard let path = f.location.path, path.hasSuffix(".txt") else { return nil }
                return "\(path.replacingOccurrences(of: prefix, with: "")) \(f.location.line ?? 0):\(f.location.column ?? 0)"
            }
        }
        func records(_ r: InProcess.Result) -> [String] {
            r.records.compactMap { record in
                switch record {
                case .finding(let f):
                    return "finding \(f.ruleId) \(f.location.path ?? "") \(f.location.chain ?? []) \(f.location.line ?? 0):\(f.location.column ?? 0) "
                        + "@\(f.location.offset ?? -1)+\(f.location.length ?? 0) \(f.location.columnName ?? "") \(f.evidence ?? "") \(f.message?.en ?? "")"
                case .error: return nil
                case .data(let d): return "data \(d.kind) \(d.text?.en ?? "")"
                }
            }
        }
        /// The first records where two runs differ (the whole lists are too long to read).
        func firstDifference(_ a: [String], _ b: [String]) -> String {
            guard let i = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset ?? (a.count != b.count ? min(a.count, b.count) : nil) else { return "" }
            return "at record \(i) of \(a.count)/\(b.count): \(a[i..<min(a.count, i + 3)]) against \(b[i..<min(b.count, i + 3)])"
        }
        let gzPath = plain + ".gz"
        var reference: [String] = []
        for jobs in ["1", "2", "3", "4"] {
            let r = try scan([dir.url.path, "--only", "pii.cn_id_card", "--jobs", jobs])
            XCTAssertEqual(text(r), expected, "text values in order, --jobs \(jobs)")
            XCTAssertEqual(r.errors.map { "\($0.code) \($0.input)" }, ["archive.truncated \(gzPath)", "scan.read \(gzPath)!f-broken.log"],
                           "--jobs \(jobs)")
            let broken = r.findings.filter { $0.location.path?.contains("f-broken") == true }
            XCTAssertGreaterThan(broken.count, 300, "the windows read before the failure are scanned, --jobs \(jobs)")
            XCTAssertEqual(broken.map { $0.location.line ?? 0 }, broken.indices.map { $0 * 100 + 1 }, "--jobs \(jobs)")
            XCTAssertEqual(r.findings.filter { $0.location.columnName == "id_no" }.count, 2, "one column finding per table, --jobs \(jobs)")
            let got = records(r)
            if jobs == "1" { reference = got } else { XCTAssertTrue(got == reference, "--jobs \(jobs) against --jobs 1 " + firstDifference(got, reference)) }
        }
    }

    /// A table of more windows than the reader hands over at once (it waits for the worker to
    /// take them), between another table and text, scanned on a worker that has no thread of its
    /// own for cell batches: the same records in the same order with 1, 2 and 3 jobs, and every
    /// value of the long table counted in its column.
    func testTableLongerThanItsFeedGivesTheSameRecordsWithSeveralJobs() throws {
        let dir = try TempDir()
        var g = SyntheticPII(seed: 11)
        var block = ""
        for i in 0..<2_000 { block += "\(i),\(g.idCard()),note \(i % 7),\(String(repeating: "v", count: 20))\n" }
        var big = "id,id_no,note,pad\n"
        for _ in 0..<90 { big += block }
        XCTAssertGreaterThan(big.utf8.count, 6 << 20, "more than four 1 MiB windows")
        _ = try dir.file("b-big.csv", big)
        _ = try dir.file("a-small.csv", "id,id_no\n1,\(g.idCard())\n2,\(g.idCard())\n")
        var after = PlantedText()
        after.lines(3); after.fill("x", 5); after.id()
        _ = try dir.file("c-after.txt", after.text)
        var reference: [String] = []
        for jobs in ["1", "2", "3"] {
            let r = try scan([dir.url.path, "--only", "pii.cn_id_card", "--jobs", jobs])
            XCTAssertEqual(r.exitCode, 1)
            XCTAssertEqual(r.errors.count, 0)
            let column = try XCTUnwrap(r.findings.first { $0.location.path?.hasSuffix("b-big.csv") == true })
            XCTAssertEqual(column.message?.en, "b-big.csv.id_no: 180,000 of 180,000 values are Resident identity card number", "--jobs \(jobs)")
            let got = r.records.compactMap { record -> String? in
                switch record {
                case .finding(let f): return "finding \(f.ruleId) \(f.location.path ?? "") \(f.location.line ?? 0):\(f.location.column ?? 0) \(f.message?.en ?? "")"
                case .error: return nil
                case .data(let d): return "data \(d.kind) \(d.text?.en ?? "")"
                }
            }
            XCTAssertEqual(got.count, 6, "two column findings, one text finding, three summaries, --jobs \(jobs): \(got)")
            if jobs == "1" { reference = got } else { XCTAssertEqual(got, reference, "--jobs \(jobs) against --jobs 1") }
        }
    }

    func testBinaryFilesAreSearchedInPrintableRuns() throws {
        let dir = try TempDir()
        var bytes: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 0, 0, 1, 2, 3, 0xFF, 0xFE]
        let key = "AKIA" + Fake.chars(Fake.upper + "234567", 16, "binary")
        bytes += Array("\0\0aws_key=\(key)\0\u{1}".utf8)
        bytes += [UInt8](repeating: 0, count: 100)
        let path = try dir.file("app.bin", Data(bytes))
        let r = try scan([path])
        XCTAssertEqual(r.findings.map(\.ruleId), ["secret.aws-access-key-id"])
        let f = try XCTUnwrap(r.findings.first)
        XCTAssertNil(f.location.line, "no lines in binary data")
        XCTAssertEqual(f.location.offset, Int64(bytes.count - 100 - 2 - 20))
    }

    func testEncodingsKeepRawOffsets() throws {
        let dir = try TempDir()
        let line = "姓名 张三 手机 13812345678\n"
        var utf16: [UInt8] = [0xFF, 0xFE]
        for u in line.utf16 { utf16 += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        let p16 = try dir.file("u16.txt", Data(utf16))
        let r16 = try scan([p16])
        let m16 = try XCTUnwrap(r16.findings.first { $0.ruleId == "pii.cn_mobile" })
        XCTAssertEqual(m16.location.offset, Int64(2 + 2 * "姓名 张三 手机 ".utf16.count))
        XCTAssertEqual(m16.location.column, 10)
        let gb = try XCTUnwrap(line.data(using: String.Encoding(rawValue: 0x80000632)))
        let pgb = try dir.file("gb.txt", gb)
        let rgb = try scan([pgb])
        let mgb = try XCTUnwrap(rgb.findings.first { $0.ruleId == "pii.cn_mobile" })
        XCTAssertEqual(mgb.location.offset, Int64(2 * 6 + 3))   // six Han characters of 2 bytes, three spaces
        XCTAssertEqual(Set(rgb.findings.map(\.ruleId)), ["pii.cn_mobile", "pii.person_name"])
        // Invalid UTF-8 bytes are decoded leniently; offsets still point at the raw bytes.
        var bad = Array("ok \u{FF}".utf8)
        bad += [0xC3, 0x28, 0xFF, 0x20]
        bad += Array("tel 13812345678\n".utf8)
        let pbad = try dir.file("bad-utf8.txt", Data(bad))
        let rbad = try scan([pbad])
        XCTAssertEqual(rbad.findings.first { $0.ruleId == "pii.cn_mobile" }?.location.offset, Int64(bad.count - 12))
    }

    func testUnreadableInputIsReportedAndTheRunGoesOn() throws {
        guard getuid() != 0 else { throw XCTSkip("root can read any file") }
        let dir = try TempDir()
        let locked = try dir.file("locked.txt", "13812345678\n")
        chmod(locked, 0)
        _ = try dir.file("open.txt", "13812345678\n")
        let r = try scan([dir.url.path])
        XCTAssertEqual(r.findings.count, 1)
        XCTAssertTrue(r.errors.contains { $0.input.hasSuffix("locked.txt") })
        XCTAssertEqual(r.exitCode, 1)
    }

    func testTruncatedCompressedInputIsAnErrorAndTheRunGoesOn() throws {
        let dir = try TempDir()
        // A gzip stream cut in the middle: the reader fails part-way through the item.
        var text = ""
        for i in 0..<20_000 { text += "line \(i) phone 13812345678\n" }
        let plain = try dir.file("big.log", text)
        let gz = plain + ".gz"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-k", "-1", plain]
        try p.run(); p.waitUntilExit()
        try FileManager.default.removeItem(atPath: plain)
        let full = try Data(contentsOf: URL(fileURLWithPath: gz))
        try full.prefix(full.count / 2).write(to: URL(fileURLWithPath: gz))
        _ = try dir.file("ok.txt", "tel 13912345678\n")
        let r = try scan([dir.url.path])
        XCTAssertTrue(r.errors.contains { $0.input.contains("big.log") }, "\(r.errors)")
        XCTAssertTrue(r.findings.contains { $0.location.path?.hasSuffix("ok.txt") == true }, "the other input is still scanned")
        XCTAssertEqual(r.exitCode, 1)
    }

    func testInlineAllowComment() throws {
        let dir = try TempDir()
        let path = try dir.file("t.py", "TOKEN = 'ghp_\(Fake.alnum(36, "allow1"))'  # dstool:allow fixture\nOTHER = 'ghp_\(Fake.alnum(36, "allow2"))'\n")
        let r = try scan([path])
        XCTAssertEqual(r.findings.map(\.location.line), [2])
    }

    /// A file name from the evidence cannot start a line of its own in the summary text.
    func testSummaryTextEscapesControlCharactersInTheName() throws {
        let dir = try TempDir()
        var g = SyntheticPII(seed: 8)
        let path = try dir.file("a\nHIGH forged\u{1b}[31m.txt", "id \(g.idCard())\n")
        let r = try scan([path])
        let s = try XCTUnwrap(r.data.first { $0.kind == "scan.summary" })
        XCTAssertEqual(s.value["input"]?.stringValue, path, "the value keeps the name as it is")
        let dirPrefix = String(path.dropLast("a\nHIGH forged\u{1b}[31m.txt".count))
        XCTAssertTrue(s.text?.en.hasPrefix(dirPrefix + "a\\x0AHIGH forged\\x1B[31m.txt: 1 Resident identity card number") ?? false,
                      s.text?.en ?? "")
        XCTAssertFalse(s.text?.zh.contains("\n") ?? true)
    }

    func testDataLevelThresholdsFromYAML() throws {
        let dir = try TempDir()
        var g = SyntheticPII(seed: 7)
        let text = (0..<20).map { _ in g.idCard() }.joined(separator: "\n")
        let path = try dir.file("ids.txt", text)
        let cfg = try dir.file("levels.yaml", "important:\n  sensitive: 10\ncore:\n  sensitive: 1_000\n")
        let r = try scan([path, "--level-config", cfg])
        let s = try XCTUnwrap(r.data.first { $0.kind == "scan.summary" })
        XCTAssertEqual(s.value["data_level"]?.stringValue, "重要")
        XCTAssertEqual(s.value["pii_total"]?.intValue, 20)
        let bad = try dir.file("bad.yaml", "important:\n  sensitive: many\n")
        let rb = try scan([path, "--level-config", bad])
        XCTAssertEqual(rb.exitCode, 2)
        XCTAssertTrue(rb.errors.first?.reason.contains("important.sensitive") ?? false)
    }

    func testSARIFPointsInsideArchives() throws {
        let dir = try TempDir()
        let inner = try dir.file("src/keys.env", "KEY=ghp_\(Fake.alnum(36, "sarif"))\n")
        let tar = dir.url.appendingPathComponent("backup.tar").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        p.arguments = ["-cf", tar, "-C", dir.url.appendingPathComponent("src").path, "keys.env"]
        try p.run(); p.waitUntilExit()
        _ = inner
        let r = try InProcess.run(ScanPlugin.self, ["scan", "--format", "sarif", tar])
        XCTAssertTrue(r.findings.first?.location.input.hasSuffix("backup.tar!keys.env") ?? false, r.findings.first?.location.input ?? "none")
        XCTAssertTrue(r.report.contains("backup.tar!keys.env") || r.report.contains("keys.env"), r.report)
    }
}

/// Tests share one Hyperscan database cache (compiled once per test run), removed when the test
/// process exits.
enum ScanTestCache {
    static let dir: String = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("dstool-scan-test-cache-\(getpid())").path
        setenv("DSTOOL_CACHE_DIR", d, 1)
        atexit { try? FileManager.default.removeItem(atPath: ScanTestCache.dir) }
        return d
    }()
    static func install() { _ = dir }
}
