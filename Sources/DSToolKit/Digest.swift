import CDSToolCrypto
import FoundationEssentials
import Glibc

/// Streaming message digests through OpenSSL EVP (SHA-256, SM3, and any other name OpenSSL knows).
public final class Digest {
    public enum Algorithm: String, Sendable { case sha256 = "SHA256", sm3 = "SM3", sha1 = "SHA1", md5 = "MD5", sha512 = "SHA512" }

    private let ctx: OpaquePointer
    private let md: OpaquePointer

    public init(_ algorithm: Algorithm) {
        guard let md = Digest.fetched[algorithm], let ctx = EVP_MD_CTX_new() else {
            fatalError("OpenSSL has no \(algorithm.rawValue)")  // all are in OpenSSL 3's default provider
        }
        EVP_MD_up_ref(md)
        self.md = md
        self.ctx = ctx
        EVP_DigestInit_ex(ctx, md, nil)
    }

    /// Each algorithm fetched from its provider once (a fetch per digest was most of the cost of
    /// hashing a short string, e.g. a finding's fingerprint).
    private static let fetched: [Algorithm: OpaquePointer] = {
        var methods: [Algorithm: OpaquePointer] = [:]
        for a in [Algorithm.sha256, .sm3, .sha1, .md5, .sha512] {
            if let md = EVP_MD_fetch(nil, a.rawValue, nil) { methods[a] = md }
        }
        return methods
    }()

    deinit {
        EVP_MD_CTX_free(ctx)
        EVP_MD_free(md)
    }

    public func update(_ buffer: UnsafeRawBufferPointer) {
        if buffer.count > 0 { EVP_DigestUpdate(ctx, buffer.baseAddress, buffer.count) }
    }

    public func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// Finishes and returns the digest; the object must not be updated afterwards.
    public func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var len: UInt32 = 0
        EVP_DigestFinal_ex(ctx, &out, &len)
        return Array(out.prefix(Int(len)))
    }

    public static func hash(_ algorithm: Algorithm, _ bytes: [UInt8]) -> [UInt8] {
        let d = Digest(algorithm); d.update(bytes); return d.finish()
    }
    public static func sha256Hex(_ bytes: [UInt8]) -> String { hex(hash(.sha256, bytes)) }
    public static func sm3Hex(_ bytes: [UInt8]) -> String { hex(hash(.sm3, bytes)) }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](); out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// One digest of a file (plugin verification needs only SHA-256: computing SM3 beside it cost
    /// a third of dstool's start-up).
    public static func fileDigest(_ algorithm: Algorithm, path: String) throws -> String {
        let d = Digest(algorithm)
        _ = try forEachBlock(of: path) { d.update($0) }
        return hex(d.finish())
    }

    /// SHA-256 and SM3 of a file, in one read.
    public static func fileDigests(path: String) throws -> (sha256: String, sm3: String, size: Int64) {
        let a = Digest(.sha256), b = Digest(.sm3)
        let size = try forEachBlock(of: path) { a.update($0); b.update($0) }
        return (hex(a.finish()), hex(b.finish()), size)
    }

    /// Reads a file in 1 MiB blocks into one buffer; returns its size. (FileHandle.read(upToCount:)
    /// gave a fresh 1 MiB Data per block: the kernel zeroed and faulted in 10 MiB of new pages to
    /// hash a 10 MiB plugin library at every start.)
    private static func forEachBlock(of path: String, _ body: (UnsafeRawBufferPointer) -> Void) throws -> Int64 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DSToolError.io("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { block.deallocate() }
        var size: Int64 = 0
        while true {
            let n = read(fd, block.baseAddress, block.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw DSToolError.io("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { return size }
            size += Int64(n)
            body(UnsafeRawBufferPointer(rebasing: block[0..<n]))
        }
    }
}

/// Errors with a message fit for the one-line report.
public enum DSToolError: Error, CustomStringConvertible, Sendable {
    case usage(String)
    case io(String)
    case invalid(String)
    case failed(String)
    public var description: String {
        switch self {
        case .usage(let m), .io(let m), .invalid(let m), .failed(let m): return m
        }
    }
}
