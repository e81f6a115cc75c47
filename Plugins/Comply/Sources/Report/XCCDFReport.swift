import DSToolKit
import Foundation

/// `--format xccdf`: the results as an XCCDF-like JSON document (Benchmark + TestResult, with the
/// XCCDF 1.2 result vocabulary: pass, fail, error, notapplicable, notchecked for manual review),
/// so tools that speak XCCDF results can map it directly.
enum XCCDFReport {
    static func xccdfResult(_ r: ControlResult) -> String {
        switch r.status {
        case .pass: return "pass"
        case .fail: return "fail"
        case .error: return "error"
        case .notapplicable: return "notapplicable"
        case .manual: return "notchecked"
        }
    }

    static func document(_ packs: [PackResult], asOf: Day, inputs: [String], started: Date, ended: Date, lang: String) -> JSONValue {
        let iso = ISO8601DateFormatter()
        var benchmarks: [JSONValue] = []
        for p in packs {
            let rules: [JSONValue] = p.results.map { r in
                let d = r.definition
                return ["id": .string(r.id), "severity": .string(r.control.severity.rawValue), "title": ResultRecords.json(d.title),
                        "description": ResultRecords.json(d.description), "fixtext": ResultRecords.json(d.remediation),
                        "ident": .array(d.clauses.map { ["system": "urn:dstool:clause", "value": .string($0.id)] })]
            }
            let results: [JSONValue] = p.results.map { r in
                var o: [String: JSONValue] = [
                    "idref": .string(r.id), "result": .string(xccdfResult(r)), "severity": .string(r.control.severity.rawValue),
                    "dstool_status": .string(r.status.rawValue), "message": ResultRecords.json(r.reason),
                    "check": ["system": "urn:dstool:comply:primitives", "evidence": .array(r.evidence.map(ResultRecords.evidenceJSON))],
                    "ident": .array(r.definition.clauses.map { .string($0.id) }),
                ]
                if let w = r.waiver {
                    // XCCDF records an accepted deviation as an override of the result.
                    o["override"] = ["authority": .string(w.approvedBy ?? ""), "remark": .string(w.justification),
                                     "expires": .string(w.expires.description), "active": .bool(!r.waiverExpired),
                                     "old_result": .string(xccdfResult(r)), "new_result": .string(r.waived ? "pass" : xccdfResult(r))]
                }
                return .object(o)
            }
            benchmarks.append([
                "id": .string("xccdf_dstool.comply_benchmark_\(p.pack.id)"), "title": ResultRecords.json(p.pack.title),
                "rules": .array(rules),
                "test_result": [
                    "id": .string("xccdf_dstool.comply_testresult_\(p.pack.id)"), "start_time": .string(iso.string(from: started)),
                    "end_time": .string(iso.string(from: ended)), "as_of": .string(asOf.description),
                    "target": .array(inputs.map { .string($0) }), "rule_results": .array(results),
                    "score": ["system": "urn:dstool:comply:weighted", "maximum": 100, "value": p.score.score.map { .double($0) } ?? .null],
                ],
            ])
        }
        return ["xccdf_version": "1.2-like", "generator": "dstool comply", "lang": .string(lang), "benchmarks": .array(benchmarks)]
    }
}
