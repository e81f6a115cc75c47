/// A map from 64-bit hashes to small integers: open addressing with linear probing in one flat
/// array (a lookup is one or two cache lines). Swift's Dictionary re-hashes the key with SipHash
/// and cost about a microsecond per correlation hit with a hundred thousand keys.
struct HashIndex {
    /// A key (0 = empty slot; the key 0 itself is kept aside in `zeroValue`) and its value side
    /// by side, so that a probe touches one cache line.
    private struct Slot { var key: UInt64; var value: UInt32 }
    private var slots: [Slot]
    private var zeroValue: UInt32?
    private(set) var count = 0

    init(capacity: Int = 1 << 10) {
        var n = 16
        while n < capacity { n <<= 1 }
        slots = [Slot](repeating: Slot(key: 0, value: 0), count: n)
    }

    subscript(key: UInt64) -> UInt32? {
        get {
            let k = key
            if k == 0 { return zeroValue }
            return slots.withUnsafeBufferPointer { t in
                let mask = t.count - 1
                var i = Int(truncatingIfNeeded: ByteOps.mix(k)) & mask
                while true {
                    let s = t[i]
                    if s.key == k { return s.value }
                    if s.key == 0 { return nil }
                    i = (i + 1) & mask
                }
            }
        }
        set {
            guard let v = newValue else { return }  // entries are never removed
            if key == 0 { if zeroValue == nil { count += 1 }; zeroValue = v } else { insert(key, v) }
        }
    }

    /// Starts loading the slot where `key` would be found (a hint).
    func prefetch(_ key: UInt64) {
        slots.withUnsafeBufferPointer { t in
            Prefetch.line(UnsafeRawPointer(t.baseAddress! + (Int(truncatingIfNeeded: ByteOps.mix(key)) & (t.count - 1))))
        }
    }

    private mutating func insert(_ k: UInt64, _ v: UInt32) {
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: ByteOps.mix(k)) & mask
        while slots[i].key != 0 && slots[i].key != k { i = (i + 1) & mask }
        if slots[i].key == 0 { count += 1 }
        slots[i] = Slot(key: k, value: v)
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(key: 0, value: 0), count: old.count * 2)
        count = zeroValue == nil ? 0 : 1
        for s in old where s.key != 0 { insert(s.key, s.value) }
    }
}
