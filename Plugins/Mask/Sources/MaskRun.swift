import DSToolKit
import Foundation

/// One `dstool mask` or `dstool unmask` run over its inputs.
final class MaskRun {
    let context: PluginContext
    let options: MaskOptions
    let basePolicy: MaskPolicy
    let keys: KeyRing?
    private var status = PluginStatus.ok
    private var engine: MaskEngine?
    /// The policy actually applied (with --auto: what was detected), for --emit-policy.
    private var appliedPolicy: MaskPolicy
    private let outputIsDirectory: Bool
    private var usedOutputs: Set<String> = []
    /// Whether free text was masked (then the text rules belong in the emitted policy).
    private var usedTextRules = false
    /// The current input's output encoding, and its converter when that is not UTF-8.
    private var outputEncoding = OutputEncoding.utf8
    private var outputByteOrderMark = false
    private var transcoder: OutputTranscoder?

    init(context: PluginContext, options: MaskOptions, policy: MaskPolicy, keys: KeyRing?) throws {
        self.context = context
        self.options = options
        self.basePolicy = policy
        self.keys = keys
        self.appliedPolicy = policy
        var isDir: ObjCBool = false
        if let out = options.output, out != "-" {
            outputIsDirectory = out.hasSuffix("/") || (FileManager.default.fileExists(atPath: out, isDirectory: &isDir) && isDir.boolValue)
        } else {
            outputIsDirectory = false
        }
        let inputs = context.request.inputs
        if inputs.count > 1 && !outputIsDirectory {
            throw DSToolError.usage("several inputs need -o DIR (an existing folder): each gets its own masked copy")
        }
        if outputIsDirectory, let out = options.output, !FileManager.default.fileExists(atPath: out) {
            throw DSToolError.usage("-o \(out): no such folder")
        }
        if !options.auto {
            do {
                engine = try MaskEngine(policy: policy, direction: options.direction, onInvalid: options.onInvalid, keys: keys)
            } catch let e as PolicyError {
                throw DSToolError.usage(e.message)
            }
        }
    }

    func execute() throws -> PluginStatus {
        while let item = context.nextItem() {
            if context.isCancelled { break }
            process(item)
        }
        if let engine {
            let unused = engine.rules.filter { !$0.matchedSomewhere }.map(\.spec.field)
            if !unused.isEmpty && options.direction == .mask {
                context.log(.warning, "policy fields that matched nothing in any input: \(unused.joined(separator: ", "))")
            }
        }
        try emitPolicy()
        return status
    }

    // MARK: - one input

