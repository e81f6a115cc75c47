import DSToolKit
import Foundation

/// Data leaving through the web server or the database:
/// - downloads of archives, database dumps and backups (by file type, answered 2xx);
/// - a response far above what the same source usually gets (its own running mean and spread,
///   judged once it has made 20 requests);
/// - large responses to paths that almost nobody requests (counted in a count-min sketch, judged
///   at the end against the run's typical response size);
/// - sources whose total bytes out are far above every other source's (end of run);
/// - database queries that returned a very large number of rows (MySQL slow log Rows_sent).
/// Memory is bounded: the sketch is fixed-size and only the largest candidates are kept.
public final class ExfilDetector {
    public static let archiveDownload = TraceRule(
        id: "trace.exfil.archive-download", title: LocalizedText(en: "Download of an archive, database dump or backup", zh: "下载压缩包、数据库导出或备份文件"),
        severity: .medium, techniques: ["T1005", "T1041"], tactic: .exfiltration,
        remediation: LocalizedText(en: "Keep backups and dumps out of the web root; check who else fetched the file.", zh: "备份与导出文件不要放在网站目录；核查还有谁下载过该文件。"))
    public static let sourceOutlier = TraceRule(
        id: "trace.exfil.response-outlier", title: LocalizedText(en: "Response far larger than this source usually receives", zh: "响应大小远超该来源的正常水平"),
        severity: .medium, techniques: ["T1041"], tactic: .exfiltration)
    public static let rarePath = TraceRule(
        id: "trace.exfil.large-rare-path", title: LocalizedText(en: "Large response to a rarely requested path", zh: "罕见路径返回大量数据"),
        severity: .medium, techniques: ["T1041"], tactic: .exfiltration)
    public static let sourceVolume = TraceRule(
        id: "trace.exfil.source-volume", title: LocalizedText(en: "Source received far more data than any other", zh: "单一来源获取的数据量远超其他来源"),
        severity: .high, techniques: ["T1041", "T1030"], tactic: .exfiltration)
    public static let bulkQuery = TraceRule(
        id: "trace.exfil.bulk-query", title: LocalizedText(en: "Database query returned a very large number of rows", zh: "数据库查询返回大量记录"),
        severity: .medium, techniques: ["T1005", "T1213"], tactic: .collection)

    public static let rules: [TraceRule] = [archiveDownload, sourceOutlier, rarePath, sourceVolume, bulkQuery]

    /// Bytes from which one response may be an outlier or a rare-path candidate.
    @exclusivity(unchecked) public var largeResponse: Int64 = 1 << 20
    @exclusivity(unchecked) public var rowsThreshold = 100_000
    @exclusivity(unchecked) public var rarePathMaxRequests = 2
    @exclusivity(unchecked) public var maxCandidates = 10_000

    /// Count-min sketch of requests per path, "blocked": the hash picks one 64-byte block of
    /// 32 saturating 16-bit counters and four counters inside it, so an update touches one cache
    /// line instead of four (16K blocks, 1 MiB).
    private let sketch: UnsafeMutablePointer<UInt16> =
        LargeTable.allocate(byteCount: 16384 * 32 * 2).bindMemory(to: UInt16.self, capacity: 16384 * 32)
    /// log2 histogram of response sizes, for the typical size.
    @exclusivity(unchecked) private var sizeHistogram = [Int](repeating: 0, count: 64)
    public struct Candidate { public let pathHash: UInt64; public let bytes: Int64; public let interest: Int }
    public private(set) var candidates: [Candidate] = []

    public init() {}
    deinit { LargeTable.deallocate(UnsafeMutableRawPointer(sketch), byteCount: 16384 * 32 * 2) }

