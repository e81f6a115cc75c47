/// k-anonymity over quasi-identifiers (GB/T 37964-2019 §A): records are grouped by the masked
/// values of the quasi-identifier fields; every group must hold at least k records.
public final class KAnonymity {
    public let k: Int
    public let quasi: [String]
    private struct Group { var count: Int; var records: [Int] }
    private var groups: [[UInt8]: Group] = [:]
    public private(set) var records = 0

    public init(k: Int, quasi: [String]) {
        self.k = k; self.quasi = quasi
    }

    /// Adds one record (numbered from 1 in its input) whose quasi-identifier values joined make `key`.
    public func add(key: [UInt8], record: Int) {
        records += 1
        if var g = groups[key] {
            g.count += 1
            if g.count < k { g.records.append(record) } else { g.records = [] }
            groups[key] = g
        } else {
            groups[key] = Group(count: 1, records: k > 1 ? [record] : [])
        }
    }

    public struct Report: Equatable, Sendable {
        public var k: Int
        public var records: Int
        public var classes: Int
        /// Size of the smallest class (0 with no records).
        public var smallestClass: Int
        /// Classes smaller than k, and the records in them (numbered from 1, data rows only).
        public var classesBelowK: Int
        public var recordsBelowK: [Int]
        public var satisfied: Bool { recordsBelowK.isEmpty }
    }

    public func report() -> Report {
        var smallest = Int.max, below = 0
        var recs: [Int] = []
        for g in groups.values {
            smallest = min(smallest, g.count)
            if g.count < k { below += 1; recs.append(contentsOf: g.records) }
        }
        return Report(k: k, records: records, classes: groups.count, smallestClass: groups.isEmpty ? 0 : smallest,
                      classesBelowK: below, recordsBelowK: recs.sorted())
    }
}

/// Joins quasi-identifier values into one group key (unit separator between them).
struct QuasiKey {
    var bytes: [UInt8] = []
    mutating func reset() { bytes.removeAll(keepingCapacity: true) }
    mutating func add(_ v: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: v); bytes.append(0x1F) }
    mutating func add(_ v: [UInt8]) { bytes.append(contentsOf: v); bytes.append(0x1F) }
    mutating func addNull() { bytes.append(0x1E) }
}