    private func process(_ item: InputItem) {
        let name = item.name
        do {
            let destination = try self.destination(for: item)
            let decode = ["gb18030", "utf-16le", "utf-16be"].contains(item.encoding)
            let itemSource = ItemSource(item, decode: decode)
            let source = try PeekSource(ReadReportingSource(itemSource))
            let format = try source.head.withUnsafeBufferPointer {
                try InputFormat.detect(name: item.isStdin ? "" : item.path, head: $0, forced: options.inputFormat)
            }
            // Text goes back out in the input's encoding unless --output-encoding says otherwise
            // (a UTF-16 byte-order mark is kept when the input had one); SQLite is binary.
            let inputEncoding = OutputEncoding.of(input: decode ? item.encoding : "utf-8")
            outputEncoding = format == .sqlite ? .utf8 : (options.outputEncoding ?? inputEncoding)
            outputByteOrderMark = outputEncoding == inputEncoding && (itemSource.firstRawOffset ?? 2) == 2
            transcoder = nil
            if format != .csv && format != .tsv && basePolicy.k != nil {
                throw DSToolError.usage("--k applies to CSV and TSV inputs")
            }
            var summary = InputSummary(input: name, output: destination, format: format, encoding: decode ? item.encoding : nil)
            summary.outputEncoding = outputEncoding
            let engine: MaskEngine
            switch format {
            case .csv, .tsv:
                let csv = csvOptions(item: item, format: format)
                engine = try engineFor { try $0.csvRules(head: source.head, delimiter: csv.delimiter, header: csv.header, table: csv.table) }
                engine.resetCounts()
                engine.validatesUTF8 = outputEncoding != .utf8
                try maskDelimited(item: item, source: source, options: csv, engine: engine, destination: destination, summary: &summary)
            case .jsonl:
                engine = try engineFor { detector in
                    var lines: [UnsafeBufferPointer<UInt8>] = []
                    return source.head.withUnsafeBufferPointer { h in
                        var start = 0
                        for k in 0..<h.count where h[k] == 10 {
                            if k > start { lines.append(UnsafeBufferPointer(rebasing: h[start..<k])) }
                            start = k + 1
                        }
                        return detector.jsonRules(values: lines)
                    }
                }
                engine.resetCounts()
                engine.validatesUTF8 = outputEncoding != .utf8
                try maskJSON(source: source, document: nil, engine: engine, destination: destination, summary: &summary)
            case .json:
                let document = try JSONMasker.readDocument(source)
                engine = try engineFor { detector in document.withUnsafeBufferPointer { detector.jsonRules(values: [$0]) } }
                engine.resetCounts()
                engine.validatesUTF8 = outputEncoding != .utf8
                try maskJSON(source: source, document: document, engine: engine, destination: destination, summary: &summary)
            case .text:
                engine = try engineFor { _ in [] }
                engine.resetCounts()
                engine.validatesUTF8 = outputEncoding != .utf8
                try maskText(item: item, source: source, engine: engine, destination: destination, summary: &summary)
            case .sqlite:
                var spool: TemporaryFile?
                defer { spool?.remove() }
                let path: String
                if item.isStdin {
                    let file = try TemporaryFile(suffix: ".db")
                    spool = file
                    try copy(source, into: file)
                    path = file.path
                } else {
                    path = try item.localPath()
                }
                engine = try engineFor { try $0.sqliteRules(path: path) }
                engine.resetCounts()
                engine.validatesUTF8 = outputEncoding != .utf8
                try maskSQLite(inputPath: path, engine: engine, destination: destination, summary: &summary)
            }
            summary.rules = (engine.rules + (format == .text ? engine.textRules : [])).filter { $0.masked + $0.invalid + $0.nulls > 0 }.map {
                InputSummary.RuleCounts(field: $0.spec.field, strategy: $0.spec.strategy, masked: $0.masked, invalid: $0.invalid, removed: $0.nulls)
            }
            summary.onInvalid = engine.onInvalid
            summary.unrepresentable = transcoder?.unrepresentable ?? 0
            summary.direction = options.direction
            context.emit(summary.record())
        } catch let f as InputFailure {
            status = .inputErrors
            context.emitError(input: name, reason: f.reason + "; nothing was written for it", code: "mask.invalid")
        } catch let e as ReadFailure {
            // The host already reported the read error for this item.
            _ = e
            status = .inputErrors
        } catch let DSToolError.usage(message) {
            status = .inputErrors
            context.emitError(input: name, reason: message, code: "mask.usage")
        } catch {
            status = .inputErrors
            context.emitError(input: name, reason: "\(error)", code: "mask.failed")
        }
    }

    /// The policy's engine, or with --auto one for this input: the policy's rules plus the
    /// fields `detect` finds (which also go into the emitted policy).
    private func engineFor(_ detect: (AutoDetect) throws -> [FieldSpec]) throws -> MaskEngine {
        if let engine { return engine }
        let detected = try detect(try AutoDetect(withKey: keys != nil))
        var policy = basePolicy
        let covered = Set(policy.fields.map(\.field))
        let added = detected.filter { !covered.contains($0.field) }
        policy.fields += added
        for spec in added where !appliedPolicy.fields.contains(where: { $0.field == spec.field }) { appliedPolicy.fields.append(spec) }
        do {
            return try MaskEngine(policy: policy, direction: options.direction, onInvalid: options.onInvalid, keys: keys)
        } catch let e as PolicyError {
            throw DSToolError.usage(e.message)
        }
    }

