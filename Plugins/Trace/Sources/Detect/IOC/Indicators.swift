import DSToolKit
import Foundation

/// Indicator lists (`--ioc FILE`): one indicator per line, `#` starts a comment. The type is
/// given by a prefix (`ip:`, `cidr:`, `domain:`, `ua:`, `hash:`) or recognised: an address or
/// CIDR block, 32/40/64 hex digits (MD5/SHA-1/SHA-256), a host name (domain), anything else a
/// User-Agent substring. Addresses are checked against each event's source; domains, agents and
/// hashes anywhere in the raw line, all in one Hyperscan pass.
public final class IndicatorSet {
    public static let rule = TraceRule(
        id: "trace.ioc.match", title: LocalizedText(en: "Known indicator of compromise", zh: "命中威胁情报指标"),
        severity: .high, techniques: [], tactic: nil)

    public enum Kind: String, Sendable { case ip, cidr, domain, userAgent = "user-agent", hash }
    public struct Indicator: Sendable { public let kind: Kind; public let value: String; public let list: String }

    public private(set) var indicators: [Indicator] = []
    var addresses: [IPAddress: Int] = [:]
    var networksByLength: [Int: [IPAddress: Int]] = [:]
    var textIndicators: [Int] = []   // pattern id → indicator index
    var db: HSDatabase?
    let scratch = HSScratch()
    @exclusivity(unchecked) var matches = MatchSet(capacity: 1)
    public private(set) var problems: [String] = []

    public init() {}

    /// A copy sharing the compiled indicators, with its own scratch space (one per thread).
    public func forThread() -> IndicatorSet {
        let c = IndicatorSet()
        c.indicators = indicators; c.addresses = addresses; c.networksByLength = networksByLength
        c.textIndicators = textIndicators; c.db = db; c.problems = problems
        if let db { c.scratch.prepare(for: db); c.matches = MatchSet(capacity: textIndicators.count) }
        return c
    }

    public var count: Int { indicators.count }

    /// Adds the indicators of one list; lines it cannot use are reported as problems.
    public func add(text: String, list: String) {
        for (n, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if let hash = line.range(of: " #") { line = String(line[..<hash.lowerBound]).trimmingCharacters(in: .whitespaces) }
            if line.isEmpty || line.hasPrefix("#") { continue }
            var kind: Kind?
            for (prefix, k) in [("ip:", Kind.ip), ("cidr:", .cidr), ("domain:", .domain), ("ua:", .userAgent), ("hash:", .hash)]
            where line.lowercased().hasPrefix(prefix) {
                kind = k; line = String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
            }
            let k = kind ?? IndicatorSet.classify(line)
            switch k {
            case .ip, .cidr:
                guard let net = IPNetwork(line) else { problems.append("\(list):\(n + 1): '\(line)' is not an address or CIDR block"); continue }
                indicators.append(Indicator(kind: line.contains("/") ? .cidr : .ip, value: line, list: list))
                let full = net.base.isIPv4 ? net.bits == 128 : net.bits == 128
                if full { addresses[net.base] = indicators.count - 1 }
                else { networksByLength[net.bits, default: [:]][net.base] = indicators.count - 1 }
            case .hash:
                guard line.count == 32 || line.count == 40 || line.count == 64, line.allSatisfy(\.isHexDigit) else {
                    problems.append("\(list):\(n + 1): '\(line)' is not an MD5, SHA-1 or SHA-256 hex digest"); continue
                }
                indicators.append(Indicator(kind: .hash, value: line.lowercased(), list: list))
                textIndicators.append(indicators.count - 1)
            case .domain, .userAgent:
                indicators.append(Indicator(kind: k, value: line, list: list))
                textIndicators.append(indicators.count - 1)
            }
        }
    }

