import CDSToolArchive
import CDSToolPluginABI
@testable import DSToolCore
import DSToolKit
import Foundation
import XCTest

/// Synthetic fixtures for the input-layer tests, made in the test with libarchive's writer (and
/// by hand for RAR, which nothing on Debian writes). No real data anywhere.
enum Fixture {
    struct Entry {
        var name: String
        var data: [UInt8] = []
        var kind: Kind = .file
        enum Kind { case file, directory, symlink(String), hardlink(String) }

        static func file(_ name: String, _ data: [UInt8]) -> Entry { Entry(name: name, data: data) }
        static func file(_ name: String, _ text: String) -> Entry { Entry(name: name, data: Array(text.utf8)) }
        static func dir(_ name: String) -> Entry { Entry(name: name, kind: .directory) }
    }

    /// An archive as bytes. `format`: libarchive writer names ("zip", "ustar", "pax", "newc",
    /// "iso9660", "7zip", "raw"); `filter`: "gzip", "bzip2", "xz", "zstd" or nil.
    static func archive(_ format: String, filter: String? = nil, options: String? = nil, passphrase: String? = nil,
                        _ entries: [Entry]) -> [UInt8] {
        let path = NSTemporaryDirectory() + "dstool-fixture-\(UUID().uuidString)"
        defer { unlink(path) }
        let a = archive_write_new()!
        defer { archive_write_free(a) }
        precondition(archive_write_set_format_by_name(a, format) == ARCHIVE_OK, "format \(format)")
        if let filter { precondition(archive_write_add_filter_by_name(a, filter) == ARCHIVE_OK, "filter \(filter)") }
        if let options { precondition(archive_write_set_options(a, options) == ARCHIVE_OK, String(cString: archive_error_string(a))) }
        if let passphrase { archive_write_set_passphrase(a, passphrase) }
        if format == "raw" && filter == "gzip" { archive_write_set_bytes_in_last_block(a, 1) }
        precondition(archive_write_open_filename(a, path) == ARCHIVE_OK)
        for e in entries {
            let entry = archive_entry_new()!
            defer { archive_entry_free(entry) }
            archive_entry_set_pathname_utf8(entry, e.name)
            archive_entry_set_mtime(entry, 1_700_000_000, 0)
            switch e.kind {
            case .file:
                archive_entry_set_filetype(entry, 0o100000); archive_entry_set_perm(entry, 0o644)
                archive_entry_set_size(entry, Int64(e.data.count))
            case .directory:
                archive_entry_set_filetype(entry, 0o040000); archive_entry_set_perm(entry, 0o755)
                archive_entry_set_size(entry, 0)
            case .symlink(let target):
                archive_entry_set_filetype(entry, 0o120000); archive_entry_set_perm(entry, 0o777)
                archive_entry_set_symlink(entry, target); archive_entry_set_size(entry, 0)
            case .hardlink(let target):
                archive_entry_set_filetype(entry, 0o100000); archive_entry_set_perm(entry, 0o644)
                archive_entry_set_hardlink(entry, target); archive_entry_set_size(entry, 0)
            }
            let r = archive_write_header(a, entry)
            precondition(r == ARCHIVE_OK, "header \(e.name): \(String(cString: archive_error_string(a)))")
            if case .file = e.kind, !e.data.isEmpty {
                var off = 0
                while off < e.data.count {
                    let n = e.data.withUnsafeBytes { archive_write_data(a, $0.baseAddress! + off, e.data.count - off) }
                    precondition(n > 0)
                    off += n
                }
            }
        }
        precondition(archive_write_close(a) == ARCHIVE_OK, String(cString: archive_error_string(a)))
        return Array(FileManager.default.contents(atPath: path)!)
    }

    /// A single compressed file (what gzip/xz/zstd/bzip2 make).
    static func compressed(_ filter: String, _ data: [UInt8]) -> [UInt8] {
        archive("raw", filter: filter, [.file("data", data)])
    }

