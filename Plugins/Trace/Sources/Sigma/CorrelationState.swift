import Foundation

/// Where an event came from, compactly (for correlation evidence).
public struct EvidenceRef: Sendable {
    public var input: UInt32
    public var line: UInt32
    /// Offset of the raw line in the evidence arena, or -1 when the arena was full.
    public var raw: Int64
    public var rawLength: UInt32
}

/// Matches of the rules that feed correlation rules, kept compactly during the run and evaluated
/// at the end in time order (inputs are read one after another, so their events are not in order).
public final class CorrelationState {
    struct Hit {
        var time: Int64
        var group: UInt32
        var value: UInt32
        var ordinal: UInt16   // position of the matching rule in the correlation's rule list
        var weight: UInt32    // "message repeated N times" counts N
        var evidence: EvidenceRef
    }

    public struct Result {
        public let correlation: Int
        public let group: String
        public let start: Int64
        public let end: Int64
        public let count: Int
        public let values: [String]
        public let first: EvidenceRef
        public let last: EvidenceRef
    }

    let correlations: [SigmaCorrelation]
    @exclusivity(unchecked) var hits: [[Hit]]
    @exclusivity(unchecked) var strings: [String] = []
    @exclusivity(unchecked) var stringIndex: [String: UInt32] = [:]
    /// Group and value texts by the hash of their bytes (to intern each text once).
    @exclusivity(unchecked) var hashIndex = HashIndex()
    @exclusivity(unchecked) var valueHashIndex = HashIndex()
    /// The raw lines of the hits, one after another (no allocation per hit).
    @exclusivity(unchecked) var arena: [UInt8] = []
    public let maxRawBytes: Int
    public let maxHits: Int
    @exclusivity(unchecked) public private(set) var totalHits = 0
    @exclusivity(unchecked) public private(set) var droppedHits = 0
    @exclusivity(unchecked) public private(set) var untimedHits = 0
    /// (correlation, rule) → group-by field keys, and the value field for value_count.
    @exclusivity(unchecked) var groupKeys: [[[FieldKey]]] = []
    @exclusivity(unchecked) var valueKeys: [[FieldKey?]] = []

    init(correlations: [SigmaCorrelation], maxHits: Int = 4_000_000, maxRawBytes: Int = 128 << 20) {
        self.correlations = correlations
        self.maxHits = maxHits
        self.maxRawBytes = maxRawBytes
        hits = correlations.map { _ in [] }
    }

    /// Called once rules are known: resolves group-by names (through aliases) per referenced rule.
    func prepare(rules: [SigmaRule]) {
        groupKeys = correlations.map { c in
            c.rules.map { ri in
                c.groupBy.map { g in FieldMapping.key(for: CorrelationState.alias(g, c, rules[ri])) }
            }
        }
        valueKeys = correlations.map { c in
            c.rules.map { ri in c.valueField.map { FieldMapping.key(for: CorrelationState.alias($0, c, rules[ri])) } }
        }
    }

    static func alias(_ name: String, _ c: SigmaCorrelation, _ r: SigmaRule) -> String {
        guard let per = c.aliases[name] else { return name }
        if let n = r.name, let f = per[n] { return f }
        if let i = r.id, let f = per[i] { return f }
        return name
    }

    func intern(_ s: String) -> UInt32 {
        if let i = stringIndex[s] { return i }
        let i = UInt32(strings.count)
        strings.append(s)
        stringIndex[s] = i
        return i
    }

    /// Records that rule `ruleIndex` matched `e`; `evidence` fills in where it came from.
    func record(ruleIndex: Int, rule: SigmaRule, _ e: Event, input: UInt32) {
        guard e.hasTime else { untimedHits += 1; return }
        if groupKeys.isEmpty { return }
        var rawRef: Int64 = -1
        var rawLength: UInt32 = 0
        for ci in rule.correlations {
            let c = correlations[ci]
            guard let ordinal = c.rules.firstIndex(of: ruleIndex) else { continue }
            if totalHits >= maxHits { droppedHits += 1; continue }
            // Group and value are interned by a hash of their bytes; the text is built only the first time.
            let keys = groupKeys[ci][ordinal]
            let h = CorrelationState.groupHash(keys, e)
            let group: UInt32
            if let g = hashIndex[h] { group = g } else {
                var key = ""
                for (k, fk) in keys.enumerated() {
                    if k > 0 { key += "\u{1F}" }
                    if let v = e.value(fk) { key += String(decoding: v, as: UTF8.self) }
                }
                group = intern(key)
                hashIndex[h] = group
            }
            var value: UInt32 = 0
            if let vk = valueKeys[ci][ordinal] {
                // An event without the counted field does not count toward distinct values.
                guard let v = e.value(vk), let b = v.baseAddress ?? UnsafePointer(bitPattern: 1) else { continue }
                let vh = CorrelationState.valueHash(b, v.count)
                if let x = valueHashIndex[vh] { value = x } else {
                    value = intern(String(decoding: v, as: UTF8.self))
                    valueHashIndex[vh] = value
                }
            }
            if rawRef < 0 && arena.count < maxRawBytes {
                rawRef = Int64(arena.count)
                let n = min(e.rawLength, 8192)
                arena.append(contentsOf: UnsafeBufferPointer(start: e.storage, count: n))
                rawLength = UInt32(n)
            }
            hits[ci].append(Hit(time: e.time, group: group, value: value, ordinal: UInt16(ordinal),
                                weight: UInt32(max(1, e.repeatCount)),
                                evidence: EvidenceRef(input: input, line: UInt32(clamping: e.lineNumber), raw: rawRef, rawLength: rawLength)))
            totalHits += 1
        }
    }

