@testable import DSToolComply
import DSToolScan
import XCTest

/// The personal-data scan stops reading an item once its questions are answered; where it stops
/// must depend on the item's bytes only, so the counts in the evidence are the same on every run
/// and with any number of workers.
final class PersonalDataPoolTests: XCTestCase {
    func testWhereAnItemStopsDependsOnItsBytesNotOnTheWorkers() throws {
        var pii = SyntheticPII(seed: 7)
        var text = ""
        var lines = 0
        while text.utf8.count < 5 << 20 {
            text += "客户身份证号 \(pii.idCard()) 登记\n"
            lines += 1
        }
        let bytes = Array(text.utf8)
        func run(workers: Int, minValues: Int) throws -> PIFacts {
            let pool = PersonalDataScanPool(workers: workers)
            defer { pool.stop() }
            let question = ScanQuestion(roles: [.dataFile], kinds: ["cn_id_card"], minValues: minValues)
            var feeder = try PersonalDataFeeder(pool: pool, item: 0, questions: [question])
            try bytes.withUnsafeBytes { try feeder.feed($0) }
            try feeder.finish(reachedEnd: true)
            return try pool.finish()[0] ?? PIFacts()
        }
        let whole = try run(workers: 2, minValues: .max)
        XCTAssertTrue(whole.complete)
        XCTAssertEqual(whole.counts["cn_id_card"], lines)

        // One value answers the question: the first segment does, and the second was already
        // handed to a worker when that was known; the rest of the item is not read.
        let answered = try run(workers: 1, minValues: 1)
        XCTAssertFalse(answered.complete)
        let counted = answered.counts["cn_id_card"] ?? 0
        XCTAssertGreaterThan(counted, lines / 4)
        XCTAssertLessThan(counted, lines / 2)
        for workers in [1, 2, 3] {
            for _ in 0..<4 { XCTAssertEqual(try run(workers: workers, minValues: 1), answered, "workers \(workers)") }
        }
    }
}
