@testable import DSToolCore
import DSToolKit
import XCTest

/// A plugin for these tests only: one finding per item saying what it read (through the real
/// host: C ABI table, HostSession, walker, limits, report writers).
enum InputProbePlugin: DSToolPlugin {
    static let manifestJSON = #"""
    {"abi":1,"category":"inventory","commands":[{"input":"items","name":"probe","options":[{"help":{"en":"raw, text, none or local-path","zh":"读取方式"},"kind":"value","name":"read","value_name":"MODE"}],"report":"stdout","summary":{"en":"Input probe (test)","zh":"输入探针（测试）"},"usage":"dstool probe PATH..."}],"description":{"en":"Test plugin","zh":"测试插件"},"id":"probe","inputs":["files","archives","stdin"],"library":"libdstool-probe.so","name":{"en":"Probe","zh":"探针"},"rules":[{"id":"probe.item","severity":"info","title":{"en":"Item","zh":"项"}}],"tool_library":["检测评估"],"version":"0.0.1"}
    """#

    static func run(_ context: PluginContext) throws -> PluginStatus {
        let mode = context.request.value("read") ?? "raw"
        var status = PluginStatus.ok
        while let item = context.nextItem() {
            var props: [String: JSONValue] = ["mime": .string(item.mime), "encoding": .string(item.encoding),
                                              "container": .bool(item.isContainer), "encrypted": .bool(item.isEncrypted)]
            if !item.isEncrypted {
                do {
                    switch mode {
                    case "text": props["text"] = .string(try item.readAllText())
                    case "local-path": props["sha256"] = .string(try Digest.fileDigests(path: try item.localPath()).sha256)
                    case "none": break
                    default:
                        let bytes = try item.readAll()
                        props["sha256"] = .string(Digest.sha256Hex(bytes))
                        props["size"] = .int(Int64(bytes.count))
                    }
                } catch {
                    status = .inputErrors  // the host reported why
                    props["failed"] = .bool(true)
                }
            }
            context.emit(Finding(ruleId: "probe.item", title: LocalizedText("item"), category: "inventory", severity: .info,
                                 location: item.location(), properties: .object(props)))
        }
        return status
    }
}

final class InputEndToEndTests: XCTestCase {
    func items(_ r: InProcess.Result) -> [Finding] { r.findings.filter { $0.ruleId == "probe.item" } }
    func prop(_ f: Finding, _ key: String) -> JSONValue? { f.properties?.objectValue?[key] }

    func testNestedArchivesThroughTheHost() throws {
        let s = Scratch()
        let users = Fixture.csv(lines: 30)
        let gbText = "姓名,城市\n张三,北京\n"
        let zip = Fixture.archive("zip", [.file("users.csv", users), .file("gb.csv", Fixture.gb18030(gbText))])
        let p = s.write("backup.tar.gz", Fixture.archive("pax", filter: "gzip", [.file("2024/users.zip", zip)]))
        let r = try InProcess.run(InputProbePlugin.self, ["probe", "--format", "json", p])
        XCTAssertEqual(r.exitCode, 0)
        XCTAssertEqual(r.errors, [])
        XCTAssertEqual(items(r).map(\.location.input), [p, p + "!2024/users.zip", p + "!2024/users.zip!users.csv", p + "!2024/users.zip!gb.csv"])
        XCTAssertEqual(items(r)[2].location.chain, [p, "2024/users.zip", "users.csv"])
        XCTAssertEqual(prop(items(r)[1], "sha256"), .string(Digest.sha256Hex(zip)))
        XCTAssertEqual(prop(items(r)[2], "sha256"), .string(Digest.sha256Hex(users)))
        XCTAssertEqual(prop(items(r)[1], "container"), .bool(true))

        let text = try InProcess.run(InputProbePlugin.self, ["probe", "--read", "text", p])
        XCTAssertEqual(items(text).last.flatMap { prop($0, "text") }, .string(gbText))
        XCTAssertEqual(items(text).last.flatMap { prop($0, "encoding") }, .string("gb18030"))
        // Forced encoding from the command line.
        let forced = try InProcess.run(InputProbePlugin.self, ["probe", "--read", "text", "--encoding", "utf-8", p])
        XCTAssertEqual(items(forced).last.flatMap { prop($0, "encoding") }, .string("utf-8"))
    }

    func testBadInputsEndWithExitThreeAndOneLineEach() throws {
        let s = Scratch()
        let blob = Fixture.noise(5000)
        let tar = Fixture.archive("ustar", [.file("a.txt", "a\n"), .file("b.bin", blob)])
        let cut = s.write("1-cut.tar", Array(tar.prefix(2000)))
        let gz = Fixture.compressed("gzip", Fixture.csv(lines: 40_000))
        let cutGz = s.write("2-log.txt.gz", Array(gz.prefix(gz.count / 2)))
        let enc = s.write("3-enc.zip", Fixture.archive("zip", options: "zip:encryption=zipcrypt", passphrase: "synthetic", [.file("s.txt", "s\n")]))
        let bomb = s.write("4-bomb.zst", Fixture.compressed("zstd", [UInt8](repeating: 0x41, count: 8 << 20)))
        let good = s.write("5-good.txt", "fine\n")
        let r = try InProcess.run(InputProbePlugin.self, ["probe", "--format", "jsonl", s.path])
        XCTAssertEqual(r.exitCode, 3, "input errors, even though the limit finding is medium and --fail-on is low")
        XCTAssertEqual(r.errors.map(\.line), [
            "\(cut): truncated archive, entry b.bin: Truncated tar archive (at byte 2000)",
            "\(cutGz): truncated archive, entry 2-log.txt: truncated gzip input (at byte \(gz.count / 2))",
            "\(enc)!s.txt: encrypted entry; contents not read",
        ])
        XCTAssertEqual(r.findings.filter { $0.ruleId.hasPrefix("input.limit.") }.map(\.location.input), [bomb + "!4-bomb"])
        XCTAssertEqual(items(r).last?.location.input, good)
        XCTAssertEqual(prop(items(r).last!, "sha256"), .string(Digest.sha256Hex(Array("fine\n".utf8))))
        XCTAssertTrue(r.report.contains("\"rule_id\":\"input.limit.ratio\""), "the limit finding is in the report")
    }

    func testLimitOptionsFromTheCommandLine() throws {
        let s = Scratch()
        let inner = Fixture.archive("zip", [.file("deep.txt", "deep\n")])
        let p = s.write("a.zip", Fixture.archive("zip", [.file("one.txt", "1\n"), .file("inner.zip", inner), .file("big.bin", Fixture.noise(3000)),
                                                         .file("four.txt", "4\n")]))
        func limits(_ args: [String]) throws -> (Int32, [String]) {
            let r = try InProcess.run(InputProbePlugin.self, ["probe"] + args + [p])
            return (r.exitCode, r.findings.map(\.ruleId).filter { $0.hasPrefix("input.") })
        }
        XCTAssertEqual(try limits(["--max-depth", "1"]).1, ["input.limit.depth"])
        XCTAssertEqual(try limits(["--max-depth", "1"]).0, 3)
        XCTAssertEqual(try limits(["--max-entry-size", "2K"]).1, ["input.limit.entry-size"])
        XCTAssertEqual(try limits(["--max-entries", "2"]).1, ["input.limit.entries"])
        XCTAssertEqual(try limits(["--max-total-size", "1K"]).1, ["input.limit.total-size"])
        XCTAssertEqual(try limits([]).0, 0)
        let csv = s.write("c.csv.gz", Fixture.compressed("gzip", Fixture.csv(lines: 200_000)))
        let r = try InProcess.run(InputProbePlugin.self, ["probe", "--max-ratio", "3", csv])
        XCTAssertEqual(r.findings.map(\.ruleId).filter { $0.hasPrefix("input.") }, ["input.limit.ratio"])
        XCTAssertEqual(r.exitCode, 3)
        // A bad limit value is a usage error.
        XCTAssertEqual(try InProcess.run(InputProbePlugin.self, ["probe", "--max-entry-size", "lots", p]).exitCode, 2)
    }

    func testLocalPathThroughTheHost() throws {
        let s = Scratch()
        let inner = Fixture.archive("zip", [.file("x.txt", "x\n")])
        let p = s.write("outer.tar", Fixture.archive("ustar", [.file("inner.zip", inner)]))
        let r = try InProcess.run(InputProbePlugin.self, ["probe", "--read", "local-path", p])
        XCTAssertEqual(r.exitCode, 0)
        XCTAssertEqual(items(r).map(\.location.input), [p, p + "!inner.zip", p + "!inner.zip!x.txt"])
        XCTAssertEqual(prop(items(r)[1], "sha256"), .string(Digest.sha256Hex(inner)))
        XCTAssertEqual(prop(items(r)[2], "sha256"), .string(Digest.sha256Hex(Array("x\n".utf8))))
    }
}
