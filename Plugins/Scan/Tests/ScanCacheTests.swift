import CDSToolHyperscan
import DSToolKit
@testable import DSToolScan
import Glibc
import XCTest

/// Scan's compiled databases and pattern widths go through `CacheFile` (whose own checks are
/// tested in DSToolKitTests.CacheFileTests): a planted or damaged file is a cache miss, the
/// rules are compiled again and the file rewritten, and the scan's matches are the rules' own.
final class ScanCacheTests: XCTestCase {
    let abc = [HSExpression("abc", flags: 0, id: 7)]
    let xyz = [HSExpression("xyz", flags: 0, id: 7)]

    /// Temporary folders, removed when the test case instance goes.
    var temporaryFolders: [TempDir] = []
    func temporaryPath() throws -> String {
        let t = try TempDir()
        temporaryFolders.append(t)
        return t.url.path
    }

    /// A private cache folder (0700).
    func makeFolder() throws -> String {
        let dir = try temporaryPath() + "/cache"
        XCTAssertEqual(mkdir(dir, 0o700), 0)
        return dir
    }

    /// The ids matched in `text`, in order.
    func matches(_ db: HSDatabase, _ text: String) throws -> [UInt32] {
        final class Box { var ids: [UInt32] = [] }
        let box = Box()
        let scratch = try db.makeScratch()
        try Array(text.utf8).withUnsafeBytes { bytes in
            try db.scan(bytes, scratch: scratch, context: Unmanaged.passUnretained(box).toOpaque()) { id, _, _, _, ctx in
                Unmanaged<Box>.fromOpaque(ctx!).takeUnretainedValue().ids.append(id)
                return 0
            }
        }
        return box.ids
    }