    @inline(__always) static func groupHash(_ keys: [FieldKey], _ e: Event) -> UInt64 {
        var h: UInt64 = 0x6A09E667F3BCC909
        for fk in keys {
            if let v = e.value(fk), let b = v.baseAddress { h = ByteOps.hash(b, 0, v.count, seed: ByteOps.mix(h)) }
            else { h = ByteOps.mix(h ^ 0x5BD1E995) }
        }
        return h
    }

    @inline(__always) static func valueHash(_ b: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        ByteOps.hash(b, 0, n, seed: 0x3C6EF372FE94F82B)
    }

    /// Starts loading the index slots `record` will look up for this event (the engine calls it
    /// before the other detectors run, so the loads overlap with their work).
    func prefetch(ruleIndex: Int, rule: SigmaRule, _ e: Event) {
        guard e.hasTime, !groupKeys.isEmpty else { return }
        for ci in rule.correlations {
            guard let ordinal = correlations[ci].rules.firstIndex(of: ruleIndex) else { continue }
            hashIndex.prefetch(CorrelationState.groupHash(groupKeys[ci][ordinal], e))
            if let vk = valueKeys[ci][ordinal], let v = e.value(vk), let b = v.baseAddress {
                valueHashIndex.prefetch(CorrelationState.valueHash(b, v.count))
            }
        }
    }

    /// Adds another thread's hits (group and value names, evidence lines re-indexed).
    func merge(_ other: CorrelationState) {
        let base = Int64(arena.count)
        arena.append(contentsOf: other.arena)
        var remap = [UInt32](repeating: 0, count: other.strings.count)
        for (i, s) in other.strings.enumerated() { remap[i] = intern(s) }
        for ci in 0..<hits.count {
            for var h in other.hits[ci] {
                h.group = remap[Int(h.group)]
                if !other.strings.isEmpty && Int(h.value) < remap.count { h.value = remap[Int(h.value)] }
                if h.evidence.raw >= 0 { h.evidence.raw += base }
                hits[ci].append(h)
            }
        }
        totalHits += other.totalHits
        droppedHits += other.droppedHits
        untimedHits += other.untimedHits
    }

    public func raw(_ ref: EvidenceRef) -> String? {
        guard ref.raw >= 0 else { return nil }
        return String(decoding: arena[Int(ref.raw)..<(Int(ref.raw) + Int(ref.rawLength))], as: UTF8.self)
    }

    /// Evaluates every correlation over its hits in time order. Consecutive windows of one group
    /// that each satisfy the condition (a scan going on for an hour) become one result.
    public func evaluate() -> [Result] {
        var merged: [Result] = []
        for r in windows() {
            if let last = merged.last, last.correlation == r.correlation, last.group == r.group,
               r.start - last.end <= correlations[r.correlation].timespan {
                var values = last.values
                for v in r.values where values.count < 20 && !values.contains(v) { values.append(v) }
                merged[merged.count - 1] = Result(correlation: r.correlation, group: r.group, start: last.start, end: r.end,
                                                  count: last.count + r.count, values: values, first: last.first, last: r.last)
            } else {
                merged.append(r)
            }
        }
        return merged
    }

    func windows() -> [Result] {
        var out: [Result] = []
        for (ci, c) in correlations.enumerated() {
            // Group, then order each group by time.
            var groups: [UInt32: [Hit]] = [:]
            for h in hits[ci] { groups[h.group, default: []].append(h) }
            for g in groups.keys.sorted(by: { strings[Int($0)] < strings[Int($1)] }) {
                let list = groups[g]!.sorted { $0.time < $1.time }
                let name = strings[Int(g)].replacingOccurrences(of: "\u{1F}", with: ",")
                switch c.kind {
                case .eventCount: out += eventCount(ci, c, name, list)
                case .valueCount: out += valueCount(ci, c, name, list)
                case .temporal: out += temporal(ci, c, name, list)
                case .temporalOrdered: out += temporalOrdered(ci, c, name, list)
                }
            }
        }
        return out
    }

