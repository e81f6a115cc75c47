import DSToolKit
import FoundationEssentials

/// What kind of evidence an item is, decided from its name and the host's type detection.
enum ItemKind: Equatable {
    case source(SourceLanguage)
    /// A configuration file of some dialect, or a value file, or both; decided from the text.
    case configuration
    case valueFile(ValueFileFormat)
    case keyMaterial(expectContainer: Bool)
    case binary
    /// Small text that may hold an embedded PEM key.
    case otherText
    case skip

    static let keyExtensions: Set<String> = ["pem", "crt", "cer", "der", "key", "p12", "pfx", "p8", "pk8", "cert"]
    static let keyNames: Set<String> = ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"]
    static let configNames: Set<String> = ["java.security", "server.xml", "openssl.cnf", "nginx.conf", "httpd.conf", "apache2.conf", "haproxy.cfg"]
    static let configExtensions: Set<String> = ["conf", "cfg", "cnf", "xml", "security"]

    /// The last non-empty component of a slash-separated name (the name itself if it has none).
    static func baseName(_ name: String) -> Substring {
        var end = name.endIndex
        while end > name.startIndex && name.utf8[name.utf8.index(before: end)] == 0x2F { end = name.utf8.index(before: end) }
        guard end > name.startIndex else { return name[...] }
        let trimmed = name[..<end]
        guard let slash = trimmed.utf8.lastIndex(of: 0x2F) else { return trimmed }
        return trimmed[trimmed.utf8.index(after: slash)...]
    }

    static func classify(name: String, mime: String, magic: String, isText: Bool, size: Int64?) -> ItemKind {
        let lower = baseName(name).lowercased()
        // Most items are source files: decided by the extension before anything else is looked at.
        if let lang = SourceLanguage.detect(name: lower) { return .source(lang) }
        let ext = lower.lastIndex(of: ".").map { String(lower[lower.index(after: $0)...]) } ?? ""
        if keyExtensions.contains(ext) { return .keyMaterial(expectContainer: true) }
        if keyNames.contains(lower) || (lower.hasPrefix("ssh_host_") && lower.hasSuffix("_key")) { return .keyMaterial(expectContainer: true) }
        if magic.contains("private key") || magic.contains("certificate") || magic.hasPrefix("PEM") { return .keyMaterial(expectContainer: false) }
        if magic.hasPrefix("ELF") || mime.contains("x-executable") || mime.contains("x-sharedlib") || mime.contains("x-pie-executable")
            || mime.contains("x-object") || mime.contains("x-dosexec") || mime.contains("x-mach-binary") {
            return .binary
        }
        if configNames.contains(lower) || lower.hasPrefix("sshd_config") || lower.hasPrefix("ssh_config") || configExtensions.contains(ext) {
            return .configuration
        }
        if let f = ValueFileFormat.detect(name: lower) { return .valueFile(f) }
        if isText && (size ?? 0) <= 256 << 10 { return .otherText }
        return .skip
    }
}

/// A source file's results from a worker.
struct SourceResult {
    var facts: FileFacts
    var embedded: CertificateAnalyzer.Result
    /// The file's location, which its uses' locations start from.
    var base: Location
}

/// A source file's results until the second pass takes them (once, on whichever worker). The
/// worker that lexed the file puts them in the box, so sorting, merging and handing them over
/// moves a reference, not the results (copying them retained and released every part).
final class SourceSlot: @unchecked Sendable {
    private var result: SourceResult?
    init(_ result: SourceResult) { self.result = result }
    /// The file's exportable constants, before the second pass takes the results (read field by
    /// field: passing the whole result to a closure copied it, a retain and release per part).
    var constants: [(name: String, value: SymbolValue)] { result!.facts.constants }
    /// Errors of the PEM blocks embedded in the file, with the file's name.
    var embeddedErrors: (input: String, errors: [(reason: String, code: String)]) { (result!.base.input, result!.embedded.errors) }
    /// Moves the results out (no copy of them, and none left to destroy here).
    func take() -> SourceResult {
        var taken: SourceResult?
        swap(&taken, &result)
        return taken!
    }
}

/// One run of the audit: reads the items, fans source files out to workers, resolves across the
/// tree, probes TLS endpoints, then reports findings, the inventory, the coverage and the CBOM.
final class AuditRun {
    let context: PluginContext
    let options: AuditOptions
    let p12Password: [UInt8]?

