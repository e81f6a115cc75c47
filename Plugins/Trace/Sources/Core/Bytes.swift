import DSToolKit
import Foundation

/// Byte-level helpers for the hand-written scanners. Everything here works on raw pointers with
/// explicit bounds: the parsers call these once or more per log line, so they must not allocate.
public typealias Bytes = UnsafeBufferPointer<UInt8>

public enum ByteOps {
    @inline(__always) public static func lower(_ c: UInt8) -> UInt8 { (c &- 0x41) < 26 ? c | 0x20 : c }
    @inline(__always) public static func isDigit(_ c: UInt8) -> Bool { (c &- 0x30) < 10 }
    @inline(__always) public static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
    @inline(__always) public static func isHex(_ c: UInt8) -> Bool {
        (c &- 0x30) < 10 || (c | 0x20) &- 0x61 < 6
    }
    @inline(__always) public static func hexValue(_ c: UInt8) -> UInt8 {
        (c &- 0x30) < 10 ? c &- 0x30 : ((c | 0x20) &- 0x61) &+ 10
    }

    /// Index of `byte` in p[from..<to], or `to`.
    @inline(__always) public static func find(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int, _ byte: UInt8) -> Int {
        if from >= to { return to }
        guard let r = memchr(p + from, Int32(byte), to - from) else { return to }
        return p.distance(to: r.assumingMemoryBound(to: UInt8.self))
    }

    /// Index of the substring `needle` in p[from..<to], or nil.
    @inline(__always) public static func find(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int, _ needle: StaticString) -> Int? {
        memmemIndex(p, from, to, needle.utf8Start, needle.utf8CodeUnitCount)
    }

    /// Index of the substring `needle` in p[from..<to], or nil.
    @inline(__always) public static func find(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int, _ needle: UnsafeBufferPointer<UInt8>) -> Int? {
        if needle.count == 0 { return from }
        return memmemIndex(p, from, to, needle.baseAddress!, needle.count)
    }

    /// memchr for the first byte, memcmp for the rest (glibc's memmem is not exported to Swift).
    @inline(__always) static func memmemIndex(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int, _ q: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        if to - from < n { return nil }
        let first = q[0]
        let last = to - n
        var i = from
        while i <= last {
            guard let r = memchr(p + i, Int32(first), last - i + 1) else { return nil }
            let k = p.distance(to: r.assumingMemoryBound(to: UInt8.self))
            if n == 1 || memcmp(p + k + 1, q + 1, n - 1) == 0 { return k }
            i = k + 1
        }
        return nil
    }

    /// Whether p[at..<to] begins with `prefix` (exact bytes).
    @inline(__always) public static func hasPrefix(_ p: UnsafePointer<UInt8>, _ at: Int, _ to: Int, _ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        if to - at < n { return false }
        return memcmp(p + at, prefix.utf8Start, n) == 0
    }

    /// Whether p[at..<to] begins with `prefix`, ASCII case-insensitively (prefix given in lower case).
    @inline(__always) public static func hasPrefixCaseless(_ p: UnsafePointer<UInt8>, _ at: Int, _ to: Int, _ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        if to - at < n { return false }
        let q = prefix.utf8Start
        for i in 0..<n where lower(p[at + i]) != q[i] { return false }
        return true
    }

    /// Bytes equal to a static string.
    @inline(__always) public static func equals(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int, _ s: StaticString) -> Bool {
        to - from == s.utf8CodeUnitCount && memcmp(p + from, s.utf8Start, to - from) == 0
    }

    /// Decimal digits in p[from..<to] as an Int (nil if empty, not all digits, or too long).
    @inline(__always) public static func parseInt(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
        if from >= to || to - from > 18 { return nil }
        var v = 0
        var i = from
        while i < to {
            let d = p[i] &- 0x30
            if d >= 10 { return nil }
            v = v &* 10 &+ Int(d)
            i += 1
        }
        return v
    }

    /// Exactly `count` digits at `at` (for timestamps), or -1.
    @inline(__always) public static func digits(_ p: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> Int {
        var v = 0
        for i in 0..<count {
            let d = p[at + i] &- 0x30
            if d >= 10 { return -1 }
            v = v &* 10 &+ Int(d)
        }
        return v
    }

    /// Skips spaces and tabs.
    @inline(__always) public static func skipSpaces(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Int {
        var i = from
        while i < to && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
        return i
    }

    /// 64-bit FNV-1a with a final mix: cheap and good enough for bucketing paths and keys.
    @inline(__always) public static func hash(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int, seed: UInt64 = 0xcbf29ce484222325) -> UInt64 {
        var h = seed
        var i = from
        while i + 8 <= to {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            h = (h ^ w) &* 0x100000001b3
            h ^= h >> 29
            i += 8
        }
        while i < to { h = (h ^ UInt64(p[i])) &* 0x100000001b3; i += 1 }
        h ^= h >> 33; h = h &* 0xff51afd7ed558ccd; h ^= h >> 33
        return h
    }

    /// A hash for placing keys in caches whose slots hold the key itself (a hit compares the
    /// bytes, so this only has to spread keys, and changing it changes no result). Four
    /// independent lanes per 32 bytes: user agents and referrers of 100+ bytes cost a few
    /// multiplications side by side instead of one long dependent chain as in `hash`.
    @inline(__always) public static func cacheHash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        let raw = UnsafeRawPointer(p)
        let k: UInt64 = 0x9E3779B97F4A7C15
        var a = UInt64(truncatingIfNeeded: n), b: UInt64 = 0xC2B2AE3D27D4EB4F, c: UInt64 = 0x165667B19E3779F9, d: UInt64 = 0x27D4EB2F165667C5
        var i = 0
        while i + 32 <= n {
            a = (a ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k
            b = (b ^ raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)) &* k
            c = (c ^ raw.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)) &* k
            d = (d ^ raw.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)) &* k
            a ^= a >> 29; b ^= b >> 29; c ^= c >> 29; d ^= d >> 29
            i += 32
        }
        while i + 8 <= n {
            a = (a ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k
            a ^= a >> 29
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            if n >= 8 { w = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) }  // overlaps bytes already mixed
            else { for j in i..<n { w = w << 8 | UInt64(p[j]) } }
            b = (b ^ w) &* k
        }
        return mix(a ^ (b << 17 | b >> 47) ^ (c << 31 | c >> 33) ^ (d << 47 | d >> 17))
    }

    /// A 64-bit finaliser (splitmix64), to spread a smaller hash over all bits.
    @inline(__always) public static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E3779B97F4A7C15
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }

    public static func string(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: p + from, count: max(0, to - from)), as: UTF8.self)
    }

    /// Whether the bytes are valid UTF-8 (strict: no overlongs, no surrogates).
    @inline(__always)
    public static func isValidUTF8(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        UTF8Validation.isValid(UnsafeBufferPointer(start: p + from, count: max(0, to - from)))
    }
}

extension Array where Element == UInt8 {
    /// Bytes of a String, for tests and setup code.
    init(utf8 s: String) { self = Array(s.utf8) }
}

/// LLVM's prefetch intrinsic (prefetcht0 on x86-64, prfm on arm64). Only a hint to the cache:
/// it never faults and never changes a result.
@_silgen_name("llvm.prefetch.p0")
private func llvmPrefetch(_ address: UnsafeRawPointer, _ readWrite: Int32, _ locality: Int32, _ cacheType: Int32)

public enum Prefetch {
    /// Starts loading the cache line holding `p` (for reading and writing soon).
    @inline(__always) public static func line(_ p: UnsafeRawPointer) { llvmPrefetch(p, 0, 3, 1) }
}
