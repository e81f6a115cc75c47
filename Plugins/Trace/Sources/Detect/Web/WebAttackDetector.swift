import DSToolKit
import Foundation

/// The built-in web-attack detector: every signature of every class is compiled into two
/// Hyperscan databases (request target, headers); each request is normalized once and scanned
/// once per database, then a few protocol checks run in code.
public final class WebAttackDetector {
    struct Ref { let classIndex: Int; let name: String }
    let classes: [WebAttackClass]
    let requestDB: HSDatabase
    let headerDB: HSDatabase
    let requestRefs: [Ref]
    let headerRefs: [Ref]
    let scratch = HSScratch()
    let requestMatches: MatchSet
    let headerMatches: MatchSet
    let normalizer = Normalizer()
    /// 256-byte slots: request targets with tracking parameters run past the 100 bytes a
    /// 128-byte slot holds, and each uncached one costs a normalization and a scan.
    let requestCache = ScanCache(slots: 1 << 14, slotSize: 256)
    let agentCache = ScanCache(slots: 1 << 12, slotSize: 256)
    let refererCache = ScanCache(slots: 1 << 13, slotSize: 256)
    /// First pattern that matched per class, for the current event.
    @exclusivity(unchecked) private var classHit: [String?]
    @exclusivity(unchecked) private var hitClasses: [Int] = []

    public static let protocolAbuse = TraceRule(
        id: "trace.web.protocol-abuse", title: LocalizedText(en: "HTTP protocol abuse (evasion or injection in the request line)", zh: "HTTP 协议滥用（请求行中的规避或注入）"),
        severity: .medium, techniques: ["T1190"], tactic: .initialAccess, cwe: ["CWE-113", "CWE-158"])
    public static let protocolProbe = TraceRule(
        id: "trace.web.protocol-probe", title: LocalizedText(en: "Non-HTTP or proxy probe against the web server", zh: "针对 Web 服务器的非 HTTP 或代理探测"),
        severity: .low, techniques: ["T1595"], tactic: .reconnaissance)
    public static let webshellUpload = TraceRule(
        id: "trace.web.webshell-upload", title: LocalizedText(en: "Webshell upload", zh: "WebShell 上传"),
        severity: .critical, techniques: ["T1505.003", "T1105"], tactic: .persistence, cwe: ["CWE-434"],
        remediation: LocalizedText(en: "Remove the uploaded script, restrict upload types and serve uploads without script execution.",
                                   zh: "删除上传的脚本，限制上传类型，上传目录禁止脚本执行。"))

    public static var rules: [TraceRule] {
        WebAttackClasses.all.map(\.rule) + [protocolAbuse, protocolProbe, webshellUpload]
    }

    public init(classes: [WebAttackClass] = WebAttackClasses.all) throws {
        self.classes = classes
        var req: [HSPattern] = [], hdr: [HSPattern] = []
        var reqRefs: [Ref] = [], hdrRefs: [Ref] = []
        for (ci, c) in classes.enumerated() {
            for p in c.patterns {
                if p.scope != .header {
                    req.append(HSPattern(p.regex, id: UInt32(reqRefs.count), flags: HSPattern.defaultFlags))
                    reqRefs.append(Ref(classIndex: ci, name: p.name))
                }
                if p.scope != .request {
                    hdr.append(HSPattern(p.regex, id: UInt32(hdrRefs.count), flags: HSPattern.defaultFlags))
                    hdrRefs.append(Ref(classIndex: ci, name: p.name))
                }
            }
        }
        requestDB = try HSDatabase(req)
        headerDB = try HSDatabase(hdr)
        requestRefs = reqRefs; headerRefs = hdrRefs
        requestMatches = MatchSet(capacity: reqRefs.count)
        headerMatches = MatchSet(capacity: hdrRefs.count)
        scratch.prepare(for: requestDB); scratch.prepare(for: headerDB)
        classHit = [String?](repeating: nil, count: classes.count)
    }

