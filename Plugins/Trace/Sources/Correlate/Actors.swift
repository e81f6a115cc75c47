import DSToolKit
import Foundation

/// Running statistics of one source address over every event (not only the suspicious ones):
/// first and last seen, requests, distinct paths (exact up to 16, then a HyperLogLog), status mix,
/// bytes out with mean and spread (the per-source baseline), auth failures and successes, users.
public final class SourceStats {
    public let address: String
    public var first: Int64 = .max
    public var last: Int64 = .min
    public var requests = 0
    /// Responses by class: [other, 1xx, 2xx, 3xx, 4xx, 5xx].
    public var status = [Int](repeating: 0, count: 6)
    var agentHashes: [UInt64] = []
    public var bytesOut: Int64 = 0
    public var authFailures = 0
    public var authSuccesses = 0
    public var users: [String] = []
    public var agents: [String] = []
    public var events = 0
    /// The largest response (≥ 64 KiB) and where it was: evidence for volume findings.
    public var maxResponse: Int64 = 0
    public var maxResponseRaw: String?
    public var maxResponseWhere: (input: Int, line: Int, time: Int64)?
    // Welford's running mean/variance of response sizes.
    public private(set) var sizeCount = 0
    public private(set) var sizeMean = 0.0
    private var sizeM2 = 0.0
    // Distinct paths.
    private var smallPaths: [UInt64] = []
    private var hll: [UInt8]?

    init(address: String) { self.address = address }

    public var sizeStd: Double { sizeCount > 1 ? (sizeM2 / Double(sizeCount - 1)).squareRoot() : 0 }

    @inline(__always) func addSize(_ b: Int64) {
        sizeCount += 1
        let x = Double(b)
        let d = x - sizeMean
        sizeMean += d / Double(sizeCount)
        sizeM2 += d * (x - sizeMean)
    }

    @inline(__always) func addPath(_ h: UInt64) {
        if var regs = hll {
            let idx = Int(h >> 56)   // 256 registers
            let rest = (h << 8) | 0x80
            let rank = UInt8(rest.leadingZeroBitCount + 1)
            if regs[idx] < rank { regs[idx] = rank; hll = regs }
            return
        }
        if smallPaths.contains(h) { return }
        if smallPaths.count < 16 { smallPaths.append(h); return }
        var regs = [UInt8](repeating: 0, count: 256)
        for p in smallPaths + [h] {
            let idx = Int(p >> 56)
            let rank = UInt8(((p << 8) | 0x80).leadingZeroBitCount + 1)
            if regs[idx] < rank { regs[idx] = rank }
        }
        hll = regs
        smallPaths = []
    }

    /// Distinct paths requested (exact below 17, estimated above).
    public var distinctPaths: Int {
        guard let regs = hll else { return smallPaths.count }
        let m = 256.0
        var sum = 0.0
        var zeros = 0
        for r in regs { sum += pow(2.0, -Double(r)); if r == 0 { zeros += 1 } }
        var est = 0.7182 * m * m / sum
        if est <= 2.5 * m && zeros > 0 { est = m * log(m / Double(zeros)) }
        return Int(est.rounded())
    }

    func note(user: String) { if users.count < 20 && !users.contains(user) { users.append(user) } }
    func note(agent: String) { if agents.count < 5 && !agents.contains(agent) { agents.append(agent) } }
}

/// Source statistics keyed by address (bounded: past `limit` sources new ones are not profiled,
/// which is counted and reported).
public final class ActorTable {
    public private(set) var byAddress: [IPAddress: SourceStats] = [:]
    public private(set) var byName: [String: SourceStats] = [:]
    public let limit: Int
    public private(set) var overflow = 0
    private var lastKey: IPAddress?
    private var lastStats: SourceStats?

    public init(limit: Int = 500_000) { self.limit = limit }

    public var count: Int { byAddress.count + byName.count }

    /// The stats for an event's source (nil when it has none or the table is full).
    @inline(__always) public func stats(_ e: Event) -> SourceStats? {
        guard let v = e.value(.srcIP), v.count > 0 else { return nil }
        if let ip = IPAddress.parse(v) {
            if ip == lastKey, let s = lastStats { return s }
            if let s = byAddress[ip] { lastKey = ip; lastStats = s; return s }
            guard count < limit else { overflow += 1; return nil }
            let s = SourceStats(address: ip.description)
            byAddress[ip] = s
            lastKey = ip; lastStats = s
            return s
        }
        let name = String(decoding: v, as: UTF8.self)
        if name == "-" || name == "?" { return nil }
        if let s = byName[name] { return s }
        guard count < limit else { overflow += 1; return nil }
        let s = SourceStats(address: name)
        byName[name] = s
        return s
    }

    public func lookup(_ address: String) -> SourceStats? {
        if let ip = IPAddress.parse(address) { return byAddress[ip] }
        return byName[address]
    }

    public var all: [SourceStats] { Array(byAddress.values) + Array(byName.values) }

    /// Updates the stats with one event.
    @inline(__always) public func update(_ s: SourceStats, _ e: Event) {
        s.events += 1
        if e.hasTime {
            if e.time < s.first { s.first = e.time }
            if e.time > s.last { s.last = e.time }
        }
        if e.format.isWebAccess || (e.services.contains(.access) && e.has(.uri)) {
            s.requests += 1
            let st = e.statusCode
            s.status[(st >= 100 && st < 600) ? st / 100 : 0] += 1
            if e.byteCount > 0 { s.bytesOut += e.byteCount; s.addSize(e.byteCount) } else { s.addSize(0) }
            if let p = e.value(.path), let pb = p.baseAddress { s.addPath(ByteOps.hash(pb, 0, p.count)) }
            if s.agents.count < 5, let ua = e.value(.userAgent), let ub = ua.baseAddress {
                let h = ByteOps.hash(ub, 0, ua.count)
                if !s.agentHashes.contains(h) { s.agentHashes.append(h); s.note(agent: String(decoding: ua, as: UTF8.self)) }
            }
        }
        if e.authAction != .none {
            if e.authAction.isFailure { s.authFailures += e.repeatCount }
            if e.authAction == .sshAccepted { s.authSuccesses += 1 }
            if let u = e.string(.user) { s.note(user: u) }
        }
    }
}