    private func copy(_ source: ByteSource, into file: TemporaryFile) throws {
        try pump(source) { try file.write(UnsafeRawBufferPointer($0)) }
    }

    private func csvOptions(item: InputItem, format: InputFormat) -> CSVMasker.Options {
        var o = CSVMasker.Options()
        o.delimiter = options.delimiter ?? basePolicy.delimiter.flatMap { $0 == "\\t" ? 9 : $0.utf8.first } ?? (format == .tsv ? 9 : 44)
        o.header = !options.noHeader && (basePolicy.header ?? true)
        o.table = item.isStdin ? nil : ((item.path as NSString).lastPathComponent as NSString).deletingPathExtension
        return o
    }

    /// Where the masked copy of `item` goes: standard output, the -o file, or DIR/<name>.
    private func destination(for item: InputItem) throws -> String {
        guard let out = options.output, out != "-" else {
            return "-"
        }
        var path = out
        if outputIsDirectory {
            let base = item.isStdin ? "stdin" : (item.path as NSString).lastPathComponent
            path = (out as NSString).appendingPathComponent(base)
        }
        // Never the input itself (whatever the spelling), never twice in one run.
        if !item.isStdin {
            let a = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
            let b = URL(fileURLWithPath: item.path, relativeTo: URL(fileURLWithPath: options.cwd)).standardizedFileURL.resolvingSymlinksInPath().path
            if a == b { throw DSToolError.usage("the output \(path) is the input itself; refusing to overwrite it") }
        }
        guard usedOutputs.insert(path).inserted else {
            throw DSToolError.usage("\(path) was already written in this run (two inputs with the same name)")
        }
        return path
    }

    /// Runs `body` on the output for `destination`; it is committed only if `body` succeeds.
    private func writeOutput(_ destination: String, _ body: (ByteSink) throws -> Void) throws {
        let failing = (options.onInvalid ?? engine?.onInvalid) == .fail
        transcoder = outputEncoding == .utf8 ? nil
            : try OutputTranscoder(outputEncoding, byteOrderMark: outputByteOrderMark, failOnUnrepresentable: failing)
        let target = try OutputTarget(context: context, path: destination, replace: options.overwrite,
                                      stage: destination == "-" && failing, transcoder: transcoder)
        do {
            try body(target.sink)
            try target.commit()
        } catch {
            target.abort()
            throw error
        }
    }

    // MARK: - delimited text

    private func maskDelimited(item: InputItem, source: PeekSource, options csvOptions: CSVMasker.Options, engine: MaskEngine,
                               destination: String, summary: inout InputSummary) throws {
        let quasi = basePolicy.quasi.map(FieldName.init)
        var anonymity: KAnonymity?
        var suppress: Set<Int> = []
        var passSource: ByteSource = source
        var spool: TemporaryFile?
        defer { spool?.remove() }

        if let k = basePolicy.k, basePolicy.suppressBelowK {
            // Pass one: the groups of the masked quasi-identifiers, reading through a spool for pass two.
            let file = try TemporaryFile()
            spool = file
            let first = CSVMasker(engine: engine, options: csvOptions)
            first.quasiNames = quasi
            let groups = KAnonymity(k: k, quasi: basePolicy.quasi)
            first.kAnonymity = groups
            try first.run(TeeSource(source, to: file), to: nil, input: item.name)
            try checkQuasi(first)
            let before = groups.report()
            suppress = Set(before.recordsBelowK)
            summary.kAnonymityBefore = before
            engine.resetCounts()
                engine.validatesUTF8 = outputEncoding != .utf8
            passSource = try FileSource(path: file.path)
        }
        if basePolicy.k == nil && context.request.jobs > 1 {
            let parallel = ParallelCSV(engine: engine, options: csvOptions, jobs: context.request.jobs)
            try writeOutput(destination) { sink in try parallel.run(passSource, to: sink, input: item.name) }
            summary.records = parallel.counts.records
            summary.malformed = parallel.counts.malformed
            summary.firstMalformed = parallel.counts.firstMalformedLine.map { "line \($0): \(parallel.counts.firstMalformedReason ?? "")" }
            return
        }
        let masker = CSVMasker(engine: engine, options: csvOptions)
        masker.quasiNames = quasi
        masker.suppress = suppress
        if let k = basePolicy.k {
            anonymity = KAnonymity(k: k, quasi: basePolicy.quasi)
            masker.kAnonymity = anonymity
        }
        try writeOutput(destination) { sink in
            try masker.run(passSource, to: sink, input: item.name)
            try checkQuasi(masker)
        }
        summary.records = masker.counts.records
        summary.malformed = masker.counts.malformed
        summary.firstMalformed = masker.counts.firstMalformedLine.map { "line \($0): \(masker.counts.firstMalformedReason ?? "")" }
        summary.suppressed = masker.counts.suppressed
        if let anonymity { reportAnonymity(anonymity.report(), before: summary.kAnonymityBefore, item: item) }
    }

