import DSToolKit
import Glibc

/// Loads the system libraries a plugin links (Foundation, Hyperscan, SQLite…) on a second thread
/// while the main thread hashes the plugin, so that the plugin's own `dlopen` finds them loaded.
/// Loading them took ~5 ms of every run's start-up, hashing a 4 MB plugin ~3 ms: done one after
/// the other before, side by side now.
///
/// The plugin is not yet verified when this starts, so nothing of it is trusted: its `DT_NEEDED`
/// names are read with bounds checks on every offset, and only names on `allowed` (libraries
/// dstool's own plugins are built against, found on the host's own library path) are loaded.
/// A name outside it, or a file that is not a well-formed 64-bit ELF, preloads nothing — the
/// plugin's `dlopen` then loads what it needs, after verification, as before.
public enum PluginPreload {
    public static let allowed: Set<String> = [
        "libFoundation.so", "libFoundationEssentials.so", "libFoundationInternationalization.so",
        "libswiftDispatch.so", "libdispatch.so", "libswift_Concurrency.so", "libswift_StringProcessing.so",
        "libhs.so.5", "libsqlite3.so.0", "libssl.so.3", "libcrypto.so.3", "libarchive.so.13",
        "libmagic.so.1", "libstdc++.so.6", "libyaml-0.so.2",
    ]

    /// Starts loading, on a detached thread, the allowed libraries `libraryPath` names; returns
    /// the names it will load (empty: nothing started).
    @discardableResult
    public static func start(libraryPath: String) -> [String] {
        let names = neededLibraries(path: libraryPath).filter { allowed.contains($0) }
        guard !names.isEmpty else { return [] }
        let started = DetachedThread.start {
            for name in names { _ = dlopen(name, RTLD_NOW | RTLD_LOCAL) }
        }
        return started ? names : []
    }

    /// The `DT_NEEDED` entries of a little-endian 64-bit ELF file, in order; [] for anything else.
    public static func neededLibraries(path: String) -> [String] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 64 else { return [] }
        let size = UInt64(st.st_size)
        func bytes(_ offset: UInt64, _ count: UInt64) -> [UInt8]? {
            guard count <= 1 << 24, offset <= size, count <= size - offset else { return nil }
            var out = [UInt8](repeating: 0, count: Int(count))
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(count), off_t(offset)) }
            return n == Int(count) ? out : nil
        }
        return neededLibraries(readingWith: bytes)
    }

    /// The parser, over a reader of `count` bytes at `offset` (nil when out of the file).
    public static func neededLibraries(readingWith read: (UInt64, UInt64) -> [UInt8]?) -> [String] {
        func u16(_ b: [UInt8], _ at: Int) -> UInt64 { UInt64(b[at]) | UInt64(b[at + 1]) << 8 }
        func u32(_ b: [UInt8], _ at: Int) -> UInt64 { u16(b, at) | u16(b, at + 2) << 16 }
        func u64(_ b: [UInt8], _ at: Int) -> UInt64 { u32(b, at) | u32(b, at + 4) << 32 }

        guard let header = read(0, 64), header[0] == 0x7F, header[1] == 0x45, header[2] == 0x4C, header[3] == 0x46,
              header[4] == 2 /* ELFCLASS64 */, header[5] == 1 /* little-endian */ else { return [] }
        let phoff = u64(header, 32), phentsize = u16(header, 54), phnum = u16(header, 56)
        guard phentsize == 56, phnum > 0, phnum <= 256, let table = read(phoff, phentsize * phnum) else { return [] }

        struct Segment { var type: UInt64; var offset: UInt64; var vaddr: UInt64; var filesz: UInt64 }
        let segments = (0..<Int(phnum)).map { i -> Segment in
            let at = i * 56
            return Segment(type: u32(table, at), offset: u64(table, at + 8), vaddr: u64(table, at + 16), filesz: u64(table, at + 32))
        }
        guard let dynamic = segments.first(where: { $0.type == 2 /* PT_DYNAMIC */ }),
              dynamic.filesz >= 16, dynamic.filesz <= 1 << 16, let entries = read(dynamic.offset, dynamic.filesz & ~15) else { return [] }

        var needed: [UInt64] = [], strtab: UInt64?, strsz: UInt64?
        for at in stride(from: 0, to: entries.count, by: 16) {
            let tag = u64(entries, at), value = u64(entries, at + 8)
            switch tag {
            case 0: break                                  // DT_NULL
            case 1: needed.append(value)                   // DT_NEEDED
            case 5: strtab = value                         // DT_STRTAB (an address)
            case 10: strsz = value                         // DT_STRSZ
            default: continue
            }
            if tag == 0 { break }
        }
        guard !needed.isEmpty, let strtab, let strsz, strsz > 0, strsz <= 1 << 22 else { return [] }
        // The string table's address, as a file offset: through the loaded segment holding it.
        guard let load = segments.first(where: { $0.type == 1 && $0.vaddr <= strtab && strtab - $0.vaddr < $0.filesz }),
              strsz <= load.filesz - (strtab - load.vaddr),
              let strings = read(load.offset &+ (strtab - load.vaddr), strsz) else { return [] }
        var names: [String] = []
        for offset in needed {
            guard offset < strsz, let end = strings[Int(offset)...].firstIndex(of: 0), end > Int(offset) else { return [] }
            names.append(String(decoding: strings[Int(offset)..<end], as: UTF8.self))
        }
        return names
    }
}