    /// A RAR 4 archive with stored (uncompressed) files, built byte by byte from the format's
    /// technical note: marker, archive header, one file header per entry, end block.
    static func rar(_ files: [(name: String, data: [UInt8])]) -> [UInt8] {
        func block(_ body: [UInt8]) -> [UInt8] {
            let crc = UInt16(truncatingIfNeeded: CRC32.of(body))
            return [UInt8(crc & 0xFF), UInt8(crc >> 8)] + body
        }
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        var out: [UInt8] = [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x00]
        out += block([0x73] + le16(0) + le16(13) + [UInt8](repeating: 0, count: 6))
        for f in files {
            let name = Array(f.name.utf8)
            var body: [UInt8] = [0x74] + le16(0x8000) + le16(32 + name.count)
            body += le32(UInt32(f.data.count)) + le32(UInt32(f.data.count)) + [3]   // packed, unpacked, host OS Unix
            body += le32(CRC32.of(f.data)) + le32(0x5A21_0000) + [20, 0x30]           // CRC, DOS time, version, method store
            body += le16(name.count) + le32(0o100644) + name
            out += block(body) + f.data
        }
        out += block([0x7B] + le16(0x4000) + le16(7))
        return out
    }

    /// A zip of stored entries written by hand, with no extra fields: the exact layout libmagic
    /// checks for OpenDocument files ("mimetype" first, its content at offset 38).
    static func storedZip(_ files: [(name: String, data: [UInt8])]) -> [UInt8] {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        var out: [UInt8] = [], central: [UInt8] = []
        for f in files {
            let name = Array(f.name.utf8), crc = CRC32.of(f.data), size = UInt32(f.data.count)
            let common = le16(20) + le16(0) + le16(0) + le16(0) + le16(0x5821) + le32(crc) + le32(size) + le32(size) + le16(name.count) + le16(0)
            central += [0x50, 0x4B, 0x01, 0x02] + le16(0x0314) + common + le16(0) + le16(0) + le16(0) + le32(0o100644 << 16) + le32(UInt32(out.count)) + name
            out += [0x50, 0x4B, 0x03, 0x04] + common + name + f.data
        }
        let cdStart = out.count
        out += central
        out += [0x50, 0x4B, 0x05, 0x06] + le16(0) + le16(0) + le16(files.count) + le16(files.count)
            + le32(UInt32(central.count)) + le32(UInt32(cdStart)) + le16(0)
        return out
    }

    /// Bytes that do not compress (a fixed-seed generator, so every run makes the same fixture).
    static func noise(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
        var x = seed
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            out[i] = UInt8(truncatingIfNeeded: x)
        }
        return out
    }

    /// Synthetic CSV lines (names and numbers made up).
    static func csv(lines: Int) -> [UInt8] {
        var s = "id,name,amount\n"
        for i in 0..<lines { s += "\(i),user\(i),\(i * 37 % 1000)\n" }
        return Array(s.utf8)
    }

    static func gb18030(_ s: String) -> [UInt8] {
        Array(s.data(using: String.Encoding(rawValue: 0x8000_0632))!)  // CFStringEncoding GB18030, bridged
    }
    static func utf16le(_ s: String, bom: Bool) -> [UInt8] {
        (bom ? [0xFF, 0xFE] : []) + s.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }
    static func utf16be(_ s: String, bom: Bool) -> [UInt8] {
        (bom ? [0xFE, 0xFF] : []) + s.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}

enum CRC32 {
    static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
    static func of(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

/// A scratch folder removed at the end of the test.
final class Scratch {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "dstool-input-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let p = (path as NSString).appendingPathComponent(name)
        try! FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }
    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }
}

/// What a test saw of one item.
struct SeenItem: Equatable {
    var name: String
    var chain: [String]
    var depth: Int
    var size: Int64?
    var mime: String
    var encoding: String
    var flags: UInt32
    var bytes: [UInt8]?
    /// Decoded text and each byte's raw offset (ReadStyle.text).
    var text: [UInt8]?
    var offsets: [UInt64]?
    var string: String? { text.map { String(decoding: $0, as: UTF8.self) } }
    var sha256: String? { bytes.map { Digest.sha256Hex($0) } }
    var isContainer: Bool { flags & UInt32(DSTOOL_ITEM_CONTAINER) != 0 }
    var isEncrypted: Bool { flags & UInt32(DSTOOL_ITEM_ENCRYPTED) != 0 }
    var isText: Bool { flags & UInt32(DSTOOL_ITEM_TEXT) != 0 }
}

