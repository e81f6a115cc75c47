/// A map from 64-bit hashes to small integers: open addressing with linear probing in one flat
/// array (a lookup is one or two cache lines). Swift's Dictionary re-hashes the key with SipHash
/// and cost about a microsecond per correlation hit with a hundred thousand keys.
struct HashIndex {
    // Slot i: keys[i] (0 = empty) and values[i]; the key 0 itself is kept aside.
    private var keys: [UInt64]
    private var values: [UInt32]
    private var zeroValue: UInt32?
    private(set) var count = 0

    init(capacity: Int = 1 << 10) {
        var n = 16
        while n < capacity { n <<= 1 }
        keys = [UInt64](repeating: 0, count: n)
        values = [UInt32](repeating: 0, count: n)
    }

    subscript(key: UInt64) -> UInt32? {
        get {
            let k = key
            if k == 0 { return zeroValue }
            let mask = keys.count - 1
            var i = Int(truncatingIfNeeded: ByteOps.mix(k)) & mask
            while true {
                let s = keys[i]
                if s == k { return values[i] }
                if s == 0 { return nil }
                i = (i + 1) & mask
            }
        }
        set {
            guard let v = newValue else { return }  // entries are never removed
            if key == 0 { if zeroValue == nil { count += 1 }; zeroValue = v } else { insert(key, v) }
        }
    }

    private mutating func insert(_ k: UInt64, _ v: UInt32) {
        if (count + 1) * 2 > keys.count { grow() }
        let mask = keys.count - 1
        var i = Int(truncatingIfNeeded: ByteOps.mix(k)) & mask
        while keys[i] != 0 && keys[i] != k { i = (i + 1) & mask }
        if keys[i] == 0 { count += 1 }
        keys[i] = k
        values[i] = v
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        values = [UInt32](repeating: 0, count: oldKeys.count * 2)
        count = 0
        for j in 0..<oldKeys.count where oldKeys[j] != 0 { insert(oldKeys[j], oldValues[j]) }
    }
}
