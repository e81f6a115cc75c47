import FoundationEssentials

/// Why a file could not be decrypted (or encrypted). Each case has its own error code, so a
/// script (and the tests) can tell a wrong key from a tampered header from a truncated file.
public enum EnvelopeError: Error, CustomStringConvertible, Equatable {
    /// The ASCII armor is malformed (bad line, bad base64, text outside it).
    case armor(String)
    /// The header cannot be parsed, or a recipient stanza is malformed.
    case header(String)
    /// The header's MAC does not match: it was modified after encryption.
    case headerMAC
    /// None of the identities (keys) opens any recipient stanza.
    case noIdentityMatched(String)
    /// The passphrase does not open the password stanza.
    case wrongPassphrase
    /// The file ends before its final chunk (or inside a chunk).
    case truncated(String)
    /// A chunk fails authentication: it was modified.
    case chunkModified(chunk: UInt64)
    /// The short last chunk fails authentication: the file was cut inside it, or it was modified
    /// (the two cannot be told apart: a cut removes the tag).
    case lastChunkInvalid(chunk: UInt64)
    /// Chunks are in the wrong order or duplicated: the chunk at `position` is chunk `actual`.
    case chunkReordered(position: UInt64, actual: UInt64)
    /// Chunks are missing: the chunk at `position` is chunk `actual` (> position).
    case chunkDropped(position: UInt64, actual: UInt64)
    /// Bytes follow the final chunk.
    case trailingData(String)
    /// The payload is malformed in another way (an empty final chunk after data).
    case payload(String)
    /// Usage problems: no recipients, mixed schemes, unusable keys.
    case unusable(String)

    public var code: String {
        switch self {
        case .armor: return "decrypt.armor"
        case .header: return "decrypt.header"
        case .headerMAC: return "decrypt.header-mac"
        case .noIdentityMatched: return "decrypt.no-identity"
        case .wrongPassphrase: return "decrypt.wrong-passphrase"
        case .truncated: return "decrypt.truncated"
        case .chunkModified: return "decrypt.chunk-modified"
        case .lastChunkInvalid: return "decrypt.last-chunk-invalid"
        case .chunkReordered: return "decrypt.chunk-reordered"
        case .chunkDropped: return "decrypt.chunk-dropped"
        case .trailingData: return "decrypt.trailing-data"
        case .payload: return "decrypt.payload"
        case .unusable: return "key.unusable"
        }
    }

    public var description: String {
        switch self {
        case .armor(let m): return "invalid armor: \(m)"
        case .header(let m): return "invalid header: \(m)"
        case .headerMAC: return "header authentication failed: the header was modified"
        case .noIdentityMatched(let m): return "no identity matched: \(m)"
        case .wrongPassphrase: return "wrong passphrase (or the password stanza was modified)"
        case .truncated(let m): return "truncated: \(m)"
        case .chunkModified(let c): return "chunk \(c) failed authentication: the data was modified"
        case .lastChunkInvalid(let c): return "the last chunk (\(c)) failed authentication: the file was cut short inside it, or it was modified"
        case .chunkReordered(let p, let a): return "chunk \(p) is out of order: it holds chunk \(a) (chunks reordered or duplicated)"
        case .chunkDropped(let p, let a):
            return a == p + 1 ? "chunk \(p) is missing (dropped): chunk \(a) is in its place"
                : "chunks \(p)–\(a - 1) are missing (dropped): chunk \(a) is in the place of chunk \(p)"
        case .trailingData(let m): return "data after the final chunk: \(m)"
        case .payload(let m): return "invalid payload: \(m)"
        case .unusable(let m): return m
        }
    }

    /// The class of failure used by the age test vectors (C2SP CCTV).
    public var cctvClass: String {
        switch self {
        case .armor: return "armor failure"
        case .header, .unusable: return "header failure"
        case .headerMAC: return "HMAC failure"
        case .noIdentityMatched, .wrongPassphrase: return "no match"
        case .truncated, .chunkModified, .lastChunkInvalid, .chunkReordered, .chunkDropped, .trailingData, .payload: return "payload failure"
        }
    }
}
