@testable import DSToolKit
import FoundationEssentials
import Glibc
import XCTest

/// Cache files are trusted only after owner, mode and digest checks: anything planted, damaged,
/// truncated, linked or oversized reads as a miss (the caller compiles again), never as data.
final class CacheFileTests: XCTestCase {
    let key = Array("hyperscan 5.4.0 tune 1 cpu 0\n7 0 abc\n".utf8)
    let payload: [UInt8] = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    var base = ""

    override func setUpWithError() throws {
        base = "/tmp/dstool-cachefile-test-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        XCTAssertEqual(mkdir(base, 0o700), 0)
    }

    override func tearDownWithError() throws {
        _ = chmod(base + "/cache", 0o700)
        XCTAssertEqual(run(["rm", "-rf", base]), 0)
    }

    func run(_ argv: [String]) -> Int32 {
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { for a in cArgs { free(a) } }
        guard posix_spawnp(&pid, argv[0], nil, nil, cArgs, environ) == 0 else { return -1 }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return status
    }

    /// A private cache folder holding one good file; returns (folder, file).
    func stored() throws -> (String, String) {
        let dir = base + "/cache"
        if mkdir(dir, 0o700) != 0 { XCTAssertEqual(errno, EEXIST) }
        let path = dir + "/x.db"
        CacheFile.write(payload, key: key, to: path, directory: dir)
        XCTAssertEqual(CacheFile.read(path, key: key, directory: dir), payload)
        return (dir, path)
    }

