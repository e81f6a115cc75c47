@testable import DSToolCore
import DSToolKit
import Foundation
import XCTest

/// What the host does on the way to a plugin: reading plugins.lock without JSONDecoder, and
/// reading a (not yet verified) plugin's DT_NEEDED names to preload system libraries.
final class PluginStartupTests: XCTestCase {
    static let lock = PluginLock(plugins: [
        "scan": .init(library: "libdstool-scan.so", version: "0.1.0", sha256: String(repeating: "ab", count: 32)),
        "comply": .init(library: "libdstool-comply.so", version: "0.1.0", sha256: String(repeating: "0f", count: 32)),
    ])

    func fast(_ bytes: [UInt8]) -> PluginLock? {
        bytes.withUnsafeBytes { PluginLockReader.read($0) }.map { v, entries in
            PluginLock(version: v, plugins: entries.mapValues { .init(library: $0.library, version: $0.version, sha256: $0.sha256) })
        }
    }
    func slow(_ bytes: [UInt8]) -> PluginLock? { try? JSONDecoder().decode(PluginLock.self, from: Data(bytes)) }

    func testTheLockAsWrittenReadsAsJSONDecoderReadsIt() throws {
        let written = [UInt8](try DSJSON.encode(Self.lock, pretty: true))
        let read = try XCTUnwrap(fast(written))
        XCTAssertEqual(read.plugins, Self.lock.plugins)
        XCTAssertEqual(read.version, 1)
        XCTAssertEqual(read.plugins, slow(written)?.plugins)
        // Unknown members are skipped, as JSONDecoder skips them.
        let extra = [UInt8](#"{"plugins":{"x":{"sha256":"s","library":"l","version":"v","note":[1,{}]}},"version":1,"by":"install"}"#.utf8)
        XCTAssertEqual(fast(extra)?.plugins, ["x": .init(library: "l", version: "v", sha256: "s")])
        XCTAssertEqual(fast(extra)?.plugins, slow(extra)?.plugins)
        // What the reader declines is read by JSONDecoder (damaged copies: ManifestReadingTests).
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dstool-lock-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let spaced = [UInt8](#"{"version": 1, "version": 1, "plugins": {}}"#.utf8)  // a repeated member
        XCTAssertNil(fast(spaced))
        try Data(spaced).write(to: dir.appendingPathComponent(PluginLock.fileName))
        XCTAssertEqual(try PluginLock.read(directory: dir.path)?.plugins, [:])
        try Data(written).write(to: dir.appendingPathComponent(PluginLock.fileName))
        XCTAssertEqual(try PluginLock.read(directory: dir.path)?.plugins, Self.lock.plugins)
        try Data("{\"version\": 1".utf8).write(to: dir.appendingPathComponent(PluginLock.fileName))
        XCTAssertThrowsError(try PluginLock.read(directory: dir.path)) { XCTAssertEqual("\($0)", "\(dir.path)/plugins.lock: unreadable lock file") }
    }

    /// The DT_NEEDED names of this test binary, as the dynamic loader lists them (`ldd`-free:
    /// every name the reader gives is a library the loader mapped into this process).
    func testNeededLibrariesOfARealBinary() throws {
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let names = PluginPreload.neededLibraries(path: exe)
        XCTAssertTrue(names.contains("libc.so.6"), "\(names)")
        XCTAssertTrue(names.contains("libswiftCore.so"), "\(names)")
        // /proc files report no size: read to the end.
        let maps = String(decoding: try XCTUnwrap(FileHandle(forReadingAtPath: "/proc/self/maps")).readDataToEndOfFile(), as: UTF8.self)
        for name in names { XCTAssertTrue(maps.contains("/" + name), "\(name) is not mapped") }
    }

    /// `start` loads only names on the allow-list (here: those of this binary's that are on it,
    /// already loaded, so loading them again changes nothing) and nothing for a file that is not ELF.
    func testStartLoadsOnlyAllowedNames() throws {
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let started = PluginPreload.start(libraryPath: exe)
        XCTAssertEqual(started, PluginPreload.neededLibraries(path: exe).filter { PluginPreload.allowed.contains($0) })
        XCTAssertTrue(started.contains("libcrypto.so.3"), "\(started)")
        XCTAssertFalse(started.contains("libc.so.6"))
        XCTAssertEqual(PluginPreload.start(libraryPath: "/nonexistent/libdstool-x.so"), [])
    }

    /// Cut short anywhere, or with bytes replaced: never a crash, never a name that is not one
    /// of the real ones (a damaged table gives fewer or none).
    func testNeededLibrariesOfDamagedFilesAreNoneOrTheRealOnes() throws {
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: exe)))
        let real = Set(PluginPreload.neededLibraries(path: exe))
        func names(_ file: [UInt8]) -> [String] {
            PluginPreload.neededLibraries { offset, count in
                guard offset <= UInt64(file.count), count <= UInt64(file.count) - offset else { return nil }
                return Array(file[Int(offset)..<Int(offset + count)])
            }
        }
        XCTAssertEqual(Set(names(original)), real)
        for cut in [0, 1, 16, 63, 64, 65, 200, 4096, original.count / 3, original.count / 2, original.count - 1] {
            let got = names(Array(original.prefix(cut)))
            XCTAssertTrue(Set(got).isSubset(of: real), "cut at \(cut): \(got)")
        }
        var state: UInt64 = 7
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int((state >> 33) % UInt64(n)) }
        var changed = 0
        for _ in 0..<300 {
            var file = original
            // Damage the headers, where the offsets are.
            for _ in 0..<4 { file[next(4096)] = UInt8(next(256)) }
            let got = names(file)
            if Set(got) != real { changed += 1 }
            for n in got { XCTAssertFalse(n.isEmpty) }
        }
        XCTAssertGreaterThan(changed, 0, "the damage never reached the tables")
        XCTAssertEqual(PluginPreload.neededLibraries(path: "/nonexistent/libdstool-x.so"), [])
        let text = FileManager.default.temporaryDirectory.appendingPathComponent("dstool-notelf-\(getpid()).so")
        try Data(repeating: 0x41, count: 5000).write(to: text)
        defer { try? FileManager.default.removeItem(at: text) }
        XCTAssertEqual(PluginPreload.neededLibraries(path: text.path), [])
    }
}
