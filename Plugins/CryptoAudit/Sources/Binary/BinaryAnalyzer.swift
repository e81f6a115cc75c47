import CDSToolHyperscan
import DSToolKit
import FoundationEssentials
import Glibc

/// Binaries: the crypto libraries an ELF file links (DT_NEEDED of its dynamic section), crypto
/// library version strings embedded in it (static linking, or the library itself), and algorithm
/// constants (S-boxes, initial values, round constants) that betray an implementation. Constants
/// and version prefixes are found in one Hyperscan pass over the mapped file.
enum BinaryAnalyzer {
    struct Result {
        var observations: [Observation] = []
        var errors: [String] = []
    }

    static func analyze(path: String, base: Location) throws -> Result {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DSToolError.io("cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw DSToolError.io("cannot stat: \(String(cString: strerror(errno)))") }
        let size = Int(st.st_size)
        guard size > 0 else { return Result() }
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
            throw DSToolError.io("cannot map: \(String(cString: strerror(errno)))")
        }
        defer { munmap(map, size) }
        _ = madvise(map, size, MADV_SEQUENTIAL)
        let bytes = UnsafeBufferPointer(start: map.assumingMemoryBound(to: UInt8.self), count: size)
        return analyze(bytes, base: base)
    }

    static func analyze(_ bytes: UnsafeBufferPointer<UInt8>, base: Location) -> Result {
        var r = Result()
        func add(_ kind: Observation.Kind, _ evidence: String, _ source: String, offset: Int64? = nil) {
            var loc = base
            loc.offset = offset
            r.observations.append(Observation(kind, layer: .host, location: loc, evidence: evidence, source: source))
        }
        if bytes.count >= 4 && bytes[0] == 0x7F && bytes[1] == 0x45 && bytes[2] == 0x4C && bytes[3] == 0x46 {
            switch ELFReader.neededLibraries(bytes) {
            case .success(let needed):
                for lib in needed {
                    if let (name, version) = CryptoLibraries.fromSoname(lib) {
                        add(.library(name: name, version: version, via: "DT_NEEDED \(lib)"), "DT_NEEDED \(lib)", "ELF dynamic section")
                    }
                }
            case .failure(let e):
                r.errors.append(e.message)
            }
        }
        var seenConstants = Set<String>()
        var seenVersions = Set<String>()
        ConstantScanner.shared.scan(bytes) { id, end in
            let pattern = ConstantScanner.patterns[id]
            switch pattern.kind {
            case .constant(let algorithm):
                if seenConstants.insert(pattern.name).inserted {
                    add(.binaryConstant(algorithm, table: pattern.name), "\(pattern.name) at byte \(end - pattern.bytes.count)", "algorithm constant",
                        offset: Int64(end - pattern.bytes.count))
                }
            case .version(let library):
                guard let v = CryptoLibraries.versionAfter(bytes, end), seenVersions.insert("\(library) \(v)").inserted else { return }
                add(.library(name: library, version: v, via: "version string"), "\(library) \(v)", "embedded version string", offset: Int64(end - pattern.bytes.count))
            }
        }
        return r
    }
}

/// Reading the dynamic section of ELF files (32/64-bit, either byte order) with every offset checked.
enum ELFReader {
    struct Failure: Error { let message: String }

