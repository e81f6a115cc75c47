import DSToolKit
import Foundation

/// Running statistics of one source address over every event (not only the suspicious ones):
/// first and last seen, requests, distinct paths (exact up to 4, then a HyperLogLog), status mix,
/// bytes out with mean and spread (the per-source baseline), login failures and successes.
///
/// Stored inline in the open-addressing table of `ActorTable`: with tens of thousands of sources
/// each line touches a random one, and the cost per line is cache misses — one entry in one
/// place is one miss where a dictionary of objects holding arrays was five.
struct SourceEntry {
    // 128 bytes, 128-byte aligned: the two cache lines arrive together.
    var key: IPAddress
    var used: Bool
    var pathCount: UInt8
    /// Index of the HyperLogLog registers once more than 4 distinct paths were seen, or -1.
    /// (In the first cache line: `prefetchRegisters` reads it before the second line is needed.)
    var hll: Int32
    var events: UInt32
    /// Web requests; also the count of the response-size statistics.
    var requests: UInt32
    /// Largest response in KiB (the text is kept in the side record once it reaches 1 MiB).
    var maxResponseKiB: UInt32
    /// Index of the side record (users, largest response), or -1.
    var side: Int32
    var first: Int64
    var last: Int64
    var bytesOut: Int64
    var sizeMean: Double
    var sizeM2: Double
    var status1: UInt32, status2: UInt32, status3: UInt32, status4: UInt32, status5: UInt32, statusOther: UInt32
    var authFailures: UInt32
    var authSuccesses: UInt32
    var paths: (UInt32, UInt32, UInt32, UInt32)

    static let empty = SourceEntry(key: IPAddress(hi: 0, lo: 0), used: false, pathCount: 0, hll: -1, events: 0, requests: 0, maxResponseKiB: 0, side: -1,
                                   first: .max, last: .min, bytesOut: 0, sizeMean: 0, sizeM2: 0, status1: 0, status2: 0, status3: 0,
                                   status4: 0, status5: 0, statusOther: 0, authFailures: 0, authSuccesses: 0,
                                   paths: (0, 0, 0, 0))
}

/// An address parsed from the start of a line, and the length of its text (-1: not an address).
struct ParsedAddress {
    var length: Int
    var key: IPAddress
    static let none = ParsedAddress(length: -1, key: IPAddress(hi: 0, lo: 0))
}

/// The rarely needed part of a source's record.
final class SourceSide {
    var users: [String] = []
    var maxResponse: Int64 = 0
    var maxResponseRaw: String?
    var maxResponseWhere: (input: Int, line: Int, time: Int64)?
}

/// A snapshot of one source's statistics, for reports and end-of-run analyses.
public struct SourceStats {
    public let address: String
    public let first: Int64
    public let last: Int64
    public let requests: Int
    /// Responses by class: [other, 1xx, 2xx, 3xx, 4xx, 5xx].
    public let status: [Int]
    public let bytesOut: Int64
    public let authFailures: Int
    public let authSuccesses: Int
    public let users: [String]
    public let events: Int
    public let sizeCount: Int
    public let sizeMean: Double
    public let sizeStd: Double
    public let distinctPaths: Int
    public let maxResponse: Int64
    public let maxResponseRaw: String?
    public let maxResponseWhere: (input: Int, line: Int, time: Int64)?
}

