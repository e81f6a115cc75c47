import Foundation

/// Buffers for the heads of large items (tables, dumps, documents), reused from item to item.
/// A table's head outlives `EvidenceCollector.add` (a worker samples it), so its buffer comes
/// back when the sample is taken. A fresh 4–8 MiB array per table was paged in and zeroed by
/// the kernel every time: a tenth of the reading thread.
final class HeadBuffers: @unchecked Sendable {
    /// Smaller heads (configurations, log heads) are cheap to allocate and not kept.
    static let smallest = 1 << 20
    static let kept = 4
    private let lock = NSLock()
    private var spare: [[UInt8]] = []

    /// An empty buffer with room for `capacity` bytes: the smallest spare one that fits, or a new one.
    func take(capacity: Int) -> [UInt8] {
        if capacity >= Self.smallest {
            lock.lock()
            let fit = spare.indices.filter { spare[$0].capacity >= capacity }.min { spare[$0].capacity < spare[$1].capacity }
            var buffer = fit.map { spare.remove(at: $0) }
            lock.unlock()
            if buffer != nil {
                // In place when nobody else holds the buffer any more; otherwise a new one.
                buffer!.removeAll(keepingCapacity: true)
                return buffer!
            }
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(capacity)
        return buffer
    }

    /// A buffer no longer needed by its taker (its contents are dropped when it is taken again).
    func giveBack(_ buffer: [UInt8]) {
        guard buffer.capacity >= Self.smallest else { return }
        lock.lock(); defer { lock.unlock() }
        if spare.count < Self.kept { spare.append(buffer) }
    }

    var spareCount: Int { lock.lock(); defer { lock.unlock() }; return spare.count }
}
