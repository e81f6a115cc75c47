import DSToolKit
import Foundation
import XCTest

final class FilePathsTests: XCTestCase {
    func testFolderOfAPathAsDirnameGivesIt() {
        let cases: [(String, String)] = [
            ("k", "."), (".", "."), ("", "."), ("kk", "."), ("k/", "."),
            ("/", "/"), ("//", "/"), ("/k", "/"), ("/k/", "/"), ("//k", "/"),
            ("a/b", "a"), ("a//b", "a"), ("a/b/", "a"), ("./k", "."), ("../k", ".."),
            ("/usr/bin/dstool", "/usr/bin"), ("证据/报告.json", "证据"),
        ]
        for (path, folder) in cases { XCTAssertEqual(FilePaths.folder(of: path), folder, path.debugDescription) }
    }

    /// Every string of up to six characters from {a, é, /, .} (5,460 of them): the host's path
    /// functions, written so the host can do without Foundation, give what NSString gives.
    static let paths: [String] = {
        var out = [""], level = [""]
        for _ in 0..<6 {
            level = level.flatMap { p in ["a", "é", "/", "."].map { p + $0 } }
            out += level
        }
        return out
    }()

    func testAppendingAsNSStringAppendingPathComponent() {
        let components = ["", "x", "/x", "x/", "//x//", "x//y", ".", "..", "日志.txt"]
        for base in Self.paths { for c in components {
            XCTAssertEqual(FilePaths.appending(to: base, c), (base as NSString).appendingPathComponent(c), "\(base.debugDescription) + \(c.debugDescription)")
        } }
    }

    func testLastComponentAsNSStringLastPathComponent() {
        // NSString traps (swift-corelibs-foundation 6.3, String._startOfLastPathComponent) on
        // some paths with doubled slashes ("///a//", "//é"): those are checked against
        // written-out answers instead.
        for p in Self.paths where !p.contains("//") {
            XCTAssertEqual(FilePaths.lastComponent(of: p), (p as NSString).lastPathComponent, p.debugDescription)
        }
        let written: [(String, String)] = [("//é", "é"), ("a//报告.csv", "报告.csv"), ("//é//", "é"), ("证据//", "证据"),
                                            ("证据/报告.json", "报告.json"), ("é/", "é"), ("/é//", "é"), ("a b/c d", "c d"),
                                            ("///a//", "a"), ("//", ""), ("///", ""), ("/", "/"), ("a//b", "b"), ("a//", "a")]
        for (p, last) in written { XCTAssertEqual(FilePaths.lastComponent(of: p), last, p.debugDescription) }
    }

    func testSplitExtensionAsNSStringPathExtensionAndDeletingPathExtension() {
        var tried = 0
        for p in Self.paths + ["a.tar.gz", "报告.CSV", ".profile", "...", "a..b", "a.", "x.Z"] where !p.contains("/") {
            let (stem, ext) = FilePaths.splitExtension(ofName: p)
            XCTAssertEqual(ext, (p as NSString).pathExtension, p.debugDescription)
            XCTAssertEqual(stem, (p as NSString).deletingPathExtension, p.debugDescription)
            tried += 1
        }
        XCTAssertGreaterThan(tried, 1000)
    }

    /// Relative paths and absolute paths that do not exist, as text; existing folders (one
    /// reached through a symbolic link and "..") resolved as NSString resolves them.
    func testStandardizedAsNSStringStandardizingPath() throws {
        let parts = ["a", ".", "..", ""]
        var paths: [String] = []
        func grow(_ p: String, _ n: Int) {
            if n == 0 { return }
            for c in parts { let q = p.isEmpty ? c : p + "/" + c; paths.append(q); paths.append("/" + q); grow(q, n - 1) }
        }
        grow("", 4)
        for p in paths {
            XCTAssertEqual(FilePaths.standardized(p), (p as NSString).standardizingPath, p.debugDescription)
        }
        for p in ["/", "/..", "/../a", "/tmp/nonexistent-dstool-x/../../y", "~", "~/nonexistent-dstool/./x", "/a/./b//c/",
                  "~root", "~root/", "~root/x/./y", "~root/../tmp", "~nosuchuser-dstool", "~nosuchuser-dstool/x/./y"] {
            XCTAssertEqual(FilePaths.standardized(p), (p as NSString).standardizingPath, p.debugDescription)
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dstool-paths-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/real/plugins", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/real")
        for p in [root + "/link/plugins", root + "/link/../real/plugins/", root + "/real/./plugins", root + "/link"] {
            XCTAssertEqual(FilePaths.standardized(p), (p as NSString).standardizingPath, p)
        }
        XCTAssertEqual(FilePaths.standardized(root + "/link/plugins"), FilePaths.standardized(root + "/real/plugins"))
    }
}
