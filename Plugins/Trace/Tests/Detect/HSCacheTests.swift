import DSToolKit
@testable import DSToolTrace
import Glibc
import XCTest

/// Trace's compiled databases go through `CacheFile` (its checks are tested in
/// DSToolKitTests.CacheFileTests): a planted database is refused when others could have written
/// it, a damaged one is compiled again and rewritten, and the matches are always the patterns' own.
final class HSCacheTests: XCTestCase {
    let sqlInjection = [HSPattern("union\\s+select", id: 0, flags: HSPattern.defaultFlags)]
    let traversal = [HSPattern("\\.\\./\\.\\./", id: 0, flags: HSPattern.defaultFlags)]
    var folder = ""
    var savedCacheDir: String?

    override func setUpWithError() throws {
        savedCacheDir = getenv("DSTOOL_CACHE_DIR").map { String(cString: $0) }
        folder = "/tmp/dstool-trace-hscache-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        setenv("DSTOOL_CACHE_DIR", folder, 1)
    }

    override func tearDownWithError() throws {
        if let savedCacheDir { setenv("DSTOOL_CACHE_DIR", savedCacheDir, 1) } else { unsetenv("DSTOOL_CACHE_DIR") }
        try? FileManager.default.removeItem(atPath: folder)
    }

    func matches(_ db: HSDatabase, _ text: String) -> Bool {
        let scratch = HSScratch()
        scratch.prepare(for: db)
        let set = MatchSet(capacity: 1)
        set.begin()
        Array(text.utf8).withUnsafeBufferPointer { db.scan($0.baseAddress!, $0.count, scratch: scratch, into: set) }
        return set.hitCount > 0
    }

    var cacheFile: String { HSCache.path(HSCache.key(sqlInjection), in: folder + "/hyperscan") }

    func testTheCacheIsWrittenUsedWhenTrustedAndRefusedOtherwise() throws {
        XCTAssertTrue(matches(try HSDatabase(sqlInjection), "id=1 UNION  SELECT pw"))
        let stored = try XCTUnwrap(FileManager.default.contents(atPath: cacheFile))
        XCTAssertTrue(Array(stored).starts(with: CacheFile.magic))
        // Plant a correctly signed database of other patterns under the same name.
        _ = try HSDatabase(traversal)
        let other = Array(try XCTUnwrap(FileManager.default.contents(atPath: HSCache.path(HSCache.key(traversal), in: folder + "/hyperscan"))))
        let otherPayload = Array(other[(CacheFile.magic.count + CacheFile.digestLength)...])
        let key = HSCache.key(sqlInjection)
        let forged = CacheFile.magic + otherPayload.withUnsafeBytes { CacheFile.digest(key: key, payload: $0) } + otherPayload
        try Data(forged).write(to: URL(fileURLWithPath: cacheFile))
        XCTAssertEqual(chmod(cacheFile, 0o600), 0)
        XCTAssertTrue(matches(try HSDatabase(sqlInjection), "GET /../../etc/passwd"), "a trusted file is what the cache serves")
        XCTAssertEqual(chmod(cacheFile, 0o666), 0)
        let db = try HSDatabase(sqlInjection)
        XCTAssertFalse(matches(db, "GET /../../etc/passwd"), "a file others can write is not used")
        XCTAssertTrue(matches(db, "1 union select 2"))
    }

    func testADamagedFileIsCompiledAgainAndRewritten() throws {
        _ = try HSDatabase(sqlInjection)
        let good = Array(try XCTUnwrap(FileManager.default.contents(atPath: cacheFile)))
        for damaged in [Array(good.prefix(good.count / 2)), good.enumerated().map { $0.offset == good.count - 9 ? $0.element ^ 0x10 : $0.element }] {
            try Data(damaged).write(to: URL(fileURLWithPath: cacheFile))
            XCTAssertTrue(matches(try HSDatabase(sqlInjection), "union select"))
            XCTAssertEqual(Array(try XCTUnwrap(FileManager.default.contents(atPath: cacheFile))), good)
        }
    }
}