    // MARK: - JSON

    private func maskJSON(source: ByteSource, document: [UInt8]?, engine: MaskEngine, destination: String, summary: inout InputSummary) throws {
        let masker = JSONMasker(engine: engine)
        try writeOutput(destination) { sink in
            if let document { try masker.runDocument(document, to: sink) } else { try masker.runLines(source, to: sink) }
        }
        summary.records = masker.records
        summary.malformed = masker.malformed
        summary.firstMalformed = masker.firstMalformed
    }

    // MARK: - text

    private func maskText(item: InputItem, source: ByteSource, engine: MaskEngine, destination: String, summary: inout InputSummary) throws {
        let masker = try TextMasker(engine: engine)
        try writeOutput(destination) { sink in try masker.run(source, to: sink, input: item.name) }
        summary.records = masker.lines
        summary.textKinds = masker.kinds
        usedTextRules = true
    }

    // MARK: - SQLite

    private func maskSQLite(inputPath: String, engine: MaskEngine, destination: String, summary: inout InputSummary) throws {
        if destination == "-" && context.request.stdoutIsTerminal {
            throw DSToolError.usage("a SQLite database is not written to a terminal: give -o FILE")
        }
        let masked = try TemporaryFile(suffix: ".db")
        defer { masked.remove() }
        let masker = SQLiteMasker(engine: engine)
        do {
            try masker.run(inputPath: inputPath, outputPath: masked.path)
        } catch let e as SQLiteMasker.SQLiteFailure {
            throw InputFailure(reason: "SQLite: \(e.description)", line: nil)
        }
        try writeOutput(destination) { sink in
            try pump(try FileSource(path: masked.path)) { sink.append($0); try sink.maybeFlush() }
        }
        summary.records = masker.rows
        summary.tables = masker.tables
        summary.propagated = masker.propagated
        summary.foreignKeyViolations = masker.foreignKeyViolations
    }

    private func checkQuasi(_ masker: CSVMasker) throws {
        let missing = masker.unmatchedQuasi
        if !missing.isEmpty {
            throw DSToolError.usage("--quasi: no column named \(missing.joined(separator: ", ")) (columns: \(masker.columnNames.joined(separator: ", ")))")
        }
    }

    // MARK: - k-anonymity