    static func neededLibraries(_ b: UnsafeBufferPointer<UInt8>) -> Result<[String], Failure> {
        guard b.count >= 52 else { return .failure(Failure(message: "truncated ELF header (\(b.count) bytes)")) }
        let is64: Bool
        switch b[4] {
        case 1: is64 = false
        case 2: is64 = true
        default: return .failure(Failure(message: "corrupt ELF header: class \(b[4])"))
        }
        let le: Bool
        switch b[5] {
        case 1: le = true
        case 2: le = false
        default: return .failure(Failure(message: "corrupt ELF header: byte order \(b[5])"))
        }
        func u(_ off: Int, _ n: Int) -> UInt64? {
            guard off >= 0, n > 0, off + n <= b.count else { return nil }
            var v: UInt64 = 0
            for i in 0..<n { v |= UInt64(b[off + (le ? i : n - 1 - i)]) << (8 * UInt64(i)) }
            return v
        }
        if is64 && b.count < 64 { return .failure(Failure(message: "truncated ELF header (\(b.count) bytes)")) }
        guard let phoff = u(is64 ? 0x20 : 0x1C, is64 ? 8 : 4), let phentsize = u(is64 ? 0x36 : 0x2A, 2), let phnum = u(is64 ? 0x38 : 0x2C, 2) else {
            return .failure(Failure(message: "truncated ELF header"))
        }
        if phnum == 0 { return .success([]) }
        guard phentsize >= (is64 ? 56 : 32), phoff < UInt64(b.count), phoff + phentsize * phnum <= UInt64(b.count) else {
            return .failure(Failure(message: "truncated ELF: program headers at \(phoff) (\(phnum) × \(phentsize) bytes) run past the end (\(b.count) bytes)"))
        }
        struct Seg { var type: UInt64; var offset: UInt64; var vaddr: UInt64; var filesz: UInt64 }
        var segs: [Seg] = []
        for i in 0..<Int(phnum) {
            let h = Int(phoff) + i * Int(phentsize)
            if is64 {
                segs.append(Seg(type: u(h, 4)!, offset: u(h + 8, 8)!, vaddr: u(h + 16, 8)!, filesz: u(h + 32, 8)!))
            } else {
                segs.append(Seg(type: u(h, 4)!, offset: u(h + 4, 4)!, vaddr: u(h + 8, 4)!, filesz: u(h + 16, 4)!))
            }
        }
        guard let dyn = segs.first(where: { $0.type == 2 }) else { return .success([]) }  // PT_DYNAMIC; static binaries have none
        guard dyn.offset <= UInt64(b.count), dyn.offset + dyn.filesz <= UInt64(b.count) else {
            return .failure(Failure(message: "truncated ELF: dynamic section at \(dyn.offset) (\(dyn.filesz) bytes) runs past the end (\(b.count) bytes)"))
        }
        let entSize = is64 ? 16 : 8
        var needed: [UInt64] = []
        var strtab: UInt64?
        var off = Int(dyn.offset)
        let end = Int(dyn.offset + dyn.filesz)
        while off + entSize <= end {
            let tag = u(off, entSize / 2)!, val = u(off + entSize / 2, entSize / 2)!
            if tag == 0 { break }
            if tag == 1 { needed.append(val) }     // DT_NEEDED
            if tag == 5 { strtab = val }           // DT_STRTAB
            off += entSize
        }
        guard !needed.isEmpty else { return .success([]) }
        guard let strtab else { return .failure(Failure(message: "corrupt ELF: DT_NEEDED without DT_STRTAB")) }
        // DT_STRTAB is an address: map it to a file offset through the PT_LOAD segments.
        guard let load = segs.first(where: { $0.type == 1 && $0.vaddr <= strtab && strtab < $0.vaddr + $0.filesz }) else {
            return .failure(Failure(message: "corrupt ELF: string table address 0x\(String(strtab, radix: 16)) is in no loaded segment"))
        }
        let strOff = strtab - load.vaddr + load.offset
        var out: [String] = []
        for n in needed {
            var p = Int(strOff + n)
            guard p >= 0, p < b.count else { return .failure(Failure(message: "truncated ELF: library name at \(p) is past the end")) }
            let s = p
            while p < b.count && b[p] != 0 && p - s < 256 { p += 1 }
            out.append(String(decoding: UnsafeBufferPointer(rebasing: b[s..<p]), as: UTF8.self))
        }
        return .success(out)
    }
}

/// Crypto libraries by shared-object name and by the version strings they embed.
enum CryptoLibraries {
    static let sonames: [(prefix: String, name: String)] = [
        ("libssl.so", "OpenSSL"), ("libcrypto.so", "OpenSSL"), ("libgmssl.so", "GmSSL"), ("libmbedcrypto.so", "mbed TLS"),
        ("libmbedtls.so", "mbed TLS"), ("libgnutls.so", "GnuTLS"), ("libgcrypt.so", "libgcrypt"), ("libnss3.so", "NSS"),
        ("libsodium.so", "libsodium"), ("libwolfssl.so", "wolfSSL"), ("libbotan", "Botan"), ("libcryptopp.so", "Crypto++"),
        ("libcrypto++.so", "Crypto++"), ("libtongsuo", "Tongsuo"), ("libbcrypt", "bcrypt"), ("libnettle.so", "Nettle"),
    ]