    /// Sliding window: reports when the weighted count in [t - span, t] satisfies the condition,
    /// then starts a new window after it (one finding per burst, not per event).
    func eventCount(_ ci: Int, _ c: SigmaCorrelation, _ group: String, _ list: [Hit]) -> [Result] {
        var out: [Result] = []
        let upward: Bool
        switch c.comparison { case .lt?, .lte?: upward = false; default: upward = true }
        if !upward {
            // "at most N": judged on consecutive windows, each starting at the first event after the last.
            var i = 0
            while i < list.count {
                var j = i, sum = 0
                while j < list.count && list[j].time - list[i].time <= c.timespan { sum += Int(list[j].weight); j += 1 }
                if c.holds(Double(sum)) {
                    out.append(Result(correlation: ci, group: group, start: list[i].time, end: list[j - 1].time, count: sum,
                                      values: [], first: list[i].evidence, last: list[j - 1].evidence))
                }
                i = j
            }
            return out
        }
        var start = 0
        var sum = 0
        for j in 0..<list.count {
            sum += Int(list[j].weight)
            while list[j].time - list[start].time > c.timespan { sum -= Int(list[start].weight); start += 1 }
            if c.holds(Double(sum)) {
                out.append(Result(correlation: ci, group: group, start: list[start].time, end: list[j].time, count: sum,
                                  values: [], first: list[start].evidence, last: list[j].evidence))
                start = j + 1
                sum = 0
            }
        }
        return out
    }

    func valueCount(_ ci: Int, _ c: SigmaCorrelation, _ group: String, _ list: [Hit]) -> [Result] {
        var out: [Result] = []
        var start = 0
        var counts: [UInt32: Int] = [:]
        var j = 0
        while j < list.count {
            counts[list[j].value, default: 0] += 1
            while list[j].time - list[start].time > c.timespan {
                let v = list[start].value
                counts[v]! -= 1
                if counts[v] == 0 { counts[v] = nil }
                start += 1
            }
            if c.holds(Double(counts.count)) {
                let values = counts.keys.map { strings[Int($0)] }.sorted()
                out.append(Result(correlation: ci, group: group, start: list[start].time, end: list[j].time, count: counts.count,
                                  values: Array(values.prefix(20)), first: list[start].evidence, last: list[j].evidence))
                start = j + 1
                counts.removeAll()
            }
            j += 1
        }
        return out
    }

    /// All referenced rules matched within the timespan (any order).
    func temporal(_ ci: Int, _ c: SigmaCorrelation, _ group: String, _ list: [Hit]) -> [Result] {
        var out: [Result] = []
        let need = c.rules.count
        var counts = [Int](repeating: 0, count: need)
        var present = 0
        var start = 0
        for j in 0..<list.count {
            let o = Int(list[j].ordinal)
            if counts[o] == 0 { present += 1 }
            counts[o] += 1
            while list[j].time - list[start].time > c.timespan {
                let so = Int(list[start].ordinal)
                counts[so] -= 1
                if counts[so] == 0 { present -= 1 }
                start += 1
            }
            if present == need {
                out.append(Result(correlation: ci, group: group, start: list[start].time, end: list[j].time, count: j - start + 1,
                                  values: [], first: list[start].evidence, last: list[j].evidence))
                counts = [Int](repeating: 0, count: need); present = 0; start = j + 1
            }
        }
        return out
    }

    /// The referenced rules matched in the written order within the timespan. For each step the
    /// latest start of a chain that reached it is kept (the latest start leaves the most time).
    func temporalOrdered(_ ci: Int, _ c: SigmaCorrelation, _ group: String, _ list: [Hit]) -> [Result] {
        var out: [Result] = []
        let steps = c.rules
        var reached = [Int?](repeating: nil, count: steps.count)   // index in list of the chain's first hit
        for j in 0..<list.count {
            let ruleIndex = steps[Int(list[j].ordinal)]
            // A rule may fill several steps; go from the last step back so one hit advances one step.
            for k in stride(from: steps.count - 1, through: 0, by: -1) where steps[k] == ruleIndex {
                if k == 0 {
                    reached[0] = j
                } else if let s = reached[k - 1], list[j].time - list[s].time <= c.timespan {
                    if reached[k] == nil || list[reached[k]!].time <= list[s].time { reached[k] = s }
                }
                if k == steps.count - 1, let s = reached[k] {
                    out.append(Result(correlation: ci, group: group, start: list[s].time, end: list[j].time, count: j - s + 1,
                                      values: [], first: list[s].evidence, last: list[j].evidence))
                    reached = [Int?](repeating: nil, count: steps.count)
                    break
                }
            }
        }
        return out
    }
}
