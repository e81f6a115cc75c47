import Foundation

/// Worker threads taking line chunks from a queue. Results are kept by sequence number so the
/// engine can merge them in input order; at most two chunks per worker are in flight, which
/// bounds memory.
final class WorkerPool: @unchecked Sendable {
    let workers: [Worker]
    private let cond = NSCondition()
    private var queue: [LineChunk] = []
    private var head = 0
    private var results: [Int: ChunkResult] = [:]
    /// Processed chunks, emptied, whose buffers the reader fills again (fresh 2 MiB buffers for
    /// every chunk cost page faults and zeroing in the kernel).
    private var spare: [LineChunk] = []
    private var inFlight = 0
    private var stopping = false
    private var threads: [Thread] = []
    private var input = -1
    private var format: LogFormat = .accessCombined
    private var item = ItemInfo(name: "")
    private var running = 0

    init(workers: [Worker]) {
        self.workers = workers
        for w in workers {
            let t = Thread { [unowned self] in self.loop(w) }
            t.stackSize = 8 << 20
            t.name = "trace-worker"
            threads.append(t)
            running += 1
            t.start()
        }
    }

    /// The input the next chunks belong to (set before they are submitted; earlier ones are done).
    func setInput(_ input: Int, format: LogFormat, item: ItemInfo) {
        cond.lock()
        self.input = input; self.format = format; self.item = item
        cond.unlock()
    }

    /// Queues a chunk; while too many are in flight, calls `drain` (merging finished results).
    func submit(_ chunk: LineChunk, drain: () -> Void) {
        cond.lock()
        while inFlight >= workers.count * 2 {
            cond.unlock()
            drain()
            cond.lock()
            if inFlight >= workers.count * 2 { cond.wait() }
        }
        queue.append(chunk)
        inFlight += 1
        cond.broadcast()
        cond.unlock()
    }

    /// An emptied chunk whose buffers can be filled again, if one is free.
    func takeSpare() -> LineChunk? {
        cond.lock(); defer { cond.unlock() }
        return spare.popLast()
    }

    /// The result of chunk `sequence` if it is done (removed from the pool).
    func result(_ sequence: Int) -> ChunkResult? {
        cond.lock(); defer { cond.unlock() }
        return results.removeValue(forKey: sequence)
    }

    /// Blocks until chunk `sequence` is done.
    func waitFor(_ sequence: Int) {
        cond.lock()
        while results[sequence] == nil { cond.wait() }
        cond.unlock()
    }

    private func loop(_ w: Worker) {
        while true {
            cond.lock()
            while head >= queue.count && !stopping { cond.wait() }
            if head >= queue.count && stopping { running -= 1; cond.broadcast(); cond.unlock(); return }
            var chunk = queue[head]
            // The queue lets go of the chunk now (it held every taken chunk's lines until 64
            // were taken: over 100 MB).
            queue[head] = LineChunk()
            head += 1
            if head > 64 { queue.removeFirst(head); head = 0 }
            let (inp, fmt, it) = (input, format, item)
            cond.unlock()
            if w.input != chunk.input { w.begin(input: inp, format: fmt, item: it) }
            let r = w.process(chunk)
            chunk.bytes.removeAll(keepingCapacity: true)
            chunk.lines.removeAll(keepingCapacity: true)
            cond.lock()
            if spare.count < workers.count * 2 + 2 { spare.append(chunk) }
            results[r.sequence] = r
            inFlight -= 1
            cond.broadcast()
            cond.unlock()
        }
    }

    /// Ends the threads (after the queue is empty).
    func stop() {
        cond.lock()
        stopping = true
        cond.broadcast()
        while running > 0 { cond.wait() }
        cond.unlock()
    }
}
