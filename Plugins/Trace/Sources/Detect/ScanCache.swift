import Foundation

/// What scanning a string found, remembered by the string. Logs repeat the same paths, user
/// agents, referrers, methods and status codes endlessly, and looking up a result costs a hash
/// and a compare where a scan costs a Hyperscan call. Direct-mapped (one slot per hash bucket,
/// the newest string wins), so memory is fixed: `slots` × (key + hits); keys longer than
/// `maxKey` are not cached.
final class ScanCache {
    struct Slot {
        var hash: UInt64 = 0
        var used = false
        var key: [UInt8] = []
        var hits: [UInt32] = []
        var flags: UInt8 = 0
    }
    @exclusivity(unchecked) private var slots: [Slot]
    private let mask: Int
    let maxKey: Int
    @exclusivity(unchecked) private(set) var lookups = 0
    @exclusivity(unchecked) private(set) var found = 0

    init(slots: Int = 1 << 14, maxKey: Int = 512) {
        var n = 1
        while n < slots { n <<= 1 }
        self.slots = [Slot](repeating: Slot(), count: n)
        mask = n - 1
        self.maxKey = maxKey
    }

    /// The slot holding exactly these bytes, if any.
    @inline(__always) func lookup(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> Int? {
        lookups &+= 1
        let i = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { s -> Int? in
            let slot = s[i]
            guard slot.used, slot.hash == h, slot.key.count == n else { return nil }
            let same = slot.key.withUnsafeBufferPointer { memcmp($0.baseAddress!, p, n) == 0 }
            if same { found &+= 1; return i }
            return nil
        }
    }

    @inline(__always) func hits(_ slot: Int) -> [UInt32] { slots[slot].hits }

    /// Sets the remembered hits of a slot in `matches` (without copying the array).
    @inline(__always) func replay(_ slot: Int, into matches: MatchSet) {
        slots.withUnsafeBufferPointer { s in
            s[slot].hits.withUnsafeBufferPointer { for id in $0 { matches.set(id) } }
        }
    }
    @inline(__always) func flags(_ slot: Int) -> UInt8 { slots[slot].flags }

    /// Remembers the result for these bytes (the hits are copied from `matches`).
    @inline(__always) func store(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, matches: MatchSet, from: Int = 0, flags: UInt8 = 0) {
        guard n <= maxKey else { return }
        let i = Int(truncatingIfNeeded: h) & mask
        slots[i].used = true
        slots[i].hash = h
        slots[i].flags = flags
        slots[i].key.removeAll(keepingCapacity: true)
        slots[i].key.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        slots[i].hits.removeAll(keepingCapacity: true)
        var k = from
        while k < matches.hitCount { slots[i].hits.append(matches.hits[k]); k += 1 }
    }
}
