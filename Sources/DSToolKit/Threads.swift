import Glibc

/// A pthread mutex with its condition variable: NSCondition's calls, so a plugin that only needs
/// worker threads does not have to import all of Foundation (loading it and ICU is 10–20 ms of
/// every run's start-up).
public final class ConditionLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }
    /// Releases the lock while waiting; holds it again when it returns (possibly spuriously:
    /// callers wait in a loop on their own condition).
    public func wait() { pthread_cond_wait(condition, mutex) }
    public func signal() { pthread_cond_signal(condition) }
    public func broadcast() { pthread_cond_broadcast(condition) }
}

/// Detached threads with a chosen stack size (Foundation's Thread without Foundation).
public enum DetachedThread {
    private final class Body { let run: () -> Void; init(_ run: @escaping () -> Void) { self.run = run } }

    /// Runs `body` on a new thread whose stack is `stackSize` bytes (nil: the system's default).
    /// False when the system refuses a thread (then `body` never runs).
    @discardableResult
    public static func start(stackSize: Int? = nil, _ body: @escaping () -> Void) -> Bool {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, &attributes, { raw in
            let body = Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue()
            body.run()
            return nil
        }, box)
        if started != 0 { Unmanaged<Body>.fromOpaque(box).release() }
        return started == 0
    }
}