    /// "libssl.so.1.0.0" → (OpenSSL, "1.0.0"); the soname version is the ABI line (1.0.x, 1.1, 3).
    static func fromSoname(_ lib: String) -> (String, String?)? {
        for (prefix, name) in sonames where lib.hasPrefix(prefix) {
            let rest = lib.dropFirst(prefix.count)
            let v = rest.hasPrefix(".") ? String(rest.dropFirst()) : nil
            return (name, v?.isEmpty == false ? v : nil)
        }
        return nil
    }

    /// The version written after a library name: "OpenSSL 1.0.2k  26 Jan 2017" → "1.0.2k".
    static func versionAfter(_ b: UnsafeBufferPointer<UInt8>, _ end: Int) -> String? {
        var i = end
        var s: [UInt8] = []
        while i < b.count && s.count < 24 {
            let c = b[i]
            let ok = (c >= 0x30 && c <= 0x39) || c == 0x2E || (c >= 0x61 && c <= 0x7A) || c == 0x2D
            if !ok { break }
            s.append(c)
            i += 1
        }
        guard let f = s.first, f >= 0x30 && f <= 0x39, s.contains(0x2E) else { return nil }
        while let l = s.last, l == 0x2E || l == 0x2D { s.removeLast() }
        return String(decoding: s, as: UTF8.self)
    }
}

/// One Hyperscan database of literal byte patterns: algorithm tables in both byte orders where they
/// are 32-bit words, and library name prefixes whose version follows.
final class ConstantScanner: @unchecked Sendable {
    enum Kind { case constant(String), version(String) }
    struct Pattern { var name: String; var kind: Kind; var bytes: [UInt8] }

    static let patterns: [Pattern] = {
        var p: [Pattern] = []
        func bytes(_ name: String, _ alg: String, _ b: [UInt8]) { p.append(Pattern(name: name, kind: .constant(alg), bytes: b)) }
        func words(_ name: String, _ alg: String, _ w: [UInt32]) {
            var le: [UInt8] = [], be: [UInt8] = []
            for x in w {
                le += [UInt8(x & 0xFF), UInt8(x >> 8 & 0xFF), UInt8(x >> 16 & 0xFF), UInt8(x >> 24)]
                be += [UInt8(x >> 24), UInt8(x >> 16 & 0xFF), UInt8(x >> 8 & 0xFF), UInt8(x & 0xFF)]
            }
            p.append(Pattern(name: name + " (little-endian)", kind: .constant(alg), bytes: le))
            p.append(Pattern(name: name + " (big-endian)", kind: .constant(alg), bytes: be))
        }
        bytes("AES S-box", "AES", [0x63, 0x7C, 0x77, 0x7B, 0xF2, 0x6B, 0x6F, 0xC5, 0x30, 0x01, 0x67, 0x2B, 0xFE, 0xD7, 0xAB, 0x76])
        bytes("AES inverse S-box", "AES", [0x52, 0x09, 0x6A, 0xD5, 0x30, 0x36, 0xA5, 0x38, 0xBF, 0x40, 0xA3, 0x9E, 0x81, 0xF3, 0xD7, 0xFB])
        words("AES T-table Te0", "AES", [0xC66363A5, 0xF87C7C84, 0xEE777799, 0xF67B7B8D])
        bytes("SM4 S-box", "SM4", [0xD6, 0x90, 0xE9, 0xFE, 0xCC, 0xE1, 0x3D, 0xB7, 0x16, 0xB6, 0x14, 0xC2, 0x28, 0xFB, 0x2C, 0x05])
        words("SM4 FK", "SM4", [0xA3B1BAC6, 0x56AA3350, 0x677D9197, 0xB27022DC])
        words("SM4 CK", "SM4", [0x00070E15, 0x1C232A31, 0x383F464D, 0x545B6269])
        bytes("DES S-box S1", "DES", [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1])
        bytes("DES PC-1", "DES", [57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18])
        words("DES SPtrans", "DES", [0x02080800, 0x00080000, 0x02000002, 0x02080802])
        words("MD5 T", "MD5", [0xD76AA478, 0xE8C7B756, 0x242070DB, 0xC1BDCEEE])
        words("SHA-1 IV", "SHA-1", [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0])
        words("SHA-256 IV", "SHA-256", [0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A])
        words("SHA-256 K", "SHA-256", [0x428A2F98, 0x71374491, 0xB5C0FBCF, 0xE9B5DBA5])
        words("SM3 IV", "SM3", [0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600])
        words("Blowfish P-array", "Blowfish", [0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344])
        for (prefix, lib) in [("OpenSSL ", "OpenSSL"), ("LibreSSL ", "LibreSSL"), ("GmSSL ", "GmSSL"), ("Tongsuo ", "Tongsuo"),
                              ("mbed TLS ", "mbed TLS"), ("wolfSSL ", "wolfSSL"), ("BoringSSL ", "BoringSSL")] {
            p.append(Pattern(name: prefix, kind: .version(lib), bytes: Array(prefix.utf8)))
        }
        return p
    }()

