import FoundationEssentials
import Glibc

/// A growable run of trivial values (bytes, cell records) behind a raw pointer, for the cell
/// batch: the parsers append to it for every cell, and an Array append also asks whether its
/// storage is shared (a call per append) — a tenth of the CSV parse in the profile. The owner
/// deallocates it (`deallocate()`); copies of the struct share the storage, so only one of them
/// may be used after a copy. Element must be a trivial type (no references).
struct TrivialBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    func deallocate() { base.deallocate() }

    var isEmpty: Bool { count == 0 }
    var last: Element? { count > 0 ? base[count - 1] : nil }
    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    @inline(__always) subscript(i: Int) -> Element {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }

    @inline(__always) mutating func append(_ e: Element) {
        if count == capacity { grow(to: count + 1) }
        (base + count).initialize(to: e)
        count += 1
    }

    @inline(__always) mutating func append(contentsOf p: UnsafeBufferPointer<Element>) {
        let n = p.count
        if count + n > capacity { grow(to: count + n) }
        if n > 0 { (base + count).initialize(from: p.baseAddress!, count: n) }
        count += n
    }

    mutating func removeLast() { count -= 1 }
    /// Keeps the first `n` values.
    mutating func truncate(to n: Int) { count = Swift.min(count, n) }
    mutating func removeAll() { count = 0 }

    /// Moves values `from..<count` to the front and keeps only them.
    mutating func keepTail(from: Int) {
        let n = count - from
        if n > 0 && from > 0 { memmove(base, base + from, n * MemoryLayout<Element>.stride) }
        count = Swift.max(n, 0)
    }

    @inline(never) fileprivate mutating func grow(to needed: Int) {
        var c = capacity * 2
        while c < needed { c *= 2 }
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: c)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = c
    }
}

extension TrivialBuffer where Element == UInt8 {
    /// Appends a cell's bytes. Cells are mostly 1 to 16 bytes: two overlapping word copies
    /// (or three byte copies) rather than a call to memmove for each.
    @inline(__always) mutating func appendCell(_ p: UnsafeBufferPointer<UInt8>) {
        let n = p.count
        guard n > 0 else { return }
        if count + n > capacity { grow(to: count + n) }
        let to = UnsafeMutableRawPointer(base + count), from = UnsafeRawPointer(p.baseAddress!)
        if n >= 8 && n <= 16 {
            to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 && n < 8 {
            to.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self), toByteOffset: n - 4, as: UInt32.self)
        } else if n < 4 {
            // 1 to 3 bytes: the first, the middle and the last (some of them the same byte).
            let dst = base + count, src = p.baseAddress!
            dst[0] = src[0]; dst[n >> 1] = src[n >> 1]; dst[n - 1] = src[n - 1]
        } else {
            to.copyMemory(from: from, byteCount: n)
        }
        count += n
    }
}
