import DSToolCore
import DSToolKit
@testable import DSToolScan
import XCTest

/// The CSV cell splitter (CellEndMask: separators and newlines found 64 bytes at a time) on
/// hostile input: every ID number planted in a table is reported at its exact row, column and
/// byte offset, whatever the quoting, line endings and block boundaries around it.
final class CellSplitterTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        ScanTestCache.install()
    }

    /// The mask's answer is the byte loop's answer, for every start, on bytes chosen to fool a
    /// word-at-a-time test: the separator and newline with their high bit set (0xAC, 0x8A),
    /// quotes, CR, NUL and 0xFF, at lengths around the 8-, 64- and 4096-byte steps; starts asked
    /// in order (as the parser does) and out of order (the mask is reloaded).
    /// The batch's byte buffer copies cells of every length (the word-copy cases 1-3, 4-7,
    /// 8-16 and longer) exactly, back to back, through its growth from a tiny capacity.
    func testTrivialBufferAppendsCellsOfEveryLengthExactly() {
        var buffer = TrivialBuffer<UInt8>(capacity: 3)
        defer { buffer.deallocate() }
        var expected: [UInt8] = []
        for round in 0..<3 {
            for n in 0...40 {
                let cell = (0..<n).map { UInt8(truncatingIfNeeded: 7 &* $0 &+ 31 &* n &+ round) }
                cell.withUnsafeBufferPointer { buffer.appendCell($0) }
                buffer.append(10)
                expected += cell + [10]
                XCTAssertEqual(Array(buffer.buffer), expected, "length \(n), round \(round)")
            }
        }
        buffer.keepTail(from: 5)
        XCTAssertEqual(Array(buffer.buffer), Array(expected[5...]))
        buffer.truncate(to: 2)
        XCTAssertEqual(Array(buffer.buffer), Array(expected[5..<7]))
    }

    func testCellEndMaskAgreesWithAByteLoop() {
        let alphabet: [UInt8] = [44, 10, 34, 13, 0, 0xFF, 0xAC, 0x8A, 9, 49, 97, 0x2C | 0x40]
        var rng = SeededRandom(seed: 7)
        for separator: UInt8 in [44, 9] {
            for length in [0, 1, 7, 8, 9, 63, 64, 65, 127, 128, 129, 200, 1000, 4095, 4096, 4097, 4160, 9000] {
                for density in [2, 20, 300] {
                    let bytes: [UInt8] = (0..<length).map { _ in
                        Int.random(in: 0..<density, using: &rng) == 0 ? alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
                            : UInt8.random(in: 97...122, using: &rng)
                    }
                    bytes.withUnsafeBufferPointer { b in
                        func expected(_ from: Int) -> Int? {
                            var j = from
                            while j < b.count { if b[j] == separator || b[j] == 10 { return j }; j += 1 }
                            return nil
                        }
                        var inOrder = CellEndMask(separator: separator)
                        for from in 0...length {
                            XCTAssertEqual(inOrder.cellEnd(b, from: from), expected(from), "length \(length), from \(from)")
                        }
                        var outOfOrder = CellEndMask(separator: separator)
                        for _ in 0..<50 where length > 0 {
                            let from = Int.random(in: 0...length, using: &rng)
                            XCTAssertEqual(outOfOrder.cellEnd(b, from: from), expected(from), "length \(length), from \(from)")
                        }
                    }
                }
            }
        }
    }

    /// The mask's digit bits and run-end bits are the byte tests' answers (a digit: 0-9, as in
    /// PlainCell.isPlain; a run end: the byte and the six before it are digits, inside the loaded
    /// block) for every range of 1...64 bytes in the block, on bytes next to the digits ('/', ':',
    /// digits with the high bit set, X), at lengths around the 64- and 4096-byte steps.
    func testDigitBitsAgreeWithAByteLoop() {
        let alphabet: [UInt8] = [47, 58, 0xB0, 0xB5, 0xB9, 44, 10, 88, 120, 32, 0xFF, 0x30 | 0x40]
        var rng = SeededRandom(seed: 8)
        for length in [1, 7, 8, 63, 64, 65, 130, 4095, 4096, 4097, 4170, 9000] {
            for density in [3, 12, 60] {
                let bytes: [UInt8] = (0..<length).map { _ in
                    Int.random(in: 0..<density, using: &rng) == 0 ? alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
                        : UInt8.random(in: 48...57, using: &rng)
                }
                bytes.withUnsafeBufferPointer { b in
                    var mask = CellEndMask(separator: 44, tracksDigits: true)
                    defer { mask.deallocate() }
                    var starts = Array(stride(from: 0, to: length, by: max(1, length / 97)))
                    starts += [length - 1, max(0, length - 64), min(length - 1, 4096), min(length - 1, 4095)]
                    for from in starts {
                        _ = mask.cellEnd(b, from: from)   // loads the block holding `from` (or keeps the one that does)
                        for count in 1...64 where from + count <= length {
                            let covered = from >= mask.base && from + count <= mask.base + mask.covered
                            guard let digits = mask.digitBits(from: from, count: count, runs: false),
                                  let runs = mask.digitBits(from: from, count: count, runs: true) else {
                                XCTAssertFalse(covered, "length \(length), from \(from), count \(count)")
                                continue
                            }
                            XCTAssertTrue(covered)
                            var expectedDigits: UInt64 = 0, expectedRuns: UInt64 = 0
                            for k in 0..<count {
                                let p = from + k
                                if b[p] >= 48 && b[p] <= 57 { expectedDigits |= 1 << UInt64(k) }
                                if p - 6 >= mask.base && (p - 6...p).allSatisfy({ b[$0] >= 48 && b[$0] <= 57 }) { expectedRuns |= 1 << UInt64(k) }
                            }
                            XCTAssertEqual(digits, expectedDigits, "length \(length), from \(from), count \(count)")
                            XCTAssertEqual(runs, expectedRuns, "length \(length), from \(from), count \(count)")
                        }
                    }
                }
            }
        }
        // Not asked to track digits: no answer.
        [UInt8]("123,456".utf8).withUnsafeBufferPointer { b in
            var mask = CellEndMask(separator: 44)
            defer { mask.deallocate() }
            XCTAssertEqual(mask.cellEnd(b, from: 0), 3)
            XCTAssertNil(mask.digitBits(from: 0, count: 3, runs: false))
        }
    }

    struct Planted: Hashable {
        var row: Int64
        var column: String
        var offset: Int64
    }

    /// Writes the rows (each cell already in its CSV form), then scans with --per-value: the ID
    /// numbers found must be exactly `ids`, each at the offset where it is in the file.
    func assertFindsExactly(_ ids: [(row: Int64, column: String, id: String)], rows: [[String]], lineEnd: String = "\n",
                            tail: String = "", file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try TempDir()
        let text = rows.map { $0.joined(separator: ",") }.joined(separator: lineEnd) + lineEnd + tail
        let bytes = Array(text.utf8)
        let path = try dir.file("t.csv", text)
        var expected = Set<Planted>()
        for p in ids {
            let needle = Array(p.id.utf8)
            let at = try XCTUnwrap((0...(bytes.count - needle.count)).first { bytes[$0..<$0 + needle.count].elementsEqual(needle) },
                                   file: file, line: line)
            expected.insert(Planted(row: p.row, column: p.column, offset: Int64(at)))
        }
        for jobs in ["1", "2"] {
            for only in [["--only", "pii.cn_id_card"], []] {
                let r = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--per-value", "--jobs", jobs] + only + [path])
                XCTAssertTrue(r.errors.isEmpty, "\(r.errors)", file: file, line: line)
                let found = r.findings.filter { $0.ruleId == "pii.cn_id_card" && $0.properties?["scope"]?.stringValue != "column" }
                    .map { Planted(row: $0.location.row ?? -1, column: $0.location.columnName ?? "", offset: $0.location.offset ?? -1) }
                XCTAssertEqual(found.count, expected.count, "jobs \(jobs) \(only)", file: file, line: line)
                XCTAssertEqual(Set(found), expected, "jobs \(jobs) \(only)", file: file, line: line)
            }
        }
    }

    /// Quoted cells whose quotes, doubled quotes, separators and newlines fall on both sides of
    /// 64-byte block boundaries, at every shift of the row. (The ID after the doubled quotes was
    /// reported two bytes early before the parser anchored the bytes after an escape.)
    func testQuotesSpanningBlocksAndEmbeddedNewlines() throws {
        var g = SyntheticPII(seed: 41)
        var rows: [[String]] = [["pad", "note", "id_no"]]
        var ids: [(row: Int64, column: String, id: String)] = []
        for shift in 0..<70 {
            let id = g.idCard(), inside = g.idCard()
            let pad = String(repeating: "p", count: shift)
            rows.append([pad, "\"a, \"\"quoted\"\"\nline, \(inside) ,\(String(repeating: "q", count: 60))\"", id])
            ids.append((Int64(rows.count - 1), "note", inside))
            ids.append((Int64(rows.count - 1), "id_no", id))
        }
        try assertFindsExactly(ids, rows: rows)
    }

    /// CRLF line ends: the CR is not part of the last cell, and rows count right.
    func testCRLF() throws {
        var g = SyntheticPII(seed: 42)
        var rows: [[String]] = [["name", "id_no"]]
        var ids: [(row: Int64, column: String, id: String)] = []
        for i in 0..<200 {
            let id = g.idCard()
            rows.append(i % 2 == 0 ? [g.name(), id] : [id, "\"x\r\ny\""])
            ids.append((Int64(rows.count - 1), i % 2 == 0 ? "id_no" : "name", id))
        }
        try assertFindsExactly(ids, rows: rows, lineEnd: "\r\n")
    }

    /// A quote never closed: the rest of the file is one cell, and the ID in it is still found.
    func testUnterminatedQuote() throws {
        var g = SyntheticPII(seed: 43)
        let first = g.idCard(), last = g.idCard()
        try assertFindsExactly([(1, "id_no", first), (2, "id_no", last)],
                               rows: [["name", "id_no"], ["a", first]], tail: "b,\"never closed, \(last)\nmore text")
    }

    /// A .csv with NUL bytes is binary to the input layer: it is searched in its printable runs,
    /// not as a table (no row, no column), and every ID is still found at its offset. (The
    /// splitter's own handling of NUL is in testCellEndMaskAgreesWithAByteLoop.)
    func testNULBytesMakeTheFileBinary() throws {
        var g = SyntheticPII(seed: 44)
        var rows: [[String]] = [["a", "id_no"]]
        var ids: [(row: Int64, column: String, id: String)] = []
        for i in 0..<40 {
            let id = g.idCard()
            rows.append(["x\u{0}\(String(repeating: "\u{0}", count: i))y", id])
            ids.append((-1, "", id))
        }
        try assertFindsExactly(ids, rows: rows)
    }

    func testEmptyFile() throws {
        let dir = try TempDir()
        let path = try dir.file("empty.csv", "")
        let r = try InProcess.run(ScanPlugin.self, ["scan", "--format", "json", "--per-value", path])
        XCTAssertEqual(r.exitCode, 0)
        XCTAssertTrue(r.findings.isEmpty)
        XCTAssertTrue(r.errors.isEmpty)
    }

    /// A row longer than the reader's 1 MiB window (its cells longer than a batch cell): the ID
    /// after it, and the one inside its last cell, are at their offsets.
    func testRowLongerThanTheWindow() throws {
        var g = SyntheticPII(seed: 45)
        let inLong = g.idCard(), after = g.idCard()
        let long = String(repeating: "abcdefgh ", count: 200_000)
        try assertFindsExactly([(1, "note", inLong), (2, "id_no", after)],
                               rows: [["note", "id_no"], [long + inLong + " " + long, "-"], ["-", after]])
    }
}