    private func reportAnonymity(_ r: KAnonymity.Report, before: KAnonymity.Report?, item: InputItem) {
        let shown = r.recordsBelowK.prefix(1000)
        var value: [String: JSONValue] = [
            "input": .string(item.name), "k": .int(Int64(r.k)), "quasi": .array(basePolicy.quasi.map { .string($0) }),
            "records": .int(Int64(r.records)), "classes": .int(Int64(r.classes)), "smallest_class": .int(Int64(r.smallestClass)),
            "classes_below_k": .int(Int64(r.classesBelowK)), "records_below_k": .int(Int64(r.recordsBelowK.count)),
            "records_below_k_list": .array(shown.map { .int(Int64($0)) }), "satisfied": .bool(r.satisfied),
        ]
        if let before {
            value["suppressed_records"] = .array(before.recordsBelowK.prefix(1000).map { .int(Int64($0)) })
            value["smallest_class_before_suppression"] = .int(Int64(before.smallestClass))
        }
        let list = shown.map(String.init).joined(separator: ", ") + (r.recordsBelowK.count > shown.count ? ", ..." : "")
        let en = "\(item.name): k-anonymity over \(basePolicy.quasi.joined(separator: ", ")): smallest class \(r.smallestClass) (k = \(r.k)), \(r.classes) classes, "
            + (r.satisfied ? "satisfied" : "\(r.recordsBelowK.count) records in \(r.classesBelowK) classes below k: records \(list)")
            + (before.map { " (after suppressing \($0.recordsBelowK.count) records)" } ?? "")
        let zh = "\(item.name)：准标识符 \(basePolicy.quasi.joined(separator: "、")) 的 k-匿名：最小等价类 \(r.smallestClass)（k = \(r.k)），共 \(r.classes) 个等价类，"
            + (r.satisfied ? "满足要求" : "\(r.classesBelowK) 个等价类共 \(r.recordsBelowK.count) 条记录低于 k：第 \(list) 条")
            + (before.map { "（已抑制 \($0.recordsBelowK.count) 条记录）" } ?? "")
        context.emit(DataRecord(kind: "mask.k-anonymity", text: LocalizedText(en: en, zh: zh), value: .object(value)))
        if !r.satisfied {
            context.emit(Finding(ruleId: "mask.k-anonymity",
                                 title: LocalizedText(en: "Records below the k-anonymity threshold", zh: "低于 k-匿名阈值的记录"),
                                 message: LocalizedText(en: en, zh: zh), category: "masking", severity: .medium,
                                 location: item.location(), evidence: nil,
                                 references: ["GB/T 37964-2019"],
                                 remediation: LocalizedText(en: "generalize the quasi-identifiers further, or drop these records with --suppress-below-k",
                                                            zh: "进一步泛化准标识符，或使用 --suppress-below-k 删除这些记录"),
                                 properties: .object(value)))
        }
    }

    // MARK: - --emit-policy

    private func emitPolicy() throws {
        guard let path = options.emitPolicy else { return }
        let comment = options.auto ? "detected by dstool mask --auto; review before reuse" : "applied by dstool \(options.direction == .mask ? "mask" : "unmask")"
        var applied = appliedPolicy
        if usedTextRules && applied.text.isEmpty { applied.text = TextMasker.defaultRules(withKey: keys != nil) }
        let text = applied.yaml(comment: comment)
        if path == "-" {
            FileHandle.standardError.write(Data(text.utf8))
            return
        }
        let out = try context.openOutput(path, replace: options.overwrite)
        do { try out.write(text); try out.commit() } catch { out.abort(); throw error }
    }
}

/// What one input produced, for the report.
struct InputSummary {
    struct RuleCounts { var field: String; var strategy: String; var masked: Int; var invalid: Int; var removed: Int }
    var input: String
    var output: String
    var format: InputFormat
    var encoding: String?
    var outputEncoding = OutputEncoding.utf8
    /// Bytes copied from the input that were not UTF-8 and had no representation in the output encoding.
    var unrepresentable = 0
    var records = 0
    var malformed = 0
    var firstMalformed: String?
    var suppressed = 0
    var rules: [RuleCounts] = []
    var onInvalid: OnInvalid = .redact
    var direction: MaskDirection = .mask
    var kAnonymityBefore: KAnonymity.Report?
    /// Values found in free text, by kind.
    var textKinds: [String: Int] = [:]
    var tables: [String] = []
    /// SQLite: rules carried over foreign keys, and violations found after masking.
    var propagated: [String] = []
    var foreignKeyViolations = 0