    /// Observations by item sequence, with the item's base location.
    private var direct: [(seq: Int, obs: [Observation])] = []
    private var config = ConfigValues()
    private var constants = GlobalConstants()
    private var inputErrors = 0
    static let maxTextSize = 64 << 20
    static let maxKeyFileSize = 16 << 20

    init(context: PluginContext, options: AuditOptions, p12Password: [UInt8]?) {
        self.context = context
        self.options = options
        self.p12Password = p12Password
    }

    func error(_ input: String, _ reason: String, _ code: String) {
        inputErrors += 1
        context.emitError(input: input, reason: reason, code: code)
    }

    func execute() throws -> PluginStatus {
        let scanners = (0..<options.jobs).map { _ in SourceScanner() }
        let buffers = SourceBufferPool()
        let pool = WorkerPool<(bytes: SourceBuffer, lang: SourceLanguage, raw: Bool, base: Location), SourceSlot>(threads: options.jobs) { job, w in
            let text = job.bytes.bytes
            let facts = scanners[w].scan(text, language: job.lang, rawOffsets: job.raw)
            var embedded = CertificateAnalyzer.Result()
            if ByteSearch.find(CertificateAnalyzer.pemMarker, in: text) != nil {
                CertificateAnalyzer.analyzePEM(Array(text), base: job.base, into: &embedded)
            }
            buffers.give(job.bytes)
            return SourceSlot(SourceResult(facts: facts, embedded: embedded, base: job.base))
        }
        var seq = 0
        var done: UInt64 = 0
        while let item = context.nextItem() {
            if context.isCancelled { break }
            seq += 1
            done += 1
            if done & 255 == 0 { context.progress(done: done, total: 0, label: item.name) }
            if item.isEncrypted || item.isContainer && !item.isText { continue }
            let name = item.entry ?? item.path
            let kind = ItemKind.classify(name: name, mime: item.mime, magic: item.magic, isText: item.isText, size: item.size)
            let base = item.location()
            switch kind {
            case .skip:
                continue
            case .source(let lang):
                guard let (bytes, raw) = readSource(item, limit: Self.maxTextSize, into: buffers.take()) else { continue }
                pool.submit(index: seq, job: (bytes, lang, raw, base), bytes: bytes.count)
            case .configuration:
                guard let (bytes, _) = readText(item, limit: Self.maxTextSize) else { continue }
                let text = String(decoding: bytes, as: UTF8.self)
                var obs = CryptoAuditEngine.configObservations(name: name, text: text, dialect: nil, base: base)
                if obs.isEmpty && ConfigDialect.detect(name: name, text: Substring(text)) == nil, let f = ValueFileFormat.detect(name: name) {
                    obs += collectValues(f.parse(text), base: base)
                }
                obs += embeddedKeys(bytes, base: base, input: item.name)
                direct.append((seq, obs))
            case .valueFile(let f):
                guard let (bytes, _) = readText(item, limit: Self.maxTextSize) else { continue }
                let text = String(decoding: bytes, as: UTF8.self)
                var obs = collectValues(f.parse(text), base: base)
                obs += embeddedKeys(bytes, base: base, input: item.name)
                direct.append((seq, obs))
            case .keyMaterial(let expect):
                guard let bytes = readRaw(item, limit: Self.maxKeyFileSize) else { continue }
                let r = CertificateAnalyzer.analyze(bytes, base: base, p12Password: p12Password, expectContainer: expect)
                for e in r.errors { error(item.name, e.reason, e.code) }
                direct.append((seq, r.observations))
            case .binary:
                let obs = analyzeBinary(item, base: base)
                direct.append((seq, obs))
            case .otherText:
                guard let (bytes, _) = readText(item, limit: 256 << 10) else { continue }
                let obs = embeddedKeys(bytes, base: base, input: item.name)
                if !obs.isEmpty { direct.append((seq, obs)) }
            }
        }
        var sources = pool.finish()

        // Second pass: constants and configuration values of the whole tree.
        for (_, slot) in sources { constants.merge(slot.constants) }
        for (_, slot) in sources {
            let (input, errors) = slot.embeddedErrors
            for e in errors { error(input, e.reason, e.code) }
        }

        // Live endpoints, after the files (their order is the order given).
        var endpointObservations: [Observation] = []
        for target in options.tlsTargets {
            let probe = TLSProbe(target: target, timeout: options.tlsTimeout, serverName: options.tlsServerName)
            let r = probe.run()
            for e in r.errors { error("tls:\(target)", e, "crypto.tls.probe") }
            endpointObservations += r.observations
            if let summary = r.summary { context.emit(summary) }
        }

        // Observations in input order, file by file (`direct` and `sources` are each in item
        // order): a source file's pending uses are resolved only when its turn comes, so the
        // whole tree's observations are never held at once. Resolving and judging a file, and
        // writing its findings, is done on the workers; the findings are emitted, de-duplicated
        // and put in the inventory here, in input order.
        enum Unit { case direct(Int), source(Int), endpoints }
        // Each source file's results in a box of its own, released by the worker that resolves
        // the file (not all at once on this thread at the end).
        let sourceSeqs = sources.map(\.0)
        let sourceSlots = sources.map(\.1)
        sources = []
        var units: [Unit] = []
        units.reserveCapacity(direct.count + sourceSeqs.count + 1)
        var d = 0, k = 0
        while d < direct.count || k < sourceSeqs.count {
            if k == sourceSeqs.count || (d < direct.count && direct[d].seq < sourceSeqs[k]) {
                units.append(.direct(d)); d += 1
            } else {
                units.append(.source(k)); k += 1
            }
        }
        if !endpointObservations.isEmpty { units.append(.endpoints) }
        let judges = (0..<options.jobs).map { _ in Judge(settings: options.settings) }
        let resolvers = (0..<options.jobs).map { _ in TreeResolver(constants: constants, config: config) }
        // What the workers read (never written while they run).
        let directObservations = direct, endpoints = endpointObservations
        var reporter = Reporter(run: self)
        OrderedPipeline.run(count: units.count, threads: options.jobs, work: { i, w -> JudgedUnit in
            switch units[i] {
            case .direct(let d):
                return judges[w].judge(directObservations[d].obs)
            case .source(let k):
                let r = sourceSlots[k].take()
                var obs = resolvers[w].observations(r.facts, base: r.base)
                obs += r.embedded.observations
                return judges[w].judge(obs)
            case .endpoints:
                return judges[w].judge(endpoints)
            }
        }, consume: { reporter.add($0) })
        try reporter.finish()
        return inputErrors > 0 ? .inputErrors : .ok
    }