    static let webshellNames: Set<String> = ["known webshell name", "script in upload folder", "command parameter"]

    /// The request target of the event being handled and its hash, from `prefetch`.
    @exclusivity(unchecked) private var preparedTarget: UnsafePointer<UInt8>?
    @exclusivity(unchecked) private var preparedCount = 0
    @exclusivity(unchecked) private var preparedHash: UInt64 = 0

    /// The request target of `e`; a request line that could not be split is scanned whole.
    @inline(__always) static func target(_ e: Event) -> Bytes? { e.value(.uri) ?? (e.has(.method) ? nil : e.value(.request)) }

    /// Hashes the request target and starts loading its cache slot (called before the other
    /// detectors run, so the load overlaps with them); `detect` reuses the hash.
    @inline(__always) public func prefetch(_ e: Event) {
        guard let t = WebAttackDetector.target(e), t.count > 0, let base = t.baseAddress else { return }
        preparedTarget = base; preparedCount = t.count
        preparedHash = ByteOps.cacheHash(base, t.count)
        requestCache.prefetch(hash: preparedHash)
    }

    /// Detections for one request event, appended to `out`.
    public func detect(_ e: Event, into out: inout [Detection]) {
        for c in hitClasses { classHit[c] = nil }
        if !hitClasses.isEmpty { hitClasses.removeAll(keepingCapacity: true) }
        var flags: Normalizer.Flags = []
        if let t = WebAttackDetector.target(e), t.count > 0, let base = t.baseAddress {
            requestMatches.begin()
            let h = preparedTarget == base && preparedCount == t.count ? preparedHash : ByteOps.cacheHash(base, t.count)
            preparedTarget = nil
            if let slot = requestCache.lookup(base, t.count, hash: h) {
                requestCache.replay(slot, into: requestMatches)
                flags = Normalizer.Flags(rawValue: requestCache.flags(slot))
            } else {
                scanRequest(base, t.count, &flags)
                requestCache.store(base, t.count, hash: h, matches: requestMatches, flags: flags.rawValue)
            }
            collect(requestMatches, requestRefs)
        }
        // Headers: User-Agent and Referer.
        headerMatches.begin()
        if let v = e.value(.userAgent) { scanHeader(v, agentCache) }
        if let v = e.value(.referer) { scanHeader(v, refererCache) }
        collect(headerMatches, headerRefs)
        for c in hitClasses {
            out.append(Detection(classes[c].rule, detail: classHit[c]!))
        }
        protocolChecks(e, flags, into: &out)
        uploadChecks(e, into: &out)
    }

    private func scanRequest(_ base: UnsafePointer<UInt8>, _ n: Int, _ flags: inout Normalizer.Flags) {
        if Normalizer.needsWork(base, n) {
            normalizer.normalize(base, n)
            flags = normalizer.flags
            requestDB.scan(normalizer.buffer, normalizer.count, scratch: scratch, into: requestMatches)
            if ByteOps.find(normalizer.buffer, 0, normalizer.count, "${") != nil {
                scanResolved(Array(UnsafeBufferPointer(start: normalizer.buffer, count: normalizer.count)), requestDB, requestMatches)
            }
        } else {
            requestDB.scan(base, n, scratch: scratch, into: requestMatches)
            if ByteOps.find(base, 0, n, "${") != nil { scanResolved(Array(UnsafeBufferPointer(start: base, count: n)), requestDB, requestMatches) }
        }
    }

    /// A header value into `headerMatches`, through its cache.
    @inline(__always) private func scanHeader(_ v: Bytes, _ cache: ScanCache) {
        guard v.count > 0, let base = v.baseAddress else { return }
        let h = ByteOps.cacheHash(base, v.count)
        if let slot = cache.lookup(base, v.count, hash: h) {
            cache.replay(slot, into: headerMatches)
            return
        }
        let before = headerMatches.hitCount
        scanHeader(base, v.count)
        cache.store(base, v.count, hash: h, matches: headerMatches, from: before)
    }

