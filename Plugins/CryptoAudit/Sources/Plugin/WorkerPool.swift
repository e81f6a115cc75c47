import Dispatch
import DSToolKit

/// Runs jobs on N threads while the host's thread keeps reading items. The queue is bounded by
/// bytes, so a tree much larger than memory streams through; results are kept per job index and
/// put back in input order by the caller.
final class WorkerPool<Job, Output>: @unchecked Sendable {
    private let cond = ConditionLock()
    private var queue: [(index: Int, job: Job, bytes: Int)?] = []
    private var head = 0
    private var queuedBytes = 0
    private let maxBytes: Int
    private var closed = false
    /// Workers waiting for a job, and whether the submitter waits for room: a thread is woken
    /// only when one waits (a wake-up per small file cost more than reading it).
    private var idleWorkers = 0
    private var submitterWaiting = false
    private var results: [(Int, Output)] = []
    private let finished = DispatchGroup()
    /// No worker thread: jobs run on the caller's thread as they are submitted.
    private var inline: Bool
    private let work: (Job, Int) -> Output
    private let makeState: () -> Void

    /// `work(job, worker)` runs on worker `worker` (0..<threads); each worker keeps its own state.
    init(threads: Int, maxQueuedBytes: Int = 64 << 20, work: @escaping (Job, Int) -> Output) {
        self.maxBytes = maxQueuedBytes
        self.work = work
        self.makeState = {}
        self.inline = threads <= 1
        var started = 0
        if threads > 1 {
            for w in 0..<threads {
                finished.enter()
                let ok = DetachedThread.start(stackSize: 8 << 20) { [unowned self] in
                    self.loop(worker: w)
                    self.finished.leave()
                }
                if !ok { finished.leave(); break }
                started += 1
            }
        }
        // Without a worker (one thread asked for, or the system gave none) jobs run inline.
        if started == 0 { inline = true }
    }

    private func loop(worker: Int) {
        while true {
            cond.lock()
            while head == queue.count && !closed {
                idleWorkers += 1
                cond.wait()
                idleWorkers -= 1
            }
            if head == queue.count && closed { cond.unlock(); return }
            let item = queue[head]!
            queue[head] = nil
            head += 1
            if head > 1024 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
            queuedBytes -= item.bytes
            if submitterWaiting { cond.broadcast() }
            cond.unlock()
            let out = work(item.job, worker)
            cond.lock()
            results.append((item.index, out))
            cond.unlock()
        }
    }

    /// Queues a job; blocks while the queue holds more than the byte limit.
    func submit(index: Int, job: Job, bytes: Int) {
        if inline {
            results.append((index, work(job, 0)))
            return
        }
        cond.lock()
        while queuedBytes + bytes > maxBytes && head < queue.count {
            submitterWaiting = true
            cond.wait()
            submitterWaiting = false
        }
        queue.append((index, job, bytes))
        queuedBytes += bytes
        if idleWorkers > 0 { cond.signal() }
        cond.unlock()
    }

    /// Waits for every job and returns the outputs in index order.
    func finish() -> [(Int, Output)] {
        if !inline {
            cond.lock()
            closed = true
            cond.broadcast()
            cond.unlock()
            finished.wait()
        }
        // Handed over, not kept: the caller releases each output when it is done with it.
        let sorted = results.sorted { $0.0 < $1.0 }
        results = []
        return sorted
    }
}
