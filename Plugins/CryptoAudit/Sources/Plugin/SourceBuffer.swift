import DSToolKit
import FoundationEssentials

/// A source file's bytes on their way to a worker, in storage that is filled again for a later
/// file once the worker is done with it. A new array per file went through malloc's slow path
/// (too large for its per-thread cache) and came from fresh heap pages each time, since the first
/// pass's results, kept for the second, take the holes freed arrays leave. (The page faults are
/// set by that peak heap: they move to whoever touches new pages first.)
final class SourceBuffer: @unchecked Sendable {
    private var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 16 << 10) {
        self.capacity = max(capacity, 1)
        base = .allocate(byteCount: self.capacity, alignment: 16)
    }
    deinit { base.deallocate() }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count) }

    func removeAll() { count = 0 }

    /// Room for at least `needed` bytes, the bytes held kept.
    func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        let bigger = max(needed, capacity * 2)
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: bigger, alignment: 16)
        fresh.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = fresh
        capacity = bigger
    }

    func append(_ more: UnsafeRawBufferPointer) {
        guard let from = more.baseAddress, more.count > 0 else { return }
        reserve(count + more.count)
        (base + count).copyMemory(from: from, byteCount: more.count)
        count += more.count
    }

    /// The item's raw bytes, replacing what was held; throws past `limit` bytes (as
    /// `InputItem.readAll(limit:)`) and on read errors. Room for one byte more than the size the
    /// host reports is made first, so a file of that size is read with one call and its end seen.
    func read(_ item: InputItem, limit: Int) throws {
        count = 0
        let expected = Int(clamping: max(item.size ?? 0, 0))
        reserve(expected > 0 && expected <= limit ? expected + 1 : 64 << 10)
        while true {
            if count == capacity { reserve(capacity * 2) }
            let n = try item.read(into: UnsafeMutableRawBufferPointer(start: base + count, count: capacity - count))
            if n == 0 { return }
            if count + n > limit { throw DSToolError.io("larger than \(limit) bytes") }
            count += n
        }
    }
}

/// Buffers the workers are done with, for the reader to fill again (any thread may give one back).
final class SourceBufferPool: @unchecked Sendable {
    private let lock = MutexLock()
    private var spare: [SourceBuffer] = []
    /// A buffer grown for a large file is let go rather than kept for small ones.
    static let largestKept = 1 << 20

    func take() -> SourceBuffer {
        lock.lock()
        let b = spare.popLast()
        lock.unlock()
        return b ?? SourceBuffer()
    }

    func give(_ b: SourceBuffer) {
        guard b.capacity <= Self.largestKept else { return }
        lock.lock()
        spare.append(b)
        lock.unlock()
    }
}
