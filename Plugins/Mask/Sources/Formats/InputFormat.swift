import DSToolKit
import Foundation

/// The kinds of input `dstool mask` reads.
public enum InputFormat: String, Sendable, CaseIterable {
    case csv, tsv, jsonl, json, text, sqlite

    /// From --input-format, else the file name, else the first bytes.
    static func detect(name: String, head: UnsafeBufferPointer<UInt8>, forced: String?) throws -> InputFormat {
        if let forced {
            guard let f = InputFormat(rawValue: forced.lowercased()) else {
                throw DSToolError.usage("--input-format: '\(forced)' is not one of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return f
        }
        if head.count >= 16, Array(head.prefix(16)) == Array("SQLite format 3\0".utf8) { return .sqlite }
        switch (name as NSString).pathExtension.lowercased() {
        case "csv": return .csv
        case "tsv", "tab": return .tsv
        case "jsonl", "ndjson": return .jsonl
        case "json": return looksLikeJSONLines(head) ? .jsonl : .json
        case "db", "sqlite", "sqlite3": return .sqlite
        case "log", "txt", "text", "md": return .text
        default: break
        }
        // No telling name: a JSON value, else delimited text if the first line has commas or tabs, else text.
        var i = 0
        while i < head.count, head[i] == 32 || head[i] == 9 || head[i] == 10 || head[i] == 13 { i += 1 }
        if i < head.count, head[i] == UInt8(ascii: "{") || head[i] == UInt8(ascii: "[") {
            return looksLikeJSONLines(head) ? .jsonl : .json
        }
        var commas = 0, tabs = 0
        for c in head { if c == 10 { break }; if c == 44 { commas += 1 } else if c == 9 { tabs += 1 } }
        if tabs > 0 && tabs >= commas { return .tsv }
        if commas > 0 { return .csv }
        return .text
    }

    /// Two or more lines that each start with "{" (a JSON document spread over lines does not).
    static func looksLikeJSONLines(_ head: UnsafeBufferPointer<UInt8>) -> Bool {
        var lines = 0, objects = 0
        var atLineStart = true
        for c in head {
            if atLineStart && c != 32 && c != 9 && c != 10 && c != 13 {
                lines += 1
                if c == UInt8(ascii: "{") { objects += 1 }
                atLineStart = false
            }
            if c == 10 { atLineStart = true }
        }
        return lines >= 2 && objects == lines
    }
}

/// Serves the first bytes of a source again after they were looked at.
final class PeekSource: ByteSource {
    let base: ByteSource
    private(set) var head: [UInt8] = []
    private var served = 0

    init(_ base: ByteSource, peek: Int = 64 << 10) throws {
        self.base = base
        var buf = [UInt8](repeating: 0, count: peek)
        var n = 0
        while n < peek {
            let r = try buf.withUnsafeMutableBytes { try base.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[n...])) }
            if r == 0 { break }
            n += r
        }
        head = Array(buf.prefix(n))
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if served < head.count {
            let n = min(buffer.count, head.count - served)
            head.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + served, byteCount: n) }
            served += n
            return n
        }
        return try base.read(into: buffer)
    }
}
