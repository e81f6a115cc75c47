import DSToolKit
import Foundation
import XCTest

/// MutexLock stands in for NSLock in the host and the SDK: it must exclude, and `try` must not
/// take a lock someone holds.
final class MutexLockTests: XCTestCase {
    func testTwoThreadsCountingUnderTheLockLoseNothing() {
        final class Counter: @unchecked Sendable { var value = 0 }
        let lock = MutexLock(), counter = Counter()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<50_000 { lock.lock(); counter.value += 1; lock.unlock() }
        }
        XCTAssertEqual(counter.value, 200_000)
    }

    func testTryFailsWhileHeldAndSucceedsAfter() {
        let lock = MutexLock()
        lock.lock()
        let other = DispatchQueue(label: "other")
        XCTAssertFalse(other.sync { lock.try() })
        lock.unlock()
        XCTAssertTrue(other.sync { () -> Bool in let got = lock.try(); if got { lock.unlock() }; return got })
    }
}
