import DSToolKit
import Foundation
import XCTest

/// A finding emitted through a template must be byte for byte the finding written whole.
final class FindingTemplateTests: XCTestCase {
    typealias Rng = CanonicalJSONTests.Rng

    func testTemplateWritesWhatTheWholeFindingWrites() throws {
        var r = Rng(state: 77)
        var checked = 0
        while checked < 3000 {
            guard case .finding(var f) = CanonicalJSONTests.record(&r) else { continue }
            // The template always makes the default fingerprint.
            f = Finding(ruleId: f.ruleId, title: f.title, message: f.message, category: f.category, severity: f.severity,
                        confidence: f.confidence, dataLevel: f.dataLevel, location: f.location, evidence: f.evidence,
                        references: f.references, cwe: f.cwe, remediation: f.remediation, properties: f.properties)
            let t = try FindingTemplate(ruleId: f.ruleId, title: f.title, message: f.message, category: f.category,
                                        severity: f.severity, dataLevel: f.dataLevel, references: f.references, cwe: f.cwe,
                                        remediation: f.remediation, properties: f.properties)
            let expected = try f.canonicalJSON()
            let mine = try t.canonicalJSON(location: f.location, evidence: f.evidence, confidence: f.confidence)
            if mine != expected {
                XCTFail("finding \(checked):\n\(String(decoding: expected, as: UTF8.self))\n\(String(decoding: mine, as: UTF8.self))")
                return
            }
            // And what Foundation's encoder writes, as every record must.
            XCTAssertEqual(mine, Array(try DSJSON.encoder().encode(f)))
            checked += 1
        }
    }

    /// One template, many places: each sighting gets its own fingerprint and location.
    func testOneTemplateManyPlaces() throws {
        let t = try FindingTemplate(ruleId: "crypto.weak-hash", title: LocalizedText(en: "Weak hash", zh: "弱哈希"),
                                    category: "crypto-audit", severity: .high, cwe: ["CWE-328"])
        var fingerprints = Set<String>()
        for line in 1...50 {
            let l = Location(input: "src/a\(line % 5).java", line: line, column: 3)
            let f = Finding(ruleId: "crypto.weak-hash", title: LocalizedText(en: "Weak hash", zh: "弱哈希"), category: "crypto-audit",
                            severity: .high, confidence: 0.9, location: l, evidence: "MD5 #\(line % 7)", cwe: ["CWE-328"])
            XCTAssertEqual(try t.canonicalJSON(location: l, evidence: f.evidence, confidence: 0.9), try f.canonicalJSON())
            fingerprints.insert(f.fingerprint)
        }
        XCTAssertEqual(fingerprints.count, 35, "fingerprints follow input and evidence, not the line")
    }

    /// What the writer refuses, the template refuses too (the caller then emits the Finding, which
    /// the host reports).
    func testRefusesWhatTheWriterRefuses() throws {
        var deep: JSONValue = .int(1)
        for _ in 0..<600 { deep = .array([deep]) }
        XCTAssertThrowsError(try FindingTemplate(ruleId: "r", title: LocalizedText("t"), category: "c", severity: .low, properties: deep))
        let t = try FindingTemplate(ruleId: "r", title: LocalizedText("t"), category: "c", severity: .low)
        XCTAssertThrowsError(try t.canonicalJSON(location: Location(input: "i"), evidence: nil, confidence: .nan))
        XCTAssertThrowsError(try t.canonicalJSON(location: Location(input: "i"), evidence: nil, confidence: .infinity))
    }
}
