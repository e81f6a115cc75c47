@testable import DSToolCore
import DSToolKit
import XCTest

/// gzip is inflated by ISA-L on a thread of its own, up to 4 MiB ahead of libarchive
/// (CDSToolGunzip). What the walk sees must not depend on how far ahead that thread is: the files
/// here are bigger than its ring, so it is ahead whenever something happens, and every walk must
/// end with no inflating thread left.
final class GzipInflatingThreadTests: XCTestCase {
    /// Incompressible: a gzip file as big as its content.
    static let noise = Fixture.noise(8 << 20)

    /// Inflating threads alive now (they name themselves).
    func inflatingThreads() -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter { task in
            let comm = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
            return comm?.hasPrefix("dstool-gunzip") ?? false
        }.count
    }

    /// A gzip member with a stored name and a modification time.
    func member(name: String, mtime: UInt32, _ data: [UInt8]) -> [UInt8] {
        let gz = Fixture.compressed("gzip", data)
        let time = (0..<4).map { UInt8(truncatingIfNeeded: mtime >> (8 * UInt32($0))) }
        return [0x1F, 0x8B, 0x08, 0x08] + time + [0x00, 0x03] + Array(name.utf8) + [0] + Array(gz[10...])
    }

    /// The walk with ISA-L's thread and with libarchive's own gzip filter, and each item's time.
    func walkBoth(_ inputs: [String], options: WalkOptions = WalkOptions(), read: ReadStyle = .raw, stdin: [UInt8]? = nil,
                  sameErrors: Bool = true, file: StaticString = #filePath, line: UInt = #line) -> (isal: WalkResult, libarchive: WalkResult, times: [String: Int64?]) {
        defer { ArchiveExpander.inflatesGzipWithISAL = true }
        var results: [WalkResult] = []
        var times: [[String: Int64?]] = []
        for isal in [true, false] {
            ArchiveExpander.inflatesGzipWithISAL = isal
            var t: [String: Int64?] = [:]
            results.append(walk(inputs, options: options, read: read, stdin: stdin, afterRead: { t[$0.name] = $0.mtime }))
            times.append(t)
            XCTAssertEqual(inflatingThreads(), 0, "no inflating thread is left after the walk", file: file, line: line)
        }
        XCTAssertEqual(results[0].items, results[1].items, "\(read)", file: file, line: line)
        if sameErrors { XCTAssertEqual(results[0].errorLines, results[1].errorLines, "\(read)", file: file, line: line) }
        XCTAssertEqual(results[0].limitKinds, results[1].limitKinds, "\(read)", file: file, line: line)
        XCTAssertEqual(times[0], times[1], "\(read)", file: file, line: line)
        return (results[0], results[1], times[0])
    }

    func testATruncatedStreamIsReportedWhenTheReaderGetsThereNotWhenTheThreadDoes() {
        let s = Scratch()
        let gz = Fixture.compressed("gzip", Self.noise)
        let cutAt = 6 << 20
        let cut = s.write("cut.bin.gz", Array(gz.prefix(cutAt)))
        let after = s.write("zz-after.txt", "after\n")
        let line = "\(cut): truncated archive, entry cut.bin: truncated gzip input (at byte \(cutAt))"
        for read in [ReadStyle.raw, .none, .prefix(1000)] {
            let r = walkBoth([cut, after], read: read).isal
            XCTAssertEqual(r.names, [cut, cut + "!cut.bin", after], "\(read)")
            XCTAssertEqual(r.errorLines, [line], "\(read)")
            XCTAssertEqual(r.errors.map(\.code), ["archive.truncated"])
        }
        // Everything before the cut arrives, in order, before the error.
        let r = walkBoth([cut], read: .prefix(5 << 20)).isal
        XCTAssertEqual(r.item(cut + "!cut.bin")?.bytes, Array(Self.noise.prefix(5 << 20)))
        XCTAssertEqual(r.errorLines, [line], "the rest is drained and ends at the cut")
    }

    func testABombStopsAtTheRatioMeasuredOnWhatTheReaderWasGivenNotOnWhatTheThreadInflated() {
        let s = Scratch()
        // Not zeros: libarchive reads a stream of zeros as an empty tar and stops after 1 KiB.
        let bomb = s.write("bomb.tar.gz", Fixture.archive("ustar", filter: "gzip",
            [.file("a.bin", [UInt8](repeating: 0x41, count: 64 << 20)), .file("later.txt", "later\n")]))
        let after = s.write("zz-after.txt", "after\n")
        // At --max-ratio 500 the bomb (about 1000:1) is caught at the first look, after 1 MiB;
        // had the thread's position (4 MiB of output ahead) been counted, the ratio would be
        // about 200 and it would not be.
        var options = WalkOptions()
        options.limits.maxRatio = 500
        for read in [ReadStyle.raw, .none, .prefix(1000)] {
            let r = walkBoth([bomb, after], options: options, read: read).isal
            XCTAssertEqual(r.names, [bomb, bomb + "!a.bin", after], "\(read)")
            XCTAssertEqual(r.limitKinds, ["input.limit.ratio"], "\(read)")
            guard let message = r.findings.first?.message?.en else { continue }
            // "possible decompression bomb: <bomb> unpacked U bytes from P (ratio ..."
            let numbers = message.components(separatedBy: " unpacked ")[1].components(separatedBy: " ")
            let (unpacked, packed) = (Int(numbers[0])!, Int(numbers[3])!)
            XCTAssertLessThanOrEqual(unpacked, (1 << 20) + (64 << 10), "stopped soon after the first MiB: \(message)")
            XCTAssertGreaterThan(unpacked, packed * 500, message)
        }
    }

    func testStoppingEarlyEndsTheThreadWhileItWaitsForRoom() {
        let s = Scratch()
        let tgz = s.write("big.tar.gz", Fixture.archive("ustar", filter: "gzip",
            [.file("a.bin", Self.noise), .file("b.bin", Array(Self.noise.reversed())), .file("c.txt", "c\n")]))
        let after = s.write("zz-after.txt", "after\n")
        func limits(_ change: (inout InputLimits) -> Void) -> WalkOptions {
            var o = WalkOptions()
            change(&o.limits)
            return o
        }
        var threadsWhileReading: [Int] = []
        ArchiveExpander.inflatesGzipWithISAL = true
        let r = walk([tgz, after], options: limits { $0.maxEntries = 1 }, read: .prefix(1000),
                     afterRead: { if $0.depth == 1 { threadsWhileReading.append(self.inflatingThreads()) } })
        XCTAssertEqual(threadsWhileReading, [1], "the thread runs while the archive is read")
        XCTAssertEqual(inflatingThreads(), 0)
        XCTAssertEqual(r.names, [tgz, tgz + "!a.bin", after])
        XCTAssertEqual(r.limitKinds, ["input.limit.entries"])

        // An entry declared too large (the rest of the archive is given up); the run-wide total;
        // a plugin that reads nothing (the host drains every entry).
        let cases: [(WalkOptions, ReadStyle, [String], [String])] = [
            (limits { $0.maxEntrySize = 2 << 20 }, .prefix(1000), [tgz, after], ["input.limit.entry-size"]),
            (limits { $0.maxTotalExpanded = 3 << 20 }, .raw, [tgz, tgz + "!a.bin", after], ["input.limit.total-size"]),
            (WalkOptions(), .none, [tgz, tgz + "!a.bin", tgz + "!b.bin", tgz + "!c.txt", after], []),
        ]
        for (options, read, names, kinds) in cases {
            let r = walkBoth([tgz, after], options: options, read: read).isal
            XCTAssertEqual(r.names, names, "\(read)")
            XCTAssertEqual(r.limitKinds, kinds, "\(read)")
        }
    }

    /// libarchive reads no entry from an empty stream (its raw format wants a byte), so the file
    /// is reported as not readable; an empty tar inside gzip is an archive without entries.
    func testAnEmptyGzipFileIsReportedAndAnEmptyTarGzHasNoEntries() {
        let s = Scratch()
        let empty = s.write("empty.txt.gz", Fixture.compressed("gzip", []))
        let emptyTar = s.write("empty.tar.gz", Fixture.archive("ustar", filter: "gzip", []))
        let after = s.write("zz-after.txt", "after\n")
        // libarchive's own filter words it "truncated (at byte 20)": it counts the whole file as read.
        let r = walkBoth([emptyTar, empty, after], sameErrors: false).isal
        XCTAssertEqual(r.names, [emptyTar, empty, after])
        XCTAssertEqual(r.errorLines, ["\(empty): not a readable archive: Unrecognized archive format"])
    }

    func testMembersFollowEachOtherAcrossTheRingAndTheEntryTakesTheFirstMembersNameAndTime() {
        let s = Scratch()
        let (first, second, third) = (Array(Self.noise.prefix(5 << 20)), Fixture.csv(lines: 100_000), Array("third\n".utf8))
        let gz = member(name: "first.csv", mtime: 0x6000_0000, first) + member(name: "second.csv", mtime: 0x6100_0000, second)
            + Fixture.compressed("gzip", third)
        let p = s.write("members.gz", gz)
        let both = walkBoth([p])
        XCTAssertEqual(both.isal.names, [p, p + "!members"])
        XCTAssertEqual(both.isal.item(p + "!members")?.bytes, first + second + third)
        XCTAssertEqual(both.times[p + "!members"], 0x6000_0000, "the time of the member read when the entry began")
        XCTAssertEqual(both.isal.errorLines, [])
        // From standard input (inflated from a temporary copy): named as the first member says.
        let stdin = walkBoth(["-"], stdin: gz).isal
        XCTAssertEqual(stdin.names, ["-", "-!first.csv"])
        XCTAssertEqual(stdin.items.last?.bytes, first + second + third)
    }
}