    static func classify(_ s: String) -> Kind {
        if IPNetwork(s) != nil { return s.contains("/") ? .cidr : .ip }
        // Something shaped like an address that does not parse is a mistake, not a user agent.
        if s.allSatisfy({ $0.isNumber || $0 == "." || $0 == "/" }) && (s.contains("/") || s.filter({ $0 == "." }).count == 3) { return .cidr }
        if (s.count == 32 || s.count == 40 || s.count == 64) && s.allSatisfy(\.isHexDigit) { return .hash }
        let domainChars = s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }
        if domainChars && s.contains(".") && !s.hasPrefix(".") && !s.hasSuffix(".") { return .domain }
        return .userAgent
    }

    /// Compiles the text indicators (call after the last `add`).
    public func finish() throws {
        guard !textIndicators.isEmpty else { return }
        var pats: [HSPattern] = []
        for (id, idx) in textIndicators.enumerated() {
            let ind = indicators[idx]
            let lit = SigmaCompiler.regex(fromSigma: Array(ind.value.utf8), wildcards: false).0
            let expr: String
            switch ind.kind {
            case .domain: expr = "(^|[^a-z0-9.\\-])" + lit + "($|[^a-z0-9\\-])"   // the domain or a subdomain of it
            case .hash: expr = "(^|[^0-9a-f])" + lit + "($|[^0-9a-f])"
            default: expr = lit
            }
            pats.append(HSPattern(expr, id: UInt32(id), flags: HSPattern.defaultFlags))
        }
        let d = try HSDatabase(pats)
        scratch.prepare(for: d)
        db = d
        matches = MatchSet(capacity: pats.count)
    }

    /// Indicators this event hits, appended as detections.
    public func detect(_ e: Event, into out: inout [Detection]) {
        if !addresses.isEmpty || !networksByLength.isEmpty, let v = e.value(.srcIP), let ip = IPAddress.parse(v) {
            if let i = addresses[ip] { out.append(Detection(IndicatorSet.rule, detail: hit(i))) }
            else {
                for (bits, table) in networksByLength {
                    if let i = table[IPNetwork.mask(ip, bits)] { out.append(Detection(IndicatorSet.rule, detail: hit(i))); break }
                }
            }
        }
        if let db {
            matches.begin()
            let r = e.raw
            if r.count > 0 { db.scan(r.baseAddress!, r.count, scratch: scratch, into: matches) }
            for h in 0..<matches.hitCount {
                out.append(Detection(IndicatorSet.rule, detail: hit(textIndicators[Int(matches.hits[h])])))
            }
        }
    }

    func hit(_ i: Int) -> String {
        let ind = indicators[i]
        return "\(ind.kind.rawValue) \(ind.value) (list \((ind.list as NSString).lastPathComponent))"
    }
}

/// A local GeoIP/ASN table (`--geoip FILE`): CSV lines `cidr,country,asn,organisation` (a header
/// line and `#` comments are skipped). Looked up only for the sources in the report.
public final class GeoTable {
    public struct Entry: Sendable { public let network: String; public let country: String; public let asn: String; public let organisation: String }
    var byLength: [Int: [IPAddress: Int]] = [:]
    var lengths: [Int] = []
    public private(set) var entries: [Entry] = []
    public private(set) var problems: [String] = []

    public init(text: String, name: String) {
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let cols = GeoTable.csv(line)
            guard let first = cols.first, let net = IPNetwork(first) else {
                if n == 0 { continue }  // a header
                problems.append("\(name):\(n + 1): '\(cols.first ?? line)' is not a CIDR block"); continue
            }
            entries.append(Entry(network: first, country: cols.count > 1 ? cols[1] : "", asn: cols.count > 2 ? cols[2] : "",
                                 organisation: cols.count > 3 ? cols[3] : ""))
            byLength[net.bits, default: [:]][net.base] = entries.count - 1
        }
        lengths = byLength.keys.sorted(by: >)  // most specific first
    }

    /// Splits one CSV line (double quotes allowed around fields).
    static func csv(_ line: String) -> [String] {
        var out: [String] = []
        var cur = ""
        var quoted = false
        var it = line.makeIterator()
        while let c = it.next() {
            if c == "\"" { quoted.toggle(); continue }
            if c == "," && !quoted { out.append(cur.trimmingCharacters(in: .whitespaces)); cur = ""; continue }
            cur.append(c)
        }
        out.append(cur.trimmingCharacters(in: .whitespaces))
        return out
    }

    public func lookup(_ address: String) -> Entry? {
        guard let ip = IPAddress.parse(address) else { return nil }
        for bits in lengths { if let i = byLength[bits]![IPNetwork.mask(ip, bits)] { return entries[i] } }
        return nil
    }
}
