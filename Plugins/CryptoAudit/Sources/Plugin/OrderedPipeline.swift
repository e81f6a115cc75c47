import Dispatch
import DSToolKit

/// Maps units 0..<count on worker threads and hands each output to `consume` on the calling thread,
/// in unit order. At most `window` outputs wait to be consumed, so memory stays bounded however
/// many units there are. With one thread everything runs inline, unit by unit.
enum OrderedPipeline {
    /// `work(unit, worker)` runs on worker `worker` (0..<threads); each worker keeps its own state.
    static func run<Output>(count: Int, threads: Int, window: Int = 128,
                            work: @escaping (Int, Int) -> Output, consume: (Output) -> Void) {
        if threads <= 1 || count < 2 {
            for i in 0..<count { consume(work(i, 0)) }
            return
        }
        let state = State<Output>(window: window)
        let finished = DispatchGroup()
        var started = 0
        for w in 0..<threads {
            finished.enter()
            let ok = DetachedThread.start(stackSize: 8 << 20) {
                state.workLoop(count: count, worker: w, work: work)
                finished.leave()
            }
            if !ok { finished.leave(); break }
            started += 1
        }
        // The system gave no thread: everything inline, as with one.
        if started == 0 {
            for i in 0..<count { consume(work(i, 0)) }
            return
        }
        for i in 0..<count { consume(state.take(i)) }
        finished.wait()
    }

    /// The ring of outputs (unit i in slot i % window) and the counters, under one condition.
    private final class State<Output>: @unchecked Sendable {
        let cond = ConditionLock()
        var slots: [Output?]
        let window: Int
        /// The next unit a worker takes.
        var nextUnit = 0
        /// Units before this one are consumed (their slots are free).
        var consumed = 0

        init(window: Int) {
            self.window = window
            slots = Array(repeating: nil, count: window)
        }

        func workLoop(count: Int, worker: Int, work: (Int, Int) -> Output) {
            while true {
                cond.lock()
                while nextUnit < count && nextUnit >= consumed + window { cond.wait() }
                guard nextUnit < count else { cond.unlock(); return }
                let unit = nextUnit
                nextUnit += 1
                cond.unlock()
                let out = work(unit, worker)
                cond.lock()
                slots[unit % window] = out
                cond.broadcast()
                cond.unlock()
            }
        }

        func take(_ unit: Int) -> Output {
            cond.lock()
            defer { cond.unlock() }
            while true {
                if let out = slots[unit % window] {
                    slots[unit % window] = nil
                    consumed = unit + 1
                    cond.broadcast()
                    return out
                }
                cond.wait()
            }
        }
    }
}
