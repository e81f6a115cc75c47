import CDSToolPluginABI
@testable import DSToolCore
import DSToolKit
import XCTest

/// Archives as the input layer reads them: every format, nesting, names, bad archives.
final class ArchiveTests: XCTestCase {
    let readme = Array("Synthetic evidence, nothing real.\n".utf8)
    let users = Fixture.csv(lines: 40)
    let blob = Fixture.noise(5000)

    var sample: [Fixture.Entry] {
        [.dir("docs"), .file("docs/readme.txt", readme), .file("data/users.csv", users), .file("bin/blob.bin", blob)]
    }

    func assertSample(_ r: WalkResult, _ archive: String, ordered: Bool = true, file: StaticString = #filePath, line: UInt = #line) {
        let expected = ["docs/readme.txt", "data/users.csv", "bin/blob.bin"].map { archive + "!" + $0 }
        XCTAssertEqual(r.errorLines, [], file: file, line: line)
        XCTAssertEqual(r.findings.count, 0, file: file, line: line)
        XCTAssertEqual(r.names.first, archive, file: file, line: line)
        if ordered { XCTAssertEqual(Array(r.names.dropFirst()), expected, file: file, line: line) }
        else { XCTAssertEqual(Array(r.names.dropFirst()).sorted(), expected.sorted(), file: file, line: line) }
        XCTAssertTrue(r.items.first?.isContainer ?? false, "\(archive) is opened", file: file, line: line)
        for (entry, data) in [("docs/readme.txt", readme), ("data/users.csv", users), ("bin/blob.bin", blob)] {
            guard let item = r.items.first(where: { $0.name == archive + "!" + entry }) else { continue }
            XCTAssertEqual(item.chain, [archive, entry], file: file, line: line)
            XCTAssertEqual(item.depth, 1, file: file, line: line)
            XCTAssertEqual(item.size, Int64(data.count), "size of \(entry)", file: file, line: line)
            XCTAssertEqual(item.sha256, Digest.sha256Hex(data), "content of \(entry)", file: file, line: line)
            XCTAssertEqual(item.flags & UInt32(DSTOOL_ITEM_IN_ARCHIVE), UInt32(DSTOOL_ITEM_IN_ARCHIVE), file: file, line: line)
        }
        XCTAssertEqual(r.item(archive + "!docs/readme.txt", file: file, line: line)?.encoding, "utf-8", file: file, line: line)
        XCTAssertEqual(r.item(archive + "!bin/blob.bin", file: file, line: line)?.encoding, "binary", file: file, line: line)
    }

    func testEveryArchiveFormatYieldsItsEntriesWithChainSizeAndDigest() {
        let s = Scratch()
        let cases: [(name: String, bytes: [UInt8], mime: String, ordered: Bool)] = [
            ("sample.zip", Fixture.archive("zip", sample), "application/zip", true),
            ("stored.zip", Fixture.archive("zip", options: "zip:compression=store", sample), "application/zip", true),
            ("sample.tar", Fixture.archive("ustar", sample), "application/x-tar", true),
            ("sample.tar.gz", Fixture.archive("pax", filter: "gzip", sample), "application/gzip", true),
            ("sample.tar.bz2", Fixture.archive("ustar", filter: "bzip2", sample), "application/x-bzip2", true),
            ("sample.tar.xz", Fixture.archive("ustar", filter: "xz", sample), "application/x-xz", true),
            ("sample.tar.zst", Fixture.archive("ustar", filter: "zstd", sample), "application/zstd", true),
            ("sample.7z", Fixture.archive("7zip", sample), "application/x-7z-compressed", false),
            ("sample.cpio", Fixture.archive("newc", sample), "application/x-cpio", true),
            ("sample.cpio.xz", Fixture.archive("newc", filter: "xz", sample), "application/x-xz", true),
            ("sample.iso", Fixture.archive("iso9660", sample), "application/x-iso9660-image", false),
            ("sample.rar", Fixture.rar([("docs/readme.txt", readme), ("data/users.csv", users), ("bin/blob.bin", blob)]),
             "application/x-rar", true),
        ]
        for c in cases {
            let path = s.write(c.name, c.bytes)
            let r = walk([path])
            XCTAssertEqual(r.items.first?.mime, c.mime, c.name)
            XCTAssertEqual(r.items.first?.sha256, Digest.sha256Hex(c.bytes), "the archive itself is read as an item: \(c.name)")
            assertSample(r, path, ordered: c.ordered)
        }
    }

