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

        // One value answers the question: the item's first `probe` bytes (scanned on the reading
        // thread) do, so no segment goes to a worker; what is counted is every line ending in them.
        let lineLength = bytes.firstIndex(of: 10)! + 1
        let answered = try run(workers: 1, minValues: 1)
        XCTAssertFalse(answered.complete)
        XCTAssertEqual(answered.counts["cn_id_card"], PersonalDataFeeder.probe / lineLength)
        for workers in [1, 2, 3] {
            for _ in 0..<4 { XCTAssertEqual(try run(workers: workers, minValues: 1), answered, "workers \(workers)") }
        }
    }

    private func scan(_ text: String, _ questions: [ScanQuestion], workers: Int = 2) throws -> PIFacts {
        let pool = PersonalDataScanPool(workers: workers)
        defer { pool.stop() }
        var feeder = try PersonalDataFeeder(pool: pool, item: 0, questions: questions)
        try Array(text.utf8).withUnsafeBytes { try feeder.feed($0) }
        try feeder.finish(reachedEnd: true)
        return try pool.finish()[0] ?? PIFacts()
    }

    /// Once one question is answered, the rest of the item is scanned only for the kinds still
    /// asked about: the answered kinds' counts are lower bounds even though the item was read to
    /// its end (they were printed as exact counts: "29169 Mobile phone number" for a file holding
    /// 120,000).
    func testCountsOfKindsNoLongerLookedForAreLowerBounds() throws {
        var pii = SyntheticPII(seed: 11)
        var text = ""
        var lines = 0
        while text.utf8.count < 3 << 20 {
            text += "手机 \(pii.value(.cnMobile)) 身份证 \(pii.value(.cnIDCard))\n"
            lines += 1
        }
        let phones = ScanQuestion(roles: [.dataFile], kinds: ["cn_mobile"], minValues: 1)
        let idCards = ScanQuestion(roles: [.dataFile], kinds: ["cn_id_card"], minValues: .max)
        let facts = try scan(text, [phones, idCards])
        XCTAssertFalse(facts.complete)
        XCTAssertEqual(facts.counts["cn_id_card"], lines)
        let probeLines = text.utf8.prefix(PersonalDataFeeder.probe).split(separator: 10, omittingEmptySubsequences: false).count - 1
        XCTAssertEqual(facts.counts["cn_mobile"], probeLines)
        XCTAssertTrue(PersonalData.describe(facts, kinds: nil).en.hasPrefix("at least "))

        // Nothing answered: every value of every kind counted, and the counts are exact.
        let all = try scan(text, [ScanQuestion(roles: [.dataFile], kinds: ["cn_mobile", "cn_id_card"], minValues: .max)])
        XCTAssertTrue(all.complete)
        XCTAssertEqual(all.counts, ["cn_mobile": lines, "cn_id_card": lines])
    }

    /// An item shorter than the probe is scanned whole on the reading thread: answered or not,
    /// its counts are exact.
    func testAnItemScannedWholeHasExactCountsEvenWhenAnswered() throws {
        let text = (0..<40).map { _ in "客户 \(synthetic.value(.cnIDCard)) 电话 \(synthetic.value(.cnMobile))\n" }.joined() + "末行无换行 \(synthetic.value(.cnIDCard))"
        for workers in [1, 2] {
            let facts = try scan(text, [ScanQuestion(roles: [.dataFile], kinds: ["cn_id_card", "cn_mobile"], minValues: 1)], workers: workers)
            XCTAssertTrue(facts.complete)
            XCTAssertEqual(facts.counts, ["cn_id_card": 41, "cn_mobile": 40])
            XCTAssertFalse(PersonalData.describe(facts, kinds: nil).en.contains("at least"))
        }
        XCTAssertTrue(try scan("", [ScanQuestion(roles: [.dataFile], kinds: ["cn_id_card"], minValues: 1)]).isEmpty)
    }

    /// A file's counts and its sampled columns' counts combine per kind into the larger; a lower
    /// bound on either side (a scan stopped early) makes the result one.
    func testTakeLargerKeepsLowerBounds() {
        var file = PIFacts(counts: ["cn_mobile": 3])
        var sampled = PIFacts(counts: ["cn_mobile": 10, "cn_id_card": 2])
        sampled.complete = false
        file.takeLarger(sampled)
        XCTAssertEqual(file.counts, ["cn_mobile": 10, "cn_id_card": 2])
        XCTAssertFalse(file.complete)
        XCTAssertEqual(PersonalData.describe(file, kinds: nil).en, "at least 2 Resident identity card number, 10 Mobile phone number")

        var exact = PIFacts(counts: ["cn_mobile": 3])
        exact.takeLarger(PIFacts(counts: ["cn_mobile": 1]))
        XCTAssertEqual(exact.counts, ["cn_mobile": 3])
        XCTAssertTrue(exact.complete)
    }

    /// Segments are cut after the last line end in their second half: found 16 bytes at a time,
    /// the same as a byte-by-byte search wherever the line ends lie.
    func testLastLineEndInTheSecondHalf() {
        func naive(_ b: [UInt8], _ end: Int) -> Int? { b[0..<end].lastIndex(of: 10).flatMap { $0 >= end / 2 ? $0 : nil } }
        for end in [0, 1, 2, 15, 16, 17, 31, 32, 33, 100, 257] {
            XCTAssertNil(PersonalDataFeeder.lastLineEnd([UInt8](repeating: 65, count: end + 5), inSecondHalfOf: end))
            for at in 0..<end {
                for extra in [nil, 0, at / 3] as [Int?] {
                    var b = [UInt8](repeating: 0xE4, count: end + 5)
                    b[at] = 10
                    if let extra { b[extra] = 10 }
                    b[end] = 10   // past the end: never found
                    XCTAssertEqual(PersonalDataFeeder.lastLineEnd(b, inSecondHalfOf: end), naive(b, end), "end \(end) at \(at)")
                }
            }
        }
    }

    /// Values around the end of the probe (on one long line, and on short lines) are counted once,
    /// by the probe or by the worker, wherever they start.
    func testValuesAtTheProbesEndAreCountedOnce() throws {
        let probe = PersonalDataFeeder.probe
        let question = [ScanQuestion(roles: [.dataFile], kinds: ["cn_id_card"], minValues: .max)]
        var pii = SyntheticPII(seed: 13)
        for start in stride(from: probe - 300, through: probe + 30, by: 5) {
            let filler = " " + String(repeating: "a", count: 70) + " "
            var line = "身份证 " + pii.value(.cnIDCard)
            var values = 1
            while line.utf8.count < start { line += filler }
            line = String(line.utf8.prefix(start - 1))! + " " + pii.value(.cnIDCard) + " 末尾 " + pii.value(.cnIDCard)
            values += 2
            line += String(repeating: " 填充", count: (1200 << 10) / 7)   // past the first window: cut there
            let oneLine = try scan(line, question)
            XCTAssertEqual(oneLine.counts["cn_id_card"], values, "one line, value at \(start)")
            XCTAssertTrue(oneLine.complete)

            // Short lines, the ID's line ending near the probe's end; shorter than a window (the
            // probe is taken when the item ends).
            var lines = ""
            while lines.utf8.count + 30 < start { lines += "序号 无身份信息\n" }
            lines += "证件 \(pii.value(.cnIDCard))\n" + String(repeating: "x\n", count: 100 << 10)
            XCTAssertEqual(try scan(lines, question).counts["cn_id_card"], 1, "lines, value near \(start)")
        }
    }
}

