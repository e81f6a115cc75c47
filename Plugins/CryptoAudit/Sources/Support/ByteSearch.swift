import FoundationEssentials
import Glibc

/// A substring search over bytes (glibc's memmem is not visible to Swift without _GNU_SOURCE):
/// memchr for the first byte, then a compare.
enum ByteSearch {
    static func find(_ needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int? {
        guard let first = needle.first, let base = hay.baseAddress, hay.count >= needle.count else { return nil }
        var i = start
        let last = hay.count - needle.count
        while i <= last {
            guard let hit = memchr(base + i, Int32(first), last - i + 1) else { return nil }
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if needle.withUnsafeBufferPointer({ memcmp(base + at, $0.baseAddress!, needle.count) == 0 }) { return at }
            i = at + 1
        }
        return nil
    }
}
