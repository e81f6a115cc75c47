import CDSToolCrypto
import FoundationEssentials

/// ASCII armor: PEM-style begin/end lines around padded base64 in 64-column lines, with no
/// headers; strict like age's: only whitespace may surround it (at most 1 KiB), every line but
/// the last holds exactly 64 characters, base64 is canonical, CRLF line ends are accepted.
public enum Armor {
    public static let ageLabel = "AGE ENCRYPTED FILE"
    public static let gmLabel = "DSTOOL GM ENCRYPTED FILE"
    static let maxWhitespace = 1024

    public static func begin(_ label: String) -> [UInt8] { Array("-----BEGIN \(label)-----".utf8) }
    public static func end(_ label: String) -> [UInt8] { Array("-----END \(label)-----".utf8) }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0B || c == 0x0C }

    /// The label of the armor the source starts with (after optional whitespace), without consuming it.
    public static func detect(_ source: BufferedSource) throws -> String? {
        let head = try source.peek(maxWhitespace + 64)
        guard let first = head.firstIndex(where: { !isSpace($0) }) else { return nil }
        let rest = head[first...]
        for label in [ageLabel, gmLabel] where rest.starts(with: begin(label)) { return label }
        if rest.starts(with: Array("-----BEGIN ".utf8)) { return "" }  // some other armor: reported by the reader
        return nil
    }
}

/// Decodes armored input as a byte stream.
public final class ArmorReader: ByteSource {
    private let source: BufferedSource
    private let labels: [String]
    public private(set) var label: String?
    private var pending: [UInt8] = []
    private var pendingPos = 0
    private var finished = false

    /// `labels`: the armor types accepted.
    public init(_ source: BufferedSource, labels: [String]) {
        self.source = source
        self.labels = labels
    }

    private func line() throws -> [UInt8] {
        let r: (line: [UInt8], terminated: Bool)?
        do { r = try source.readLine(max: 1 << 12) } catch is BufferedSource.LineTooLong {
            throw EnvelopeError.armor("line too long")
        }
        guard var l = r?.line else { throw EnvelopeError.armor("unexpected end of file (no END line)") }
        if l.last == 0x0D { l.removeLast() }
        return l
    }

    private func start() throws {
        var skipped = 0
        while true {
            let l = try line()
            if l.allSatisfy(Armor.isSpace) {
                skipped += l.count + 1
                if skipped > Armor.maxWhitespace { throw EnvelopeError.armor("too much leading whitespace") }
                continue
            }
            guard let match = labels.first(where: { l == Armor.begin($0) }) else {
                throw EnvelopeError.armor("the first line is not \(labels.map { String(decoding: Armor.begin($0), as: UTF8.self) }.joined(separator: " or "))")
            }
            label = match
            return
        }
    }

    private func drainTrailing() throws {
        var seen = 0
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = try buf.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return }
            if !buf[0..<n].allSatisfy(Armor.isSpace) { throw EnvelopeError.armor("data after the END line") }
            seen += n
            if seen >= Armor.maxWhitespace { throw EnvelopeError.armor("too much trailing whitespace") }
        }
    }

    /// Decodes the next line into `pending`; false at the END line.
    private func nextLine() throws -> Bool {
        if label == nil { try start() }
        let endLine = Armor.end(label!)
        let l = try line()
        if l == endLine { try drainTrailing(); return false }
        if l.isEmpty { throw EnvelopeError.armor("empty line inside the armor") }
        if l.count > 64 { throw EnvelopeError.armor("line longer than 64 columns") }
        guard let bytes = Base64.decode(l, padded: true) else {
            throw EnvelopeError.armor("invalid base64 (not canonical, stray characters or whitespace)")
        }
        pending = bytes
        pendingPos = 0
        if bytes.count < 48 {
            // A short line is the last one.
            let closing = try line()
            guard closing == endLine else { throw EnvelopeError.armor("a short line is not followed by the END line") }
            try drainTrailing()
            finished = true
        }
        return true
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            if pendingPos == pending.count {
                if finished { break }
                if !(try nextLine()) { finished = true; break }
                continue
            }
            let n = min(buffer.count - filled, pending.count - pendingPos)
            pending.withUnsafeBytes { (buffer.baseAddress! + filled).copyMemory(from: $0.baseAddress! + pendingPos, byteCount: n) }
            pendingPos += n
            filled += n
        }
        return filled
    }
}

/// Encodes a byte stream as armor; call finish() after the last write.
public final class ArmorWriter: ByteSink {
    private let sink: ByteSink
    private let label: String
    private var carry: [UInt8] = []
    private var started = false
    private var out: [UInt8] = []

    public init(_ sink: ByteSink, label: String) {
        self.sink = sink
        self.label = label
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if !started { out += Armor.begin(label) + [0x0A]; started = true }
        var input = bytes
        if !carry.isEmpty {
            let take = min(48 - carry.count, input.count)
            carry += input.prefix(take)
            input = UnsafeRawBufferPointer(rebasing: input.dropFirst(take))
            if carry.count == 48 { carry.withUnsafeBytes { encodeLines($0) }; carry.removeAll(keepingCapacity: true) }
        }
        let whole = input.count / 48 * 48
        if whole > 0 { encodeLines(UnsafeRawBufferPointer(rebasing: input.prefix(whole))) }
        carry += input.dropFirst(whole)
        if out.count >= 1 << 20 { try flush() }
    }

    /// Whole 48-byte groups to 64-column lines (OpenSSL's EVP_EncodeBlock does the base64).
    private func encodeLines(_ bytes: UnsafeRawBufferPointer) {
        let lines = bytes.count / 48
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: lines * 65 + 1))
        out.withUnsafeMutableBytes { o in
            var src = bytes.baseAddress!
            var dst = o.baseAddress! + start
            for _ in 0..<lines {
                _ = EVP_EncodeBlock(dst.assumingMemoryBound(to: UInt8.self), src.assumingMemoryBound(to: UInt8.self), 48)
                dst.storeBytes(of: 0x0A, toByteOffset: 64, as: UInt8.self)
                src += 48; dst += 65
            }
        }
        out.removeLast()  // the spare byte EVP_EncodeBlock's terminating NUL may use
    }

    private func flush() throws {
        try sink.write(out)
        out.removeAll(keepingCapacity: true)
    }

    public func finish() throws {
        if !started { out += Armor.begin(label) + [0x0A]; started = true }
        if !carry.isEmpty {
            out += Base64.encodeBytes(carry, padded: true) + [0x0A]
        }
        out += Armor.end(label) + [0x0A]
        try flush()
    }
}