    // MARK: - Reading

    /// The item as UTF-8: raw bytes when it already is UTF-8 (offsets then are file offsets),
    /// else decoded by the host. nil after reporting an error.
    func readText(_ item: InputItem, limit: Int) -> ([UInt8], Bool)? {
        if let size = item.size, size > Int64(limit) {
            error(item.name, "skipped: larger than \(limit >> 20) MiB", "crypto.input.too-large")
            return nil
        }
        do {
            if item.encoding == "utf-8" || item.encoding == "binary" {
                return (try Self.readBytes(item, limit: limit), true)
            }
            return (Array(try item.readAllText(limit: limit).utf8), false)
        } catch {
            // Read errors are reported by the host already.
            inputErrors += 1
            return nil
        }
    }

    /// `readText` into a buffer used again for later files (see `SourceBuffer`).
    func readSource(_ item: InputItem, limit: Int, into buffer: SourceBuffer) -> (SourceBuffer, Bool)? {
        if let size = item.size, size > Int64(limit) {
            error(item.name, "skipped: larger than \(limit >> 20) MiB", "crypto.input.too-large")
            return nil
        }
        do {
            if item.encoding == "utf-8" || item.encoding == "binary" {
                try buffer.read(item, limit: limit)
                return (buffer, true)
            }
            var decoded = try item.readAllText(limit: limit)
            buffer.removeAll()
            decoded.withUTF8 { buffer.append(UnsafeRawBufferPointer($0)) }
            return (buffer, false)
        } catch {
            // Read errors are reported by the host already.
            inputErrors += 1
            return nil
        }
    }

    func readRaw(_ item: InputItem, limit: Int) -> [UInt8]? {
        if let size = item.size, size > Int64(limit) {
            error(item.name, "skipped: larger than \(limit >> 20) MiB", "crypto.input.too-large")
            return nil
        }
        do { return try Self.readBytes(item, limit: limit) } catch { inputErrors += 1; return nil }
    }