    static let shared = ConstantScanner()
    private var database: OpaquePointer?
    private var scratch: OpaquePointer?
    private let lock = MutexLock()

    private init() {
        let n = Self.patterns.count
        var exprs: [UnsafeMutablePointer<CChar>] = Self.patterns.map { p in
            let m = UnsafeMutablePointer<CChar>.allocate(capacity: max(p.bytes.count, 1))
            for (i, b) in p.bytes.enumerated() { m[i] = CChar(bitPattern: b) }
            return m
        }
        defer { exprs.forEach { $0.deallocate() } }
        var lens: [Int] = Self.patterns.map { $0.bytes.count }
        var flags: [UInt32] = Self.patterns.map { p in
            if case .constant = p.kind { return UInt32(HS_FLAG_SINGLEMATCH) }
            return 0
        }
        var ids: [UInt32] = (0..<n).map { UInt32($0) }
        var db: OpaquePointer?
        var err: UnsafeMutablePointer<hs_compile_error_t>?
        let rc = exprs.withUnsafeMutableBufferPointer { e -> hs_error_t in
            e.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: n) { ep in
                hs_compile_lit_multi(ep, &flags, &ids, &lens, UInt32(n), UInt32(HS_MODE_BLOCK), nil, &db, &err)
            }
        }
        if rc != HS_SUCCESS {
            if let err { hs_free_compile_error(err) }
            return
        }
        database = db
        var s: OpaquePointer?
        if hs_alloc_scratch(db, &s) == HS_SUCCESS { scratch = s }
    }

    private final class Box { var handler: (Int, Int) -> Void; var base = 0; init(_ h: @escaping (Int, Int) -> Void) { handler = h } }

    /// Calls `handler(patternIndex, endOffset)` for every match.
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, handler: @escaping (Int, Int) -> Void) {
        guard let db = database, let scratch, let base = bytes.baseAddress else { return }
        lock.lock(); defer { lock.unlock() }
        let box = Box(handler)
        let ctx = Unmanaged.passUnretained(box).toOpaque()
        // hs_scan takes 32-bit lengths: large files go in overlapping 1 GiB blocks.
        let block = 1 << 30, overlap = 64
        var start = 0
        repeat {
            let len = min(block, bytes.count - start)
            box.base = start
            _ = hs_scan(db, UnsafeRawPointer(base + start).assumingMemoryBound(to: CChar.self), UInt32(len), 0, scratch, { id, _, to, _, ctx in
                let b = Unmanaged<ConstantScanner.Box>.fromOpaque(ctx!).takeUnretainedValue()
                b.handler(Int(id), b.base + Int(to))
                return 0
            }, ctx)
            if start + len >= bytes.count { break }
            start += len - overlap
        } while true
        withExtendedLifetime(box) {}
    }
}
