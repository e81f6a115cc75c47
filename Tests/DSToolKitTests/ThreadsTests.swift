import DSToolKit
import Dispatch
import Glibc
import XCTest

/// ConditionLock and DetachedThread stand in for NSCondition and Thread in plugins that do not
/// import Foundation: a waiter must wake on signal/broadcast, and threads get the stack asked for.
/// glibc's, not in the Glibc module (a GNU extension).
@_silgen_name("pthread_getattr_np") private func getThreadAttributes(_ thread: pthread_t, _ attributes: UnsafeMutablePointer<pthread_attr_t>) -> Int32

final class ThreadsTests: XCTestCase {
    func testProducerAndConsumersHandOverEveryItemOnce() {
        final class Queue: @unchecked Sendable { var items: [Int] = []; var closed = false; var taken: [Int] = [] }
        let cond = ConditionLock(), q = Queue(), done = DispatchGroup()
        for _ in 0..<3 {
            done.enter()
            XCTAssertTrue(DetachedThread.start(stackSize: 1 << 20) {
                while true {
                    cond.lock()
                    while q.items.isEmpty && !q.closed { cond.wait() }
                    if q.items.isEmpty { cond.unlock(); break }
                    q.taken.append(q.items.removeFirst())
                    cond.unlock()
                }
                done.leave()
            })
        }
        for i in 0..<10_000 { cond.lock(); q.items.append(i); cond.signal(); cond.unlock() }
        cond.lock(); q.closed = true; cond.broadcast(); cond.unlock()
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(q.taken.sorted(), Array(0..<10_000))
    }

    func testThreadRunsWithTheStackSizeAskedFor() {
        final class Box: @unchecked Sendable { var size = 0 }
        let box = Box(), done = DispatchSemaphore(value: 0)
        XCTAssertTrue(DetachedThread.start(stackSize: 8 << 20) {
            var attributes = pthread_attr_t()
            _ = getThreadAttributes(pthread_self(), &attributes)
            pthread_attr_getstacksize(&attributes, &box.size)
            pthread_attr_destroy(&attributes)
            done.signal()
        })
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(box.size, 8 << 20)
        // Without a size, the system's default stack (what the plugin preload thread uses).
        XCTAssertTrue(DetachedThread.start { done.signal() })
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success)
    }

    func testAThreadTheSystemRefusesNeverRuns() {
        // A stack larger than the address space cannot be had: start says so and the body never runs.
        final class Box: @unchecked Sendable { var ran = false }
        let box = Box()
        XCTAssertFalse(DetachedThread.start(stackSize: Int.max / 2) { box.ran = true })
        usleep(10_000)
        XCTAssertFalse(box.ran)
    }

    func testUTCTimestamps() {
        XCTAssertEqual(UTCTimestamp.string(seconds: 0), "1970-01-01T00:00:00Z")
        XCTAssertEqual(UTCTimestamp.string(seconds: 1_782_777_600), "2026-06-30T00:00:00Z")
        XCTAssertEqual(UTCTimestamp.string(seconds: 951_825_599, millis: 7), "2000-02-29T11:59:59.007Z")
        XCTAssertEqual(UTCTimestamp.string(seconds: -1), "1969-12-31T23:59:59Z")
        XCTAssertEqual(UTCTimestamp.string(seconds: 253_402_300_799), "9999-12-31T23:59:59Z")
    }
}