    func record() -> DataRecord {
        let masked = rules.reduce(0) { $0 + $1.masked }, invalid = rules.reduce(0) { $0 + $1.invalid }
        let removed = rules.reduce(0) { $0 + $1.removed }
        let out = output == "-" ? "standard output" : output
        let outZh = output == "-" ? "标准输出" : output
        let verb = direction == .mask ? "masked" : "restored"
        let invalidEn = invalid == 0 ? "" : "; \(invalid) values did not fit their strategy (\(onInvalid.rawValue))"
        let invalidZh = invalid == 0 ? "" : "；\(invalid) 个值不符合脱敏方法格式（\(onInvalid.rawValue)）"
        let malformedEn = malformed == 0 ? "" : "; \(malformed) malformed rows (\(onInvalid.rawValue); first at \(firstMalformed ?? "?"))"
        let malformedZh = malformed == 0 ? "" : "；\(malformed) 行格式错误（\(onInvalid.rawValue)；首个位于 \(firstMalformed ?? "?")）"
        let suppressedEn = suppressed == 0 ? "" : "; \(suppressed) records suppressed"
        let suppressedZh = suppressed == 0 ? "" : "；抑制 \(suppressed) 条记录"
        let transcoded = encoding != nil || outputEncoding != .utf8
        let encEn = transcoded ? " (read as \(encoding ?? "utf-8"), written as \(outputEncoding.rawValue))" : ""
        let encZh = transcoded ? "（以 \(encoding ?? "utf-8") 读入，以 \(outputEncoding.rawValue) 写出）" : ""
        let unrepresentableEn = unrepresentable == 0 ? "" : "; \(unrepresentable) bytes that are not UTF-8 written as U+FFFD"
        let unrepresentableZh = unrepresentable == 0 ? "" : "；\(unrepresentable) 个非 UTF-8 字节以 U+FFFD 写出"
        let unit = (format == .sqlite ? "row" : format == .text ? "line" : "record") + (records == 1 ? "" : "s")
        let en = "\(input) → \(out): \(records) \(unit), \(masked) value\(masked == 1 ? "" : "s") \(verb) in \(rules.count) field\(rules.count == 1 ? "" : "s")" + (removed > 0 ? ", \(removed) removed" : "")
            + invalidEn + malformedEn + suppressedEn + unrepresentableEn + encEn
        let zh = "\(input) → \(outZh)：\(records) 条记录，\(rules.count) 个字段共 \(masked) 个值已\(direction == .mask ? "脱敏" : "还原")"
            + (removed > 0 ? "，\(removed) 个值已删除" : "") + invalidZh + malformedZh + suppressedZh + unrepresentableZh + encZh
        var fields: [JSONValue] = []
        for r in rules {
            fields.append(.object(["field": .string(r.field), "strategy": .string(r.strategy), "masked": .int(Int64(r.masked)),
                                   "invalid": .int(Int64(r.invalid)), "removed": .int(Int64(r.removed))]))
        }
        var value: [String: JSONValue] = [
            "input": .string(input), "output": .string(output), "format": .string(format.rawValue),
            "records": .int(Int64(records)), "masked": .int(Int64(masked)), "invalid": .int(Int64(invalid)),
            "removed": .int(Int64(removed)), "malformed": .int(Int64(malformed)), "suppressed": .int(Int64(suppressed)),
            "on_invalid": .string(onInvalid.rawValue), "direction": .string(direction == .mask ? "mask" : "unmask"),
            "fields": .array(fields),
        ]
        if let encoding { value["encoding"] = .string(encoding) }
        if format != .sqlite { value["output_encoding"] = .string(outputEncoding.rawValue) }
        if unrepresentable > 0 { value["unrepresentable"] = .int(Int64(unrepresentable)) }
        if !textKinds.isEmpty { value["text_kinds"] = .object(textKinds.mapValues { .int(Int64($0)) }) }
        if !tables.isEmpty { value["tables"] = .array(tables.map { .string($0) }) }
        if format == .sqlite {
            value["foreign_keys_propagated"] = .array(propagated.map { .string($0) })
            value["foreign_key_violations"] = .int(Int64(foreignKeyViolations))
        }
        return DataRecord(kind: "mask.summary", text: LocalizedText(en: en, zh: zh), value: .object(value))
    }
}

