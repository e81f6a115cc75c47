import DSToolKit
import Foundation

/// The encoding a masked output is written in (--output-encoding). By default the input's own:
/// a regulator's or an enterprise's downstream system gets its file back as it sent it.
public enum OutputEncoding: String, Sendable {
    case utf8 = "utf-8", gb18030 = "gb18030", utf16le = "utf-16le", utf16be = "utf-16be"

    /// The --output-encoding value: nil means `same` (the input's encoding).
    static func choice(_ option: String?) throws -> OutputEncoding? {
        guard let option else { return nil }
        switch option.lowercased() {
        case "same": return nil
        case "utf-8", "utf8": return .utf8
        case "gb18030": return .gb18030
        default: throw DSToolError.usage("--output-encoding: '\(option)' is not one of utf-8, gb18030, same")
        }
    }

    /// The encoding the host read an input item in (its `encoding`), as an output encoding.
    static func of(input encoding: String) -> OutputEncoding {
        switch encoding {
        case "gb18030": return .gb18030
        case "utf-16le": return .utf16le
        case "utf-16be": return .utf16be
        default: return .utf8
        }
    }

    var iconvName: String {
        switch self {
        case .utf8: return "UTF-8"
        case .gb18030: return "GB18030"
        case .utf16le: return "UTF-16LE"
        case .utf16be: return "UTF-16BE"
        }
    }

    /// U+FFFD in this encoding: what a byte that is not UTF-8 becomes.
    var replacement: [UInt8] {
        switch self {
        case .utf8: return [0xEF, 0xBF, 0xBD]
        case .gb18030: return [0x84, 0x31, 0xA4, 0x37]
        case .utf16le: return [0xFD, 0xFF]
        case .utf16be: return [0xFF, 0xFD]
        }
    }

    var byteOrderMark: [UInt8] {
        switch self {
        case .utf16le: return [0xFF, 0xFE]
        case .utf16be: return [0xFE, 0xFF]
        default: return []
        }
    }
}

/// Converts the UTF-8 the maskers write into the output encoding, chunk by chunk (a character
/// cut at a chunk's end waits for the next), through glibc's iconv — whose GB18030 table is the
/// one the host decodes with, so unmasked GB18030 text comes back byte for byte.
///
/// Masked values are checked before they get here (MaskEngine.validatesUTF8: one that is not
/// UTF-8 follows --on-invalid). Bytes copied from the input that are not UTF-8 (possible only
/// when a lenient UTF-8 input is written as GB18030) have no representation: each becomes U+FFFD
/// and is counted, or with --on-invalid fail the input fails.
final class OutputTranscoder {
    let encoding: OutputEncoding
    let failOnUnrepresentable: Bool
    private let cd: iconv_t
    private var pending: [UInt8] = []
    private var prefix: [UInt8]
    private var converted: [UInt8] = []
    /// Bytes that were not UTF-8 and were written as U+FFFD.
    private(set) var unrepresentable = 0

    init(_ encoding: OutputEncoding, byteOrderMark: Bool, failOnUnrepresentable: Bool) throws {
        self.encoding = encoding
        self.failOnUnrepresentable = failOnUnrepresentable
        prefix = byteOrderMark ? encoding.byteOrderMark : []
        guard let cd = iconv_open(encoding.iconvName, "UTF-8"), cd != iconv_t(bitPattern: -1) else { throw DSToolError.failed("iconv on this system cannot write \(encoding.rawValue)") }
        self.cd = cd
    }

    deinit { iconv_close(cd) }

    /// The conversion of `input` (after what an earlier call left pending); `last` ends the
    /// stream (a character still incomplete is then not UTF-8). Throws under --on-invalid fail.
    func convert(_ input: [UInt8], last: Bool = false) throws -> [UInt8] {
        var source = pending
        source.append(contentsOf: input)
        pending.removeAll()
        converted.removeAll(keepingCapacity: true)
        converted.append(contentsOf: prefix)
        prefix = []
        var used = converted.count
        if converted.count < used + 2 * source.count + 16 {
            converted.append(contentsOf: repeatElement(0, count: used + 2 * source.count + 16 - converted.count))
        }
        let replacement = encoding.replacement
        source.withUnsafeMutableBytes { raw in
            var inPtr = raw.baseAddress?.assumingMemoryBound(to: CChar.self)
            var inLeft = raw.count
            while inLeft > 0 {
                let (result, error) = converted.withUnsafeMutableBytes { o -> (Int, Int32) in
                    var outPtr: UnsafeMutablePointer<CChar>? = (o.baseAddress! + used).assumingMemoryBound(to: CChar.self)
                    var outLeft = o.count - used
                    let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    let e = errno
                    used = o.count - outLeft
                    return (r, e)
                }
                if result != -1 { break }
                if error == E2BIG || converted.count - used < replacement.count {
                    converted.append(contentsOf: repeatElement(0, count: converted.count + 64))
                    continue
                }
                if error == EINVAL && !last {
                    // A character cut by the chunk's end: keep it for the next chunk.
                    pending = Array(UnsafeRawBufferPointer(start: inPtr, count: inLeft))
                    break
                }
                // Not UTF-8 (EILSEQ), or cut by the end of the stream: one U+FFFD per byte.
                for k in 0..<replacement.count { converted[used + k] = replacement[k] }
                used += replacement.count
                unrepresentable += 1
                inPtr = inPtr! + 1
                inLeft -= 1
            }
        }
        if unrepresentable > 0 && failOnUnrepresentable {
            throw InputFailure(reason: "bytes that are not UTF-8 cannot be written as \(encoding.rawValue) (--on-invalid fail)", line: nil)
        }
        return Array(converted[0..<used])
    }

    /// What is left at the end of the stream (a byte-order mark of an empty output, or a cut character).
    func finish() throws -> [UInt8] { try convert([], last: true) }
}
