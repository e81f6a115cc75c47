import DSToolKit
import FoundationEssentials

/// Where encrypted or decrypted bytes come from: a host input item, memory (tests), an armor decoder.
public protocol ByteSource: AnyObject {
    /// Up to buffer.count bytes; 0 only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Where they go: a host output, memory (tests), an armor encoder.
public protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension ByteSink {
    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }
}

extension ByteSource {
    /// Fills the buffer unless the source ends first; returns the count read.
    public func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if n == 0 { break }
            filled += n
        }
        return filled
    }
}

public final class MemorySource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - position)
        if n > 0 {
            bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + position, byteCount: n) }
            position += n
        }
        return n
    }
}

public final class MemorySink: ByteSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public func write(_ b: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: b) }
}

/// The bytes of a host input item.
final class ItemSource: ByteSource {
    let item: InputItem
    init(_ item: InputItem) { self.item = item }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try item.read(into: buffer) }
}

/// A host output (atomic file or standard output).
final class OutputSink: ByteSink {
    let output: PluginOutput
    init(_ output: PluginOutput) { self.output = output }
    func write(_ bytes: UnsafeRawBufferPointer) throws { try output.write(bytes) }
}

/// A source with look-ahead: header lines are read byte-exactly, the payload in big blocks.
public final class BufferedSource: ByteSource {
    private let base: ByteSource
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEnd = false
    /// Bytes handed out so far (for error offsets).
    public private(set) var consumed: Int64 = 0

    public init(_ base: ByteSource, capacity: Int = 1 << 16) {
        self.base = base
        self.buffer = [UInt8](repeating: 0, count: capacity)
    }

    /// Makes at least `n` bytes available unless the source ends first; returns how many are.
    @discardableResult
    private func fill(_ n: Int) throws -> Int {
        if end - start >= n || atEnd { return end - start }
        if start > 0 {
            let count = end - start
            buffer.withUnsafeMutableBytes { p in
                if count > 0 { p.baseAddress!.copyMemory(from: p.baseAddress! + start, byteCount: count) }
            }
            start = 0; end = count
        }
        if buffer.count < n { buffer.append(contentsOf: [UInt8](repeating: 0, count: n - buffer.count)) }
        while end - start < n && !atEnd {
            let got = try buffer.withUnsafeMutableBytes { p in
                try base.read(into: UnsafeMutableRawBufferPointer(rebasing: p[end...]))
            }
            if got == 0 { atEnd = true } else { end += got }
        }
        return end - start
    }

    /// Up to n bytes without consuming them.
    public func peek(_ n: Int) throws -> [UInt8] {
        let have = try fill(n)
        return Array(buffer[start..<(start + min(have, n))])
    }

    /// True if no bytes are left.
    public func isAtEnd() throws -> Bool { try fill(1) == 0 }

    /// The next line without its "\n"; `terminated` is false if the source ended before a "\n".
    /// Nil at the end. Throws `tooLong` past `max` bytes.
    public func readLine(max: Int) throws -> (line: [UInt8], terminated: Bool)? {
        var line: [UInt8] = []
        while true {
            if start == end {
                if try fill(1) == 0 { return line.isEmpty ? nil : (line, false) }
            }
            if let nl = buffer[start..<end].firstIndex(of: 0x0A) {
                line.append(contentsOf: buffer[start..<nl])
                consumed += Int64(nl + 1 - start)
                start = nl + 1
                if line.count > max { throw LineTooLong() }
                return (line, true)
            }
            line.append(contentsOf: buffer[start..<end])
            consumed += Int64(end - start)
            start = end
            if line.count > max { throw LineTooLong() }
        }
    }

    public struct LineTooLong: Error {}

    public func read(into out: UnsafeMutableRawBufferPointer) throws -> Int {
        if start < end {
            let n = min(out.count, end - start)
            buffer.withUnsafeBytes { out.baseAddress!.copyMemory(from: $0.baseAddress! + start, byteCount: n) }
            start += n
            consumed += Int64(n)
            return n
        }
        if atEnd { return 0 }
        // Large reads bypass the buffer.
        if out.count >= buffer.count {
            let n = try base.read(into: out)
            if n == 0 { atEnd = true }
            consumed += Int64(n)
            return n
        }
        if try fill(1) == 0 { return 0 }
        return try read(into: out)
    }
}

/// Memory that holds key material: wiped when released (best effort: Swift may have copied
/// values elsewhere, so secrets are kept in these buffers and passed by pointer where possible).
public final class SecretBuffer {
    public private(set) var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(count: Int) { self.bytes = [UInt8](repeating: 0, count: count) }
    public var count: Int { bytes.count }
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }
    public func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeMutableBytes(body)
    }
    public func wipe() {
        bytes.withUnsafeMutableBytes { if let b = $0.baseAddress { memset_s_portable(b, $0.count) } }
    }
    deinit { wipe() }
}

/// Wipes an array in place.
func wipe(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { if let b = $0.baseAddress { memset_s_portable(b, $0.count) } }
}
