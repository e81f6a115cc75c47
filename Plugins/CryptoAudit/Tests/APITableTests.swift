import XCTest
@testable import DSToolCryptoAudit

/// The API tables are data: every line must parse, every effect must be known.
final class APITableTests: XCTestCase {
    func testEveryTableLineParses() {
        let tables: [(String, String)] = [("jvm", JVMAPIs.table), ("python", PythonAPIs.table), ("go", GoAPIs.table),
                                          ("c", CAPIs.table), ("javascript", JavaScriptAPIs.table), ("csharp", CSharpAPIs.table)]
        for (name, table) in tables {
            let lines = table.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            let specs = APITable.parse(table)
            XCTAssertEqual(specs.count, lines.count, name)
            for s in specs { XCTAssertFalse(s.effects.isEmpty && s.requiresBody == nil, "\(name): \(s.display) has no effect") }
        }
        XCTAssertEqual(LanguageTables.shared.specs.count, 6)
    }
}
