@testable import DSToolMask
import XCTest

final class CSVReaderTests: XCTestCase {
    /// All records as (values, raw record) — read with every buffer-refill boundary exercised.
    func records(_ text: String, delimiter: UInt8 = 44, chunk: Int = 1 << 20) throws -> [(values: [String], malformed: String?, line: Int)] {
        let r = CSVReader(source: MemorySource(text, chunk: chunk), delimiter: delimiter, bufferSize: 64)
        let scratch = ScratchBytes()
        var out: [(values: [String], malformed: String?, line: Int)] = []
        var rebuilt = [UInt8]()
        while try r.next() {
            out.append(((0..<r.fieldCount).map { String(decoding: r.value($0, scratch: scratch), as: UTF8.self) }, r.malformed, r.line))
            rebuilt.append(contentsOf: r.rawRecord)
        }
        XCTAssertEqual(String(decoding: rebuilt, as: UTF8.self), text, "raw records must rebuild the input exactly")
        return out
    }

    func testQuotingAndLineEndings() throws {
        let text = "a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\r\n\"multi\nline\",,z\n"
        for chunk in [1, 2, 3, 7, 1 << 20] {
            let r = try records(text, chunk: chunk)
            XCTAssertEqual(r.map(\.values), [["a", "b", "c"], ["x,1", "say \"hi\"", ""], ["multi\nline", "", "z"]], "chunk \(chunk)")
            XCTAssertEqual(r.map(\.line), [1, 2, 3])
            XCTAssertTrue(r.allSatisfy { $0.malformed == nil })
        }
    }

    func testNoFinalNewlineBlankLinesAndTabs() throws {
        XCTAssertEqual(try records("a\tb\n\nc\td", delimiter: 9).map(\.values), [["a", "b"], [""], ["c", "d"]])
        XCTAssertEqual(try records("").count, 0)
        XCTAssertEqual(try records("only").map(\.values), [["only"]])
        XCTAssertEqual(try records("a,b\r").map(\.values), [["a", "b"]])
    }

    func testLongRecordGrowsTheBuffer() throws {
        let long = String(repeating: "长", count: 5000)
        let r = try records("h1,h2\n\(long),\"\(long)\"\n", chunk: 100)
        XCTAssertEqual(r[1].values, [long, long])
    }

    func testBrokenQuoting() throws {
        let r = try records("a,\"b\"junk,c\nd,\"never closed\ne,f\n")
        XCTAssertEqual(r.count, 2)
        XCTAssertEqual(r[0].malformed, "text after a closing quote")
        XCTAssertEqual(r[0].values, ["a", "bjunk", "c"])
        XCTAssertEqual(r[1].malformed, "quoted field never closed")
        XCTAssertEqual(r[1].values, ["d", "never closed\ne,f\n"])
        // A quote inside an unquoted field is kept literally (common in exports), not an error.
        let lenient = try records("5\" disk,ok\n")
        XCTAssertEqual(lenient[0].values, ["5\" disk", "ok"]); XCTAssertNil(lenient[0].malformed)
    }
}

/// The threaded path gives byte for byte the serial path's output.
final class ParallelCSVTests: XCTestCase {
    func testParallelMatchesSerial() throws {
        var text = "name,note,phone\r\n"
        for i in 0..<3000 {
            switch i % 4 {
            case 0: text += "张\(i),\"multi\nline, \"\"quoted\"\"\",1381234\(String(format: "%04d", i))\r\n"
            case 1: text += "李\(i),plain,\r\n"
            case 2: text += "\n"
            default: text += "王\(i),\"x\"junk,13912345678\n"
            }
        }
        let policy = MaskPolicy.init()
        var p = policy
        p.fields = [FieldSpec(field: "name", strategy: "mask", parameters: ["keep_first": "1"]),
                    FieldSpec(field: "phone", strategy: "generalize-prefix", parameters: ["keep": "3"])]
        let serialEngine = try MaskEngine(policy: p, direction: .mask, keys: nil)
        let serial = CSVMasker(engine: serialEngine, options: CSVMasker.Options())
        let a = ByteSink()
        try serial.run(MemorySource(text), to: a, input: "t")
        for batch in [1, 100, 1000, 1 << 20] {
            let engine = try MaskEngine(policy: p, direction: .mask, keys: nil)
            let parallel = ParallelCSV(engine: engine, options: CSVMasker.Options(), jobs: 3)
            parallel.batchSize = batch
            let b = ByteSink()
            try parallel.run(MemorySource(text, chunk: 777), to: b, input: "t")
            XCTAssertEqual(b.text, a.text, "batch \(batch)")
            XCTAssertEqual(parallel.counts.records, serial.counts.records)
            XCTAssertEqual(parallel.counts.malformed, serial.counts.malformed)
            XCTAssertEqual(parallel.counts.firstMalformedLine, serial.counts.firstMalformedLine)
            XCTAssertEqual(engine.rules.map(\.masked), serialEngine.rules.map(\.masked))
            XCTAssertEqual(engine.rules.map(\.invalid), serialEngine.rules.map(\.invalid))
        }
    }

    func testQuoteFreeBlocksThenAQuotedField() throws {
        var text = "a,b\n"
        for i in 0..<2000 { text += "x\(i),\(i % 7 == 0 ? "" : "y")\n" }
        text += "\"q\nr\",z"  // a quoted field with a line break last, no final newline
        var p = MaskPolicy()
        p.fields = [FieldSpec(field: "a", strategy: "mask", parameters: ["keep_first": "1"])]
        let serial = CSVMasker(engine: try MaskEngine(policy: p, direction: .mask, keys: nil), options: CSVMasker.Options())
        let a = ByteSink()
        try serial.run(MemorySource(text), to: a, input: "t")
        XCTAssertTrue(a.text.hasSuffix("\"q**\",z"), String(a.text.suffix(20)))
        for batch in [10, 4096] {
            let parallel = ParallelCSV(engine: try MaskEngine(policy: p, direction: .mask, keys: nil), options: CSVMasker.Options(), jobs: 2)
            parallel.batchSize = batch
            let b = ByteSink()
            try parallel.run(MemorySource(text, chunk: 1000), to: b, input: "t")
            XCTAssertEqual(b.text, a.text, "batch \(batch)")
            XCTAssertEqual(parallel.counts.records, 2001)
        }
    }

    func testParallelFailureNamesTheLine() throws {
        var p = MaskPolicy()
        p.fields = [FieldSpec(field: "d", strategy: "generalize-date")]
        var text = "d\n"
        for _ in 0..<500 { text += "2024-01-02\n" }
        text += "\"multi\nline\"\nnot a date\n"
        let engine = try MaskEngine(policy: p, direction: .mask, onInvalid: .fail, keys: nil)
        let parallel = ParallelCSV(engine: engine, options: CSVMasker.Options(), jobs: 2)
        parallel.batchSize = 64
        XCTAssertThrowsError(try parallel.run(MemorySource(text), to: ByteSink(), input: "t")) {
            XCTAssertEqual(($0 as? InputFailure)?.line, 502)
        }
    }
}