    /// As `item.readAll(limit:)`, read straight into an array of the size the host reports
    /// (readAll zeroes a 64 KiB chunk per item and copies out of it; most items are a few KiB).
    static func readBytes(_ item: InputItem, limit: Int) throws -> [UInt8] {
        let expected = Int(clamping: max(item.size ?? 0, 0))
        guard expected > 0, expected <= limit else { return try item.readAll(limit: limit) }
        var filled = 0
        // One byte more than expected: an item that grew is noticed and read on below.
        var out = try [UInt8](unsafeUninitializedCapacity: expected + 1) { buffer, count in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            while filled < raw.count {
                let n = try item.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                if n == 0 { break }
                filled += n
            }
            count = filled
        }
        if filled <= expected { return out }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if out.count > limit { throw DSToolError.io("larger than \(limit) bytes") }
            let n = try chunk.withUnsafeMutableBytes { try item.read(into: $0) }
            if n == 0 { return out }
            if out.count + n > limit { throw DSToolError.io("larger than \(limit) bytes") }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    func embeddedKeys(_ bytes: [UInt8], base: Location, input: String) -> [Observation] {
        guard CertificateAnalyzer.contains(bytes, CertificateAnalyzer.pemMarker) else { return [] }
        var r = CertificateAnalyzer.Result()
        CertificateAnalyzer.analyzePEM(bytes, base: base, into: &r)
        for e in r.errors { error(input, e.reason, e.code) }
        return r.observations
    }

    /// Remembers a value file's settings for the second pass and reports what they say by themselves.
    func collectValues(_ entries: [ConfigEntry], base: Location) -> [Observation] {
        for e in entries where e.value.utf8.count <= 1024 { config.add(e.key, e.value) }
        return ValueFileAuditor.observations(entries, base: base)
    }

    func analyzeBinary(_ item: InputItem, base: Location) -> [Observation] {
        do {
            let path = try item.localPath()
            let r = try BinaryAnalyzer.analyze(path: path, base: base)
            for e in r.errors { error(item.name, e, "crypto.binary.corrupt") }
            return r.observations
        } catch {
            self.error(item.name, "\(error)", "crypto.binary.read")
            return []
        }
    }

    // MARK: - Report

    /// Reports judged observations in input order: each finding is emitted at once (in observation
    /// order, as the rules list them) unless the same rule said the same of the same place before;
    /// every observation goes into the inventory. `finish` reports the inventory, the coverage and
    /// the CBOM.
    struct Reporter {
        let run: AuditRun
        var inventory = Inventory()
        var dedup = FindingDeduplicator()

        init(run: AuditRun) { self.run = run }

        mutating func add(_ unit: JudgedUnit) {
            var h = 0
            // Observations are read in place through a buffer pointer (a `for o in`, and the
            // Array's subscript, copied each, retaining all its parts).
            unit.observations.withUnsafeBufferPointer { observed in
            unit.hits.withUnsafeBufferPointer { hits in
                for j in observed.indices {
                    let ids = inventory.add(observedAt: observed.baseAddress! + j)
                    while h < unit.hitEnds[j] {
                        // Fields read through the pointer: the hit is not copied whole.
                        let hit = hits.baseAddress! + h
                        h += 1
                        guard dedup.accept(rule: hit.pointee.rule, location: observed[j].location, subject: hit.pointee.subject) else { continue }
                        run.context.emit(hit.pointee.finding)
                        inventory.attach(ruleId: AuditRules.definitions[hit.pointee.rule].id, to: ids)
                    }
                }
            }
            }
        }

        func finish() throws {
            let context = run.context, options = run.options
            let lang = context.request.lang
            if options.inventory {
                for a in inventory.sortedAssets { context.emit(InventoryRecords.asset(a, lang: lang)) }
            }
            context.emit(InventoryRecords.coverage(inventory.coverage(), clauses: options.settings.clauses))
            if options.format == "cbom" || options.cbomPath != nil {
                let doc = CBOMWriter.document(inventory, timestamp: options.settings.now)
                let data = try DSJSON.encode(doc, pretty: true)
                for path in [options.format == "cbom" ? "-" : nil, options.cbomPath].compactMap({ $0 }) {
                    let out = try context.openOutput(path, replace: true)
                    do {
                        try out.write(Array(data))
                        try out.write("\n")
                        try out.commit()
                    } catch {
                        out.abort()
                        throw error
                    }
                }
            }
        }
    }
}
