@testable import DSToolCore
import DSToolKit
import XCTest

/// Every limit ends one item (or the rest of one archive), is reported as an input.limit.*
/// finding, and the walk goes on with the next input.
final class InputLimitTests: XCTestCase {
    func options(_ change: (inout InputLimits) -> Void) -> WalkOptions {
        var o = WalkOptions()
        change(&o.limits)
        return o
    }

    func messages(_ r: WalkResult) -> [String] { r.findings.map { "\($0.ruleId) \($0.location.input): \($0.message?.en ?? "")" } }

    /// a.zip ⊃ b.zip ⊃ ... nested `levels` deep, the innermost holding leaf.txt.
    func nestedZips(_ levels: Int) -> [UInt8] {
        var bytes = Fixture.archive("zip", [.file("leaf.txt", "leaf\n")])
        for level in stride(from: levels - 1, through: 1, by: -1) {
            bytes = Fixture.archive("zip", [.file("z\(level + 1).zip", bytes)])
        }
        return bytes
    }

    func testDepthStopsNestedArchivesAtMaxDepth() {
        let s = Scratch()
        let p = s.write("z1.zip", nestedZips(3))
        let after = s.write("zz.txt", "after\n")
        var r = walk([p, after], options: options { $0.maxDepth = 2 })
        XCTAssertEqual(r.names, [p, p + "!z2.zip", p + "!z2.zip!z3.zip", after])
        XCTAssertEqual(r.items.map(\.isContainer), [true, true, false, false])
        XCTAssertEqual(r.items[2].sha256, Digest.sha256Hex(Fixture.archive("zip", [.file("leaf.txt", "leaf\n")])), "still an item with its bytes")
        XCTAssertEqual(messages(r), ["input.limit.depth \(p)!z2.zip!z3.zip: archive nested deeper than --max-depth 2; not opened"])
        XCTAssertEqual(r.findings.first?.location.chain, [p, "z2.zip", "z3.zip"])
        XCTAssertEqual(r.findings.first?.severity, .medium)
        XCTAssertEqual(r.errors, [])

        r = walk([p], options: options { $0.maxDepth = 0 })
        XCTAssertEqual(r.names, [p])
        XCTAssertEqual(r.limitKinds, ["input.limit.depth"])

        // The default opens eight levels: the ninth archive is not opened.
        let deep = s.write("deep.zip", nestedZips(9))
        r = walk([deep])
        XCTAssertEqual(r.items.count, 9)
        XCTAssertEqual(r.items.last?.depth, 8)
        XCTAssertEqual(r.limitKinds, ["input.limit.depth"])
        XCTAssertEqual(r.findings.first?.location.input, deep + "!" + (2...9).map { "z\($0).zip" }.joined(separator: "!"))
        XCTAssertEqual(walk([s.write("eight.zip", nestedZips(8))]).names.last, s.path + "/eight.zip!" + (2...8).map { "z\($0).zip" }.joined(separator: "!") + "!leaf.txt")
    }

    func testEntrySizeEndsTheEntry() {
        let s = Scratch()
        let big = Fixture.noise(5000)
        let entries: [Fixture.Entry] = [.file("small.txt", "small\n"), .file("big.bin", big), .file("after.txt", "after\n")]
        let limited = options { $0.maxEntrySize = 1000 }

        // Declared in the header: not read at all; a zip skips to the next entry.
        let zip = s.write("a.zip", Fixture.archive("zip", entries))
        var r = walk([zip], options: limited)
        XCTAssertEqual(r.names, [zip, zip + "!small.txt", zip + "!after.txt"])
        XCTAssertEqual(messages(r), ["input.limit.entry-size \(zip)!big.bin: entry of 5000 bytes is larger than --max-entry-size 1000; not read"])

        // In a compressed tar skipping means unpacking: the rest of that archive is given up.
        let tgz = s.write("a.tar.gz", Fixture.archive("ustar", filter: "gzip", entries))
        let next = s.write("next.txt", "next\n")
        r = walk([tgz, next], options: limited)
        XCTAssertEqual(r.names, [tgz, tgz + "!small.txt", next])
        XCTAssertEqual(messages(r), ["input.limit.entry-size \(tgz)!big.bin: entry of 5000 bytes is larger than --max-entry-size 1000; not read; the rest of \(tgz) was not read (skipping the entry would unpack it)"])

        // Size unknown in advance (a compressed stream): read up to the limit, then stopped.
        let gz = s.write("big.bin.gz", Fixture.compressed("gzip", big))
        r = walk([gz, next], options: limited)
        XCTAssertEqual(r.names, [gz, gz + "!big.bin", next])
        XCTAssertNil(r.items[1].bytes, "the read failed at the limit")
        XCTAssertEqual(messages(r), ["input.limit.entry-size \(gz)!big.bin: entry is larger than --max-entry-size 1000; read stopped; the rest of \(gz) was not read (skipping the entry would unpack it)"])
        // The plugin got exactly the first 1000 bytes before the error.
        r = walk([gz], options: limited, read: .prefix(1000))
        XCTAssertEqual(r.items[1].bytes, Array(big.prefix(1000)))
        // Exactly at the limit is fine.
        r = walk([gz], options: options { $0.maxEntrySize = 5000 })
        XCTAssertEqual(r.items[1].bytes, big)
        XCTAssertEqual(r.findings, [])
    }

