import Foundation
import XCTest
@testable import DSToolCryptoAudit

/// The second pass's pipeline: outputs in unit order, whatever the threads, with a bounded window.
final class OrderedPipelineTests: XCTestCase {
    func testOutputsComeInUnitOrderWithABoundedWindow() {
        for threads in [1, 2, 3] {
            for count in [0, 1, 2, 7, 500] {
                let lock = NSLock()
                var inFlight = 0, maxInFlight = 0
                var workers = Set<Int>()
                var got: [Int] = []
                OrderedPipeline.run(count: count, threads: threads, window: 4, work: { i, w -> Int in
                    lock.lock(); inFlight += 1; maxInFlight = max(maxInFlight, inFlight); workers.insert(w); lock.unlock()
                    // Uneven work, so later units often finish first.
                    if i % 3 == 0 { usleep(UInt32(50 + (i * 37) % 200)) }
                    return i * 10
                }, consume: { v in
                    lock.lock(); inFlight -= 1; lock.unlock()
                    got.append(v)
                })
                XCTAssertEqual(got, (0..<count).map { $0 * 10 }, "threads \(threads), count \(count)")
                // Made but not yet consumed: never more than the window (plus the one being consumed).
                XCTAssertLessThanOrEqual(maxInFlight, 5, "threads \(threads), count \(count)")
                XCTAssertTrue(workers.isSubset(of: Set(0..<max(threads, 1))))
                if threads == 1 { XCTAssertLessThanOrEqual(maxInFlight, 1, "one thread runs unit by unit") }
            }
        }
    }
}
