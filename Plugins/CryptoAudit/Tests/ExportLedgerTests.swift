import DSToolKit
import XCTest
@testable import DSToolCryptoAudit

/// A scanner used for file after file reports only the constants the tree-wide table has not
/// heard from it (`ExportLedger`): the table it builds is exactly the table that scanning every
/// file with a fresh scanner builds.
final class ExportLedgerTests: XCTestCase {
    private func java(_ body: String) -> [UInt8] {
        Array("class C {\n\(body)\n  void f() { }\n}\n".utf8)
    }

    private func constants(_ file: [UInt8], _ scanner: SourceScanner) -> [(name: String, value: SymbolValue)] {
        file.withUnsafeBufferPointer { scanner.scan($0, language: .java, rawOffsets: true) }.constants
    }

    private func freshTable(_ files: [[UInt8]]) -> [String: SymbolValue] {
        var table = GlobalConstants()
        for f in files { table.merge(f.withUnsafeBufferPointer { SourceScanner.scan($0, language: .java) }.constants) }
        return table.values
    }

    func testSharedScannerLeavesOutWhatTheTableKnowsAndBuildsTheSameTable() {
        let files = [
            java("  static final String ALG = \"AES\";\n  String key = \"k1\";\n  static final int BITS = 1024;"),
            java("  static final String ALG = \"AES\";\n  String key = \"k2\";"),
            java("  static final String ALG = \"AES\";\n  String key = \"k3\";\n  static final int BITS = 1024;"),
            java("  static final String ALG = \"DES\";\n  String key = \"k4\";\n  static final int BITS = 2048;"),
            java("  static final String ALG = \"AES\";\n  static final int BITS = 1024;\n  static final String MODE = \"CBC\";"),
        ]
        let shared = SourceScanner()
        var reported: [[String]] = []
        var table = GlobalConstants()
        for f in files {
            let c = constants(f, shared)
            reported.append(c.map { "\($0.name)=\($0.value)" })
            table.merge(c)
        }
        XCTAssertEqual(reported, [
            ["ALG=string(\"AES\")", "key=string(\"k1\")", "BITS=number(1024)"],
            // ALG again with its value: nothing new; key with another value: the table must hear it.
            ["key=string(\"k2\")"],
            // key is known to have two values: not reported (not even evaluated); BITS as before.
            [],
            ["ALG=string(\"DES\")", "BITS=number(2048)"],
            ["MODE=string(\"CBC\")"],
        ])
        XCTAssertEqual(table.values, ["MODE": .string("CBC")])
        XCTAssertEqual(table.values, freshTable(files))
        // Without the fourth file ALG and BITS keep their one value, shared scanner or not.
        let three = [files[0], files[1], files[2], files[4]]
        var again = GlobalConstants()
        let second = SourceScanner()
        for f in three { again.merge(constants(f, second)) }
        XCTAssertEqual(again.values, ["ALG": .string("AES"), "BITS": .number(1024), "MODE": .string("CBC")])
        XCTAssertEqual(again.values, freshTable(three))
    }

    /// Two names in one slot of the ledger: each taking the slot makes the other be reported
    /// again (harmless to the table), never left out; names too long to remember always are.
    func testNamesSharingASlotAndLongNamesAreReportedAgain() {
        var names: [String] = []
        var bySlot: [Int: String] = [:]
        for k in 0..<100_000 {
            let n = "KEY_\(k)"
            let slot = Int(Lexer.hash(n)) & 4095
            if let other = bySlot[slot] { names = [other, n]; break }
            bySlot[slot] = n
        }
        XCTAssertEqual(names.count, 2)
        let long = "SECRET_" + String(repeating: "K", count: ExportLedger.maxLength)
        let a = java("  static final String \(names[0]) = \"x\";\n  static final String \(long) = \"y\";")
        let b = java("  static final String \(names[1]) = \"x\";")
        let shared = SourceScanner()
        XCTAssertEqual(constants(a, shared).map(\.name), [names[0], long])
        XCTAssertEqual(constants(a, shared).map(\.name), [long])
        XCTAssertEqual(constants(b, shared).map(\.name), [names[1]])
        XCTAssertEqual(constants(a, shared).map(\.name), [names[0], long])
        XCTAssertEqual(constants(a, shared).map(\.name), [long])
    }

    func testLedgerRecordsValuesByName() {
        let ledger = ExportLedger()
        let name = Array("CIPHER".utf8)
        let h = Lexer.hash(name)
        name.withUnsafeBufferPointer { q in
            let p = q.baseAddress!
            XCTAssertFalse(ledger.isAmbiguous(p, q.count, hash: h))
            XCTAssertTrue(ledger.record(p, q.count, hash: h, value: .string("AES")))
            XCTAssertFalse(ledger.record(p, q.count, hash: h, value: .string("AES")))
            XCTAssertFalse(ledger.isAmbiguous(p, q.count, hash: h))
            XCTAssertTrue(ledger.record(p, q.count, hash: h, value: .concat([.string("AES"), .symbol(name: "M", text: "M")])))
            XCTAssertTrue(ledger.isAmbiguous(p, q.count, hash: h))
            XCTAssertFalse(ledger.record(p, q.count, hash: h, value: .string("DES")))
            // The same hash with other bytes is another name.
            let other = Array("CIPHEr".utf8)
            other.withUnsafeBufferPointer { o in
                XCTAssertFalse(ledger.isAmbiguous(o.baseAddress!, o.count, hash: h))
            }
        }
    }
}