/// Per-source statistics keyed by address. Bounded: past `limit` sources new ones are not
/// profiled (counted in `overflow` and reported). Sources that are not addresses (host names in
/// logs with HostnameLookups on) get a key derived from the name.
public final class ActorTable {
    @exclusivity(unchecked) private var entries: UnsafeMutablePointer<SourceEntry>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) public private(set) var count = 0
    @exclusivity(unchecked) private var sides: [SourceSide] = []
    /// HyperLogLog registers, 256 per source with more than 4 distinct paths.
    @exclusivity(unchecked) private var registers: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var registerCapacity = 0
    @exclusivity(unchecked) private var registerCount = 0
    /// Largest response per entry index is kept in the side record; this says which entries have one.
    @exclusivity(unchecked) private var names: [IPAddress: String] = [:]
    public let limit: Int
    @exclusivity(unchecked) public private(set) var overflow = 0
    /// Consecutive lines often come from one source.
    @exclusivity(unchecked) private var lastKey = IPAddress(hi: .max, lo: .max)
    @exclusivity(unchecked) private var lastIndex = -1

    public init(limit: Int = 1_000_000, capacity: Int = 1 << 14) {
        self.limit = limit
        self.capacity = capacity
        entries = ActorTable.allocate(capacity)
        registers = ActorTable.allocateRegisters(0)
    }
    deinit {
        ActorTable.deallocate(entries, capacity)
        LargeTable.deallocate(registers, byteCount: ActorTable.registerBytes(registerCapacity))
    }

    static func allocate(_ n: Int) -> UnsafeMutablePointer<SourceEntry> {
        let raw = LargeTable.allocate(byteCount: n * MemoryLayout<SourceEntry>.stride)
        let p = raw.bindMemory(to: SourceEntry.self, capacity: n)
        p.initialize(repeating: .empty, count: n)
        return p
    }
    static func deallocate(_ p: UnsafeMutablePointer<SourceEntry>, _ n: Int) {
        p.deinitialize(count: n)
        LargeTable.deallocate(UnsafeMutableRawPointer(p), byteCount: n * MemoryLayout<SourceEntry>.stride)
    }
    static func registerBytes(_ sources: Int) -> Int { max(sources * 256, 1) }
    static func allocateRegisters(_ sources: Int) -> UnsafeMutablePointer<UInt8> {
        LargeTable.allocate(byteCount: registerBytes(sources)).bindMemory(to: UInt8.self, capacity: registerBytes(sources))
    }

    @inline(__always) static func slot(_ a: IPAddress, _ mask: Int) -> Int {
        var h = a.hi &* 0x9E3779B97F4A7C15 ^ a.lo
        h = (h ^ (h >> 32)) &* 0xD6E8FEB86659FD93
        h ^= h >> 29
        return Int(truncatingIfNeeded: h) & mask
    }

    /// A non-address source (a host name) as a key outside the IPv6 space in use (fc00::/7 with a hash).
    static func key(name: UnsafeBufferPointer<UInt8>) -> IPAddress {
        IPAddress(hi: 0xFD00_0000_0000_0000 | (ByteOps.hash(name.baseAddress!, 0, name.count) >> 8), lo: ByteOps.hash(name.baseAddress!, 0, name.count, seed: 7))
    }

    // MARK: prefetching

    /// With tens of thousands of sources the table and the path registers are megabytes, so a
    /// line's entry is rarely in the caches and waiting for it cost a fifth of the time per line.
    /// The engine calls this a few lines ahead of handling a line: it starts loading the entry of
    /// the line's address (the first token of access-log lines; anything else is not an address
    /// and is ignored) and leaves the parsed address in `out` for `handle`. A hint only: results
    /// never depend on it.
    @inline(__always) func prefetchEntry(line p: UnsafePointer<UInt8>, _ n: Int, key out: UnsafeMutablePointer<ParsedAddress>) {
        let limit = min(n, 46)
        var end = 0
        while end < limit && p[end] != 0x20 { end += 1 }
        guard end < limit, let key = IPAddress.parse(p, 0, end) else { out.pointee = ParsedAddress.none; return }
        out.pointee = ParsedAddress(length: end, key: key)
        let i = ActorTable.slot(key, capacity - 1)
        let raw = UnsafeRawPointer(entries + i)
        Prefetch.line(raw)
        Prefetch.line(raw + 64)
    }

    /// Starts loading the path register `update` will touch for this source and path (the
    /// engine calls it when the event's handling begins; the entry has arrived by then).
    @inline(__always) func prefetchRegister(source h: Int, pathHash: UInt64) {
        guard h >= 0 else { return }
        let hll = entries[h].hll
        guard hll >= 0 else { return }
        let small = UInt32(truncatingIfNeeded: pathHash >> 32) | 1
        Prefetch.line(UnsafeRawPointer(registers + Int(hll) * 256 + Int(ByteOps.mix(UInt64(small)) >> 56)))
    }

    /// The address at the start of the line being handled, parsed by `prefetchEntry`; set by the
    /// worker only around the handling of that line (otherwise `.none`).
    @exclusivity(unchecked) var lineAddress = ParsedAddress.none

    /// The entry of an event's source (inserting it), or -1. Valid until the next call.
    @inline(__always) public func handle(_ e: Event) -> Int {
        guard let v = e.value(.srcIP), v.count > 0, let base = v.baseAddress else { return -1 }
        let key: IPAddress
        // The source is the line's first token (the usual access-log layout): parsed already.
        if let r = e.range(.srcIP), r.0 == 0, r.1 == lineAddress.length { key = lineAddress.key }
        else if let ip = IPAddress.parse(base, 0, v.count) { key = ip }
        else {
            if v.count == 1 && (base[0] == 0x2D || base[0] == 0x3F) { return -1 }  // "-" or "?"
            key = ActorTable.key(name: v)
            if names[key] == nil && count < limit { names[key] = String(decoding: v, as: UTF8.self) }
        }
        if key == lastKey && lastIndex >= 0 { return lastIndex }
        let i = find(key, insert: true)
        lastKey = key; lastIndex = i
        return i
    }

    @inline(__always) func find(_ key: IPAddress, insert: Bool) -> Int {
        let mask = capacity - 1
        var i = ActorTable.slot(key, mask)
        while true {
            let p = entries + i
            if !p.pointee.used {
                guard insert else { return -1 }
                guard count < limit else { overflow += 1; return -1 }
                if (count + 1) * 2 > capacity { grow(); return find(key, insert: true) }
                p.pointee.used = true
                p.pointee.key = key
                count += 1
                return i
            }
            if p.pointee.key == key { return i }
            i = (i + 1) & mask
        }
    }

    private func grow() {
        let old = entries, oldCapacity = capacity
        capacity *= 2
        lastIndex = -1
        entries = ActorTable.allocate(capacity)
        let mask = capacity - 1
        for k in 0..<oldCapacity where old[k].used {
            var i = ActorTable.slot(old[k].key, mask)
            while entries[i].used { i = (i + 1) & mask }
            entries[i] = old[k]
        }
        ActorTable.deallocate(old, oldCapacity)
    }

    // MARK: per event

    @inline(__always) public func sizeMean(_ h: Int) -> Double { h < 0 ? 0 : entries[h].sizeMean }
    @inline(__always) public func sizeCount(_ h: Int) -> Int { h < 0 ? 0 : Int(entries[h].requests) }
    @inline(__always) public func sizeStd(_ h: Int) -> Double {
        guard h >= 0 else { return 0 }
        let c = entries[h].requests
        return c > 1 ? (entries[h].sizeM2 / Double(c - 1)).squareRoot() : 0
    }
    /// Whether a response is the source's largest so far (in KiB) and big enough to keep as evidence.
    @inline(__always) public func isLargestResponse(_ h: Int, _ bytes: Int64) -> Bool {
        h >= 0 && bytes >= 1 << 20 && UInt32(clamping: bytes >> 10) > entries[h].maxResponseKiB
    }

    func side(_ h: Int) -> SourceSide {
        if entries[h].side >= 0 { return sides[Int(entries[h].side)] }
        let s = SourceSide()
        entries[h].side = Int32(sides.count)
        sides.append(s)
        return s
    }

    /// Remembers the largest response of a source (its evidence for volume findings).
    public func noteLargeResponse(_ h: Int, _ e: Event, input: Int) {
        guard h >= 0 else { return }
        entries[h].maxResponseKiB = UInt32(clamping: e.byteCount >> 10)
        let s = side(h)
        s.maxResponse = e.byteCount
        s.maxResponseRaw = e.rawString
        s.maxResponseWhere = (input, e.lineNumber, e.time)
    }

    /// Updates the stats with one event.
    @inline(__always) public func update(_ h: Int, _ e: Event) {
        guard h >= 0 else { return }
        let p = entries + h
        p.pointee.events &+= 1
        if e.hasTime {
            if e.time < p.pointee.first { p.pointee.first = e.time }
            if e.time > p.pointee.last { p.pointee.last = e.time }
        }
        if e.format.isWebAccess || (e.services.contains(.access) && e.has(.uri)) {
            p.pointee.requests &+= 1
            switch e.statusCode / 100 {
            case 1: p.pointee.status1 &+= 1
            case 2: p.pointee.status2 &+= 1
            case 3: p.pointee.status3 &+= 1
            case 4: p.pointee.status4 &+= 1
            case 5: p.pointee.status5 &+= 1
            default: p.pointee.statusOther &+= 1
            }
            let b = max(e.byteCount, 0)
            p.pointee.bytesOut &+= b
            // Welford's running mean and variance of response sizes (count: requests).
            let x = Double(b)
            let d = x - p.pointee.sizeMean
            p.pointee.sizeMean += d / Double(p.pointee.requests)
            p.pointee.sizeM2 += d * (x - p.pointee.sizeMean)
            if let pathHash = e.pathHash() { addPath(h, pathHash) }
        }
        if e.authAction != .none {
            if e.authAction.isFailure { p.pointee.authFailures &+= UInt32(clamping: e.repeatCount) }
            if e.authAction == .sshAccepted { p.pointee.authSuccesses &+= 1 }
            if let u = e.string(.user) {
                let s = side(h)
                if s.users.count < 20 && !s.users.contains(u) { s.users.append(u) }
            }
        }
    }

    /// Paths are kept as 32 bits; the HyperLogLog hashes those same 32 bits, so a path counts
    /// once whether it reached a table through the small set or the registers (threads merge).
    @inline(__always) func addPath(_ h: Int, _ hash: UInt64) {
        let small = UInt32(truncatingIfNeeded: hash >> 32) | 1
        addPath(h, small: small, hash: ByteOps.mix(UInt64(small)))
    }

    /// Adds a path given its small (32-bit) form and its 64-bit hash for the HyperLogLog.
    @inline(__always) func addPath(_ h: Int, small: UInt32, hash: UInt64) {
        let p = entries + h
        if p.pointee.hll >= 0 {
            ActorTable.hllAdd(registers + Int(p.pointee.hll) * 256, hash)
            return
        }
        let n = Int(p.pointee.pathCount)
        let found: Bool = withUnsafeBytes(of: &p.pointee.paths) { raw in
            let a = raw.bindMemory(to: UInt32.self)
            for k in 0..<n where a[k] == small { return true }
            return false
        }
        if found { return }
        if n < 4 {
            withUnsafeMutableBytes(of: &p.pointee.paths) { $0.bindMemory(to: UInt32.self)[n] = small }
            p.pointee.pathCount = UInt8(n + 1)
            return
        }
        // The fifth distinct path: switch to a HyperLogLog seeded with the four.
        ActorTable.hllAdd(ensureHLL(h), hash)
    }

    /// The source's HyperLogLog registers, made from its small path set if it has none yet.
    func ensureHLL(_ h: Int) -> UnsafeMutablePointer<UInt8> {
        let p = entries + h
        if p.pointee.hll >= 0 { return registers + Int(p.pointee.hll) * 256 }
        if registerCount == registerCapacity {
            let c = max(64, registerCapacity * 2)
            let r = ActorTable.allocateRegisters(c)
            r.update(from: registers, count: registerCount * 256)
            LargeTable.deallocate(registers, byteCount: ActorTable.registerBytes(registerCapacity))
            registers = r
            registerCapacity = c
        }
        let regs = registers + registerCount * 256
        regs.initialize(repeating: 0, count: 256)
        p.pointee.hll = Int32(registerCount)
        registerCount += 1
        let n = Int(p.pointee.pathCount)
        withUnsafeBytes(of: p.pointee.paths) { raw in
            let a = raw.bindMemory(to: UInt32.self)
            for k in 0..<n { ActorTable.hllAdd(regs, ByteOps.mix(UInt64(a[k]))) }
        }
        p.pointee.pathCount = 5
        return regs
    }

    /// Adds another table's sources (threads merged at the end): sums, earliest and latest,
    /// the response-size statistics combined (Chan et al.), paths united.
    func merge(_ other: ActorTable) {
        for (k, v) in other.names where names[k] == nil { names[k] = v }
        overflow += other.overflow
        for i in 0..<other.capacity where other.entries[i].used {
            let o = other.entries[i]
            let h = find(o.key, insert: true)
            guard h >= 0 else { continue }
            let p = entries + h
            p.pointee.events &+= o.events
            p.pointee.first = min(p.pointee.first, o.first)
            p.pointee.last = max(p.pointee.last, o.last)
            let na = Double(p.pointee.requests), nb = Double(o.requests)
            if o.requests > 0 {
                if p.pointee.requests == 0 { p.pointee.sizeMean = o.sizeMean; p.pointee.sizeM2 = o.sizeM2 }
                else {
                    let n = na + nb
                    let delta = o.sizeMean - p.pointee.sizeMean
                    p.pointee.sizeMean += delta * nb / n
                    p.pointee.sizeM2 += o.sizeM2 + delta * delta * na * nb / n
                }
            }
            p.pointee.requests &+= o.requests
            p.pointee.bytesOut &+= o.bytesOut
            p.pointee.status1 &+= o.status1; p.pointee.status2 &+= o.status2; p.pointee.status3 &+= o.status3
            p.pointee.status4 &+= o.status4; p.pointee.status5 &+= o.status5; p.pointee.statusOther &+= o.statusOther
            p.pointee.authFailures &+= o.authFailures
            p.pointee.authSuccesses &+= o.authSuccesses
            p.pointee.maxResponseKiB = max(p.pointee.maxResponseKiB, o.maxResponseKiB)
            if o.hll >= 0 {
                let mine = ensureHLL(h)
                let theirs = other.registers + Int(o.hll) * 256
                for r in 0..<256 where theirs[r] > mine[r] { mine[r] = theirs[r] }
            } else {
                withUnsafeBytes(of: o.paths) { raw in
                    let a = raw.bindMemory(to: UInt32.self)
                    for k in 0..<Int(o.pathCount) { addPath(h, small: a[k], hash: ByteOps.mix(UInt64(a[k]))) }
                }
            }
            if o.side >= 0 {
                let os = other.sides[Int(o.side)]
                let s = side(h)
                for u in os.users where s.users.count < 20 && !s.users.contains(u) { s.users.append(u) }
                // The largest response; between equal ones the earlier line, whatever the thread order.
                let earlier: Bool = {
                    guard let a = os.maxResponseWhere, let b = s.maxResponseWhere else { return false }
                    return (a.input, a.line) < (b.input, b.line)
                }()
                if os.maxResponse > s.maxResponse || (os.maxResponse == s.maxResponse && earlier) {
                    s.maxResponse = os.maxResponse; s.maxResponseRaw = os.maxResponseRaw; s.maxResponseWhere = os.maxResponseWhere
                }
            }
        }
    }

    @inline(__always) static func hllAdd(_ regs: UnsafeMutablePointer<UInt8>, _ h: UInt64) {
        let idx = Int(h >> 56)
        let rank = UInt8(((h << 8) | 0x80).leadingZeroBitCount + 1)
        if regs[idx] < rank { regs[idx] = rank }
    }

    static func hllEstimate(_ regs: [UInt8]) -> Int {
        let m = 256.0
        var sum = 0.0
        var zeros = 0
        for r in regs { sum += pow(2.0, -Double(r)); if r == 0 { zeros += 1 } }
        var est = 0.7182 * m * m / sum
        if est <= 2.5 * m && zeros > 0 { est = m * log(m / Double(zeros)) }
        return Int(est.rounded())
    }

    // MARK: reports

    func snapshot(_ h: Int) -> SourceStats {
        let e = entries[h]
        let side = e.side >= 0 ? sides[Int(e.side)] : nil
        let address = names[e.key] ?? e.key.description
        let paths = e.hll < 0 ? Int(e.pathCount) : ActorTable.hllEstimate(Array(UnsafeBufferPointer(start: registers + Int(e.hll) * 256, count: 256)))
        return SourceStats(address: address, first: e.first, last: e.last, requests: Int(e.requests),
                           status: [Int(e.statusOther), Int(e.status1), Int(e.status2), Int(e.status3), Int(e.status4), Int(e.status5)],
                           bytesOut: e.bytesOut, authFailures: Int(e.authFailures), authSuccesses: Int(e.authSuccesses),
                           users: side?.users ?? [], events: Int(e.events), sizeCount: Int(e.requests), sizeMean: e.sizeMean,
                           sizeStd: e.requests > 1 ? (e.sizeM2 / Double(e.requests - 1)).squareRoot() : 0,
                           distinctPaths: paths, maxResponse: side?.maxResponse ?? 0, maxResponseRaw: side?.maxResponseRaw,
                           maxResponseWhere: side?.maxResponseWhere)
    }

    public func lookup(_ address: String) -> SourceStats? {
        var a = address
        let key: IPAddress = a.withUTF8 { b in IPAddress.parse(b.baseAddress!, 0, b.count) ?? ActorTable.key(name: b) }
        let h = find(key, insert: false)
        return h < 0 ? nil : snapshot(h)
    }

    /// (address, bytes out, requests) of every source.
    public var totals: [(String, Int64, Int)] {
        var out: [(String, Int64, Int)] = []
        out.reserveCapacity(count)
        for i in 0..<capacity where entries[i].used {
            out.append((names[entries[i].key] ?? entries[i].key.description, entries[i].bytesOut, Int(entries[i].requests)))
        }
        return out
    }
}
