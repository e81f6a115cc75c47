import CDSToolMagic
import FoundationEssentials
import Glibc

/// libmagic: MIME type and description from content, never from the file name.
final class MagicDetector {
    private let mimeCookie: magic_t
    private let textCookie: magic_t

    init?() {
        guard let m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR),
              let t = magic_open(MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR) else { return nil }
        guard magic_load(m, nil) == 0, magic_load(t, nil) == 0 else { magic_close(m); magic_close(t); return nil }
        mimeCookie = m
        textCookie = t
    }

    deinit {
        magic_close(mimeCookie)
        magic_close(textCookie)
    }

    func describe(_ head: UnsafeRawBufferPointer) -> (mime: String, description: String) {
        guard head.count > 0 else { return ("application/x-empty", "empty") }
        let mime = magic_buffer(mimeCookie, head.baseAddress, head.count).map { String(cString: $0) } ?? "application/octet-stream"
        let desc = magic_buffer(textCookie, head.baseAddress, head.count).map { String(cString: $0) } ?? "data"
        return (mime, desc)
    }
}