extension PersonalDataPoolTests {
    /// A long line with no word boundary near a cut (Chinese text written without spaces): a
    /// value across the window's end, across the probe's end, or just before either, is counted
    /// exactly once. (A value across the end of a window or of the probe was counted by neither
    /// side: the split fell at the very end, past the value's start.)
    func testValuesAcrossACutInALineWithoutWordBoundariesAreCountedOnce() throws {
        let question = [ScanQuestion(roles: [.dataFile], kinds: ["cn_id_card"], minValues: .max)]
        let (window, probe, overlap) = (PersonalDataFeeder.window, PersonalDataFeeder.probe, PersonalDataFeeder.overlap)
        let filler = "这是一段没有空格的很长的中文记录"
        for (seed, back) in [10, 17, 18, 40, overlap - 5, overlap + 5, 2 * overlap - 5, 2 * overlap + 5].enumerated() {
            var pii = SyntheticPII(seed: UInt64(100 + seed))
            var line = "身份证" + pii.value(.cnIDCard)
            var values = 1
            // An ID starting `back` bytes before the probe's end, and one before the first window's end.
            for at in [probe - back, window - back] {
                while line.utf8.count + filler.utf8.count < at { line += filler }
                while line.utf8.count < at { line += "=" }
                line += pii.value(.cnIDCard)
                values += 1
            }
            while line.utf8.count < window + (200 << 10) { line += filler }
            line += "身份证" + pii.value(.cnIDCard)
            values += 1
            let facts = try scan(line, question)
            XCTAssertEqual(facts.counts["cn_id_card"], values, "IDs starting \(back) bytes before the probe's and the window's end")
            XCTAssertTrue(facts.complete)
        }
    }
}
