import DSToolKit
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
}
