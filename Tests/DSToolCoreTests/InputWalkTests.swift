@testable import DSToolCore
import DSToolKit
import Foundation
import XCTest

/// Files, folders, symlinks and exclusions as the walker sees them.
final class InputWalkTests: XCTestCase {
    func testFoldersAreWalkedInNameOrderAndSymlinksAreNotFollowed() throws {
        let s = Scratch()
        let outside = Scratch()
        let secret = outside.write("elsewhere.txt", "outside\n")
        s.write("root/b.txt", "b\n")
        s.write("root/a/1.txt", "1\n")
        s.write("root/a/2.csv", "x,y\n")
        try FileManager.default.createSymbolicLink(atPath: s.path + "/root/link-file", withDestinationPath: secret)
        try FileManager.default.createSymbolicLink(atPath: s.path + "/root/link-dir", withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: s.path + "/root/a/loop", withDestinationPath: "..")
        XCTAssertEqual(mkfifo(s.path + "/root/fifo", 0o600), 0)
        let root = s.path + "/root"

        let r = walk([root])
        XCTAssertEqual(r.names, [root + "/a/1.txt", root + "/a/2.csv", root + "/b.txt"])
        XCTAssertEqual(r.errors, [])

        var follow = WalkOptions()
        follow.followSymlinks = true
        let f = walk([root], options: follow)
        // The loop (a/loop -> ..) leads back into a folder being walked: not walked twice.
        XCTAssertEqual(f.names, [root + "/a/1.txt", root + "/a/2.csv", root + "/b.txt", root + "/link-dir/elsewhere.txt", root + "/link-file"])
        XCTAssertEqual(f.item(root + "/link-file")?.bytes, Array("outside\n".utf8))

        // A symlink named on the command line is what the user asked for.
        XCTAssertEqual(walk([root + "/link-file"]).names, [root + "/link-file"])
    }