    private func scanHeader(_ base: UnsafePointer<UInt8>, _ n: Int) {
        headerDB.scan(base, n, scratch: scratch, into: headerMatches)
        if ByteOps.find(base, 0, n, 0x25) < n || ByteOps.find(base, 0, n, "${") != nil {
            normalizer.normalize(base, n, plusIsSpace: false)
            headerDB.scan(normalizer.buffer, normalizer.count, scratch: scratch, into: headerMatches)
            if ByteOps.find(normalizer.buffer, 0, normalizer.count, "${") != nil {
                scanResolved(Array(UnsafeBufferPointer(start: normalizer.buffer, count: normalizer.count)), headerDB, headerMatches)
            }
        }
    }

    /// Scans the text again with Log4j lookups resolved.
    private func scanResolved(_ text: [UInt8], _ db: HSDatabase, _ m: MatchSet) {
        let resolved = Log4jLookups.resolve(text)
        if resolved != text { resolved.withUnsafeBufferPointer { db.scan($0.baseAddress!, $0.count, scratch: scratch, into: m) } }
    }

    private func collect(_ m: MatchSet, _ refs: [Ref]) {
        for h in 0..<m.hitCount {
            let r = refs[Int(m.hits[h])]
            if classHit[r.classIndex] == nil {
                classHit[r.classIndex] = r.name
                hitClasses.append(r.classIndex)
            }
        }
    }

    /// Whether the last `detect` found webshell access (for upload correlation).
    public var sawWebshell: Bool {
        hitClasses.contains { classes[$0].rule.id == WebshellAccess.rule.id }
    }

