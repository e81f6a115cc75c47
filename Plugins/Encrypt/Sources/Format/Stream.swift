import CDSToolSM
import DSToolKit
import FoundationEssentials

/// One chunk of a STREAM batch. For sealing, `src` is plaintext and `dst` gets ciphertext+tag;
/// for opening, `src` is ciphertext+tag and `dst` gets plaintext. `count` is the plaintext size.
struct ChunkRef {
    var index: UInt64
    var last: Bool
    var src: UnsafeRawPointer
    var dst: UnsafeMutableRawPointer
    var count: Int
}

/// The per-chunk authenticated encryption of a STREAM construction (age: ChaCha20-Poly1305 with
/// the counter and last-chunk flag in the nonce; GM: SM4-CTR + HMAC-SM3 over the counter block).
protocol ChunkCipher: AnyObject {
    var tagSize: Int { get }
    /// Encrypts every chunk of the batch.
    func seal(_ batch: [ChunkRef]) throws
    /// Authenticates the chunks in order and decrypts those that pass; returns the position in
    /// the batch of the first that fails (its plaintext is not released), or nil.
    func open(_ batch: [ChunkRef]) throws -> Int?
    /// Whether the chunk (ciphertext+tag, `count` plaintext bytes) authenticates as chunk `index`
    /// with the given last flag (used to explain a failure).
    func authenticates(_ src: UnsafeRawPointer, count: Int, index: UInt64, last: Bool) -> Bool
}

/// The STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár) as age uses it: 64 KiB
/// plaintext chunks, each sealed with its counter and a flag marking the last one, so truncation,
/// reordering, dropping and appending are all detected. Batches of `lanes` chunks are read at a
/// time (the GM cipher MACs them in parallel); memory stays constant whatever the input size.
final class StreamCodec {
    static let chunkSize = 64 << 10
    /// How far (in chunks) a misplaced chunk is searched for when explaining a failure.
    static let diagnosisWindow: UInt64 = 64

    let cipher: ChunkCipher
    let lanes: Int

    init(cipher: ChunkCipher, lanes: Int = 16) {
        self.cipher = cipher
        self.lanes = lanes
    }

    func encrypt(from source: ByteSource, to sink: ByteSink, progress: ((Int64) -> Void)? = nil) throws {
        let c = Self.chunkSize, t = cipher.tagSize
        let reader = BatchReader(source, capacity: lanes * c)
        let output = SecretRegion(count: lanes * (c + t))
        var index: UInt64 = 0
        var total: Int64 = 0
        while true {
            let (input, dataLen, more) = try reader.next()
            var lens: [Int] = []
            var left = dataLen
            repeat { let l = min(c, left); lens.append(l); left -= l } while left > 0
            var batch: [ChunkRef] = []
            var off = 0
            for (k, l) in lens.enumerated() {
                batch.append(ChunkRef(index: index + UInt64(k), last: !more && k == lens.count - 1,
                                      src: input + k * c, dst: output.base + off, count: l))
                off += l + t
            }
            try cipher.seal(batch)
            try sink.write(UnsafeRawBufferPointer(start: output.base, count: off))
            index += UInt64(lens.count)
            total += Int64(dataLen)
            progress?(total)
            if !more { return }
        }
    }

    func decrypt(from source: ByteSource, to sink: ByteSink, progress: ((Int64) -> Void)? = nil) throws {
        let c = Self.chunkSize, t = cipher.tagSize, d = c + t
        let reader = BatchReader(source, capacity: lanes * d)
        let output = SecretRegion(count: lanes * c)
        var index: UInt64 = 0
        var total: Int64 = 0
        while true {
            let (input, dataLen, more) = try reader.next()
            if dataLen == 0 {
                throw EnvelopeError.truncated(index == 0 ? "the payload has no chunks" : "the file ends before its final chunk")
            }
            var lens: [Int] = []  // ciphertext sizes with tags
            var left = dataLen
            while left > 0 { let l = min(d, left); lens.append(l); left -= l }
            // A piece shorter than a tag cannot be a chunk; the chunks before it are checked first
            // (a final chunk followed by a few bytes is "data after the end", not truncation).
            var fragment: Int?
            if let short = lens.last, short < t { fragment = lens.removeLast() }
            var batch: [ChunkRef] = []
            for (k, l) in lens.enumerated() {
                batch.append(ChunkRef(index: index + UInt64(k), last: !more && fragment == nil && k == lens.count - 1,
                                      src: input + k * d, dst: output.base + k * c, count: l - t))
            }
            let failed = try cipher.open(batch)
            let good = failed ?? batch.count
            // An empty final chunk is only allowed when the whole plaintext is empty.
            var releasable = good
            if good > 0, batch[..<good].contains(where: { $0.last && $0.count == 0 && $0.index > 0 }) { releasable = good - 1 }
            var plain = 0
            for k in 0..<releasable { plain += batch[k].count }
            if plain > 0 { try sink.write(UnsafeRawBufferPointer(start: output.base, count: plain)) }
            total += Int64(plain)
            if releasable < good {
                throw EnvelopeError.payload("the final chunk (\(batch[releasable].index)) is empty, which only an empty file may have")
            }
            if let failed { throw diagnose(batch, failed) }
            if let fragment {
                throw EnvelopeError.truncated("the file ends inside chunk \(index + UInt64(lens.count)) (\(fragment) bytes, shorter than its \(t)-byte tag)")
            }
            index += UInt64(lens.count)
            progress?(total)
            if !more { return }
        }
    }