struct WalkResult {
    var items: [SeenItem]
    var errors: [ErrorRecord]
    var findings: [Finding]
    var names: [String] { items.map(\.name) }
    func item(_ name: String, file: StaticString = #filePath, line: UInt = #line) -> SeenItem? {
        let found = items.first { $0.name == name }
        if found == nil { XCTFail("no item \(name) in \(names)", file: file, line: line) }
        return found
    }
    var errorLines: [String] { errors.map(\.line) }
    var limitKinds: [String] { findings.map(\.ruleId) }
}

/// How the simulated plugin reads each item.
enum ReadStyle {
    case raw            // read every byte
    case none           // read nothing
    case prefix(Int)    // read this many bytes, then move on
    case localPath      // ask for a file first, then read it from disk
    case text(Int)      // read_text with a buffer of this many bytes
}

/// Runs the walker over inputs the way a plugin would (next item, read), in-process.
func walk(_ inputs: [String], options: WalkOptions = WalkOptions(), read: ReadStyle = .raw,
          stdin: [UInt8]? = nil, afterRead: ((WalkItem) -> Void)? = nil) -> WalkResult {
    var errors: [ErrorRecord] = []
    var findings: [Finding] = []
    let walker = InputWalker(inputs: inputs, options: options, report: { errors.append($0) }, reportFinding: { findings.append($0) })
    var pipeFDs: [Int32] = [-1, -1]
    var feeder: Thread?
    if let stdin {
        precondition(pipe(&pipeFDs) == 0)
        walker.stdinFD = pipeFDs[0]
        let writeFD = pipeFDs[1]
        feeder = Thread {
            stdin.withUnsafeBytes { p in
                var off = 0
                while off < p.count { let n = write(writeFD, p.baseAddress! + off, p.count - off); if n <= 0 { break }; off += n }
            }
            close(writeFD)
        }
        feeder!.start()
    }
    var items: [SeenItem] = []
    while let item = walker.next() {
        var seen = SeenItem(name: item.name, chain: item.chain, depth: item.depth, size: item.size, mime: item.mime,
                            encoding: item.encoding.rawValue, flags: item.flags, bytes: nil)
        if !item.isEncrypted {
            var style = read
            if case .localPath = style {
                if let p = try? item.localPath() { seen.bytes = Array(FileManager.default.contents(atPath: p) ?? Data()) }
                style = .none
            }
            if case .text(let cap) = style {
                var buf = [UInt8](repeating: 0, count: cap)
                var offs = [UInt64](repeating: 0, count: cap)
                var text: [UInt8] = [], offsets: [UInt64] = []
                var ok = true
                while true {
                    guard let n = try? buf.withUnsafeMutableBytes({ b in
                        try offs.withUnsafeMutableBufferPointer { try item.readText(into: b, offsets: $0.baseAddress) }
                    }) else { ok = false; break }
                    if n == 0 { break }
                    text += buf[0..<n]; offsets += offs[0..<n]
                }
                if ok { seen.text = text; seen.offsets = offsets }
                style = .none
            }
            var buf = [UInt8](repeating: 0, count: 1 << 16)
            var bytes: [UInt8] = []
            var ok = true
            let limit: Int
            switch style {
            case .raw: limit = Int.max
            case .prefix(let n): limit = n
            case .none, .localPath, .text: limit = 0
            }
            while bytes.count < limit {
                let want = min(buf.count, limit - bytes.count)
                guard let n = try? buf.withUnsafeMutableBytes({ try item.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<want])) }) else {
                    ok = false; break
                }
                if n == 0 { break }
                bytes += buf[0..<n]
            }
            if limit > 0 { seen.bytes = ok ? bytes : nil }
        }
        afterRead?(item)
        items.append(seen)
    }
    walker.close()
    if stdin != nil { close(pipeFDs[0]) }
    _ = feeder
    return WalkResult(items: items, errors: errors, findings: findings)
}

/// Files dstool left in a spool folder (must be none after a walk).
func spoolLeftovers(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix("dstool-spool-") }
}
