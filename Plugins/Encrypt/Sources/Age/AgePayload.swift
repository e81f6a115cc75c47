import DSToolKit
import FoundationEssentials

/// age's payload chunks: ChaCha20-Poly1305 under the payload key, nonce = 11-byte big-endian
/// chunk counter || 0x01 for the last chunk, 0x00 otherwise.
final class AgeChunkCipher: ChunkCipher {
    let tagSize = ChaChaPoly.tagSize
    private let sealer: ChaChaPoly?
    private let opener: ChaChaPoly?

    init(payloadKey: SecretBuffer, encrypting: Bool) throws {
        sealer = encrypting ? try ChaChaPoly(key: payloadKey, encrypting: true) : nil
        opener = encrypting ? nil : try ChaChaPoly(key: payloadKey, encrypting: false)
    }

    static func nonce(_ index: UInt64, last: Bool) -> [UInt8] {
        var n = [UInt8](repeating: 0, count: 12)
        for i in 0..<8 { n[10 - i] = UInt8(truncatingIfNeeded: index >> (8 * UInt64(i))) }
        n[11] = last ? 1 : 0
        return n
    }

    func seal(_ batch: [ChunkRef]) throws {
        for c in batch { try sealer!.seal(nonce: Self.nonce(c.index, last: c.last), c.src, count: c.count, into: c.dst) }
    }

    func open(_ batch: [ChunkRef]) throws -> Int? {
        for (k, c) in batch.enumerated() where !opener!.open(nonce: Self.nonce(c.index, last: c.last), c.src, count: c.count, into: c.dst) {
            return k
        }
        return nil
    }

    func authenticates(_ src: UnsafeRawPointer, count: Int, index: UInt64, last: Bool) -> Bool {
        var scratch = [UInt8](repeating: 0, count: max(count, 1))
        defer { wipe(&scratch) }
        return scratch.withUnsafeMutableBytes { opener!.open(nonce: Self.nonce(index, last: last), src, count: count, into: $0.baseAddress!) }
    }
}
