import DSToolKit
import Foundation

/// Where bytes come from: an input item, a file, or memory (tests).
public protocol ByteSource: AnyObject {
    /// Fills up to `buffer.count` bytes; 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// An input item's raw bytes, or its text decoded to UTF-8 by the host (GB18030, UTF-16).
final class ItemSource: ByteSource {
    let item: InputItem
    let decode: Bool
    /// Decoded: the raw offset of the first text byte (2 after a UTF-16 byte-order mark), once read.
    private(set) var firstRawOffset: UInt64?
    init(_ item: InputItem, decode: Bool) { self.item = item; self.decode = decode }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard decode else { return try item.read(into: buffer) }
        if firstRawOffset == nil {
            let offsets = UnsafeMutablePointer<UInt64>.allocate(capacity: buffer.count)
            defer { offsets.deallocate() }
            let n = try item.readText(into: buffer.bindMemory(to: UInt8.self), offsets: offsets)
            if n > 0 { firstRawOffset = offsets[0] }
            return n
        }
        return try item.readText(into: buffer.bindMemory(to: UInt8.self))
    }
}

public final class MemorySource: ByteSource {
    let bytes: [UInt8]
    @exclusivity(unchecked) var offset = 0
    /// Largest read, to exercise records that cross buffer refills in tests.
    let chunk: Int
    public init(_ bytes: [UInt8], chunk: Int = 1 << 20) { self.bytes = bytes; self.chunk = chunk }
    public convenience init(_ text: String, chunk: Int = 1 << 20) { self.init(Array(text.utf8), chunk: chunk) }
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - offset, chunk)
        if n <= 0 { return 0 }
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }
}

/// A file read with read(2) (a second pass over an input, SQLite spools).
final class FileSource: ByteSource {
    let fd: Int32
    let path: String
    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DSToolError.io("\(path): \(String(cString: strerror(errno)))") }
    }
    deinit { close(fd) }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw DSToolError.io("\(path): \(String(cString: strerror(errno)))") }
        }
    }
}

/// Where masked bytes go: buffered, flushed in large writes.
public final class ByteSink {
    @exclusivity(unchecked) public private(set) var buffer: [UInt8] = []
    private let flushAt: Int
    private let write: ([UInt8]) throws -> Void
    @exclusivity(unchecked) public private(set) var written: Int64 = 0

    /// `write` receives full buffers; nil keeps everything in `buffer` (tests, small outputs).
    public init(flushAt: Int = 1 << 20, write: (([UInt8]) throws -> Void)? = nil) {
        self.flushAt = write == nil ? Int.max : flushAt
        self.write = write ?? { _ in }
        buffer.reserveCapacity(min(flushAt, 1 << 20) + 4096)
    }

    public static func output(_ output: PluginOutput) -> ByteSink {
        ByteSink { try output.write($0) }
    }

    @inline(__always) public func append(_ byte: UInt8) { buffer.append(byte) }
    @inline(__always) public func append(_ bytes: UnsafeBufferPointer<UInt8>) { buffer.append(contentsOf: bytes) }
    @inline(__always) public func append(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }

    /// Whether `maybeFlush` would write now.
    @inline(__always) public var isFull: Bool { buffer.count >= flushAt }

    /// Removes and returns the buffered bytes from `offset` on (DeferredCells splices results in).
    func takeTail(from offset: Int) -> [UInt8] {
        let tail = Array(buffer[offset...])
        buffer.removeSubrange(offset...)
        return tail
    }

    /// Call between records: writes out once the buffer is large.
    @inline(__always) public func maybeFlush() throws { if buffer.count >= flushAt { try flush() } }

    public func flush() throws {
        guard flushAt != Int.max, !buffer.isEmpty else { return }
        try write(buffer)
        written += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    public var text: String { String(decoding: buffer, as: UTF8.self) }
}

/// The refill step of the buffered readers (CSV records, lines): moves the unread bytes to the
/// front, doubles the buffer when a record fills it, and reads more. False at the end of input.
enum BufferRefill {
    static func refill(_ storage: inout UnsafeMutablePointer<UInt8>, capacity: inout Int, filled: inout Int,
                       position: inout Int, from source: ByteSource) throws -> Bool {
        if position > 0 {
            let keep = filled - position
            if keep > 0 { storage.update(from: storage + position, count: keep) }
            filled = keep
            position = 0
        }
        if filled == capacity {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: storage, count: filled)
            storage.deallocate()
            storage = bigger
            capacity *= 2
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(start: storage + filled, count: capacity - filled))
        filled += n
        return n > 0
    }
}
