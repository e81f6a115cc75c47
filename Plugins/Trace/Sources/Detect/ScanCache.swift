import Foundation

/// What scanning a string found, remembered by the string. Logs repeat the same paths, user
/// agents, referrers, methods and status codes endlessly, and looking up a result costs a hash
/// and a compare where a scan costs a Hyperscan call. Direct-mapped (one slot per hash bucket,
/// the newest string wins) with fixed slots holding the key and the hits inline, so a lookup
/// touches adjacent cache lines only and memory is fixed (`slots` × `slotSize`). Strings longer
/// than a slot holds or with more than 4 hits are not cached (they are rarely repeated).
final class ScanCache {
    let slotSize: Int
    static let maxHits = 4
    // Layout: hash UInt64 @0, key length UInt16 @8 (0xFFFF = empty), hit count UInt8 @10,
    // flags UInt8 @11, hits 4 × UInt32 @12, key @28 (up to 100 bytes, the rest of the slot).
    private let memory: UnsafeMutableRawPointer
    private let mask: Int
    @exclusivity(unchecked) private(set) var lookups = 0
    @exclusivity(unchecked) private(set) var found = 0

    /// `slotSize` 128 holds keys up to 100 bytes (paths), 256 up to 228 (user agents, referrers).
    init(slots: Int = 1 << 14, slotSize: Int = 128) {
        var n = 1
        while n < slots { n <<= 1 }
        mask = n - 1
        self.slotSize = slotSize
        memory = LargeTable.allocate(byteCount: n * slotSize)
        for i in 0..<n { memory.storeBytes(of: UInt16.max, toByteOffset: i * slotSize + 8, as: UInt16.self) }
    }
    deinit { LargeTable.deallocate(memory, byteCount: (mask + 1) * slotSize) }

    static let keyOffset = 28
    var keyCapacity: Int { slotSize - ScanCache.keyOffset }

    /// Starts loading the slot for a hash (a hint; see `WebAttackDetector.prefetch`).
    @inline(__always) func prefetch(hash h: UInt64) {
        Prefetch.line(UnsafeRawPointer(memory + (Int(truncatingIfNeeded: h) & mask) * slotSize))
    }

    /// The slot holding exactly these bytes, if any.
    @inline(__always) func lookup(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> Int? {
        lookups &+= 1
        let i = Int(truncatingIfNeeded: h) & mask
        let s = memory + i * slotSize
        guard s.load(as: UInt64.self) == h, Int(s.load(fromByteOffset: 8, as: UInt16.self)) == n,
              memcmp(s + ScanCache.keyOffset, p, n) == 0 else { return nil }
        found &+= 1
        return i
    }

    @inline(__always) func flags(_ slot: Int) -> UInt8 { memory.load(fromByteOffset: slot * slotSize + 11, as: UInt8.self) }

    /// Sets the remembered hits of a slot in `matches`.
    @inline(__always) func replay(_ slot: Int, into matches: MatchSet) {
        let s = memory + slot * slotSize
        let n = Int(s.load(fromByteOffset: 10, as: UInt8.self))
        for k in 0..<n { matches.set(s.load(fromByteOffset: 12 + k * 4, as: UInt32.self)) }
    }

    /// Remembers the result for these bytes (the hits are `matches.hits[from...]`).
    @inline(__always) func store(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, matches: MatchSet, from: Int = 0, flags: UInt8 = 0) {
        let hits = matches.hitCount - from
        guard n <= keyCapacity, hits <= ScanCache.maxHits else { return }
        let s = memory + (Int(truncatingIfNeeded: h) & mask) * slotSize
        s.storeBytes(of: h, as: UInt64.self)
        s.storeBytes(of: UInt16(n), toByteOffset: 8, as: UInt16.self)
        s.storeBytes(of: UInt8(hits), toByteOffset: 10, as: UInt8.self)
        s.storeBytes(of: flags, toByteOffset: 11, as: UInt8.self)
        for k in 0..<hits { s.storeBytes(of: matches.hits[from + k], toByteOffset: 12 + k * 4, as: UInt32.self) }
        (s + ScanCache.keyOffset).copyMemory(from: p, byteCount: n)
    }
}
