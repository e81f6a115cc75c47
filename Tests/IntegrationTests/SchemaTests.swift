import CDSToolPluginABI
import Foundation
import XCTest

/// The shared schemas, checked with a real validator (Scripts/validate-json, python jsonschema)
/// against every manifest and against the json, jsonl and SARIF output of every plugin command.
/// Plugins are discovered from Manifests/ when the test runs, so a new plugin is covered at once.
final class SchemaTests: XCTestCase {
    var root: URL { Built.root }
    var manifestSchema: String { root.appendingPathComponent("Manifests/schema/manifest.schema.json").path }
    var resultSchema: String { root.appendingPathComponent("Manifests/schema/result.schema.json").path }
    var sarifSchema: String { root.appendingPathComponent("Tests/Fixtures/schemas/sarif-schema-2.1.0.json").path }

    /// Manifests/<id>.json, parsed, with their text.
    func manifests() throws -> [(path: String, text: String, json: [String: Any])] {
        let dir = root.appendingPathComponent("Manifests")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertFalse(names.isEmpty)
        return try names.map { name in
            let path = dir.appendingPathComponent(name).path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], name)
            return (path, text, json)
        }
    }

    func validate(_ schema: String, _ files: [String], jsonl: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws {
        guard !files.isEmpty else { return }
        var args = [root.appendingPathComponent("Scripts/validate-json").path, schema]
        if jsonl { args.append("--jsonl") }
        let r = try Built.run("/usr/bin/env", ["python3"] + args + files)
        XCTAssertEqual(r.status, 0, "schema problems:\n" + r.stdout + r.stderr, file: file, line: line)
    }

    func testEveryManifestValidates() throws {
        let prefix = try Built.install()
        defer { try? FileManager.default.removeItem(at: prefix) }
        // The repository's manifests, and the installed ones (the test fixture's too).
        let installed = try FileManager.default.contentsOfDirectory(atPath: prefix.appendingPathComponent("lib/dstool/plugins").path)
            .filter { $0.hasSuffix(".manifest.json") }.map { prefix.appendingPathComponent("lib/dstool/plugins/\($0)").path }
        XCTAssertTrue(installed.contains { $0.hasSuffix("echo.manifest.json") })
        try validate(manifestSchema, try manifests().map(\.path) + installed)
    }

    func testSchemaRejectsBadManifests() throws {
        let dir = Built.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = try manifests()[0].text
        let bad: [String: (String) -> String] = [
            "reserved-option": { $0.replacingOccurrences(of: "\"commands\": [", with: "\"commands\": [{\"input\":\"none\",\"name\":\"x\",\"options\":[{\"help\":{\"en\":\"a\",\"zh\":\"a\"},\"kind\":\"flag\",\"name\":\"format\"}],\"report\":\"stdout\",\"summary\":{\"en\":\"a\",\"zh\":\"a\"},\"usage\":\"dstool x\"},") },
            "tool-library": { $0.replacingOccurrences(of: "\"tool_library\": [", with: "\"tool_library\": [\"数据治理\", ") },
            "unknown-key": { $0.replacingOccurrences(of: "\"abi\": 1,", with: "\"abi\": 1, \"homepage\": \"x\",") },
        ]
        for (name, change) in bad {
            let changed = change(good)
            XCTAssertNotEqual(changed, good, "\(name): the manifest layout changed; update this test")
            let path = dir.appendingPathComponent("\(name).json").path
            try Data(changed.utf8).write(to: URL(fileURLWithPath: path))
            let r = try Built.run("/usr/bin/env", ["python3", root.appendingPathComponent("Scripts/validate-json").path, manifestSchema, path])
            XCTAssertEqual(r.status, 1, "\(name) passed the schema")
        }
    }

    func testEmbeddedManifestsAreCurrent() throws {
        let r = try Built.run(root.appendingPathComponent("Scripts/embed-manifests").path, ["--check"], cwd: root)
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// The manifest compiled into each built plugin (what its manifest_json() returns through the
    /// ABI, for Swift plugins their `manifestJSON`) is its file in Manifests/, byte for byte.
    func testCompiledManifestEqualsItsFile() throws {
        _ = try Built.requireBinary()
        for m in try manifests() {
            let library = try XCTUnwrap(m.json["library"] as? String)
            let lib = Built.productsDir.appendingPathComponent(library).path
            guard let handle = dlopen(lib, RTLD_NOW | RTLD_LOCAL) else {
                XCTFail("\(lib): \(String(cString: dlerror()))"); continue
            }
            guard let sym = dlsym(handle, DSTOOL_PLUGIN_ENTRY_SYMBOL) else { XCTFail("\(lib): no entry"); continue }
            let entry = unsafeBitCast(sym, to: dstool_plugin_entry_fn.self)
            let table = try XCTUnwrap(entry(), lib)
            let text = try XCTUnwrap(table.pointee.manifest_json?(), lib)
            let compiled = String(cString: text)
            XCTAssertEqual(compiled.trimmingCharacters(in: .newlines), m.text.trimmingCharacters(in: .newlines),
                           "\(library) carries a stale manifest: run Scripts/embed-manifests and rebuild")
        }
    }

    /// Extra argument lists per command (SchemaSamples.json), for commands that need options to
    /// produce findings; every command also runs on Examples/evidence with no options.
    func samples() throws -> [String: [[String]]] {
        let url = root.appendingPathComponent("Tests/IntegrationTests/SchemaSamples.json")
        let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        var out: [String: [[String]]] = [:]
        for (k, v) in obj where !k.hasPrefix("_") { out[k] = v as? [[String]] ?? [] }
        return out
    }

    func testEveryPluginOutputValidates() throws {
        let prefix = try Built.install()
        let work = Built.tempDir()
        defer { try? FileManager.default.removeItem(at: prefix); try? FileManager.default.removeItem(at: work) }
        let evidence = root.appendingPathComponent("Examples/evidence").path
        let extra = try samples()
        var commands: [(name: String, input: String)] = []
        for m in try manifests() {
            for c in m.json["commands"] as? [[String: Any]] ?? [] {
                commands.append((c["name"] as! String, c["input"] as! String))
            }
        }
        commands.append(("echo-items", "items"))  // the test fixture, installed beside them
        var json: [String] = [], jsonl: [String] = [], sarif: [String] = []
        var findings = 0
        for (n, c) in commands.enumerated() {
            var argLists: [[String]] = [c.input == "none" ? [] : [evidence]]
            argLists += (extra[c.name] ?? []).map { $0.map { $0.replacingOccurrences(of: "{evidence}", with: evidence) } }
            for (i, args) in argLists.enumerated() {
                for format in ["json", "jsonl", "sarif"] {
                    let report = work.appendingPathComponent("\(n)-\(c.name)-\(i).\(format)").path
                    let r = try Built.dstool(prefix, [c.name, "--format", format, "--report", report, "--fail-on", "none"] + args, cwd: work)
                    XCTAssertTrue((0...3).contains(r.status), "\(c.name) \(args) --format \(format): exit \(r.status)\n\(r.stderr)")
                    guard FileManager.default.fileExists(atPath: report) else {
                        XCTFail("\(c.name) \(args) --format \(format) wrote no report: \(r.stderr)"); continue
                    }
                    switch format {
                    case "json":
                        json.append(report)
                        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
                        findings += (doc?["findings"] as? [Any])?.count ?? 0
                    case "jsonl": jsonl.append(report)
                    default: sarif.append(report)
                    }
                }
            }
        }
        XCTAssertGreaterThan(findings, 0, "the runs produced no findings to validate")
        try validate(resultSchema, json)
        try validate(resultSchema, jsonl, jsonl: true)
        try validate(sarifSchema, sarif)
    }
}
