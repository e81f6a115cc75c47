import DSToolKit
import XCTest
@testable import DSToolTrace

/// Loads rule texts (no built-in rules) into an engine.
func sigmaEngine(_ rules: [String]) -> SigmaEngine {
    let atoms = SigmaAtoms()
    let loader = SigmaLoader(atoms: atoms)
    var loaded = SigmaLoader.Loaded()
    for (i, r) in rules.enumerated() { loader.load(yaml: r, file: "r\(i).yml", into: &loaded) }
    return SigmaEngine(loaded: loaded, atoms: atoms)
}

/// A web rule whose detection is `body` (indented YAML under `detection:`).
func webRule(_ body: String, condition: String = "selection") -> String {
    """
    title: test
    logsource:
      category: webserver
    detection:
    \(body.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
      condition: \(condition)
    """
}

/// Whether the rules match the line (parsed as `format`).
func sigmaMatches(_ rule: String, _ line: String, format: LogFormat = .accessCombined, file: StaticString = #filePath, lineNo: UInt = #line) -> Bool {
    let engine = sigmaEngine([rule])
    XCTAssertEqual(engine.loadErrors.map(\.description), [], file: file, line: lineNo)
    let ctx = ParseContext(years: YearInference(referenceYear: 2024, referenceMonth: 12), path: "/var/log/auth.log")
    guard let e = parseLine(line, format, ctx: ctx) else { XCTFail("unparsable \(line)", file: file, line: lineNo); return false }
    engine.evaluate(e)
    return !engine.matched.isEmpty
}

func web(_ uri: String, method: String = "GET", status: Int = 200, bytes: Int = 100, referer: String = "-", agent: String = "Mozilla/5.0") -> String {
    accessLine("203.0.113.50", request: "\(method) \(uri) HTTP/1.1", status: status, bytes: bytes, referer: referer, agent: agent)
}