    func testKnownDigestOfAnEntry() {
        // sha256("hello\n"), as `sha256sum` prints it.
        let s = Scratch()
        let p = s.write("h.zip", Fixture.archive("zip", [.file("h.txt", "hello\n")]))
        XCTAssertEqual(walk([p]).item(p + "!h.txt")?.sha256, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
    }

    func testSingleCompressedFilesAreOneEntryNamedAfterTheFile() {
        let s = Scratch()
        for filter in ["gzip", "bzip2", "xz", "zstd"] {
            let path = s.write("users-\(filter).csv.\(filter)", Fixture.compressed(filter, users))
            let r = walk([path])
            XCTAssertEqual(r.names, [path, path + "!users-\(filter).csv"], filter)
            XCTAssertEqual(r.errorLines, [], filter)
            let entry = r.items.last!
            XCTAssertEqual(entry.chain, [path, "users-\(filter).csv"])
            XCTAssertEqual(entry.sha256, Digest.sha256Hex(users), filter)
            XCTAssertEqual(entry.size, Int64(users.count), "known once the detection block reached the end")
            XCTAssertEqual(entry.flags & UInt32(DSTOOL_ITEM_COMPRESSED), UInt32(DSTOOL_ITEM_COMPRESSED))
            XCTAssertEqual(entry.encoding, "utf-8")
        }
        // A large stream does not say its size in advance.
        let big = Fixture.csv(lines: 20_000)
        let bigGz = s.write("big.csv.gz", Fixture.compressed("gzip", big))
        let rb = walk([bigGz])
        XCTAssertNil(rb.items.last?.size)
        XCTAssertEqual(rb.items.last?.sha256, Digest.sha256Hex(big))
        // .tgz is a tar inside gzip: libarchive sees the tar and lists its entries directly.
        let tgz = s.write("b.tgz", Fixture.archive("ustar", filter: "gzip", [.file("a.txt", "a\n")]))
        XCTAssertEqual(walk([tgz]).names, [tgz, tgz + "!a.txt"])
        // Likewise a compressed zip or cpio: one archive, its entries right after the file's name.
        let zipgz = s.write("inner.zip.gz", Fixture.compressed("gzip", Fixture.archive("zip", [.file("in.txt", "in\n")])))
        XCTAssertEqual(walk([zipgz]).names, [zipgz, zipgz + "!in.txt"])
        // No suffix to drop: the entry keeps the file's name.
        let bare = s.write("dump", Fixture.compressed("xz", users))
        XCTAssertEqual(walk([bare]).names, [bare, bare + "!dump"])
    }

    /// backup.tar.gz!2024/users.zip!users.csv, three levels down, whatever the plugin reads.
    func testNestedArchivesAreOpenedAfterThePluginReadTheContainer() {
        let s = Scratch()
        let spoolDir = s.path + "/spool"
        try! FileManager.default.createDirectory(atPath: spoolDir, withIntermediateDirectories: true)
        let deep = Fixture.archive("7zip", [.file("deep/x.txt", "x marks the spot\n")])
        let zip = Fixture.archive("zip", [.file("users.csv", users), .file("nested.7z", deep)])
        let tgz = Fixture.archive("pax", filter: "gzip", [.dir("2024"), .file("2024/users.zip", zip), .file("notes.txt", readme)])
        let p = s.write("backup.tar.gz", tgz)
        var options = WalkOptions()
        options.spoolDirectory = spoolDir
        let expected = [p, p + "!2024/users.zip", p + "!2024/users.zip!users.csv", p + "!2024/users.zip!nested.7z",
                        p + "!2024/users.zip!nested.7z!deep/x.txt", p + "!notes.txt"]
        for style in [ReadStyle.raw, .none, .prefix(10), .localPath, .text(4096)] {
            var spoolSeen = 0
            let r = walk([p], options: options, read: style) { _ in spoolSeen = max(spoolSeen, spoolLeftovers(spoolDir).count) }
            XCTAssertEqual(r.names, expected, "\(style)")
            XCTAssertEqual(r.errorLines, [], "\(style)")
            XCTAssertEqual(r.items.map(\.depth), [0, 1, 2, 2, 3, 1])
            XCTAssertEqual(r.items.map(\.isContainer), [true, true, false, true, false, false])
            XCTAssertEqual(r.item(p + "!2024/users.zip!nested.7z!deep/x.txt")?.chain, [p, "2024/users.zip", "nested.7z", "deep/x.txt"])
            if case .raw = style {
                XCTAssertEqual(r.item(p + "!2024/users.zip")?.sha256, Digest.sha256Hex(zip), "the plugin sees the container's bytes")
                XCTAssertEqual(r.item(p + "!2024/users.zip!nested.7z")?.sha256, Digest.sha256Hex(deep))
                XCTAssertEqual(r.item(p + "!2024/users.zip!users.csv")?.sha256, Digest.sha256Hex(users))
            }
            if case .localPath = style {
                XCTAssertEqual(r.item(p + "!2024/users.zip")?.sha256, Digest.sha256Hex(zip), "local_path of a nested archive")
                XCTAssertEqual(spoolSeen, 1, "local_path's copy is a named file while the item is current")
            } else {
                XCTAssertEqual(spoolSeen, 0, "copies for opening nested archives have no name")
            }
            XCTAssertEqual(spoolLeftovers(spoolDir), [], "temporary copies are removed")
        }
    }

    func testStdinArchivesAreOpened() {
        let tgz = Fixture.archive("ustar", filter: "gzip", [.file("a.txt", "alpha\n"), .file("b.zip", Fixture.archive("zip", [.file("c.txt", "gamma\n")]))])
        let r = walk(["-"], stdin: tgz)
        XCTAssertEqual(r.names, ["-", "-!a.txt", "-!b.zip", "-!b.zip!c.txt"])
        XCTAssertEqual(r.items[0].sha256, Digest.sha256Hex(tgz))
        XCTAssertEqual(r.items[0].flags & UInt32(DSTOOL_ITEM_STDIN | DSTOOL_ITEM_CONTAINER), UInt32(DSTOOL_ITEM_STDIN | DSTOOL_ITEM_CONTAINER))
        XCTAssertEqual(r.item("-!b.zip!c.txt")?.bytes, Array("gamma\n".utf8))
        // A compressed stream on stdin has no file name to go by.
        let gz = walk(["-"], read: .none, stdin: Fixture.compressed("zstd", users))
        XCTAssertEqual(gz.names, ["-", "-!data"])
        // Unread stdin archive: the host still reads it whole.
        XCTAssertEqual(walk(["-"], read: .none, stdin: tgz).names, ["-", "-!a.txt", "-!b.zip", "-!b.zip!c.txt"])
    }

    func testTypeComesFromContentNotFromTheName() {
        let s = Scratch()
        let zipNamedPDF = s.write("report.pdf", Fixture.archive("zip", [.file("inside.txt", "in\n")]))
        let textNamedZip = s.write("notes.zip", "just text, named like an archive\n")
        let r = walk([zipNamedPDF, textNamedZip])
        XCTAssertEqual(r.names, [zipNamedPDF, zipNamedPDF + "!inside.txt", textNamedZip])
        XCTAssertEqual(r.item(zipNamedPDF)?.mime, "application/zip")
        XCTAssertEqual(r.item(textNamedZip)?.mime, "text/plain")
        XCTAssertFalse(r.item(textNamedZip)?.isContainer ?? true)
        XCTAssertEqual(r.errorLines, [])
    }

    func testOfficeDocumentsAreItemsAndAreOpened() {
        let s = Scratch()
        let types = #"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#
        let body = "<w:document><w:body><w:p><w:r><w:t>合同编号 A-1</w:t></w:r></w:p></w:body></w:document>"
        let docx = s.write("contract.docx", Fixture.archive("zip", [.file("[Content_Types].xml", types), .file("_rels/.rels", "<Relationships/>"),
                                                                   .file("word/document.xml", body)]))
        let odt = s.write("memo.odt", Fixture.storedZip([("mimetype", Array("application/vnd.oasis.opendocument.text".utf8)),
                                                         ("content.xml", Array("<office:document-content/>".utf8))]))
        let r = walk([docx, odt], read: .text(1 << 16))
        XCTAssertEqual(r.item(docx)?.mime, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        XCTAssertEqual(r.item(odt)?.mime, "application/vnd.oasis.opendocument.text")
        XCTAssertTrue(r.item(docx)?.isContainer ?? false)
        XCTAssertEqual(r.item(docx)?.encoding, "binary")
        XCTAssertEqual(r.item(docx + "!word/document.xml")?.string, body)
        XCTAssertEqual(r.names, [docx, docx + "![Content_Types].xml", docx + "!_rels/.rels", docx + "!word/document.xml",
                                 odt, odt + "!mimetype", odt + "!content.xml"])
    }

    func testOtherTypesFromLibmagic() {
        let s = Scratch()
        let pdf = s.write("a.bin", "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        // A SQLite header page: magic, page size 4096, file format 1/1, then the schema fields.
        var db = Array("SQLite format 3\0".utf8) + [0x10, 0x00, 0x01, 0x01, 0x00, 0x40, 0x20, 0x20]
        db += [UInt8](repeating: 0, count: 4096 - db.count)
        let sqlite = s.write("evidence.dat", db)
        let r = walk([pdf, sqlite])
        XCTAssertEqual(r.item(pdf)?.mime, "application/pdf")
        XCTAssertEqual(r.item(sqlite)?.mime, "application/vnd.sqlite3")
        XCTAssertEqual(r.items.map(\.isContainer), [false, false])
    }

    /// Commands that skip libmagic for text (`"type_detection": "binary"`) still get libmagic's
    /// type for binary items, including a damaged SQLite file whose header has one NUL at an odd
    /// offset (it was once taken for UTF-16LE text and typed text/plain).
    func testTextOnlyDetectionStillTypesBinaryItems() {
        let s = Scratch()
        let corrupt = s.write("app.sqlite", Array("SQLite format 3\0".utf8) + [UInt8](repeating: 0xAB, count: 4096))
        let text = s.write("notes.txt", "plain notes\n")
        var o = WalkOptions()
        o.magicForText = false
        let r = walk([corrupt, text], options: o)
        XCTAssertEqual(r.item(corrupt)?.mime, "application/vnd.sqlite3")
        XCTAssertEqual(r.item(corrupt)?.encoding, "binary")
        XCTAssertEqual(r.item(text)?.mime, "text/plain")
    }

    /// ar and ASCII cpio archives of text files contain no NUL byte (or one per name) and read as
    /// text; with text-only detection they are still opened (libmagic, as without it, decides
    /// for any text starting with such a header), and other text is not given to libmagic.
    func testTextOnlyDetectionStillOpensTextHeaderArchives() {
        let s = Scratch()
        let ar = s.write("pkg.a", Fixture.archive("arsvr4", [.file("member.txt", "member\n")]))
        let odc = s.write("files.cpio", Fixture.archive("cpio", [.file("a.txt", "alpha\n")]))
        let lookalike = s.write("codes.txt", "0707 is not a cpio header\n")
        var o = WalkOptions()
        o.magicForText = false
        let r = walk([ar, odc, lookalike], options: o)
        XCTAssertEqual(r.names, [ar, ar + "!member.txt", odc, odc + "!a.txt", lookalike])
        XCTAssertEqual(r.item(ar + "!member.txt")?.bytes, Array("member\n".utf8))
        XCTAssertEqual(r.item(odc + "!a.txt")?.bytes, Array("alpha\n".utf8))
        XCTAssertEqual(r.item(lookalike)?.mime, "text/plain")
    }

    /// gzip files are inflated by ISA-L instead of libarchive's zlib filter. Both must give the
    /// same items, bytes, entry names and times, errors and limits, on ordinary and damaged
    /// files alike; only the offset of damage inside the deflate data may differ (each inflater
    /// says where it stopped).
    func testGzipInflatedByISALMatchesLibarchive() {
        let s = Scratch()
        let csv = Fixture.csv(lines: 40_000)
        let gz = Fixture.compressed("gzip", csv)
        XCTAssertEqual(Array(gz.prefix(4)), [0x1F, 0x8B, 0x08, 0x00], "a plain header: the deflate data starts at byte 10")
        let deflate = Array(gz[10...])
        // A member with a stored name and a modification time (what gzip writes by default).
        let named: [UInt8] = [0x1F, 0x8B, 0x08, 0x08, 0x00, 0xE1, 0xF5, 0x65, 0x00, 0x03] + Array("export.csv".utf8) + [0] + deflate
        var damaged = gz
        for k in 0..<2000 { damaged[gz.count / 3 + k] = UInt8(truncatingIfNeeded: k &* 37) }
        var badBlock = gz
        badBlock[10] = 0xFF  // block type 3 does not exist
        let bomb = Fixture.archive("ustar", filter: "gzip", [.file("zeros.bin", [UInt8](repeating: 0x41, count: 32 << 20)), .file("later.txt", "later\n")])
        let files: [(String, [UInt8])] = [
            ("users.csv.gz", gz),
            ("named.gz", named),
            ("two-members.gz", named + Fixture.compressed("gzip", Array("second member\n".utf8))),
            ("trailing.gz", gz + Array("not another member".utf8)),
            ("cut.gz", Array(gz.prefix(gz.count / 2))),
            ("no-trailer.gz", Array(gz.prefix(gz.count - 8))),
            ("half-trailer.gz", Array(gz.prefix(gz.count - 4))),
            ("stub.gz", Array(gz.prefix(12))),
            ("bad-block.gz", badBlock),
            ("damaged.gz", damaged),
            ("logs.tar.gz", Fixture.archive("ustar", filter: "gzip", [.file("a.log", csv), .file("b.log", "b\n")])),
            ("nested.tar.gz", Fixture.archive("ustar", filter: "gzip", [.file("inner/users.csv.gz", named), .file("after.txt", "after\n")])),
            ("bomb.tar.gz", bomb),
        ]
        let after = s.write("zz-after.txt", "after\n")
        defer { ArchiveExpander.inflatesGzipWithISAL = true }
        for (name, bytes) in files {
            let p = s.write(name, bytes)
            for read in [ReadStyle.raw, .none, .prefix(1000)] {
                var seen: [WalkResult] = []
                var times: [[String: Int64?]] = []
                for isal in [true, false] {
                    ArchiveExpander.inflatesGzipWithISAL = isal
                    var t: [String: Int64?] = [:]
                    seen.append(walk([p, after], read: read, afterRead: { t[$0.name] = $0.mtime }))
                    times.append(t)
                }
                let (a, b) = (seen[0], seen[1])
                XCTAssertEqual(a.items, b.items, "\(name) \(read)")
                XCTAssertEqual(times[0], times[1], "\(name) \(read)")
                XCTAssertEqual(a.limitKinds, b.limitKinds, "\(name) \(read)")
                let withoutOffsets = { (r: WalkResult) in r.errors.map { "\($0.code) \($0.input) \($0.reason)" } }
                XCTAssertEqual(withoutOffsets(a), withoutOffsets(b), "\(name) \(read)")
                if name != "damaged.gz" { XCTAssertEqual(a.errorLines, b.errorLines, "\(name) \(read)") }
            }
        }
        // Standard input: the entry is named as gzip stored it.
        for isal in [true, false] {
            ArchiveExpander.inflatesGzipWithISAL = isal
            var time: Int64?
            let r = walk(["-"], stdin: named, afterRead: { if $0.depth == 1 { time = $0.mtime } })
            XCTAssertEqual(r.names, ["-", "-!export.csv"], "ISA-L: \(isal)")
            XCTAssertEqual(r.items.last?.bytes, csv)
            XCTAssertEqual(time, 0x65F5_E100)
        }
        // What those files are, so the comparison above compares something.
        ArchiveExpander.inflatesGzipWithISAL = true
        let (namedPath, twoPath, cutPath) = (s.write("n2.gz", named), s.write("t2.gz", named + Fixture.compressed("gzip", Array("second member\n".utf8))),
                                             s.write("c2.gz", Array(gz.prefix(gz.count / 2))))
        var time: Int64?
        let r = walk([namedPath, twoPath, cutPath], afterRead: { if $0.name == namedPath + "!n2" { time = $0.mtime } })
        XCTAssertEqual(r.names, [namedPath, namedPath + "!n2", twoPath, twoPath + "!t2", cutPath, cutPath + "!c2"])
        XCTAssertEqual(r.item(namedPath + "!n2")?.bytes, csv)
        XCTAssertEqual(time, 0x65F5_E100, "the member's time, as libarchive's gzip filter sets it")
        XCTAssertEqual(r.item(twoPath + "!t2")?.bytes, csv + Array("second member\n".utf8))
        XCTAssertEqual(r.errorLines, ["\(cutPath): truncated archive, entry c2: truncated gzip input (at byte \(gz.count / 2))"])
    }

    func testSymlinksAndLinksInsideArchivesAreNotFollowed() {
        let s = Scratch()
        let entries: [Fixture.Entry] = [.file("real.txt", "real\n"), Fixture.Entry(name: "passwd", kind: .symlink("/etc/passwd")),
                                        .dir("folder"), .file("after.txt", "after\n")]
        for format in ["ustar", "newc", "zip", "iso9660"] {
            let p = s.write("links.\(format)", Fixture.archive(format, entries))
            XCTAssertEqual(walk([p]).names.sorted(), [p, p + "!after.txt", p + "!real.txt"], format)
        }
        // A tar hard link names content already delivered under its first name.
        let tar = s.write("hard.tar", Fixture.archive("ustar", [.file("real.txt", "real\n"), Fixture.Entry(name: "again.txt", kind: .hardlink("real.txt"))]))
        XCTAssertEqual(walk([tar]).names, [tar, tar + "!real.txt"])
    }

    func testAbsoluteAndParentNamesAreJustNames() {
        let s = Scratch()
        let p = s.write("x/hostile.tar", Fixture.archive("ustar", [.file("/etc/shadow", "root:*:\n"), .file("../../escape.txt", "no\n"), .file("./ok.txt", "ok\n")]))
        let r = walk([p], read: .localPath)
        XCTAssertEqual(r.names, [p, p + "!/etc/shadow", p + "!../../escape.txt", p + "!ok.txt"])
        XCTAssertEqual(r.item(p + "!../../escape.txt")?.bytes, Array("no\n".utf8))
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.path + "/escape.txt"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: (s.path as NSString).deletingLastPathComponent + "/escape.txt"))
    }

    func testChineseEntryNamesStoredAsGBKAreDecoded() {
        // Zip files from Chinese Windows store CP936 names without the UTF-8 flag.
        let s = Scratch()
        let name = "客户名单.csv"
        var zip = Fixture.archive("zip", options: "zip:compression=store", [.file("XXXXXXXXXXXX", "n\n")])
        let gbk = Fixture.gb18030(name)
        XCTAssertEqual(gbk.count, 12)
        // Patch the name (same length) in the local and central headers; clear the UTF-8 flag (bit 11).
        var i = 0
        while let r = zip[i...].firstIndex(of: 0x58), r + 12 <= zip.count, Array(zip[r..<r + 12]) == Array("XXXXXXXXXXXX".utf8) {
            zip.replaceSubrange(r..<r + 12, with: gbk)
            i = r + 12
        }
        for sig in [[0x50, 0x4B, 0x03, 0x04], [0x50, 0x4B, 0x01, 0x02]] as [[UInt8]] {
            var j = 0
            while j + 4 <= zip.count {
                if Array(zip[j..<j + 4]) == sig {
                    let flagAt = j + (sig[2] == 0x03 ? 6 : 8)
                    zip[flagAt + 1] &= ~0x08
                }
                j += 1
            }
        }
        let p = s.write("gbk.zip", zip)
        let r = walk([p])
        XCTAssertEqual(r.names, [p, p + "!" + name])
    }

    func testMoreFormatsLibarchiveReads() {
        let s = Scratch()
        // lz4 and lzma single files, an ar archive (what .deb packages are), a zip inside a 7z inside a cpio.
        for filter in ["lz4", "lzma"] {
            let p = s.write("users.csv.\(filter)", Fixture.compressed(filter, users))
            XCTAssertEqual(walk([p]).items.last?.sha256, Digest.sha256Hex(users), filter)
        }
        let ar = s.write("pkg.a", Fixture.archive("arsvr4", [.file("member.txt", "member\n")]))
        XCTAssertEqual(walk([ar]).names, [ar, ar + "!member.txt"])
        let nested = Fixture.archive("newc", [.file("x.7z", Fixture.archive("7zip", [.file("y.zip", Fixture.archive("zip", [.file("z.txt", "z\n")]))]))])
        let cpio = s.write("n.cpio", nested)
        XCTAssertEqual(walk([cpio]).names, [cpio, cpio + "!x.7z", cpio + "!x.7z!y.zip", cpio + "!x.7z!y.zip!z.txt"])
    }

    // MARK: bad archives

    func testAnEntryWithABadChecksumIsReportedAndTheNextOnesAreRead() {
        let s = Scratch()
        var zip = Fixture.storedZip([("x.txt", Array("hello world\n".utf8)), ("y.txt", Array("second\n".utf8))])
        zip[30 + 5] = 0x4A  // first data byte of x.txt: "Jello world"
        let p = s.write("crc.zip", zip)
        let r = walk([p])
        XCTAssertEqual(r.names, [p, p + "!x.txt", p + "!y.txt"])
        XCTAssertNil(r.item(p + "!x.txt")?.bytes)
        XCTAssertEqual(r.item(p + "!y.txt")?.bytes, Array("second\n".utf8))
        XCTAssertEqual(r.errorLines, ["\(p)!x.txt: cannot unpack entry: ZIP bad CRC: 0x\(String(CRC32.of(Array("Jello world\n".utf8)), radix: 16)) should be 0x\(String(CRC32.of(Array("hello world\n".utf8)), radix: 16)) (at byte 0)"])
        XCTAssertEqual(r.errors.map(\.code), ["archive.entry"])
    }

    func testWithoutRoomForATemporaryCopyANestedArchiveIsNotOpened() {
        let s = Scratch()
        let p = s.write("outer.tar", Fixture.archive("ustar", [.file("inner.zip", Fixture.archive("zip", [.file("x.txt", "x\n")])), .file("after.txt", "after\n")]))
        var o = WalkOptions()
        o.spoolDirectory = s.path + "/no-such-folder"
        for style in [ReadStyle.raw, .none] {
            let r = walk([p], options: o, read: style)
            XCTAssertEqual(r.names, [p, p + "!inner.zip", p + "!after.txt"], "\(style)")
            XCTAssertEqual(r.errors.map(\.code), ["input.spool"], "\(style)")
            XCTAssertTrue(r.errorLines.first?.hasPrefix("\(p)!inner.zip: cannot create a temporary file in \(s.path)/no-such-folder: No such file or directory") ?? false, "\(r.errorLines)")
        }
    }

    /// 7z encryption needs the 7z tool (p7zip-full, in Scripts/deps-debian.txt): libarchive writes no encrypted 7z.
    func testEncrypted7zIsReported() throws {
        let s = Scratch()
        s.write("src/a.txt", "synthetic\n")
        func sevenZip(_ args: [String]) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/7z")
            p.arguments = args
            p.currentDirectoryURL = URL(fileURLWithPath: s.path + "/src")
            p.standardOutput = FileHandle.nullDevice
            try p.run(); p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0)
        }
        try sevenZip(["a", "-t7z", "-psynthetic-only", "../content.7z", "a.txt"])
        try sevenZip(["a", "-t7z", "-psynthetic-only", "-mhe=on", "../header.7z", "a.txt"])
        let content = s.path + "/content.7z", header = s.path + "/header.7z"
        let r = walk([content, header])
        XCTAssertEqual(r.names, [content, content + "!a.txt", header])
        XCTAssertTrue(r.items[1].isEncrypted)
        XCTAssertEqual(r.errorLines, ["\(content)!a.txt: encrypted entry; contents not read",
                                      "\(header): encrypted archive: The archive header is encrypted, but currently not supported"])
        XCTAssertEqual(r.errors.map(\.code), ["archive.encrypted", "archive.encrypted"])
    }

    func testEncryptedZipEntriesAreReportedAndTheRunGoesOn() {
        let s = Scratch()
        let enc = s.write("secret.zip", Fixture.archive("zip", options: "zip:encryption=zipcrypt", passphrase: "not-a-real-password",
                                                        [.file("salary.csv", users), .file("plan.txt", readme)]))
        let after = s.write("plain.txt", "after\n")
        let r = walk([enc, after])
        XCTAssertEqual(r.names, [enc, enc + "!salary.csv", enc + "!plan.txt", after])
        XCTAssertEqual(r.items.map(\.isEncrypted), [false, true, true, false])
        XCTAssertEqual(r.item(enc + "!salary.csv")?.size, Int64(users.count), "metadata is still known")
        XCTAssertEqual(r.errorLines, ["\(enc)!salary.csv: encrypted entry; contents not read",
                                      "\(enc)!plan.txt: encrypted entry; contents not read"])
        XCTAssertEqual(r.errors.map(\.code), ["archive.encrypted", "archive.encrypted"])
        XCTAssertEqual(r.item(after)?.bytes, Array("after\n".utf8))
    }

    func testDamagedTarHeaderIsReportedWithItsOffsetAndLaterEntriesAreRead() {
        let s = Scratch()
        var tar = Fixture.archive("ustar", [.file("a.txt", Array(repeating: 0x61, count: 1000)), .file("b.bin", blob), .file("c.txt", "c\n")])
        // b.bin's header starts after a.txt's header (512) and data (1000, padded to 1024).
        let bHeader = 512 + 1024
        tar[bHeader + 148] = 0x39  // break its checksum
        let p = s.write("damaged.tar", tar)
        let after = s.write("after.txt", "after\n")
        let r = walk([p, after])
        XCTAssertEqual(r.names, [p, p + "!a.txt", p + "!c.txt", after])
        XCTAssertEqual(r.errorLines, ["\(p): corrupt archive: Damaged tar archive; skipping to the next readable entry (at byte \(bHeader))"])
        XCTAssertEqual(r.errors.first?.code, "archive.corrupt")
        XCTAssertEqual(r.errors.first?.offset, Int64(bHeader))
    }

    func testTruncatedArchivesSayWhereTheyEnd() {
        let s = Scratch()
        let after = s.write("zz-after.txt", "after\n")
        // A tar cut inside its second entry's data.
        let tar = Fixture.archive("ustar", [.file("a.txt", "a\n"), .file("b.bin", blob), .file("c.txt", "c\n")])
        let cutTar = s.write("cut.tar", Array(tar.prefix(3000)))
        var r = walk([cutTar, after])
        XCTAssertEqual(r.names, [cutTar, cutTar + "!a.txt", cutTar + "!b.bin", after])
        XCTAssertNil(r.item(cutTar + "!b.bin")?.bytes, "its read fails")
        XCTAssertEqual(r.errors.map(\.code), ["archive.truncated"])
        XCTAssertEqual(r.errors.first?.offset, 3000)
        XCTAssertEqual(r.errorLines, ["\(cutTar): truncated archive, entry b.bin: Truncated tar archive (at byte 3000)"])

        // A .gz cut in half: one line, at the end of what is there; the plugin's read fails.
        let big = Fixture.csv(lines: 40_000)
        let gz = Fixture.compressed("gzip", big)
        let cutGz = s.write("users.csv.gz", Array(gz.prefix(gz.count / 2)))
        r = walk([cutGz, after])
        XCTAssertEqual(r.names, [cutGz, cutGz + "!users.csv", after])
        XCTAssertEqual(r.errorLines, ["\(cutGz): truncated archive, entry users.csv: truncated gzip input (at byte \(gz.count / 2))"])
        XCTAssertNil(r.items[1].bytes)
        // Not read by the plugin: the host still notices while draining it.
        XCTAssertEqual(walk([cutGz, after], read: .none).errorLines, r.errorLines)

        // So short that libarchive cannot even start.
        let stub = s.write("stub.gz", Array(gz.prefix(12)))
        r = walk([stub, after])
        XCTAssertEqual(r.names, [stub, after])
        XCTAssertEqual(r.errorLines, ["\(stub): truncated archive: truncated gzip input (at byte 12)"])

        // Cut inside the compressed file's own header, or a header no decompressor takes (gzip's
        // reserved flag bits): one error, not the same bytes opened again as their own entry.
        let gzHeader = s.write("header.gz", Array(gz.prefix(8)))
        var reserved = Array(gz.prefix(64)); reserved[3] |= 0x80
        let gzReserved = s.write("reserved.gz", reserved)
        let bzHeader = s.write("header.bz2", Array("BZh9".utf8))
        r = walk([gzHeader, gzReserved, bzHeader, after])
        XCTAssertEqual(r.names, [gzHeader, gzReserved, bzHeader, after])
        XCTAssertEqual(r.errors.map(\.code), ["archive.corrupt", "archive.corrupt", "archive.corrupt"])
        XCTAssertEqual(r.errorLines, [
            "\(gzHeader): not a readable archive: no decompressor accepts its application/gzip header (8 bytes: cut short or damaged)",
            "\(gzReserved): not a readable archive: no decompressor accepts its application/gzip header (64 bytes: cut short or damaged)",
            "\(bzHeader): not a readable archive: no decompressor accepts its application/x-bzip2 header (4 bytes: cut short or damaged)",
        ])
        XCTAssertEqual(r.findings.count, 0, "no --max-depth finding")

        // A zip cut inside an entry.
        let zip = Fixture.archive("zip", [.file("a.txt", "a\n"), .file("b.bin", blob)])
        let cutZip = s.write("cut.zip", Array(zip.prefix(1000)))
        r = walk([cutZip, after])
        XCTAssertEqual(r.names, [cutZip, cutZip + "!a.txt", cutZip + "!b.bin", after])
        XCTAssertEqual(r.errors.map(\.code), ["archive.truncated"])
        XCTAssertEqual(r.errorLines, ["\(cutZip): truncated archive, entry b.bin: ZIP decompression failed (-5) (at byte 1000)"])

        // A tar.xz cut short: libarchive fails while looking for the format.
        let other = Fixture.noise(5000, seed: 7)
        let txz = Fixture.archive("ustar", filter: "xz", [.file("a", blob), .file("b", other)])
        let cutTxz = s.write("cut.tar.xz", Array(txz.prefix(6000)))
        r = walk([cutTxz, after])
        XCTAssertEqual(r.names, [cutTxz, after])
        XCTAssertEqual(r.errorLines, ["\(cutTxz): truncated archive: Lzma library error:  No progress is possible (at byte 6000)"])

        // A 7z cut short: its header (at the end) is missing.
        let sz = Fixture.archive("7zip", [.file("a", blob), .file("b", other)])
        let cut7z = s.write("cut.7z", Array(sz.prefix(6000)))
        r = walk([cut7z, after])
        XCTAssertEqual(r.names, [cut7z, after])
        XCTAssertEqual(r.errorLines, ["\(cut7z): truncated archive: the 7z header should end at byte \(sz.count) but the file has 6000 bytes (at byte 6000)"])
    }

    func testCorruptDataIsReportedAndTheRunGoesOn() {
        let s = Scratch()
        let after = s.write("zz-after.txt", "after\n")
        var zip = Fixture.archive("zip", [.file("a.txt", "a\n"), .file("b.txt", Fixture.csv(lines: 500)), .file("c.txt", "c\n")])
        // Overwrite part of b.txt's deflate stream (its local header is the second one).
        var headers: [Int] = []
        for j in 0..<(zip.count - 4) where zip[j] == 0x50 && zip[j + 1] == 0x4B && zip[j + 2] == 0x03 && zip[j + 3] == 0x04 { headers.append(j) }
        let h = headers[1]  // fixed header, name, extra fields, then the data
        let dataStart = h + 30 + Int(zip[h + 26]) + Int(zip[h + 27]) << 8 + Int(zip[h + 28]) + Int(zip[h + 29]) << 8
        for k in 0..<40 { zip[dataStart + 20 + k] = 0xFF }
        let p = s.write("corrupt.zip", zip)
        let r = walk([p, after])
        XCTAssertEqual(r.names, [p, p + "!a.txt", p + "!b.txt", after], "the damage ends the zip")
        XCTAssertNil(r.item(p + "!b.txt")?.bytes)
        XCTAssertEqual(r.errorLines, ["\(p): corrupt archive, entry b.txt: ZIP decompression failed (-3) (at byte \(dataStart))"])
        XCTAssertEqual(r.errors.map(\.code), ["archive.corrupt"])

        // Looks like a zip to libmagic (a real local header), then garbage.
        let fake = s.write("fake.zip", Array(Fixture.archive("zip", [.file("a.txt", "a\n")]).prefix(34)) + Fixture.noise(300))
        let f = walk([fake, after])
        XCTAssertEqual(f.items.first?.mime, "application/zip")
        XCTAssertEqual(f.names.last, after)
        XCTAssertEqual(f.errorLines, ["\(fake): corrupt archive: Extra data overflow: Need 60532 bytes but only found 20 bytes (at byte 35)"])
        XCTAssertEqual(f.errors.map(\.code), ["archive.corrupt"])
    }
}
