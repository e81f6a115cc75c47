import Glibc

/// A pthread mutex with NSLock's three calls, so code that only needs a lock does not have to
/// import all of Foundation (which loads ICU at start-up: a few milliseconds of every run).
public final class MutexLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }
    /// Takes the lock if nobody holds it; true when taken.
    public func `try`() -> Bool { pthread_mutex_trylock(mutex) == 0 }
}