    static let knownMethods: [StaticString] = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "PROPFIND", "PROPPATCH",
                                               "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH", "REPORT", "PURGE", "PRI"]

    func protocolChecks(_ e: Event, _ flags: Normalizer.Flags, into out: inout [Detection]) {
        if let r = e.value(.request), let base = r.baseAddress, r.count > 0 {
            // nginx writes non-printable request bytes as \xNN; a TLS ClientHello starts \x16\x03.
            if ByteOps.find(base, 0, min(r.count, 8), "\\x16\\x03") == 0 {
                out.append(Detection(WebAttackDetector.protocolProbe, detail: "TLS handshake sent to a plain-HTTP port")); return
            }
            if !e.has(.method) && !(r.count == 1 && base[0] == 0x2D) {
                var binary = false
                for i in 0..<min(r.count, 64) where base[i] < 0x20 && base[i] != 0x09 { binary = true; break }
                if binary || ByteOps.find(base, 0, min(r.count, 16), "\\x") != nil {
                    out.append(Detection(WebAttackDetector.protocolProbe, detail: "binary data instead of an HTTP request line")); return
                }
                out.append(Detection(WebAttackDetector.protocolProbe, detail: "malformed request line")); return
            }
        }
        if let m = e.value(.method), let mb = m.baseAddress {
            var known = false
            for k in WebAttackDetector.knownMethods where ByteOps.equals(mb, 0, m.count, k) { known = true; break }
            if ByteOps.equals(mb, 0, m.count, "CONNECT") {
                out.append(Detection(WebAttackDetector.protocolProbe, detail: "CONNECT (open proxy probe)"))
            } else if ByteOps.equals(mb, 0, m.count, "TRACE") || ByteOps.equals(mb, 0, m.count, "TRACK") {
                out.append(Detection(WebAttackDetector.protocolAbuse, detail: "TRACE/TRACK method (cross-site tracing)"))
            } else if !known {
                out.append(Detection(WebAttackDetector.protocolProbe, detail: "unknown HTTP method"))
            }
        }
        if let u = e.value(.uri), let ub = u.baseAddress {
            if ByteOps.hasPrefixCaseless(ub, 0, u.count, "http://") || ByteOps.hasPrefixCaseless(ub, 0, u.count, "https://") {
                out.append(Detection(WebAttackDetector.protocolProbe, detail: "absolute URI (open proxy probe)"))
            }
            if u.count > 4096 { out.append(Detection(WebAttackDetector.protocolAbuse, detail: "request target longer than 4096 bytes")) }
        }
        if flags.contains(.crlf) { out.append(Detection(WebAttackDetector.protocolAbuse, detail: "CR/LF in the request target (response splitting)")) }
        if flags.contains(.nulByte) { out.append(Detection(WebAttackDetector.protocolAbuse, detail: "NUL byte in the request target")) }
        if flags.contains(.overlongUTF8) { out.append(Detection(WebAttackDetector.protocolAbuse, detail: "overlong UTF-8 encoding (filter evasion)")) }
    }

    static let scriptExtensions: [StaticString] = [".php", ".php3", ".php4", ".php5", ".php7", ".phtml", ".phar", ".jsp", ".jspx",
                                                   ".asp", ".aspx", ".ashx", ".asmx", ".cer", ".cfm", ".cgi", ".pl", ".war"]

    /// PUT/MOVE/COPY of a server-side script: the upload itself is visible.
    func uploadChecks(_ e: Event, into out: inout [Detection]) {
        guard let m = e.value(.method), let mb = m.baseAddress,
              ByteOps.equals(mb, 0, m.count, "PUT") || ByteOps.equals(mb, 0, m.count, "MOVE") || ByteOps.equals(mb, 0, m.count, "COPY"),
              let p = e.value(.path), let pb = p.baseAddress else { return }
        var end = p.count
        // Tomcat CVE-2017-12617 writes "x.jsp/" or "x.jsp%20"; trim those.
        while end > 0 && (pb[end - 1] == 0x2F || pb[end - 1] == 0x20) { end -= 1 }
        if end >= 3 && ByteOps.equals(pb, end - 3, end, "%20") { end -= 3 }
        if end >= 6 && ByteOps.hasPrefixCaseless(pb, end - 6, end, "::$data") { end -= 7 }
        for ext in WebAttackDetector.scriptExtensions {
            let n = ext.utf8CodeUnitCount
            if end >= n && ByteOps.hasPrefixCaseless(pb, end - n, end, ext) {
                if e.statusCode < 400 {
                    out.append(Detection(WebAttackDetector.webshellUpload, detail: "\(ByteOps.string(mb, 0, m.count)) of a server-side script"))
                } else {
                    out.append(Detection(WebAttackDetector.webshellUpload, detail: "\(ByteOps.string(mb, 0, m.count)) of a server-side script (refused)",
                                         severity: .high))
                }
                return
            }
        }
    }

    /// Whether the request is an upload: a POST whose path says so (upload, file, attach, media,
    /// import, avatar), kept to pair it with a later webshell access by the same source.
    public static func isUploadRequest(_ e: Event) -> Bool {
        guard let m = e.value(.method), let mb = m.baseAddress, ByteOps.equals(mb, 0, m.count, "POST"),
              let p = e.value(.path), let pb = p.baseAddress else { return false }
        // Any of upload, file, attach, media, import, avatar, image, anywhere (caseless): one pass,
        // the first letter choosing the words to compare.
        let n = p.count
        for i in 0..<n {
            switch ByteOps.lower(pb[i]) {
            case 0x75: if ByteOps.hasPrefixCaseless(pb, i, n, "upload") { return true }
            case 0x66: if ByteOps.hasPrefixCaseless(pb, i, n, "file") { return true }
            case 0x61: if ByteOps.hasPrefixCaseless(pb, i, n, "attach") || ByteOps.hasPrefixCaseless(pb, i, n, "avatar") { return true }
            case 0x6D: if ByteOps.hasPrefixCaseless(pb, i, n, "media") { return true }
            case 0x69: if ByteOps.hasPrefixCaseless(pb, i, n, "import") || ByteOps.hasPrefixCaseless(pb, i, n, "image") { return true }
            default: break
            }
        }
        return false
    }
}