    /// The one cache file in `dir` (after one database was cached there).
    func cacheFile(in dir: String, prefix: String = "scan-db-") throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(prefix) && $0.hasSuffix(".dscache") }
        XCTAssertEqual(names.count, 1, "\(names)")
        return dir + "/" + (names.first ?? "")
    }

    func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    func write(_ bytes: [UInt8], _ path: String, mode: mode_t = 0o600) throws {
        unlink(path)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(chmod(path, mode), 0)
    }

    /// A file at `abc`'s cache path holding a valid, correctly signed database for `xyz`: what
    /// someone able to write the file could plant. Returns the path.
    func plantXyzUnderAbcsName(in dir: String) throws -> String {
        _ = try HSDatabase.cached(abc, cacheDirectory: dir)
        let path = try cacheFile(in: dir)
        let stored = try bytes(path)
        let abcPayload = Array(stored[(CacheFile.magic.count + CacheFile.digestLength)...])
        let other = try makeFolder()
        _ = try HSDatabase.cached(xyz, cacheDirectory: other)
        let xyzStored = try bytes(try cacheFile(in: other))
        let xyzPayload = Array(xyzStored[(CacheFile.magic.count + CacheFile.digestLength)...])
        XCTAssertNotEqual(abcPayload, xyzPayload)
        // The key is what HSDatabase.cached hashed: recover it by checking the stored digest.
        let key = try XCTUnwrap(abcKey(stored: stored, payload: abcPayload))
        let forged = CacheFile.magic + xyzPayload.withUnsafeBytes { CacheFile.digest(key: key, payload: $0) } + xyzPayload
        try write(forged, path)
        return path
    }

    /// `abc`'s cache key, as HSDatabase.cached builds it.
    var abcKey: [UInt8] {
        var platform = hs_platform_info_t()
        _ = hs_populate_platform(&platform)
        return Array("hyperscan \(String(cString: hs_version())) tune \(platform.tune) cpu \(platform.cpu_features)\n7 0 abc\n".utf8)
    }

    /// `abcKey` when it is the key `stored` was signed with.
    func abcKey(stored: [UInt8], payload: [UInt8]) -> [UInt8]? {
        let key = abcKey
        let digest = payload.withUnsafeBytes { CacheFile.digest(key: key, payload: $0) }
        return Array(stored[CacheFile.magic.count ..< CacheFile.magic.count + CacheFile.digestLength]) == digest ? key : nil
    }

    func testACachedDatabaseIsWrittenOwnerOnlyWithItsDigestAndReused() throws {
        let dir = try makeFolder()
        let first = try HSDatabase.cached(abc, cacheDirectory: dir)
        XCTAssertEqual(try matches(first, "..abc..abc"), [7, 7])
        let path = try cacheFile(in: dir)
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
        XCTAssertTrue(try bytes(path).starts(with: CacheFile.magic))
        XCTAssertEqual(try matches(try HSDatabase.cached(abc, cacheDirectory: dir), "abc"), [7])
    }

    func testATrustedFileIsWhatTheCacheServes() throws {
        // Shows the read path is live: a correctly signed file in a trusted place is used as is
        // (so the refusals below are the checks at work, not a cache that is never read).
        let dir = try makeFolder()
        _ = try plantXyzUnderAbcsName(in: dir)
        let db = try HSDatabase.cached(abc, cacheDirectory: dir)
        XCTAssertEqual(try matches(db, "abc xyz"), [7])
        XCTAssertEqual(try matches(db, "xyz"), [7])
    }

    func testAFileWritableByGroupOrOthersIsNotTrusted() throws {
        for mode: mode_t in [0o620, 0o602, 0o666] {
            let dir = try makeFolder()
            let path = try plantXyzUnderAbcsName(in: dir)
            XCTAssertEqual(chmod(path, mode), 0)
            let db = try HSDatabase.cached(abc, cacheDirectory: dir)
            XCTAssertEqual(try matches(db, "xyz"), [], "mode \(String(mode, radix: 8))")
            XCTAssertEqual(try matches(db, "abc"), [7])
        }
    }

    func testAFolderWritableByGroupOrOthersIsNeitherReadNorWritten() throws {
        let dir = try makeFolder()
        let path = try plantXyzUnderAbcsName(in: dir)
        XCTAssertEqual(chmod(dir, 0o777), 0)
        let db = try HSDatabase.cached(abc, cacheDirectory: dir)
        XCTAssertEqual(try matches(db, "xyz abc"), [7])
        XCTAssertEqual(try matches(db, "xyz"), [])
        // Nothing new is written into it either.
        let before = try bytes(path)
        _ = try HSDatabase.cached([HSExpression("def", flags: 0, id: 1)], cacheDirectory: dir)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).count, 1)
        XCTAssertEqual(try bytes(path), before)
        XCTAssertEqual(CacheFile.folderProblem(dir), "\(dir) is writable by group or others")
    }

    func testADamagedTruncatedOrOldFormatFileIsACacheMissAndIsReplaced() throws {
        let dir = try makeFolder()
        _ = try HSDatabase.cached(abc, cacheDirectory: dir)
        let path = try cacheFile(in: dir)
        let good = try bytes(path)
        let header = CacheFile.magic.count + CacheFile.digestLength
        var flipped = good; flipped[header + good.count / 3] ^= 0x40
        let cases: [(String, [UInt8])] = [
            ("payload byte flipped", flipped), ("truncated", Array(good.prefix(good.count / 2))), ("empty", []),
            ("old format: bare Hyperscan bytes", Array(good[header...])),
        ]
        XCTAssertNotNil(CacheFile.read(path, key: abcKey, directory: dir))
        for (name, damaged) in cases {
            try write(damaged, path)
            XCTAssertNil(CacheFile.read(path, key: abcKey, directory: dir), name)
            let db = try HSDatabase.cached(abc, cacheDirectory: dir)
            XCTAssertEqual(try matches(db, "abc"), [7], name)
            XCTAssertEqual(try bytes(path), good, "\(name): rewritten")
        }
    }

    func testCachedWidthsAreCheckedTheSameWay() throws {
        let dir = try makeFolder()
        let patterns = ["abc", "a[0-9]{2,5}", "x+"]
        let fail: (Int, Error) throws -> Void = { _, e in throw e }
        let computed = try HSDatabase.cachedWidths(patterns, cacheDirectory: dir, failure: fail)
        XCTAssertEqual(computed.map(\.min), [3, 3, 1])
        XCTAssertEqual(computed.map(\.max), [3, 6, nil])
        let path = try cacheFile(in: dir, prefix: "scan-widths-")
        let good = try bytes(path)
        XCTAssertEqual(Array(good[(CacheFile.magic.count + CacheFile.digestLength)...]), Array("3 3\n3 6\n1 -1\n".utf8))
        // Widths edited without the digest ("3 6" -> "3 1": windows would overlap too little).
        var edited = good
        let six = try XCTUnwrap(edited.lastIndex(of: UInt8(ascii: "6")))
        edited[six] = UInt8(ascii: "1")
        try write(edited, path)
        let again = try HSDatabase.cachedWidths(patterns, cacheDirectory: dir, failure: fail)
        XCTAssertEqual(again.map(\.max), [3, 6, nil])
        XCTAssertEqual(try bytes(path), good)
        // Readable by others is fine; writable by them is not.
        let key = Array("hyperscan \(String(cString: hs_version())) widths\n3 abc\n11 a[0-9]{2,5}\n2 x+\n".utf8)
        XCTAssertEqual(chmod(path, 0o644), 0)
        XCTAssertNotNil(CacheFile.read(path, key: key, directory: dir))
        XCTAssertEqual(chmod(path, 0o646), 0)
        XCTAssertNil(CacheFile.read(path, key: key, directory: dir))
    }
}
