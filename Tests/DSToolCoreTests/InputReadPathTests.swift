@testable import DSToolCore
import DSToolKit
import Foundation
import XCTest

/// The per-item fast paths of the walk: a small file is read with one read, the next file of a
/// folder is opened ahead and read through that descriptor, the detection head is read into one
/// reused buffer, and the chain goes to the plugin as hand-written JSON.
final class InputReadPathTests: XCTestCase {
    private func readAll(_ source: FileDescriptorSource, chunk: Int = 1 << 16) throws -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = try buf.withUnsafeMutableBytes { try source.read($0) }
            if n == 0 { return out }
            out += buf[0..<n]
        }
    }

    private func append(_ path: String, _ text: String) {
        let h = FileHandle(forWritingAtPath: path)!
        h.seekToEndOfFile()
        h.write(Data(text.utf8))
        h.closeFile()
    }

    /// A short read that ends at the size the file had when it was opened is its end: the next
    /// read asks the kernel nothing, so bytes appended after that are not part of the item.
    func testShortReadAtTheOpenedSizeEndsTheFile() throws {
        let s = Scratch()
        let path = s.write("small.txt", "0123456789\n")
        let fd = open(path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        let source = FileDescriptorSource(fd: fd, ownsFD: true, regularFile: true, size: 11)
        var buf = [UInt8](repeating: 0, count: 4096)
        XCTAssertEqual(try buf.withUnsafeMutableBytes { try source.read($0) }, 11)
        append(path, "appended\n")
        XCTAssertEqual(try buf.withUnsafeMutableBytes { try source.read($0) }, 0)
        XCTAssertEqual(try buf.withUnsafeMutableBytes { try source.read($0) }, 0)
    }

    /// Only a short read counts: a read that fills the buffer exactly at the opened size, a file
    /// that grew or shrank before it was read, and a source of unknown size read on until a read
    /// returns 0, and deliver every byte there is.
    func testFilesThatChangeSizeAreReadToTheirRealEnd() throws {
        let s = Scratch()
        let path = s.write("f.txt", "0123456789\n")
        func open(size: Int64?) -> FileDescriptorSource {
            let fd = Glibc.open(path, O_RDONLY)
            precondition(fd >= 0)
            return FileDescriptorSource(fd: fd, ownsFD: true, regularFile: true, size: size)
        }
        // The buffer is exactly the file: not a short read, so the appended bytes are read too.
        let exact = open(size: 11)
        var buf = [UInt8](repeating: 0, count: 11)
        XCTAssertEqual(try buf.withUnsafeMutableBytes { try exact.read($0) }, 11)
        append(path, "more\n")
        XCTAssertEqual(try readAll(exact), Array("more\n".utf8))

        // Grew after the stat (16 bytes now, opened as 11): read to the real end.
        XCTAssertEqual(try readAll(open(size: 11)), Array("0123456789\nmore\n".utf8))
        // Shrank after the stat: read to the real end, nothing invented.
        XCTAssertEqual(truncate(path, 4), 0)
        XCTAssertEqual(try readAll(open(size: 16)), Array("0123".utf8))
        // Size unknown (not a regular file, or not stat'ed): read until a read returns 0.
        let unknown = open(size: nil)
        XCTAssertEqual(try buf.withUnsafeMutableBytes { try unknown.read($0) }, 4)
        append(path, "x")
        XCTAssertEqual(try readAll(unknown), Array("x".utf8))
        // Empty.
        XCTAssertEqual(truncate(path, 0), 0)
        XCTAssertEqual(try readAll(open(size: 0)), [])
    }

    /// The walk opens a folder's next file while the current one is read, and reads it through
    /// that descriptor: a file that grows or shrinks in between is delivered as it is when read,
    /// one removed in between as it was when opened; one that was not a regular file when the walk
    /// looked ahead (a fifo) is looked at again and skipped.
    func testTheNextFileOpenedAheadIsReadAsItIsWhenRead() throws {
        let s = Scratch()
        let a = s.write("d/a.txt", "a\n")
        let b = s.write("d/b.txt", "bbbb\n")
        let c = s.write("d/c.txt", "cccccccc\n")
        let e = s.write("d/e.txt", "e\n")
        let f = s.write("d/f.txt", "f\n")
        XCTAssertEqual(mkfifo(s.path + "/d/d.fifo", 0o600), 0)
        let r = walk([s.path + "/d"], afterRead: { item in
            switch item.name {
            case a: self.append(b, "grown\n")          // b.txt is already open
            case b: XCTAssertEqual(truncate(c, 3), 0)  // c.txt is already open
            case e: XCTAssertEqual(unlink(f), 0)       // f.txt is already open
            default: break
            }
        })
        XCTAssertEqual(r.names, [a, b, c, e, f])
        XCTAssertEqual(r.item(a)?.bytes, Array("a\n".utf8))
        XCTAssertEqual(r.item(b)?.bytes, Array("bbbb\ngrown\n".utf8))
        XCTAssertEqual(r.item(c)?.bytes, Array("ccc".utf8))
        XCTAssertEqual(r.item(e)?.bytes, Array("e\n".utf8))
        XCTAssertEqual(r.item(f)?.bytes, Array("f\n".utf8))
        XCTAssertEqual(r.errors, [])

        // Excluded files opened ahead are closed, not delivered; a removed file not yet opened
        // ahead is reported as before.
        let s2 = Scratch()
        let x = s2.write("d/x.txt", "x\n")
        _ = s2.write("d/y.log", "y\n")
        let z = s2.write("d/z.txt", "z\n")
        let missing = s2.write("d/zz.txt", "zz\n")
        var o = WalkOptions()
        o.excludes = ["*.log"]
        let r2 = walk([s2.path + "/d"], options: o, afterRead: { item in
            if item.name == x { XCTAssertEqual(unlink(missing), 0) }
        })
        XCTAssertEqual(r2.names, [x, z])
        XCTAssertEqual(r2.errorLines, ["\(missing): No such file or directory"])
    }

    /// A folder's files are looked up in the open folder, not by their whole path: files of a
    /// folder renamed while it is walked are still read (named as when the walk began).
    func testFilesAreLookedUpInTheOpenFolder() throws {
        let s = Scratch()
        let a = s.write("d/a.txt", "a\n")
        let b = s.write("d/b.txt", "b\n")
        let c = s.write("d/c.txt", "c\n")
        let e = s.write("d/e.txt", "e\n")
        let r = walk([s.path + "/d"], afterRead: { item in
            if item.name == a { XCTAssertEqual(rename(s.path + "/d", s.path + "/renamed"), 0) }
        })
        XCTAssertEqual(r.names, [a, b, c, e])
        XCTAssertEqual(r.items.map { $0.bytes.map { String(decoding: $0, as: UTF8.self) } }, ["a\n", "b\n", "c\n", "e\n"])
        XCTAssertEqual(r.errors, [])
    }

    /// Every item's head is read into the same buffer: nothing of a longer earlier item shows in
    /// a shorter later one, and items at, just over and far over the head size are exact, read
    /// raw, as text, or from archive entries.
    func testTheReusedHeadBufferLeavesNothingBehind() throws {
        let s = Scratch()
        var o = WalkOptions()
        o.headSize = 64
        let big = s.write("d/1-big.txt", String(repeating: "A", count: 1000) + "\n")
        let atHead = s.write("d/2-at-head.txt", String(repeating: "b", count: 63) + "\n")
        let overHead = s.write("d/3-over-head.txt", String(repeating: "c", count: 64) + "\n")
        let small = s.write("d/4-small.txt", "d\n")
        let empty = s.write("d/5-empty.txt", "")
        let binary = s.write("d/6-binary.bin", [0, 1, 2, 0xFF, 0, 0x80])
        let gbk = s.write("d/7-gbk.txt", [0xC4, 0xE3, 0xBA, 0xC3, 0x0A])  // 你好 in GBK
        let zip = s.write("d/8.zip", Fixture.archive("zip", [.file("long.txt", String(repeating: "z", count: 500)), .file("short.txt", "s\n")]))
        let expected: [String: [UInt8]] = [
            big: Array((String(repeating: "A", count: 1000) + "\n").utf8),
            atHead: Array((String(repeating: "b", count: 63) + "\n").utf8),
            overHead: Array((String(repeating: "c", count: 64) + "\n").utf8),
            small: Array("d\n".utf8), empty: [], binary: [0, 1, 2, 0xFF, 0, 0x80],
            gbk: [0xC4, 0xE3, 0xBA, 0xC3, 0x0A],
            zip + "!long.txt": Array(String(repeating: "z", count: 500).utf8), zip + "!short.txt": Array("s\n".utf8),
        ]
        let raw = walk([s.path + "/d"], options: o)
        XCTAssertEqual(raw.names, [big, atHead, overHead, small, empty, binary, gbk, zip, zip + "!long.txt", zip + "!short.txt"])
        for (name, bytes) in expected { XCTAssertEqual(raw.item(name)?.bytes, bytes, name) }
        XCTAssertEqual(raw.items.map(\.encoding), ["utf-8", "utf-8", "utf-8", "utf-8", "utf-8", "binary", "gb18030", "binary", "utf-8", "utf-8"])
        XCTAssertEqual(raw.items.map(\.size), [1001, 64, 65, 2, 0, 6, 5, raw.item(zip)?.size, 500, 2])

        let text = walk([s.path + "/d"], options: o, read: .text(7))
        XCTAssertEqual(text.item(small)?.string, "d\n")
        XCTAssertEqual(text.item(gbk)?.string, "你好\n")
        XCTAssertEqual(text.item(gbk)?.offsets, [0, 0, 0, 2, 2, 2, 4])
        XCTAssertEqual(text.item(overHead)?.string, String(repeating: "c", count: 64) + "\n")
        XCTAssertEqual(text.item(zip + "!short.txt")?.string, "s\n")
    }

    /// An item smaller than the head is read straight into a buffer of its size plus one: whatever
    /// size it claims (right, too small because it grew, too large because it shrank, at and around
    /// the head size, unknown), it is classified exactly as when read through the scratch buffer,
    /// and its reader gets every byte once. Text, UTF-16, GB18030, binary with NUL bytes, empty.
    func testItemsReadIntoTheirOwnHeadMatchTheScratchPath() throws {
        let s = Scratch()
        let headSize = 64
        let contents: [[UInt8]] = [
            Array("hello\n".utf8), [], Array(repeating: UInt8(ascii: "x"), count: 63), Array(repeating: UInt8(ascii: "y"), count: 64),
            Array(repeating: UInt8(ascii: "z"), count: 65), [0xFF, 0xFE, 0x61, 0x00, 0x62, 0x00], [0xC4, 0xE3, 0xBA, 0xC3, 0x0A],
            [0x7F, 0x45, 0x4C, 0x46, 0x00, 0x01, 0x00, 0x00, 0x80], Array("caf\u{e9} \u{4e2d}\u{6587}".utf8) + [0xE4],
        ]
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: headSize, alignment: 16)
        defer { scratch.deallocate() }
        func item(_ path: String, claim: Int64?) -> WalkItem {
            let fd = open(path, O_RDONLY)
            precondition(fd >= 0)
            let source = FileDescriptorSource(fd: fd, ownsFD: true, regularFile: true, size: claim)
            let reporter = InputReporter(error: { XCTFail("\($0)") }, finding: { XCTFail("\($0)") })
            return WalkItem(name: path, path: path, entry: nil, chain: [], depth: 0, source: source, diskPath: path, size: claim,
                            mtime: nil, mode: 0o644, uid: nil, gid: nil, flags: 0, reporter: reporter, spoolDirectory: s.path)
        }
        func drain(_ w: WalkItem) throws -> [UInt8] {
            var out: [UInt8] = []
            var buf = [UInt8](repeating: 0, count: 7)
            while true {
                let n = try buf.withUnsafeMutableBytes { try w.read(into: $0) }
                if n == 0 { return out }
                out += buf[0..<n]
            }
        }
        for (k, bytes) in contents.enumerated() {
            let path = s.write("f\(k)", bytes)
            let n = Int64(bytes.count)
            // Through the scratch buffer (no size known): what every claim must agree with.
            let reference = item(path, claim: nil)
            reference.detect(scratch: scratch, magic: nil, forced: nil)
            let referenceHead = reference.head
            XCTAssertEqual(try drain(reference), bytes)
            for claim in Set([n, n - 1, n + 1, 0, 1, Int64(headSize) - 1, Int64(headSize), Int64(headSize) + 1]) where claim >= 0 {
                let w = item(path, claim: claim)
                w.detect(scratch: scratch, magic: nil, forced: nil)
                XCTAssertEqual(w.head, referenceHead, "file \(k) claim \(claim)")
                XCTAssertEqual(w.encoding, reference.encoding, "file \(k) claim \(claim)")
                XCTAssertEqual(w.undecidedASCII, reference.undecidedASCII, "file \(k) claim \(claim)")
                XCTAssertEqual(w.flags, reference.flags, "file \(k) claim \(claim)")
                XCTAssertEqual(try drain(w), bytes, "file \(k) claim \(claim)")
            }
        }
    }

    /// The chain handed to plugins (`chain_json`) is the JSON DSJSON writes, byte for byte, for
    /// names with quotes, backslashes, control characters, slashes and non-ASCII text.
    func testChainJSONIsWhatDSJSONWrites() {
        let chains: [[String]] = [
            [], ["a.txt"], ["", "x"], ["dir/with \"quotes\".zip", "back\\slash\\", "tab\tnew\nline\r"],
            ["\u{0}\u{1}\u{1F}\u{7F}\u{8}\u{C}", "用户.csv", "emoji 😀 / é", "</script>"],
            ["backup.tar.gz", "2024/users.zip", "users.csv"],
        ]
        for chain in chains {
            XCTAssertEqual(String(decoding: HostSession.chainJSON(chain), as: UTF8.self), DSJSON.string(chain), "\(chain)")
            let json = HostSession.chainJSON(chain)
            XCTAssertEqual(try json.withUnsafeBytes { try RecordDecoder.decodeStrings($0) }, chain)
        }
    }
}
