import CDSToolArchive
import CDSToolSQLite
@testable import DSToolComply
import DSToolCore
import DSToolKit
import DSToolScan
import Foundation
import XCTest

/// A temporary evidence folder built file by file (plain files with modes, SQLite databases,
/// tar and zip archives made with libarchive), removed when released.
final class EvidenceFolder {
    let root: String

    init() {
        root = (NSTemporaryDirectory() as NSString).appendingPathComponent("comply-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: root) }

    func path(_ rel: String) -> String { (root as NSString).appendingPathComponent(rel) }

    @discardableResult
    func write(_ rel: String, _ text: String, mode: mode_t = 0o644) -> String { writeBytes(rel, Array(text.utf8), mode: mode) }

    @discardableResult
    func writeBytes(_ rel: String, _ bytes: [UInt8], mode: mode_t = 0o644) -> String {
        let p = path(rel)
        try! FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        chmod(p, mode)
        return p
    }

    /// A SQLite database made by running the statements.
    func sqlite(_ rel: String, _ sql: [String], mode: mode_t = 0o640) {
        let p = path(rel)
        try! FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var db: OpaquePointer?
        XCTAssertEqual(sqlite3_open(p, &db), SQLITE_OK)
        for s in sql {
            var err: UnsafeMutablePointer<CChar>?
            let rc = sqlite3_exec(db, s, nil, nil, &err)
            XCTAssertEqual(rc, SQLITE_OK, err.map { String(cString: $0) } ?? "")
        }
        sqlite3_close(db)
        chmod(p, mode)
    }

    struct Entry { var name: String; var bytes: [UInt8]; var mode: mode_t = 0o644 }
    static func entry(_ name: String, _ text: String, mode: mode_t = 0o644) -> Entry { Entry(name: name, bytes: Array(text.utf8), mode: mode) }

    /// A tar (optionally gzip-compressed) or zip (optionally ZipCrypto-encrypted) archive.
    func archive(_ rel: String, _ entries: [Entry], format: String = "tar", gzip: Bool = false, password: String? = nil) {
        let p = path(rel)
        try! FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let a = archive_write_new()!
        if format == "zip" { archive_write_set_format_zip(a) } else { archive_write_set_format_pax_restricted(a) }
        if gzip { archive_write_add_filter_gzip(a) }
        if let password {
            XCTAssertEqual(archive_write_set_options(a, "zip:encryption=zipcrypt"), ARCHIVE_OK)
            XCTAssertEqual(archive_write_set_passphrase(a, password), ARCHIVE_OK)
        }
        XCTAssertEqual(archive_write_open_filename(a, p), ARCHIVE_OK)
        for e in entries {
            let en = archive_entry_new()!
            archive_entry_set_pathname(en, e.name)
            archive_entry_set_size(en, Int64(e.bytes.count))
            archive_entry_set_filetype(en, 0o100000)
            archive_entry_set_perm(en, e.mode)
            archive_entry_set_mtime(en, 1_700_000_000, 0)
            archive_write_header(a, en)
            e.bytes.withUnsafeBytes { _ = archive_write_data(a, $0.baseAddress, $0.count) }
            archive_entry_free(en)
        }
        archive_write_close(a)
        archive_write_free(a)
    }
}

/// A rule file in its own folder (never inside the evidence).
final class RuleFile {
    let dir = EvidenceFolder()
    let path: String
    init(_ text: String) { path = dir.write("pack.yaml", text) }
    init(_ name: String, _ text: String) { path = dir.write(name, text) }
}

/// One control's row as the JSON report carries it.
struct ControlRow {
    var status: String
    var reason: String
    var reasonZh: String
    var evidence: [JSONValue]
    var waived: Bool
    var value: JSONValue

    var evidenceText: String {
        evidence.map { e in "\(e["input"]?.stringValue ?? "")\(e["line"]?.intValue.map { ":\($0)" } ?? "") \(e["detail"]?["en"]?.stringValue ?? "")" }
            .joined(separator: " | ")
    }
}

struct ComplyRun {
    var result: InProcess.Result
    var controls: [String: ControlRow] = [:]
    var exitCode: Int32 { result.exitCode }

    init(_ r: InProcess.Result) {
        result = r
        for d in r.data where d.kind == "control" {
            guard let id = d.value["control"]?.stringValue else { continue }
            let pack = d.value["pack"]?.stringValue ?? ""
            let row = ControlRow(status: d.value["status"]?.stringValue ?? "?", reason: d.value["reason"]?["en"]?.stringValue ?? "",
                                 reasonZh: d.value["reason"]?["zh"]?.stringValue ?? "",
                                 evidence: d.value["evidence"]?.arrayValue ?? [], waived: d.value["waived"]?.boolValue ?? false, value: d.value)
            controls[id] = row
            controls[pack + "/" + id] = row
        }
    }

    func status(_ id: String) -> String { controls[id]?.status ?? "missing" }
    func row(_ id: String) -> ControlRow { controls[id] ?? ControlRow(status: "missing", reason: "", reasonZh: "", evidence: [], waived: false, value: .null) }
}

/// Runs `dstool comply` in-process through the real host with JSON output.
func comply(_ args: [String], asOf: String = "2025-06-30") throws -> ComplyRun {
    ComplyRun(try InProcess.run(CompliancePlugin.self, ["comply", "--format", "json", "--as-of", asOf] + args))
}

/// A pack with just these controls (optionally with parameters), for testing one control at a time.
func packSelecting(_ ids: [String], parameters: [String: [String: String]] = [:]) -> RuleFile {
    var y = "pack: test-pack\ntitle:\n  zh: 测试\n  en: test\nselect:\n"
    for id in ids {
        if let p = parameters[id] {
            y += "  - id: \(id)\n    parameters:\n" + p.sorted { $0.key < $1.key }.map { "      \($0.key): \"\($0.value)\"\n" }.joined()
        } else {
            y += "  - \(id)\n"
        }
    }
    return RuleFile(y)
}

/// Synthetic personal data with valid checksums (the scanner's own generator).
var synthetic = SyntheticPII(seed: 20250630)

func ids(_ n: Int) -> [String] { (0..<n).map { _ in synthetic.value(.cnIDCard) } }
func mobiles(_ n: Int) -> [String] { (0..<n).map { _ in synthetic.value(.cnMobile) } }
func bankCards(_ n: Int) -> [String] { (0..<n).map { _ in synthetic.value(.bankCard) } }

/// A CSV of people with the given columns filled from generators.
func peopleCSV(_ rows: Int, idNumbers: Bool = true, phones: Bool = true, password: ((Int) -> String)? = nil) -> String {
    var header = ["id", "name"]
    if idNumbers { header.append("id_no") }
    if phones { header.append("mobile") }
    if password != nil { header.append("password") }
    var out = header.joined(separator: ",") + "\n"
    for i in 0..<rows {
        var r = [String(i + 1), "user\(i)"]
        if idNumbers { r.append(synthetic.value(.cnIDCard)) }
        if phones { r.append(synthetic.value(.cnMobile)) }
        if let password { r.append(password(i)) }
        out += r.joined(separator: ",") + "\n"
    }
    return out
}

func md5Hex(_ s: String) -> String { Digest.hex(Digest.hash(.md5, Array(s.utf8))) }

/// A pack with one control "T" whose check is `check` (YAML, indented by four spaces).
func primitivePack(_ check: String, requires: String? = nil) -> RuleFile {
    let indented = check.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n")
    return RuleFile("""
    pack: primitive
    title: {zh: 原语, en: primitive}
    controls:
      - id: T
        title: {zh: 测试, en: test}
        description: {zh: 测试, en: test}
        severity: high
        clauses: [GB/T 22239-2019 8.1.4.3]
    \(requires.map { "    applicability:\n      requires: \($0)\n" } ?? "")    check:
    \(indented)
        remediation: {zh: 整改, en: fix}
    select: [T]

    """)
}

/// Runs one primitive over an evidence folder and returns its row.
func check(_ checkYAML: String, _ ev: EvidenceFolder, asOf: String = "2025-06-30", requires: String? = nil) throws -> ControlRow {
    let p = primitivePack(checkYAML, requires: requires)
    return try comply(["--pack", p.path, ev.root], asOf: asOf).row("T")
}

/// The evidence collected by the last in-process run.
var lastEvidence: Evidence? { CompliancePlugin.lastEvidence }
