import CDSToolArchive
import Foundation

/// Reads named parts of an Office Open XML or OpenDocument file (a zip) with libarchive.
enum OfficeParts {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// The parts whose names are in `wanted` (each at most `limit` bytes), by name.
    static func read(path: String, wanted: Set<String>, limit: Int = 16 << 20) throws -> [String: [UInt8]] {
        guard let a = archive_read_new() else { throw Failure(description: "libarchive unavailable") }
        defer { archive_read_free(a) }
        archive_read_support_format_zip(a)
        guard archive_read_open_filename(a, path, 1 << 16) == ARCHIVE_OK else {
            throw Failure(description: "not a readable Office file: \(archive_error_string(a).map { String(cString: $0) } ?? "unknown error")")
        }
        var out: [String: [UInt8]] = [:]
        var entry: OpaquePointer?
        while true {
            let r = archive_read_next_header(a, &entry)
            if r == ARCHIVE_EOF { break }
            guard r >= ARCHIVE_WARN, let entry else {
                throw Failure(description: "corrupt Office file: \(archive_error_string(a).map { String(cString: $0) } ?? "unknown error")")
            }
            let name = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
            guard wanted.contains(name) else { continue }
            var data: [UInt8] = []
            var buf = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = buf.withUnsafeMutableBytes { archive_read_data(a, $0.baseAddress, $0.count) }
                if n < 0 { throw Failure(description: "corrupt Office file: \(archive_error_string(a).map { String(cString: $0) } ?? "read error")") }
                if n == 0 { break }
                data.append(contentsOf: buf[0..<n])
                if data.count > limit { break }
            }
            out[name] = data
            if out.count == wanted.count { break }
        }
        return out
    }
}
