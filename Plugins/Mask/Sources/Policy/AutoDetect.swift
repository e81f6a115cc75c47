import DSToolKit
import DSToolScan
import Foundation

/// `--auto`: finds the sensitive fields of an input from a sample of its values, with the leak
/// detectors' validators (a field whose values are mostly one kind of personal data gets that
/// kind's default strategy) and PII matcher (a field with personal data inside free text gets
/// `scan-text`).
struct AutoDetect {
    let withKey: Bool
    let scanner: PIIScanner
    /// Share of non-empty sampled values that must be of one kind.
    static let threshold = 0.6
    static let sampleSize = 1000

    init(withKey: Bool) throws {
        self.withKey = withKey
        scanner = try SharedMatcher.scanner()
    }

    /// The rule for one field from its sampled values, or nil if nothing sensitive was seen.
    func rule(field: String, column: String, values: [String]) -> FieldSpec? {
        let nonEmpty = values.lazy.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var counts: [PIIKind: Int] = [:]
        var total = 0
        for v in nonEmpty {
            total += 1
            if let kind = PIIValidators.classify(v, column: column) { counts[kind, default: 0] += 1 }
        }
        guard total > 0 else { return nil }
        if let (kind, n) = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key.rawValue > $1.key.rawValue) }),
           Double(n) >= AutoDetect.threshold * Double(total) {
            let s = AutoDefaults.strategy(for: kind, withKey: withKey)
            return FieldSpec(field: field, strategy: s.strategy, parameters: s.parameters)
        }
        for v in values where v.utf8.count >= 6 {
            if let found = try? scanner.matches(in: v), !found.isEmpty {
                return FieldSpec(field: field, strategy: "scan-text")
            }
        }
        return nil
    }

    /// Rules for delimited text from its first bytes (complete records only).
    func csvRules(head: [UInt8], delimiter: UInt8, header: Bool, table: String?) throws -> [FieldSpec] {
        var cut = head.count
        while cut > 0 && head[cut - 1] != 10 { cut -= 1 }
        let reader = CSVReader(source: MemorySource(Array(head[0..<(cut > 0 ? cut : head.count)])), delimiter: delimiter)
        let scratch = ScratchBytes()
        var names: [String] = []
        var columns: [[String]] = []
        var first = true
        var sampled = 0
        while try reader.next(), sampled < AutoDetect.sampleSize {
            if reader.isBlank { continue }
            let values = (0..<reader.fieldCount).map { String(decoding: reader.value($0, scratch: scratch), as: UTF8.self) }
            if first {
                first = false
                names = header ? values.map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{FEFF}", with: "") }
                               : values.indices.map { "#\($0 + 1)" }
                columns = Array(repeating: [], count: names.count)
                if header { continue }
            }
            sampled += 1
            for (i, v) in values.enumerated() where i < columns.count { columns[i].append(v) }
        }
        return names.indices.compactMap { i in rule(field: names[i], column: names[i], values: columns[i]) }
    }

    /// Rules for JSON values by path ($.a.b[*].c), from sampled documents or lines.
    func jsonRules(values: [UnsafeBufferPointer<UInt8>]) -> [FieldSpec] {
        var byPath: [String: [String]] = [:]
        var order: [String] = []
        let tape = JSONTape()
        let scratch = ScratchBytes()
        for b in values.prefix(AutoDetect.sampleSize) {
            guard (try? tape.parse(b)) != nil else { continue }
            var paths: [String] = []
            for (t, tok) in tape.tokens.enumerated() {
                var path = "$"
                if tok.parent >= 0 {
                    let p = paths[Int(tok.parent)]
                    if tok.keyStart >= 0 {
                        let key = UnsafeBufferPointer(rebasing: b[tok.keyStart..<tok.keyEnd])
                        var name: String
                        if tok.keyEscaped { JSONText.unescape(key, into: scratch); name = String(decoding: scratch.buffer, as: UTF8.self) }
                        else { name = String(decoding: key, as: UTF8.self) }
                        let plain = !name.isEmpty && name.unicodeScalars.allSatisfy { $0 != "." && $0 != "[" && $0 != "]" && $0 != "\"" && $0 != "*" }
                        path = plain ? p + "." + name : p + "[\"" + name + "\"]"
                    } else {
                        path = p + "[*]"
                    }
                }
                paths.append(path)
                _ = t
                guard tok.kind == .string || tok.kind == .number else { continue }
                let value: String
                if tok.kind == .string {
                    let content = UnsafeBufferPointer(rebasing: b[(tok.start + 1)..<(tok.end - 1)])
                    if tok.escaped { JSONText.unescape(content, into: scratch); value = String(decoding: scratch.buffer, as: UTF8.self) }
                    else { value = String(decoding: content, as: UTF8.self) }
                } else {
                    value = String(decoding: UnsafeBufferPointer(rebasing: b[tok.start..<tok.end]), as: UTF8.self)
                }
                if byPath[path] == nil { order.append(path) }
                byPath[path, default: []].append(value)
            }
        }
        return order.compactMap { path in
            let column = path.split(separator: ".").last.map(String.init) ?? path
            return rule(field: path, column: column, values: byPath[path]!)
        }
    }

    /// Rules for every column of every table of a SQLite database (sampled rows).
    func sqliteRules(path: String) throws -> [FieldSpec] {
        let db = try SQLiteConnection(uri: "file:\(SQLiteMasker.uriEscape(path))?immutable=1", readOnly: true)
        defer { db.close() }
        var specs: [FieldSpec] = []
        let tables = try db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY rowid").map { $0[0] }
        for t in tables {
            let cols = try db.query("SELECT name FROM pragma_table_info(\(SQLiteMasker.literal(t)))").map { $0[0] }
            for c in cols {
                let values = try db.query("SELECT \(SQLiteMasker.identifier(c)) FROM \(SQLiteMasker.identifier(t)) WHERE \(SQLiteMasker.identifier(c)) IS NOT NULL AND typeof(\(SQLiteMasker.identifier(c))) != 'blob' LIMIT \(AutoDetect.sampleSize)").map { $0[0] }
                if let r = rule(field: "\(t).\(c)", column: c, values: values) { specs.append(r) }
            }
        }
        return specs
    }
}