    /// Explains why a chunk failed: a different position (reordered, dropped), a different last
    /// flag (truncated, or data after the end), or neither (modified). Chunks later in the batch
    /// tell a swap (the missing chunk turns up later) from a drop.
    private func diagnose(_ batch: [ChunkRef], _ position: Int) -> EnvelopeError {
        let chunk = batch[position]
        let p = chunk.index
        if cipher.authenticates(chunk.src, count: chunk.count, index: p, last: !chunk.last) {
            return chunk.last
                ? .truncated("the file ends after chunk \(p), which is not the final chunk")
                : .trailingData("chunk \(p) is the final chunk but more data follows it")
        }
        let lo = p > Self.diagnosisWindow ? p - Self.diagnosisWindow : 0
        for j in lo...(p + Self.diagnosisWindow) where j != p {
            for flag in [false, true] where cipher.authenticates(chunk.src, count: chunk.count, index: j, last: flag) {
                if j < p { return .chunkReordered(position: p, actual: j) }
                let later = batch[(position + 1)...].contains { c in
                    [false, true].contains { cipher.authenticates(c.src, count: c.count, index: p, last: $0) }
                }
                return later ? .chunkReordered(position: p, actual: j) : .chunkDropped(position: p, actual: j)
            }
        }
        if chunk.last && chunk.count < Self.chunkSize { return .lastChunkInvalid(chunk: p) }
        return .chunkModified(chunk: p)
    }
}

/// A heap region with a stable address, wiped and freed with the object (batch buffers).
final class SecretRegion {
    let base: UnsafeMutableRawPointer
    let count: Int
    init(count: Int) {
        self.count = count
        base = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 64)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
    }
    deinit {
        memset_s_portable(base, count)
        base.deallocate()
    }
}

/// Hands out the input in batches of up to `capacity` bytes, with one byte of look-ahead to know
/// whether more follows. A memory-mapped input is handed out in place (no copy); any other
/// source is read into a buffer.
final class BatchReader {
    let source: ByteSource
    let capacity: Int
    private var buffer: SecretRegion?
    private var pending = 0

    init(_ source: ByteSource, capacity: Int) {
        self.source = source
        self.capacity = capacity
    }

    /// The batch (valid until the next call), its size, and whether more data follows it.
    func next() throws -> (UnsafeRawPointer, Int, Bool) {
        if let mapped = source as? MappedInput {
            let start = mapped.pointer
            let n = min(capacity, mapped.remaining)
            mapped.advance(n)
            return (start, n, mapped.remaining > 0)
        }
        let buf = buffer ?? SecretRegion(count: capacity + 1)
        buffer = buf
        if pending > 0 { buf.base.storeBytes(of: buf.base.load(fromByteOffset: capacity, as: UInt8.self), as: UInt8.self) }
        let n = try source.readFully(into: UnsafeMutableRawBufferPointer(start: buf.base + pending, count: capacity + 1 - pending))
        let more = pending + n == capacity + 1
        let count = more ? capacity : pending + n
        pending = more ? 1 : 0
        return (UnsafeRawPointer(buf.base), count, more)
    }
}

/// A file's bytes from `offset` on, memory-mapped: the GM envelope's batches read it in place.
/// Every access from C goes through dstool_sm_guarded, so a file truncated while it is read is an
/// error, not a crash; `read(into:)` copies under the same guard.
final class MappedInput: ByteSource {
    let file: MappedFile
    private(set) var position: Int

    init(file: MappedFile, offset: Int) {
        self.file = file
        self.position = min(offset, file.count)
    }

    var remaining: Int { file.count - position }
    var pointer: UnsafeRawPointer { UnsafeRawPointer(file.bytes) + position }
    func advance(_ n: Int) { position += n }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, remaining)
        guard n > 0 else { return 0 }
        guard dstool_sm_guarded_copy(buffer.baseAddress!, pointer, n) == 0 else {
            throw DSToolError.io("the input file changed (shrank) while it was being read")
        }
        position += n
        return n
    }
}