    func contents(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { return out }
            out += chunk[0..<n]
        }
    }

    func replace(_ path: String, with bytes: [UInt8], mode: mode_t = 0o600) {
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        XCTAssertGreaterThanOrEqual(fd, 0)
        bytes.withUnsafeBytes { _ = Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        XCTAssertEqual(chmod(path, mode), 0)
    }

    func testAWrittenFileIsOwnerOnlyAndHoldsMagicDigestAndPayload() throws {
        let (_, path) = try stored()
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
        let bytes = contents(path)
        let digest = payload.withUnsafeBytes { CacheFile.digest(key: key, payload: $0) }
        XCTAssertEqual(bytes, CacheFile.magic + digest + payload)
        XCTAssertEqual(Array("dstool cache 1\n".utf8), CacheFile.magic)
        // No temporary file is left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: base + "/cache"), ["x.db"])
    }

    func testAnotherKeyDoesNotReadTheFile() throws {
        let (dir, path) = try stored()
        XCTAssertNil(CacheFile.read(path, key: key + [0x0A], directory: dir))
        XCTAssertNil(CacheFile.read(path, key: [], directory: dir))
    }

    func testDamagedTruncatedAndForeignFilesAreMisses() throws {
        let (dir, path) = try stored()
        let good = contents(path)
        let header = CacheFile.magic.count + CacheFile.digestLength
        var flipped = good; flipped[header + 1234] ^= 0x40
        var lastByte = good; lastByte[good.count - 1] ^= 1
        var badDigest = good; badDigest[CacheFile.magic.count + 5] ^= 1
        var badMagic = good; badMagic[0] = UInt8(ascii: "D")
        let cases: [(String, [UInt8])] = [
            ("payload byte flipped", flipped), ("last byte flipped", lastByte), ("digest byte flipped", badDigest),
            ("magic changed", badMagic), ("truncated", Array(good.prefix(good.count / 2))),
            ("one byte short", Array(good.dropLast())), ("one byte more", good + [0]),
            ("header only", Array(good.prefix(header))), ("shorter than the header", Array(good.prefix(10))),
            ("empty", []), ("bare payload (the old format)", payload),
        ]
        for (name, damaged) in cases {
            replace(path, with: damaged)
            XCTAssertNil(CacheFile.read(path, key: key, directory: dir), name)
        }
        replace(path, with: good)
        XCTAssertEqual(CacheFile.read(path, key: key, directory: dir), payload)
    }

    func testAFileWritableByGroupOrOthersOrOwnedByAnotherUserIsNotRead() throws {
        let (dir, path) = try stored()
        for mode: mode_t in [0o620, 0o602, 0o666, 0o622] {
            XCTAssertEqual(chmod(path, mode), 0)
            XCTAssertNil(CacheFile.read(path, key: key, directory: dir), String(mode, radix: 8))
        }
        for mode: mode_t in [0o600, 0o644, 0o400] {
            XCTAssertEqual(chmod(path, mode), 0)
            XCTAssertEqual(CacheFile.read(path, key: key, directory: dir), payload, String(mode, radix: 8))
        }
        if geteuid() == 0 {  // only root can give a file away
            XCTAssertEqual(chown(path, 12345, 12345), 0)
            XCTAssertNil(CacheFile.read(path, key: key, directory: dir))
        }
    }

    func testAnUntrustedFolderIsNeitherReadNorWritten() throws {
        let (dir, path) = try stored()
        XCTAssertEqual(chmod(dir, 0o777), 0)
        XCTAssertEqual(CacheFile.folderProblem(dir), "\(dir) is writable by group or others")
        XCTAssertNil(CacheFile.read(path, key: key, directory: dir))
        CacheFile.write([1, 2, 3], key: key, to: dir + "/y.db", directory: dir)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["x.db"])
        XCTAssertEqual(chmod(dir, 0o770), 0)
        XCTAssertEqual(CacheFile.folderProblem(dir), "\(dir) is writable by group or others")
        XCTAssertEqual(chmod(dir, 0o755), 0)
        XCTAssertNil(CacheFile.folderProblem(dir))
        XCTAssertEqual(CacheFile.read(path, key: key, directory: dir), payload)
        // A folder that is a symbolic link, or a file where the folder should be.
        let link = base + "/link"
        XCTAssertEqual(symlink(dir, link), 0)
        XCTAssertEqual(CacheFile.folderProblem(link), "\(link) is not a folder")
        XCTAssertNil(CacheFile.read(link + "/x.db", key: key, directory: link))
        CacheFile.write(payload, key: key, to: link + "/z.db", directory: link)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/z.db"))
        XCTAssertEqual(CacheFile.folderProblem(path), "\(path) is not a folder")
    }

    func testASymbolicLinkAtTheFileIsNotFollowedAndIsReplacedOnWrite() throws {
        let (dir, path) = try stored()
        let elsewhere = base + "/elsewhere.db"
        XCTAssertEqual(rename(path, elsewhere), 0)
        XCTAssertEqual(symlink(elsewhere, path), 0)
        XCTAssertNil(CacheFile.read(path, key: key, directory: dir))
        CacheFile.write([9, 9], key: key, to: path, directory: dir)
        var st = stat()
        XCTAssertEqual(lstat(path, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFREG)
        XCTAssertEqual(CacheFile.read(path, key: key, directory: dir), [9, 9])
        XCTAssertEqual(CacheFile.read(elsewhere, key: key, directory: dir), payload, "the link's target is untouched")
    }

    func testAHugeFileAFifoOrAFolderIsNotRead() throws {
        let (dir, path) = try stored()
        XCTAssertEqual(truncate(path, off_t(CacheFile.maximumSize + 1)), 0)  // sparse
        XCTAssertNil(CacheFile.read(path, key: key, directory: dir))
        unlink(path)
        XCTAssertEqual(mkfifo(path, 0o600), 0)  // a plain open() would block here
        XCTAssertNil(CacheFile.read(path, key: key, directory: dir))
        unlink(path)
        XCTAssertEqual(mkdir(path, 0o700), 0)
        XCTAssertNil(CacheFile.read(path, key: key, directory: dir))
    }

    func testMissingFoldersAreCreatedOwnerOnly() throws {
        let dir = base + "/a/b/cache"
        CacheFile.write(payload, key: key, to: dir + "/x.db", directory: dir)
        for path in [base + "/a", base + "/a/b", dir] {
            var st = stat()
            XCTAssertEqual(stat(path, &st), 0, path)
            XCTAssertEqual(st.st_mode & 0o777, 0o700, path)
        }
        XCTAssertEqual(CacheFile.read(dir + "/x.db", key: key, directory: dir), payload)
    }

    func testTheDefaultFolderFollowsTheEnvironment() {
        let names: [String] = ["DSTOOL_CACHE_DIR", "XDG_CACHE_HOME", "HOME"]
        let saved: [(String, String?)] = names.map { name in (name, getenv(name).map { String(cString: $0) }) }
        defer { for (name, value) in saved { if let value { setenv(name, value, 1) } else { unsetenv(name) } } }
        setenv("DSTOOL_CACHE_DIR", "/c/d", 1); setenv("XDG_CACHE_HOME", "/x", 1); setenv("HOME", "/h", 1)
        XCTAssertEqual(CacheFile.defaultFolder, "/c/d")
        setenv("DSTOOL_CACHE_DIR", "", 1)
        XCTAssertNil(CacheFile.defaultFolder, "an empty DSTOOL_CACHE_DIR turns the cache off")
        unsetenv("DSTOOL_CACHE_DIR")
        XCTAssertEqual(CacheFile.defaultFolder, "/x/dstool")
        setenv("XDG_CACHE_HOME", "relative", 1)
        XCTAssertEqual(CacheFile.defaultFolder, "/h/.cache/dstool")
        setenv("HOME", "also-relative", 1)
        XCTAssertNil(CacheFile.defaultFolder)
    }
}
