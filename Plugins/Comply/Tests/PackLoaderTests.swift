@testable import DSToolComply
import DSToolKit
import XCTest

/// Broken rule packs give the exact file:line:column, and nothing runs.
final class PackLoaderTests: XCTestCase {
    let header = "pack: p\ntitle:\n  zh: 测试\n  en: test\n"

    func loadError(_ text: String, file: String = "p.yaml") -> PackError? {
        let lib = try! PackLibrary.builtin()
        do {
            _ = try lib.parsePack(text: text, file: file, depth: 0)
            return nil
        } catch let e as PackError {
            return e
        } catch {
            XCTFail("not a PackError: \(error)")
            return nil
        }
    }

    func assertError(_ text: String, _ line: Int, _ column: Int, _ contains: String, file: StaticString = #filePath, line testLine: UInt = #line) {
        guard let e = loadError(text) else { return XCTFail("loaded without error", file: file, line: testLine) }
        XCTAssertEqual(e.position, SourcePosition(file: "p.yaml", line: line, column: column), "\(e)", file: file, line: testLine)
        XCTAssertTrue(e.message.contains(contains), "\(e)", file: file, line: testLine)
    }

    let control = """
    controls:
      - id: MY-CONTROL
        title: {zh: 标题, en: Title}
        description: {zh: 描述, en: Description}
        severity: high
        clauses: [数据安全法 art. 27]
        parameters:
          days: "30"
        check:
          log_retention:
            min_days: ${days}
        remediation: {zh: 整改, en: Fix}
    select:
      - MY-CONTROL

    """

    func testBuiltinPacksLoad() throws {
        let lib = try PackLibrary.builtin()
        let ds = try lib.loadPack("cn-data-security", cwd: "/")
        XCTAssertGreaterThanOrEqual(ds.controls.count, 25)
        let sources = Set(ds.controls.flatMap { $0.definition.value.clauses.map(\.source.id) })
        for s in ["数据安全法", "个人信息保护法", "网络安全法", "GB/T 35273-2020", "GB/T 43697-2024", "工业数据分类分级指南", "GB/T 22239-2019", "GB/T 39786-2021"] {
            XCTAssertTrue(sources.contains(s), "cn-data-security cites nothing of \(s)")
        }
        let pi = try PackLibrary.builtin().loadPack("cn-pi", cwd: "/")
        XCTAssertGreaterThanOrEqual(pi.controls.count, 8)
        // cn-pi tightens a control: critical instead of high.
        XCTAssertEqual(pi.controls.first { $0.id == "PI-SENSITIVE-PLAINTEXT-COLUMNS" }?.severity, .critical)
    }

    func testValidPackWithParametersLoads() throws {
        let lib = try PackLibrary.builtin()
        let (pack, _) = try lib.parsePack(text: header + control, file: "p.yaml", depth: 0)
        XCTAssertEqual(pack.controls.map(\.id), ["MY-CONTROL"])
        guard case .primitive(let p, _) = pack.controls[0].check, let lr = p as? LogRetention else { return XCTFail("not log_retention") }
        XCTAssertEqual(lr.minDays, 30)
    }

    func testYAMLSyntaxErrorPosition() {
        // An unclosed flow sequence: libyaml reports where it gave up.
        assertError(header + "select: [A, B\n", 6, 1, "YAML syntax")
        // A tab used for indentation.
        assertError(header + "select:\n\t- A\n", 6, 1, "YAML syntax")
    }

    func testUnknownKeyInControl() {
        let t = header + control.replacingOccurrences(of: "    severity: high", with: "    severty: high")
        assertError(t, 9, 5, "unknown key 'severty'")
    }

    func testUnknownPrimitive() {
        let t = header + control.replacingOccurrences(of: "log_retention:", with: "log_retension:")
        assertError(t, 14, 7, "unknown check 'log_retension'")
    }

    func testBadSeverity() {
        let t = header + control.replacingOccurrences(of: "severity: high", with: "severity: hihg")
        assertError(t, 9, 15, "severity must be one of")
    }

    func testUnknownClauseSource() {
        let t = header + control.replacingOccurrences(of: "[数据安全法 art. 27]", with: "[数据安全法 art. 27, 数据法 art. 3]")
        assertError(t, 10, 30, "unknown clause '数据法 art. 3'")
    }

    func testUnknownParameterReference() {
        let t = header + control.replacingOccurrences(of: "${days}", with: "${dayz}")
        assertError(t, 15, 19, "no parameter 'dayz'")
    }

    func testBadParameterValueFromPackOverride() {
        let t = header + control.replacingOccurrences(of: "  - MY-CONTROL\n", with: "  - id: MY-CONTROL\n    parameters:\n      days: soon\n")
        // The error points at the override in the pack, where the bad value was written.
        assertError(t, 20, 13, "min_days must be a whole number")
    }

    func testOverrideOfUnknownParameter() {
        let t = header + "select:\n  - id: LOG-RETENTION-180\n    parameters:\n      min_dayz: \"90\"\n"
        assertError(t, 8, 17, "has no parameter 'min_dayz'")
    }

    func testUnknownPersonalDataKind() {
        let t = header + control.replacingOccurrences(of: "log_retention:\n        min_days: ${days}", with: "pi_plaintext:\n        kinds: [cn_id_card, social_security]")
        assertError(t, 15, 29, "unknown personal-data kind 'social_security'")
    }