/// Marks errors from reading an input item: the host has reported those already.
struct ReadFailure: Error, CustomStringConvertible {
    let underlying: Error
    var description: String { "\(underlying)" }
}

final class ReadReportingSource: ByteSource {
    let base: ByteSource
    init(_ base: ByteSource) { self.base = base }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        do { return try base.read(into: buffer) } catch { throw ReadFailure(underlying: error) }
    }
}

/// A temporary file in TMPDIR, removed by `remove()`.
final class TemporaryFile {
    let path: String
    let fd: Int32
    init(suffix: String = "") throws {
        let dir = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array((dir as NSString).appendingPathComponent("dstool-mask-XXXXXX\(suffix)").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, Int32(suffix.utf8.count)) }
        guard fd >= 0 else { throw DSToolError.io("cannot create a temporary file in \(dir): \(String(cString: strerror(errno)))") }
        self.fd = fd
        self.path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        fchmod(fd, 0o600)
    }
    func write(_ b: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < b.count {
            let n = Glibc.write(fd, b.baseAddress! + off, b.count - off)
            if n < 0 { if errno == EINTR { continue }; throw DSToolError.io("\(path): \(String(cString: strerror(errno)))") }
            off += n
        }
    }
    private var removed = false
    func remove() {
        guard !removed else { return }
        removed = true
        close(fd)
        unlink(path)
    }
    deinit { remove() }
}

/// Copies what is read into a temporary file (the spool for a second pass).
final class TeeSource: ByteSource {
    let base: ByteSource
    let file: TemporaryFile
    init(_ base: ByteSource, to file: TemporaryFile) { self.base = base; self.file = file }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try base.read(into: buffer)
        if n > 0 { try file.write(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
        return n
    }
}

/// The output of one input: written atomically through the host; standard output is staged in
/// a temporary file first when the run may still fail it (--on-invalid fail), so a failed input
/// leaves nothing half-written there either.
final class OutputTarget {
    let sink: ByteSink
    private var output: PluginOutput?
    private var staged: TemporaryFile?
    private let context: PluginContext

    private let transcoder: OutputTranscoder?
    private let write: ([UInt8]) throws -> Void

    /// `transcoder` converts what the maskers write (UTF-8) into the output encoding.
    init(context: PluginContext, path: String, replace: Bool, stage: Bool, transcoder: OutputTranscoder? = nil) throws {
        self.context = context
        self.transcoder = transcoder
        let write: ([UInt8]) throws -> Void
        if stage {
            let file = try TemporaryFile()
            staged = file
            write = { bytes in try bytes.withUnsafeBytes { try file.write($0) } }
        } else {
            let out = try context.openOutput(path, replace: replace)
            output = out
            write = { try out.write($0) }
        }
        self.write = write
        if let transcoder {
            sink = ByteSink { try write(try transcoder.convert($0)) }
        } else {
            sink = ByteSink(write: write)
        }
    }

    func commit() throws {
        try sink.flush()
        if let transcoder {
            let tail = try transcoder.finish()
            if !tail.isEmpty { try write(tail) }
        }
        if let staged {
            defer { staged.remove(); self.staged = nil }
            let out = try context.openOutput("-")
            try pump(try FileSource(path: staged.path)) { try out.write(UnsafeRawBufferPointer($0)) }
            try out.commit()
            return
        }
        try output?.commit()
    }

    func abort() {
        staged?.remove()
        staged = nil
        output?.abort()
    }
}

/// Reads `source` to its end in 1 MiB blocks, handing each to `consume`.
func pump(_ source: ByteSource, _ consume: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
    var buf = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = try buf.withUnsafeMutableBytes { try source.read(into: $0) }
        if n == 0 { return }
        try buf.withUnsafeBufferPointer { try consume(UnsafeBufferPointer(rebasing: $0[0..<n])) }
    }
}
