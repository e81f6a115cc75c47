@testable import DSToolCore
import DSToolKit
import Foundation
import XCTest

/// Shell completion: the scripts parse in bash, zsh and fish, and complete what the manifests
/// declare. zsh and fish come from Scripts/deps-debian.txt.
final class CompletionTests: XCTestCase {
    var dir: URL!
    override func setUp() {
        dir = TestSupport.tempDir()
        FileManager.default.createFile(atPath: dir.appendingPathComponent("users.csv").path, contents: Data())
        FileManager.default.createFile(atPath: dir.appendingPathComponent("policy.yaml").path, contents: Data())
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// A plugin command with every option kind, and a summary full of shell and zsh specials.
    let commands: [Completion.Command] = [
        Completion.Command(name: "mask", summary: "Mask data: it's [fast] & \"safe\" $(rm -rf /) `x` \\ 脱敏",
                           options: [
                               PluginManifest.Option(name: "policy", short: "p", kind: "value", valueName: "FILE", help: LocalizedText("policy [yaml]: it's")),
                               PluginManifest.Option(name: "rules", kind: "multi", valueName: "FILE", help: LocalizedText("rules")),
                               PluginManifest.Option(name: "k", kind: "value", valueName: "N", help: LocalizedText("k")),
                               PluginManifest.Option(name: "auto", kind: "flag", help: LocalizedText("auto")),
                           ], formats: ["cbom"]),
        Completion.Command(name: "case", summary: "Case files", options: CaseCommand.options, words: CaseCommand.subcommands),
        Completion.Command(name: "completion", summary: "Completion", words: Completion.shells, files: false),
    ]

    func script(_ shell: String) throws -> URL {
        let url = dir.appendingPathComponent("dstool.\(shell)")
        try Data(Completion.script(shell: shell, commands: commands)!.utf8).write(to: url)
        return url
    }

    func shell(_ name: String) throws -> String {
        for d in ["/usr/bin", "/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(d)/\(name)") { return "\(d)/\(name)" }
        XCTFail("\(name) is not installed (Scripts/deps installs it from Scripts/deps-debian.txt)")
        throw XCTSkip("no \(name)")
    }

    func testUnknownShell() { XCTAssertNil(Completion.script(shell: "tcsh", commands: commands)) }

    func testBashParsesAndCompletes() throws {
        let url = try script("bash")
        let syntax = try TestSupport.run(try shell("bash"), ["-n", url.path])
        XCTAssertEqual(syntax.status, 0, syntax.stderr)
        // Simulate the shell: COMP_WORDS/COMP_CWORD in, COMPREPLY out.
        let driver = """
        source '\(url.path)'
        t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); _dstool; echo "${COMPREPLY[*]}"; }
        t dstool ""
        t dstool m
        t dstool --format j
        t dstool --format json ma
        t dstool mask --po
        t dstool mask --policy ""
        t dstool mask --k ""
        t dstool mask --format ""
        t dstool mask -p pol
        t dstool mask --auto us
        t dstool case ""
        t dstool case show ""
        t dstool --fail-on h
        t dstool --lang ""
        t dstool completion ""
        t dstool --case ""
        """
        let r = try TestSupport.run(try shell("bash"), ["-c", driver], cwd: dir)
        XCTAssertEqual(r.stderr, "")
        let got = r.stdout.components(separatedBy: "\n").prefix(16).map { Set($0.split(separator: " ").map(String.init)) }
        let files: Set<String> = ["dstool.bash", "policy.yaml", "users.csv"]
        let expected: [Set<String>] = [
            ["mask", "case", "completion"], ["mask"], ["json", "jsonl"], ["mask"], ["--policy"],
            files,                                   // --policy FILE
            [],                                      // --k N: no completion
            ["text", "json", "jsonl", "sarif", "csv", "cbom"],
            ["policy.yaml"], ["users.csv"],
            ["show", "export", "verify"],
            files,                                   // the case file after the sub-command
            ["high"], ["en", "zh"], ["bash", "zsh", "fish"],
            files,                                   // --case FILE
        ]
        XCTAssertEqual(got, expected)
    }

    func testZshParses() throws {
        let url = try script("zsh")
        let r = try TestSupport.run(try shell("zsh"), ["-n", url.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("#compdef dstool\n"))
        XCTAssertTrue(text.contains("'mask:Mask data\\: it'\\''s \\[fast\\] & \"safe\" $(rm -rf /) `x` \\\\ 脱敏'"), text)
        XCTAssertTrue(text.contains("'(-p --policy)'{-p,--policy}'[policy \\[yaml\\]\\: it'\\''s]:file:_files'"), text)
        XCTAssertTrue(text.contains("'*--rules[rules]:file:_files'"), text)
        XCTAssertTrue(text.contains("[report format]:format:(text json jsonl sarif csv cbom)'"), text)
    }

    func testFishParsesAndCompletes() throws {
        let url = try script("fish")
        let fish = try shell("fish")
        let syntax = try TestSupport.run(fish, ["--no-execute", url.path])
        XCTAssertEqual(syntax.status, 0, syntax.stderr)
        let r = try TestSupport.run(fish, ["-c", """
            source '\(url.path)'
            complete -C 'dstool ma'; echo ==
            complete -C 'dstool --format json mask --po'; echo ==
            complete -C 'dstool mask --policy pol'; echo ==
            complete -C 'dstool --lang '; echo ==
            complete -C 'dstool completion '
            """], cwd: dir)
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual(r.stdout, """
            mask\tMask data: it's [fast] & "safe" $(rm -rf /) `x` \\ 脱敏
            ==
            --policy\tpolicy [yaml]: it's
            ==
            policy.yaml
            ==
            en\tlanguage of labels: en or zh (default from LANG)
            zh\tlanguage of labels: en or zh (default from LANG)
            ==
            bash
            fish
            zsh

            """)
    }
}