    func testUnknownArgument() {
        let t = header + control.replacingOccurrences(of: "min_days: ${days}", with: "min_days: ${days}\n        max_days: 9")
        assertError(t, 16, 9, "unknown argument 'max_days' for log_retention")
    }

    func testDuplicateKeyPointsAtSecond() {
        let t = header + "select:\n  - LOG-RETENTION-180\nselect:\n  - SSH-ROOT-LOGIN\n"
        assertError(t, 7, 1, "duplicate key 'select'")
    }

    func testSelectingUnknownControl() {
        assertError(header + "select:\n  - LOG-RETENTION-180\n  - NO-SUCH-CONTROL\n", 7, 5, "no control 'NO-SUCH-CONTROL'")
    }

    func testRedefiningBuiltinControl() {
        let t = header + control.replacingOccurrences(of: "id: MY-CONTROL", with: "id: SSH-ROOT-LOGIN").replacingOccurrences(of: "  - MY-CONTROL", with: "  - SSH-ROOT-LOGIN")
        assertError(t, 6, 5, "already defined at builtin:controls/ssh-root-login.yaml")
    }

    func testAliasesRejected() {
        assertError(header + "select:\n  - &a LOG-RETENTION-180\n  - *a\n", 6, 5, "anchors and aliases are not allowed")
        assertError(header + "select:\n  - LOG-RETENTION-180 # &not-an-anchor\n  - \"*quoted\"\n  - *a\n", 8, 5, "anchors and aliases are not allowed")
    }

    func testMissingRequiredField() {
        let t = header + control.replacingOccurrences(of: "    remediation: {zh: 整改, en: Fix}\n", with: "")
        assertError(t, 6, 5, "has no 'remediation'")
    }

    func testConditionlessConfigValue() {
        let t = header + control.replacingOccurrences(of: "log_retention:\n        min_days: ${days}", with: "config_value:\n        config: sshd\n        key: Port")
        assertError(t, 15, 9, "needs a condition")
    }

    func testInvalidUTF8Position() throws {
        let dir = EvidenceFolder()
        let p = dir.writeBytes("bad.yaml", Array("pack: p\ntitle: \"ab".utf8) + [0xC3, 0x28] + Array("\"\n".utf8))
        XCTAssertThrowsError(try PackLibrary.readRuleFile(p, display: "bad.yaml")) { e in
            XCTAssertEqual((e as? PackError)?.description, "bad.yaml:2:11: not valid UTF-8 text")
        }
    }

    func testEmptyAndNonMappingFiles() {
        assertError("", 1, 1, "empty")
        assertError("- a\n- b\n", 1, 1, "a pack must be a mapping")
    }

    func testExtendsAndDeselect() throws {
        let lib = try PackLibrary.builtin()
        let t = header + "extends: cn-data-security\nselect:\n  - id: LOG-RETENTION-180\n    parameters:\n      min_days: \"365\"\ndeselect: [NGINX-SERVER-TOKENS]\n"
        let (pack, _) = try lib.parsePack(text: t, file: "p.yaml", depth: 0)
        let base = try PackLibrary.builtin().loadPack("cn-data-security", cwd: "/")
        XCTAssertEqual(pack.controls.count, base.controls.count - 1)
        XCTAssertNil(pack.controls.first { $0.id == "NGINX-SERVER-TOKENS" })
        guard case .primitive(let p, _)? = pack.controls.first(where: { $0.id == "LOG-RETENTION-180" })?.check else { return XCTFail() }
        XCTAssertEqual((p as? LogRetention)?.minDays, 365)
        XCTAssertNotNil(loadError(header + "extends: no-such-pack\n"))
    }

    /// A broken pack stops the run before any evidence is read: exit 2, no results.
    func testBrokenPackRunsNothing() throws {
        let ev = EvidenceFolder()
        ev.write("etc/ssh/sshd_config", "PermitRootLogin yes\n")
        let pack = RuleFile(header + "select:\n  - SSH-ROOT-LOGIN\n  - id: LOG-RETENTION-180\n    severity: hihg\n")
        let r = try comply(["--pack", pack.path, ev.root])
        XCTAssertEqual(r.exitCode, 2)
        XCTAssertTrue(r.result.data.isEmpty)
        XCTAssertTrue(r.result.findings.isEmpty)
        XCTAssertEqual(r.result.errors.count, 1)
        XCTAssertEqual(r.result.errors.first?.reason, "\(pack.path):8:15: severity must be one of info, low, medium, high, critical, not 'hihg'")
    }

    func testRawScalarsAreNotRetyped() throws {
        // YAML 1.1 would read `no` as false and `027` as 23; the checks see the text as written.
        let ev = EvidenceFolder()
        ev.write("etc/ssh/sshd_config", "PermitRootLogin no\n")
        ev.write("etc/login.defs", "UMASK 027\n")
        let pack = packSelecting(["SSH-ROOT-LOGIN", "LOGIN-UMASK"])
        let r = try comply(["--pack", pack.path, ev.root])
        XCTAssertEqual(r.status("SSH-ROOT-LOGIN"), "pass")
        XCTAssertEqual(r.status("LOGIN-UMASK"), "pass")
    }

    func testUnknownBuiltinPackName() throws {
        let ev = EvidenceFolder()
        let r = try comply(["--pack", "cn-nothing", ev.root])
        XCTAssertEqual(r.exitCode, 2)
        XCTAssertTrue(r.result.errors.first?.reason.contains("neither a built-in pack") ?? false)
    }
}