    /// Names that are not UTF-8 (GBK from an old Windows or Samba share, stray bytes) are looked up
    /// by their bytes: the files are read, shown decoded, a GBK-named folder is walked, a GBK-named
    /// .gz is opened (from a temporary copy), and a plugin asking for a path gets a copy.
    func testNamesThatAreNotUTF8AreReadByTheirBytes() throws {
        let s = Scratch()
        let root = s.path + "/share"
        let gbkName: [UInt8] = [0xD6, 0xD0, 0xCE, 0xC4] + Array(".txt".utf8)  // 中文.txt
        let gbkFolder: [UInt8] = [0xB1, 0xB8, 0xB7, 0xDD]  // 备份
        let gbkArchive: [UInt8] = [0xD6, 0xD0] + Array(".gz".utf8)  // 中.gz
        let stray: [UInt8] = Array("bad".utf8) + [0xFF, 0xFE] + Array("name.txt".utf8)
        var made: [[UInt8]] = []
        func path(_ parts: [UInt8]...) -> [UInt8] { Array(root.utf8) + parts.flatMap { [UInt8(ascii: "/")] + $0 } }
        func create(_ p: [UInt8], _ content: [UInt8]) {
            let fd = (p + [0]).withUnsafeBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { Glibc.open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
            }
            XCTAssertGreaterThanOrEqual(fd, 0)
            XCTAssertEqual(content.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }, content.count)
            Glibc.close(fd)
            made.append(p)
        }
        // Scratch removes its folder through FileManager, which cannot name these files.
        defer {
            for p in made.reversed() {
                _ = (p + [0]).withUnsafeBufferPointer { b in b.withMemoryRebound(to: CChar.self) { remove($0.baseAddress!) } }
            }
        }
        XCTAssertEqual(mkdir(root, 0o755), 0)
        create(path(gbkName), Array("gbk name\n".utf8))
        create(path(stray), Array("stray bytes\n".utf8))
        create(path(Array("plain.txt".utf8)), Array("plain\n".utf8))
        create(path(gbkArchive), Fixture.compressed("gzip", Array("inside\n".utf8)))
        XCTAssertEqual((path(gbkFolder) + [0]).withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { mkdir($0.baseAddress!, 0o755) }
        }, 0)
        create(path(gbkFolder, Array("a.txt".utf8)), Array("in a GBK folder\n".utf8))
        made.insert(path(gbkFolder), at: made.count - 1)  // removed after its file

        let expected = [root + "/bad\u{FFFD}\u{FFFD}name.txt", root + "/plain.txt", root + "/中.gz", root + "/中.gz!中",
                        root + "/中文.txt", root + "/备份/a.txt"]
        let contents = ["stray bytes\n", "plain\n", nil, "inside\n", "gbk name\n", "in a GBK folder\n"]
        for style in [ReadStyle.raw, .localPath] {
            let r = walk([root], read: style)
            XCTAssertEqual(r.errorLines, [], "\(style)")
            XCTAssertEqual(r.findings.count, 0, "\(style)")
            XCTAssertEqual(r.names, expected, "\(style)")
            for (name, content) in zip(expected, contents) {
                guard let content else { continue }
                XCTAssertEqual(r.item(name)?.bytes, Array(content.utf8), "\(name), \(style)")
            }
        }
    }

    func testMissingInputsAreReportedAndTheWalkGoesOn() {
        let s = Scratch()
        let ok = s.write("ok.txt", "ok\n")
        let r = walk([s.path + "/missing.txt", ok])
        XCTAssertEqual(r.names, [ok])
        XCTAssertEqual(r.errorLines, ["\(s.path)/missing.txt: No such file or directory"])
        XCTAssertEqual(r.errors.map(\.code), ["input.unreadable"])
    }

    func testExcludes() {
        let s = Scratch()
        s.write("d/keep.txt", "k\n")
        s.write("d/noise.log", "n\n")
        s.write("d/cache/x.txt", "x\n")
        let zip = s.write("d/z.zip", Fixture.archive("zip", [.file("in.txt", "i\n"), .file("in.bin", [1, 2, 3])]))
        var o = WalkOptions()
        o.excludes = ["*.log", "*/cache", "*.bin"]
        let r = walk([s.path + "/d"], options: o)
        XCTAssertEqual(r.names, [s.path + "/d/keep.txt", zip, zip + "!in.txt"])
    }

    func testFilesModeReadsArgumentsAsTheyAre() {
        // Commands with input "files": no folders, no archive expansion.
        let s = Scratch()
        let zip = s.write("a.zip", Fixture.archive("zip", [.file("in.txt", "i\n")]))
        var o = WalkOptions()
        o.expandArchives = false
        o.recurse = false
        let r = walk([zip, s.path], options: o)
        XCTAssertEqual(r.names, [zip])
        XCTAssertFalse(r.items[0].isContainer)
        XCTAssertEqual(r.items[0].mime, "application/zip")
        XCTAssertEqual(r.errorLines, ["\(s.path): is a directory"])
    }

    func testLocalPathOfStdinIsATemporaryCopyRemovedAfterwards() {
        let s = Scratch()
        var o = WalkOptions()
        o.spoolDirectory = s.path
        var path: String?
        var during: [String] = []
        let r = walk(["-"], options: o, read: .localPath, stdin: Array("piped\n".utf8)) { item in
            path = try? item.localPath()
            during = spoolLeftovers(s.path)
        }
        XCTAssertEqual(r.items[0].bytes, Array("piped\n".utf8))
        XCTAssertEqual(during.count, 1)
        XCTAssertTrue(path?.hasPrefix(s.path + "/dstool-spool-") ?? false)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path ?? "/"), "removed when the walk moved on")
        XCTAssertEqual(spoolLeftovers(s.path), [])
    }

    func testLocalPathAfterReadingIsRefused() throws {
        let s = Scratch()
        let zip = s.write("a.zip", Fixture.archive("zip", [.file("in.txt", "inside\n")]))
        let walker = InputWalker(inputs: [zip], options: WalkOptions(), report: { _ in }, reportFinding: { _ in })
        defer { walker.close() }
        _ = walker.next()
        let entry = walker.next()!
        var buf = [UInt8](repeating: 0, count: 3)
        _ = try buf.withUnsafeMutableBytes { try entry.read(into: $0) }
        XCTAssertThrowsError(try entry.localPath()) { XCTAssertEqual("\($0)", "local_path must be asked for before the item is read") }
    }

    /// Files are read with the disk asked ahead of the reader (posix_fadvise), by twice what was
    /// read, from 1 MiB to 32 MiB: the bytes read across the whole ramp, and through a pipe (where
    /// advice does not apply), are the file's bytes exactly; the walk's next files are prefetched
    /// without being changed.
    func testReadAheadDeliversTheFileUnchanged() throws {
        XCTAssertEqual(FileDescriptorSource.lead(after: 0), 1 << 20)
        XCTAssertEqual(FileDescriptorSource.lead(after: 3 << 20), 6 << 20)
        XCTAssertEqual(FileDescriptorSource.lead(after: 1 << 30), 32 << 20)
        let s = Scratch()
        let size = Int(2 * FileDescriptorSource.readAheadLead) + 12_345
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { p, n in
            for i in 0..<size { p[i] = UInt8(truncatingIfNeeded: (i &* 2_654_435_761) >> 13) }
            n = size
        }
        let path = s.path + "/big.bin"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        func readAll(_ source: FileDescriptorSource) throws -> [UInt8] {
            var out: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = try chunk.withUnsafeMutableBytes { try source.read($0) }
                if n == 0 { return out }
                out += chunk[0..<n]
            }
        }
        let fd = open(path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(try readAll(FileDescriptorSource(fd: fd, ownsFD: true, regularFile: true)), bytes)

        var pipeFDs: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&pipeFDs), 0)
        let writer = Thread {
            bytes.withUnsafeBytes { p in
                var done = 0
                while done < p.count { let n = write(pipeFDs[1], p.baseAddress! + done, p.count - done); if n <= 0 { break }; done += n }
            }
            close(pipeFDs[1])
        }
        writer.start()
        XCTAssertEqual(try readAll(FileDescriptorSource(fd: pipeFDs[0], ownsFD: true, regularFile: true)), bytes)

        _ = s.write("dir/a.txt", "a\n")
        _ = s.write("dir/b.txt", "b\n")
        let r = walk([s.path + "/dir"])
        XCTAssertEqual(r.names, [s.path + "/dir/a.txt", s.path + "/dir/b.txt"])
        XCTAssertEqual(r.item(s.path + "/dir/b.txt")?.bytes, Array("b\n".utf8))
    }

}
