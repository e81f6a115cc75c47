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
