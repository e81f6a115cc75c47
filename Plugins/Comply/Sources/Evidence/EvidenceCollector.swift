import DSToolCryptoAudit
import DSToolKit
import DSToolScan
import Foundation

/// Collects, item by item as the host walks the evidence, only what the selected checks need:
/// configuration files are parsed, log heads timed, documents dated, tables sampled, and items
/// some check cares about scanned in full for personal data. Everything is judged at the end.
final class EvidenceCollector {
    let needs: EvidenceNeeds
    let evidence = Evidence()
    let sampleRows: Int
    let roots: [String]
    let asOf: Day
    /// Classifies sampled cells (this thread).
    let counter: PersonalDataClassifier?
    /// Scans whole items (worker threads).
    let pool: PersonalDataScanPool?
    private var scanned: [Int] = []
    private var scanFailed = Set<Int>()
    /// Reports an item that could not be used (one error record per item).
    var reportError: (String, String) -> Void = { _, _ in }
    private var backupIndex: [String: Int] = [:]
    /// Tables sampled on a worker: where their rows go in `evidence.tables`, filled by `finish()`.
    private var tableSlots: [(at: Int, task: Int, item: String, format: String, roles: ItemRoles)] = []
    private var chunk = [UInt8](repeating: 0, count: 1 << 20)
    let heads = HeadBuffers()

    static let configLimit = 4 << 20
    static let logHead = 64 << 10
    static let documentHead = 1 << 20
    static let tableHead = 4 << 20
    static let dumpHead = 8 << 20

