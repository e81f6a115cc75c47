import DSToolKit
import Foundation

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

    /// Reads the next batch into `buffer` (whose last byte is look-ahead: if it fills, more data
    /// follows the batch and that byte starts the next one). Returns the batch's byte count and
    /// whether more follows; `pending` carries the look-ahead byte over.
    private static func nextBatch(_ source: ByteSource, _ buffer: inout [UInt8], _ pending: inout Int) throws -> (count: Int, more: Bool) {
        let capacity = buffer.count - 1
        if pending > 0 { buffer[0] = buffer[capacity] }
        let start = pending
        let n = try buffer.withUnsafeMutableBytes { p in
            try source.readFully(into: UnsafeMutableRawBufferPointer(rebasing: p[start...]))
        }
        let more = pending + n == capacity + 1
        let count = more ? capacity : pending + n
        pending = more ? 1 : 0
        return (count, more)
    }

    func encrypt(from source: ByteSource, to sink: ByteSink, progress: ((Int64) -> Void)? = nil) throws {
        let c = Self.chunkSize, t = cipher.tagSize
        let capacity = lanes * c
        var input = [UInt8](repeating: 0, count: capacity + 1)
        var output = [UInt8](repeating: 0, count: lanes * (c + t))
        defer { wipe(&input); wipe(&output) }
        var pending = 0
        var index: UInt64 = 0
        var total: Int64 = 0
        while true {
            let (dataLen, more) = try Self.nextBatch(source, &input, &pending)
            var lens: [Int] = []
            var left = dataLen
            repeat { let l = min(c, left); lens.append(l); left -= l } while left > 0
            let written = try input.withUnsafeBytes { i -> Int in
                try output.withUnsafeMutableBytes { o -> Int in
                    var batch: [ChunkRef] = []
                    var off = 0
                    for (k, l) in lens.enumerated() {
                        batch.append(ChunkRef(index: index + UInt64(k), last: !more && k == lens.count - 1,
                                              src: i.baseAddress! + k * c, dst: o.baseAddress! + off, count: l))
                        off += l + t
                    }
                    try cipher.seal(batch)
                    try sink.write(UnsafeRawBufferPointer(start: o.baseAddress!, count: off))
                    return off
                }
            }
            _ = written
            index += UInt64(lens.count)
            total += Int64(dataLen)
            progress?(total)
            if !more { return }
        }
    }

    func decrypt(from source: ByteSource, to sink: ByteSink, progress: ((Int64) -> Void)? = nil) throws {
        let c = Self.chunkSize, t = cipher.tagSize, d = c + t
        let capacity = lanes * d
        var input = [UInt8](repeating: 0, count: capacity + 1)
        var output = [UInt8](repeating: 0, count: lanes * c)
        defer { wipe(&input); wipe(&output) }
        var pending = 0
        var index: UInt64 = 0
        var total: Int64 = 0
        while true {
            let (dataLen, more) = try Self.nextBatch(source, &input, &pending)
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
            try input.withUnsafeBytes { i in
                try output.withUnsafeMutableBytes { o in
                    var batch: [ChunkRef] = []
                    for (k, l) in lens.enumerated() {
                        batch.append(ChunkRef(index: index + UInt64(k), last: !more && fragment == nil && k == lens.count - 1,
                                              src: i.baseAddress! + k * d, dst: o.baseAddress! + k * c, count: l - t))
                    }
                    let failed = try cipher.open(batch)
                    let good = failed ?? batch.count
                    // An empty final chunk is only allowed when the whole plaintext is empty.
                    var releasable = good
                    if good > 0, let f = batch[..<good].first(where: { $0.last && $0.count == 0 && $0.index > 0 }) {
                        releasable = good - 1
                        _ = f
                    }
                    var plain = 0
                    for k in 0..<releasable { plain += batch[k].count }
                    if plain > 0 { try sink.write(UnsafeRawBufferPointer(start: o.baseAddress!, count: plain)) }
                    total += Int64(plain)
                    if releasable < good {
                        throw EnvelopeError.payload("the final chunk (\(batch[releasable].index)) is empty, which only an empty file may have")
                    }
                    if let failed { throw diagnose(batch, failed) }
                    if let fragment {
                        throw EnvelopeError.truncated("the file ends inside chunk \(index + UInt64(lens.count)) (\(fragment) bytes, shorter than its \(t)-byte tag)")
                    }
                }
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