    /// File extensions of archives, dumps, backups, databases and key stores (lower case).
    static let archiveExtensions: Set<String> = ["sql", "dump", "dmp", "bak", "backup", "old", "tar", "tgz", "tbz2", "txz", "zip", "7z",
                                                 "rar", "gz", "bz2", "xz", "zst", "db", "sqlite", "sqlite3", "mdb", "accdb", "ibd", "frm",
                                                 "pst", "ost", "kdbx", "pfx", "p12", "jks", "keystore", "bson", "rdb", "aof"]
    /// The same packed into integers (up to 8 bytes) and sorted, for a binary search per request.
    static let packedExtensions: [UInt64] = archiveExtensions.map { pack(Array($0.utf8)) }.sorted()

    @inline(__always) static func isArchive(_ v: UInt64) -> Bool {
        packedExtensions.withUnsafeBufferPointer { a in
            var lo = 0, hi = a.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if a[mid] < v { lo = mid + 1 } else { hi = mid }
            }
            return lo < a.count && a[lo] == v
        }
    }

    @inline(__always) static func pack<C: Collection>(_ b: C) -> UInt64 where C.Element == UInt8 {
        var v: UInt64 = 0
        for c in b { v = v << 8 | UInt64(ByteOps.lower(c)) }
        return v
    }

    /// The path's extension when it is one of ours ("sql.gz" reports as "gz").
    @inline(__always) static func archiveExtension(_ p: UnsafePointer<UInt8>, _ n: Int) -> String? {
        var i = n - 1
        while i >= 0 && n - i <= 9 && p[i] != 0x2E && p[i] != 0x2F { i -= 1 }
        guard i >= 0, p[i] == 0x2E, n - i - 1 >= 2, n - i - 1 <= 8 else { return nil }
        let ext = UnsafeBufferPointer(start: p + i + 1, count: n - i - 1)
        guard isArchive(pack(ext)) else { return nil }
        return String(decoding: ext, as: UTF8.self).lowercased()
    }

    /// Streaming checks for one web response; `source` is its entry in `actors`, whose response
    /// statistics (before this one) are read only for a large response.
    public func detect(_ e: Event, source: Int, actors: ActorTable, into out: inout [Detection]) {
        let bytes = e.byteCount
        guard let p = e.value(.path), let pb = p.baseAddress, p.count > 0, let h = e.pathHash() else { return }
        let ok = e.statusCode >= 200 && e.statusCode < 300
        addToSketch(h)
        if bytes > 0 {
            var b = 0
            var v = bytes
            while v > 1 { v >>= 1; b += 1 }
            sizeHistogram[min(b, 63)] += 1
        }
        guard ok else { return }
        // Archive / dump / backup by extension (an empty or HEAD answer carries nothing).
        if bytes > 0, let ext = ExfilDetector.archiveExtension(pb, p.count) {
            out.append(Detection(ExfilDetector.archiveDownload, detail: "\(ExfilDetector.human(bytes)) .\(ext) file",
                                 severity: bytes >= 10 << 20 ? .high : .medium))
        }
        guard bytes >= largeResponse else { return }
        let sourceMean = actors.sizeMean(source), sourceStd = actors.sizeStd(source), sourceCount = actors.sizeCount(source)
        if sourceCount >= 20 && Double(bytes) > sourceMean * 20 && Double(bytes) > sourceMean + 6 * sourceStd {
            out.append(Detection(ExfilDetector.sourceOutlier,
                                 detail: "\(ExfilDetector.human(bytes)) while this source's responses average \(ExfilDetector.human(Int64(sourceMean)))"))
        }
    }

    /// Remembers a large response for the rare-path judgement (the largest are kept).
    public func consider(pathHash: UInt64, bytes: Int64, interest: Int) {
        let c = Candidate(pathHash: pathHash, bytes: bytes, interest: interest)
        if candidates.count < maxCandidates { candidates.append(c); return }
        if let (mi, m) = candidates.enumerated().min(by: { $0.element.bytes < $1.element.bytes }), m.bytes < c.bytes { candidates[mi] = c }
    }

    /// Adds another detector's path counts and size histogram (threads merged at the end).
    public func merge(_ other: ExfilDetector) {
        for i in 0..<(16384 * 32) {
            let v = UInt32(sketch[i]) + UInt32(other.sketch[i])
            sketch[i] = UInt16(min(v, UInt32(UInt16.max)))
        }
        for i in 0..<sizeHistogram.count { sizeHistogram[i] += other.sizeHistogram[i] }
    }

    /// Whether a response would be a rare-path candidate (so the engine keeps its event).
    public func isCandidate(_ e: Event) -> Bool { e.byteCount >= largeResponse && e.statusCode >= 200 && e.statusCode < 300 }

    /// Starts loading the sketch block of a path (the engine calls it early in an event, so the
    /// load overlaps with the other detectors instead of stalling `detect`).
    @inline(__always) public func prefetch(pathHash h: UInt64) { Prefetch.line(sketch + Int(h & 16383) * 32) }

    @inline(__always) private func addToSketch(_ h: UInt64) {
        let block = sketch + Int(h & 16383) * 32
        for r in 0..<4 {
            let c = block + Int((h >> (14 + UInt64(r) * 5)) & 31)
            if c.pointee < UInt16.max { c.pointee += 1 }
        }
    }

    /// Requests seen for a path (an over-estimate, never under; saturates at 65535).
    public func requests(pathHash h: UInt64) -> Int {
        let block = sketch + Int(h & 16383) * 32
        var m = UInt16.max
        for r in 0..<4 { m = min(m, block[Int((h >> (14 + UInt64(r) * 5)) & 31)]) }
        return Int(m)
    }

    /// The median response size seen (power of two bucket).
    public var typicalResponse: Int64 {
        let total = sizeHistogram.reduce(0, +)
        guard total > 0 else { return 0 }
        var acc = 0
        for (b, n) in sizeHistogram.enumerated() {
            acc += n
            if acc * 2 >= total { return Int64(1) << Int64(b) }
        }
        return 0
    }

    /// End of run: large responses to rare paths (indexes of interest events, with a detail).
    public func rarePathFindings() -> [(Int, String)] {
        let typical = max(typicalResponse, 1)
        var out: [(Int, String)] = []
        for c in candidates.sorted(by: { $0.interest < $1.interest }) {
            let n = requests(pathHash: c.pathHash)
            if n <= rarePathMaxRequests && c.bytes >= typical * 20 {
                out.append((c.interest, "\(ExfilDetector.human(c.bytes)) from a path requested \(n) time\(n == 1 ? "" : "s") in the logs (typical response \(ExfilDetector.human(typical)))"))
            }
        }
        return out
    }

    /// MySQL slow log: Rows_sent above the threshold.
    public func detectQuery(_ e: Event, into out: inout [Detection]) {
        guard e.format == .mysqlSlow, let v = e.extra("Rows_sent"), let rows = Int(v), rows >= rowsThreshold else { return }
        out.append(Detection(ExfilDetector.bulkQuery, detail: "\(rows) rows sent to \(e.string(.user) ?? "?")@\(e.string(.srcIP) ?? "?")"))
    }

    /// End of run: sources whose bytes out dwarf the others' — total at least `minBytes` and 50
    /// times the median source's (sources with at least 5 requests), *and* an average response 10
    /// times the run's typical one. Busy but ordinary clients (a proxy, a crawler) make many
    /// ordinary requests; a dump download makes a few huge ones.
    public static func volumeOutliers(_ totals: [(String, Int64, Int)], typicalResponse: Int64, minBytes: Int64 = 50 << 20) -> [(String, Int64, Int64)] {
        let active = totals.filter { $0.2 >= 5 }.map(\.1).sorted()
        guard active.count >= 5 else { return [] }
        let median = max(active[active.count / 2], 1)
        let typical = max(typicalResponse, 1)
        return totals.filter { $0.1 >= minBytes && $0.1 >= median * 50 && $0.1 / Int64(max($0.2, 1)) >= typical * 10 }
            .map { ($0.0, $0.1, median) }.sorted { $0.1 > $1.1 }
    }

    public static func human(_ b: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(b)
        var u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return u == 0 ? "\(b) B" : String(format: "%.1f %@", v, units[u])
    }
}
