import Foundation

/// Memory for the big tables read at random on every line (per-source entries, path registers,
/// scan caches, the path sketch), on 2 MiB pages where the kernel allows it (transparent huge
/// pages on request, `madvise`). With 4 KiB pages nearly every access to a table of several
/// megabytes also missed the TLB and paid a page walk on top of the cache miss.
enum LargeTable {
    static let hugePage = 2 << 20

    /// Zeroed memory of at least `byteCount` bytes, aligned to 128 bytes or more.
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        if byteCount < hugePage / 2 {
            let p = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 128)
            p.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
            return p
        }
        let size = rounded(byteCount)
        // Map one page more than needed, then give back the ends so that the start is 2 MiB aligned.
        // Out of address space is fatal, as it is for the ordinary allocator.
        guard let raw = mmap(nil, size + hugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              raw != MAP_FAILED else { fatalError("out of memory (mmap of \(size + hugePage) bytes)") }
        let start = UInt(bitPattern: raw)
        let aligned = (start + UInt(hugePage) - 1) & ~(UInt(hugePage) - 1)
        if aligned > start { munmap(raw, Int(aligned - start)) }
        let tail = Int(start + UInt(size + hugePage) - (aligned + UInt(size)))
        if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: aligned + UInt(size)), tail) }
        let p = UnsafeMutableRawPointer(bitPattern: aligned)!
        _ = madvise(p, size, Int32(MADV_HUGEPAGE))
        return p
    }

    /// Frees memory from `allocate` (the same `byteCount`).
    static func deallocate(_ p: UnsafeMutableRawPointer, byteCount: Int) {
        if byteCount < hugePage / 2 { p.deallocate(); return }
        munmap(p, rounded(byteCount))
    }

    private static func rounded(_ n: Int) -> Int { (n + hugePage - 1) & ~(hugePage - 1) }
}