    func testTotalSizeStopsArchivesForTheRestOfTheRun() {
        let s = Scratch()
        let zips = (1...4).map { i in
            s.write("z\(i).zip", Fixture.archive("zip", options: "zip:compression=store", [.file("part\(i).bin", Fixture.noise(400_000, seed: UInt64(i)))]))
        }
        let plain = s.write("zz-plain.txt", "still read\n")
        let r = walk(zips + [plain], options: options { $0.maxTotalExpanded = 1_000_000 })
        XCTAssertEqual(r.names, [zips[0], zips[0] + "!part1.bin", zips[1], zips[1] + "!part2.bin", zips[2], zips[2] + "!part3.bin", zips[3], plain])
        XCTAssertNotNil(r.items[1].bytes)
        XCTAssertNotNil(r.items[3].bytes)
        XCTAssertNil(r.items[5].bytes, "the third part crosses the budget")
        XCTAssertFalse(r.items[6].isContainer, "no archive is opened afterwards")
        XCTAssertEqual(r.item(plain)?.bytes, Array("still read\n".utf8))
        XCTAssertEqual(messages(r), [
            "input.limit.total-size \(zips[2])!part3.bin: archives unpacked more than --max-total-size 1000000 bytes in this run; read stopped, no further archive is opened",
            "input.limit.total-size \(zips[3]): archive not opened: --max-total-size 1000000 was reached earlier in this run",
        ])
    }

    func testCompressionRatioStopsDecompressionBombs() {
        let s = Scratch()
        // Not zeros: libarchive reads a stream of zeros as an empty tar and stops after 1 KiB.
        let zeros = [UInt8](repeating: 0x41, count: 32 << 20)
        let after = s.write("zz-after.txt", "after\n")

        func unpacked(_ f: Finding) -> Int {
            let m = f.message!.en
            let after = m.components(separatedBy: " unpacked ")[1]
            return Int(after.components(separatedBy: " ")[0])!
        }

        // A single compressed file of zeros.
        let bomb = Fixture.compressed("zstd", zeros)
        let p = s.write("bomb.zst", bomb)
        var r = walk([p, after])
        XCTAssertEqual(r.names, [p, p + "!bomb", after])
        XCTAssertEqual(r.limitKinds, ["input.limit.ratio"])
        XCTAssertEqual(r.findings[0].location.input, p + "!bomb")
        XCTAssertTrue(r.findings[0].message!.en.hasPrefix("possible decompression bomb: \(p) unpacked "), r.findings[0].message!.en)
        XCTAssertTrue(r.findings[0].message!.en.hasSuffix("--max-ratio 1000); the rest was not read"))
        XCTAssertLessThanOrEqual(unpacked(r.findings[0]), (1 << 20) + (64 << 10), "stopped soon after the first MiB")

        // Inside a zip (the bomb is an entry, opened as a nested archive).
        let zip = s.write("outer.zip", Fixture.archive("zip", options: "zip:compression=store", [.file("inner/bomb.zst", bomb), .file("ok.txt", "ok\n")]))
        r = walk([zip])
        XCTAssertEqual(r.names, [zip, zip + "!inner/bomb.zst", zip + "!inner/bomb.zst!bomb", zip + "!ok.txt"])
        XCTAssertEqual(r.limitKinds, ["input.limit.ratio"])
        XCTAssertEqual(r.findings[0].location.chain, [zip, "inner/bomb.zst", "bomb"])

        // A tar.gz the plugin does not read: the host drains it and still stops.
        let tgz = s.write("zeros.tar.gz", Fixture.archive("ustar", filter: "gzip", [.file("zeros.bin", zeros), .file("later.txt", "later\n")]))
        r = walk([tgz, after], read: .none)
        XCTAssertEqual(r.names, [tgz, tgz + "!zeros.bin", after])
        XCTAssertEqual(r.limitKinds, ["input.limit.ratio"])

        // Ordinary compressed text is nowhere near; a low --max-ratio catches it too.
        let csv = s.write("users.csv.gz", Fixture.compressed("gzip", Fixture.csv(lines: 100_000)))
        XCTAssertEqual(walk([csv]).findings, [])
        r = walk([csv], options: options { $0.maxRatio = 2 })
        XCTAssertEqual(r.limitKinds, ["input.limit.ratio"])
        XCTAssertTrue(r.findings[0].message!.en.contains("--max-ratio 2)"))
    }

    func testEntryCountEndsTheArchive() {
        let s = Scratch()
        let entries = (1...10).map { Fixture.Entry.file("f\($0).txt", "\($0)\n") }
        let p = s.write("many.zip", Fixture.archive("zip", entries))
        let after = s.write("zz.txt", "after\n")
        let r = walk([p, after], options: options { $0.maxEntries = 4 })
        XCTAssertEqual(r.names, [p] + (1...4).map { p + "!f\($0).txt" } + [after])
        XCTAssertEqual(messages(r), ["input.limit.entries \(p): more than 4 entries (--max-entries); the rest were not read"])
        XCTAssertNil(r.findings[0].location.chain)
        // Folders count as entries too.
        let withDirs = s.write("dirs.tar", Fixture.archive("ustar", [.dir("a"), .dir("b"), .file("c.txt", "c\n")]))
        XCTAssertEqual(walk([withDirs], options: options { $0.maxEntries = 2 }).limitKinds, ["input.limit.entries"])
    }
}
