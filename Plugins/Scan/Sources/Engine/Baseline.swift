import DSToolKit
import FoundationEssentials

struct BaselineEntry: Codable, Sendable {
    var fingerprint: String
    var ruleId: String
    var input: String
    enum CodingKeys: String, CodingKey {
        case fingerprint, input
        case ruleId = "rule_id"
    }
}

/// Accepted findings, keyed by fingerprint. Reads the file `--write-baseline` writes, and also
/// any dstool JSON or JSONL report (every `fingerprint` in it counts), so yesterday's report can
/// serve as today's baseline.
struct Baseline {
    let fingerprints: Set<String>

    func contains(_ f: String) -> Bool { fingerprints.contains(f) }

    static func load(path: String) throws -> Baseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DSToolError.usage("--baseline \(path): cannot read the file")
        }
        var found = Set<String>()
        let decoder = JSONDecoder()
        if let json = try? decoder.decode(JSONValue.self, from: data) {
            collect(json, into: &found)
        } else {
            // JSONL: one JSON object per line.
            var any = false
            for line in data.split(separator: 10) where !line.isEmpty {
                guard let obj = try? decoder.decode(JSONValue.self, from: Data(line)) else {
                    throw DSToolError.usage("--baseline \(path): neither JSON nor JSON lines")
                }
                any = true
                collect(obj, into: &found)
            }
            if !any { throw DSToolError.usage("--baseline \(path): the file is empty") }
        }
        return Baseline(fingerprints: found)
    }

    private static func collect(_ v: JSONValue, into out: inout Set<String>) {
        switch v {
        case .object(let d):
            for (k, x) in d {
                if k == "fingerprint", case .string(let s) = x { out.insert(s) } else { collect(x, into: &out) }
            }
        case .array(let a):
            for x in a { collect(x, into: &out) }
        default: break
        }
    }

    /// Writes every reported finding (before baseline suppression), sorted, atomically.
    static func write(_ entries: [BaselineEntry], to path: String, context: PluginContext) throws {
        var seen = Set<String>()
        let unique = entries.filter { seen.insert($0.fingerprint).inserted }.sorted {
            ($0.input, $0.ruleId, $0.fingerprint) < ($1.input, $1.ruleId, $1.fingerprint)
        }
        struct File: Encodable {
            let tool = "dstool scan"
            let version = 1
            let findings: [BaselineEntry]
        }
        let data = try DSJSON.encode(File(findings: unique), pretty: true)
        let out = try context.openOutput(path, replace: true)
        try out.write(Array(data) + [10])
        try out.commit()
    }
}