    init(needs: EvidenceNeeds, sampleRows: Int, roots: [String], asOf: Day, workers: Int = 1) throws {
        self.needs = needs
        self.sampleRows = sampleRows
        self.roots = roots.map { $0.count > 1 && $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.asOf = asOf
        let kinds = Set(needs.piKinds.compactMap(PIIKind.init(rawValue:)))
        if kinds.isEmpty {
            counter = nil; pool = nil
        } else {
            counter = PersonalDataClassifier(kinds: kinds, minimumConfidence: 0.5)
            pool = needs.scanQuestions.isEmpty ? nil : PersonalDataScanPool(workers: workers)
        }
        evidence.inputs = roots
    }

    /// The chain with the input folder's own path removed (its name says nothing about the evidence).
    func relativeChain(_ chain: [String]) -> [String] {
        guard var first = chain.first else { return chain }
        for r in roots.sorted(by: { $0.count > $1.count }) {
            if first == r { first = (r as NSString).lastPathComponent; break }
            if r == "." { break }
            if first.hasPrefix(r + "/") { first = String(first.dropFirst(r.count + 1)); break }
        }
        return [first] + chain.dropFirst()
    }

    /// The questions the personal-data scan must answer about an item (none: it is not scanned).
    func questions(_ roles: ItemRoles, mode: UInt32?) -> [ScanQuestion] {
        guard pool != nil else { return [] }
        return needs.scanQuestions.filter { $0.applies(roles: roles, mode: mode) }
    }

    /// An archive whose name says what it holds (a rotated log, a backup): if the host hands over
    /// none of its entries, it could not be read, and the checks that need it must say so.
    private var openContainer: (name: String, roles: ItemRoles, entries: Int)?

    private func closeContainer(before item: InputItem?) {
        guard let c = openContainer else { return }
        if let item, item.chain.count > 1, item.chain.first == c.name || item.name.hasPrefix(c.name + "!") {
            openContainer!.entries += 1
            return
        }
        if c.entries == 0 {
            evidence.unreadable.append(UnreadableEvidence(item: c.name, roles: c.roles, configType: nil,
                                                          reason: "no entry of this archive could be read"))
        }
        openContainer = nil
    }

    deinit { pool?.stop() }

    /// Call after the last item: waits for the scans, then totals backups.
    func finish() throws {
        closeContainer(before: nil)
        if let pool {
            let results = try pool.finish()
            for i in scanned where !scanFailed.contains(i) { evidence.items[i].pi = results[i] ?? PIFacts() }
            // In item order, as if each table had been sampled when its item was read.
            for slot in tableSlots.reversed() {
                let tables = pool.taskResult(slot.task).map { name, acc in
                    TableEvidence(item: slot.item, table: name, format: slot.format, rowsSampled: acc.rows, columns: acc.columns, roles: slot.roles)
                }
                evidence.tables.insert(contentsOf: tables, at: slot.at)
            }
            tableSlots = []
        }
        if needs.backups { for ev in evidence.items { noteBackup(ev) } }
    }

    func add(_ item: InputItem) {
        closeContainer(before: item)
        let chain = relativeChain(item.chain)
        let cls = ItemClassifier.classify(name: item.name, chain: chain, mime: item.mime, magic: item.magic,
                                          isText: item.isText, isContainer: item.isContainer)
        let mode: UInt32? = (item.mode & 0o7777) != 0 || (item.mode & 0o170000) != 0 ? item.mode & 0o7777 : nil
        var ev = EvidenceItem(name: item.name, chain: item.chain, mode: mode, size: item.size, mtime: item.mtime,
                              inArchive: item.inArchive, roles: cls.roles, pi: nil, encryption: nil)
        if item.isEncrypted { ev.encryption = "encrypted archive entry" }
        let index = evidence.items.count
        defer { evidence.items.append(ev) }
        let ext = ((chain.last ?? item.name) as NSString).pathExtension.lowercased()
        let office = ["docx", "xlsx", "pptx", "odt", "ods"].contains(ext)
        // Archives are opened by the host, which hands over their entries next. An Office file that
        // libmagic calls a plain zip is still a document: read it from its own file (top level only,
        // so the host's expansion is not disturbed).
        if item.isContainer && !item.inArchive && !office {
            // What the archive would be as a plain file (syslog.2.gz is a log, db.tar.gz a backup).
            let inner = ItemClassifier.classify(name: item.name, chain: chain, mime: "", magic: "", isText: true, isContainer: false)
            let roles = cls.roles.union(inner.roles.intersection([.log]))
            if !roles.isDisjoint(with: [.log, .backup]) { openContainer = (item.name, roles, 0) }
        }
        if item.isEncrypted || (item.isContainer && !(office && !item.inArchive)) { return }
        let wantConfig = cls.configType.map { needs.configs.contains($0) } ?? false
        let wantLog = cls.roles.contains(.log) && needs.logs
        let isDoc = cls.roles.contains(.document) && needs.documents
        // Only documents a check can ask for are dated; the others just show documents were provided.
        let wantDoc = isDoc && !cls.documentKinds.isEmpty
        if isDoc && !wantDoc { evidence.documents.append(DocumentEvidence(item: item.name, kinds: [])) }
        let wantTable = cls.table != nil && (needs.tables || counter != nil)
        let wantMagic = cls.roles.contains(.backup) && needs.backups
        let wantCrypto = cls.roles.contains(.crypto) && needs.crypto
        let asked = questions(cls.roles, mode: mode)
        var scan = !asked.isEmpty
        if !(wantConfig || wantLog || wantDoc || wantTable || wantMagic || wantCrypto || scan) { return }

        // Parts that need the item as a file: SQLite databases and zipped Office documents.
        var tables: [(String?, ColumnAccumulator)] = []
        var docText: String?
        var docMeta: Day?
        var docMetaSource = ""
        if (cls.table == .sqlite && wantTable) || (office && (wantDoc || scan)) || (ext == "pdf" && wantDoc) {
            do {
                let path = try item.localPath()
                if cls.table == .sqlite {
                    tables = try SQLiteSampler.sample(path: path, maxRows: sampleRows, counter: counter).map { ($0.0, $0.1) }
                } else if ext == "pdf" {
                    docMeta = try Self.pdfMetadataDate(path: path)
                    docMetaSource = "PDF metadata"
                } else {
                    let parts = try OfficeParts.read(path: path, wanted: ["docProps/core.xml", "word/document.xml", "xl/sharedStrings.xml",
                                                                         "meta.xml", "content.xml", "ppt/slides/slide1.xml"])
                    docMeta = (parts["docProps/core.xml"] ?? parts["meta.xml"]).flatMap { DocumentDates.officeMetadataDate(String(decoding: $0, as: UTF8.self)) }
                    docMetaSource = "document properties"
                    let body = parts["word/document.xml"] ?? parts["xl/sharedStrings.xml"] ?? parts["content.xml"] ?? parts["ppt/slides/slide1.xml"]
                    docText = body.map { DocumentDates.xmlText(String(decoding: $0, as: UTF8.self)) }
                    if scan, let pool, let t = docText {
                        var feeder = try PersonalDataFeeder(pool: pool, item: index, questions: asked)
                        try Array(t.utf8).withUnsafeBytes { try feeder.feed($0) }
                        try feeder.finish(reachedEnd: true)
                        scanned.append(index)
                    }
                    scan = false  // the zip's own bytes are compressed: the text above was the content
                }
            } catch {
                fail(item, &ev, cls, reason: "\(error)")
                if cls.table == .sqlite { return }
            }
        }

        // One pass over the bytes: the head for the parsers, everything for the personal-data scan.
        var headLimit = 0
        if wantConfig || wantCrypto { headLimit = max(headLimit, Self.configLimit) }
        if wantLog { headLimit = max(headLimit, Self.logHead) }
        if wantDoc && !office { headLimit = max(headLimit, Self.documentHead) }
        if wantTable, case .delimited = cls.table { headLimit = max(headLimit, Self.tableHead) }
        if wantTable && cls.table == .sqlDump { headLimit = max(headLimit, Self.dumpHead) }
        if wantMagic { headLimit = max(headLimit, 64) }
        if office || ext == "pdf" { headLimit = wantMagic ? 64 : 0 }
        var head = headLimit > 0 ? heads.take(capacity: min(headLimit, Int(clamping: item.size ?? Int64(headLimit)))) : []
        // A head handed to a table sampler is given back by the sampler (and `head` emptied).
        defer { heads.giveBack(head) }
        var complete = false
        if headLimit > 0 || scan {
            let decode = ["utf-16le", "utf-16be", "gb18030"].contains(item.encoding)
            var feeder: PersonalDataFeeder?
            do {
                if scan, let pool {
                    feeder = try PersonalDataFeeder(pool: pool, item: index, questions: asked)
                    scanned.append(index)
                }
                func readSome(_ p: UnsafeMutableRawBufferPointer) throws -> Int {
                    if decode { return try item.readText(into: p.bindMemory(to: UInt8.self)) }
                    return try item.read(into: p)
                }
                func keepHead(_ slice: UnsafeRawBufferPointer) {
                    if head.count < headLimit { head.append(contentsOf: slice.prefix(headLimit - head.count)) }
                }
                while true {
                    let n: Int
                    if feeder != nil && !feeder!.answered && feeder!.free >= PersonalDataFeeder.minimumRead {
                        // Straight into the scan's segment.
                        n = try feeder!.read(from: readSome, seen: keepHead)
                    } else {
                        n = try chunk.withUnsafeMutableBytes { try readSome($0) }
                        try chunk.withUnsafeBytes { p in
                            let slice = UnsafeRawBufferPointer(rebasing: p[0..<n])
                            if feeder != nil { try feeder!.feed(slice) }
                            keepHead(slice)
                        }
                    }
                    if n == 0 { complete = true; break }
                    // Stop once the head is read and the scan (if any) has its answers.
                    if head.count >= headLimit && (feeder == nil || feeder!.answered) { break }
                }
                try feeder?.finish(reachedEnd: complete)
            } catch {
                if scan { scanFailed.insert(index) }
                fail(item, &ev, cls, reason: "\(error)", reported: true)
                return
            }
        }

        if wantMagic { ev.encryption = EncryptionMagic.detect(head: Array(head.prefix(64)), magic: item.magic) }
        if let t = cls.configType, wantConfig {
            if item.encoding == "binary" && !head.isEmpty && head.contains(0) {
                fail(item, &ev, cls, reason: "\(t.rawValue) configuration is not a text file")
            } else {
                let parsed = ConfigParsers.parse(String(decoding: head, as: UTF8.self), type: t)
                evidence.configs.append(ConfigFileEvidence(type: t, item: item.name, group: cls.configGroup, isDropIn: cls.configIsDropIn,
                                                           entries: parsed.entries, logrotate: parsed.logrotate))
            }
        }
        if wantCrypto && !(item.encoding == "binary" && head.contains(0)) {
            let text = String(decoding: head, as: UTF8.self)
            if let dialect = CryptoAuditEngine.configDialect(name: item.name, text: text) {
                evidence.crypto.examined += 1
                let settings = AuditSettings(now: Int64(asOf.ordinal) * 86400)
                for f in CryptoAuditEngine.auditConfig(name: item.name, text: text, dialect: dialect, settings: settings) {
                    evidence.crypto.observations.append(CryptoObservation(
                        item: item.name, line: f.location.line, ruleId: f.ruleId, severity: f.severity, message: f.message ?? f.title,
                        classification: f.properties?["classification"]?.stringValue ?? "unknown"))
                }
            }
        }
        if wantLog {
            var log = LogEvidence(item: item.name)
            // Syslog lines have no year: they are placed before the file was last written, and
            // never after the evaluation day (copies of evidence often carry a later mtime).
            let endOfAsOf = Int64(asOf.ordinal + 1) * 86400
            let reference = min(item.mtime ?? endOfAsOf, endOfAsOf)
            if let (t, line, examined) = LogTimestamps.oldest(in: head, reference: reference) {
                log.oldest = t; log.oldestLine = line; log.linesExamined = examined
            }
            evidence.logs.append(log)
        }
        if wantDoc {
            if ext == "pdf" || office {
                // Dated from metadata and the extracted text above.
            } else {
                docText = String(decoding: head, as: UTF8.self)
            }
            var doc = DocumentEvidence(item: item.name, kinds: cls.documentKinds)
            if let (day, source, line) = DocumentDates.choose(text: docText, metadata: docMeta, metadataSource: docMetaSource, asOf: asOf) {
                doc.date = day; doc.dateSource = source; doc.dateLine = line
            }
            evidence.documents.append(doc)
        }
        if wantTable {
            let (rows, counter, heads) = (sampleRows, self.counter, self.heads)
            var sample: (() -> [(String?, ColumnAccumulator)])?
            switch cls.table {
            case .delimited(let d)?:
                let headBytes = head
                head = []
                sample = { [complete] in
                    defer { heads.giveBack(headBytes) }
                    return DelimitedSampler.sample(headBytes, delimiter: d, complete: complete, maxRows: rows, counter: counter).map { [(nil, $0)] } ?? []
                }
            case .sqlDump?:
                let headBytes = head
                head = []
                sample = {
                    defer { heads.giveBack(headBytes) }
                    return SQLDumpSampler.sample(headBytes, maxRows: rows, counter: counter).map { ($0.0, $0.1) }
                }
            default: break
            }
            // Parsing a table's head is the reading thread's largest own cost: a worker does it
            // while the next items are read.
            if let sample {
                if let pool {
                    let format = cls.table.map { "\($0)" } ?? "?"
                    tableSlots.append((evidence.tables.count, pool.submitTask(sample), item.name, format, cls.roles))
                } else {
                    tables += sample()
                }
            }
            for (name, acc) in tables {
                evidence.tables.append(TableEvidence(item: item.name, table: name, format: cls.table.map { "\($0)" } ?? "?",
                                                     rowsSampled: acc.rows, columns: acc.columns, roles: cls.roles))
            }
        }
    }

    /// An item that could not be used: its controls answer "error", the rest go on.
    private func fail(_ item: InputItem, _ ev: inout EvidenceItem, _ cls: Classification, reason: String, reported: Bool = false) {
        evidence.unreadable.append(UnreadableEvidence(item: item.name, roles: cls.roles, configType: cls.configType, reason: reason))
        ev.pi = nil
        // Read errors were already reported by the host; our own parse failures are reported here.
        if !reported { reportError(item.name, reason) }
    }

    private func noteBackup(_ ev: EvidenceItem) {
        if ev.roles.contains(.backup) {
            backupIndex[ev.name] = evidence.backups.count
            var b = BackupEvidence(item: ev.name)
            b.encryption = ev.encryption
            if let pi = ev.pi { b.pi = pi; b.scanned = true; if !pi.isEmpty { b.piItems.append(ev.name) } }
            evidence.backups.append(b)
        } else if ev.roles.contains(.inBackup), let i = backupIndex[ev.topLevel] {
            evidence.backups[i].entries += 1
            if ev.encryption != nil { evidence.backups[i].encryptedEntries += 1 }
            if let pi = ev.pi {
                evidence.backups[i].scanned = true
                if !pi.isEmpty { evidence.backups[i].pi.add(pi); if evidence.backups[i].piItems.count < 50 { evidence.backups[i].piItems.append(ev.name) } }
            }
        }
    }

    /// The PDF information dictionary is usually at the end: read the first and last 256 KiB.
    static func pdfMetadataDate(path: String) throws -> Day? {
        guard let fh = FileHandle(forReadingAtPath: path) else { throw DSToolError.io("cannot open") }
        defer { try? fh.close() }
        let size = try fh.seekToEnd()
        try fh.seek(toOffset: 0)
        var bytes = [UInt8](try fh.read(upToCount: 256 << 10) ?? Data())
        if size > 512 << 10 {
            try fh.seek(toOffset: size - (256 << 10))
            bytes += [UInt8](try fh.read(upToCount: 256 << 10) ?? Data())
        } else {
            bytes += [UInt8](try fh.readToEnd() ?? Data())
        }
        return DocumentDates.pdfDate(bytes)
    }
}
