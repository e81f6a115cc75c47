import DSToolCore
import DSToolKit
@testable import DSToolMask
import XCTest

/// `dstool mask` / `unmask` through the real host, in process.
final class MaskCommandTests: MaskCommandTestCase {

    func testPolicyOnCSVExactOutput() throws {
        let policy = try write("p.yaml", """
        fields:
          - field: 姓名
            strategy: mask
            keep_first: 1
          - field: email
            strategy: mask-email
          - field: token
            strategy: hash
            algorithm: hmac-sha256
          - field: birthday
            strategy: generalize-date
            to: year
          - field: age
            strategy: generalize-age
        """)
        let input = try write("people.csv", "姓名,email,token,birthday,age,note\r\n张三,zhangsan@example.com,13812345678,1990-03-04,37,\"keep, me\"\r\n李四,,13812345678,1985/12/01,64,x\r\n")
        let out = dir.appendingPathComponent("out.csv").path
        let r = try run(["mask", "--policy", policy, "--key", "file:\(keyPath)", input, "-o", out])
        XCTAssertEqual(r.exitCode, 0, r.report)
        XCTAssertEqual(try read(out), "姓名,email,token,birthday,age,note\r\n张*,z***@example.com,e5cfac4c41cadfc20e85402c560406e4,1990,30-39,\"keep, me\"\r\n李*,,e5cfac4c41cadfc20e85402c560406e4,1985,60-69,x\r\n")
        let s = try XCTUnwrap(summary(r))
        XCTAssertEqual(s["records"], 2); XCTAssertEqual(s["masked"], 9); XCTAssertEqual(s["invalid"], 0)
    }

    func testConsistentAcrossFilesAndReversible() throws {
        let policy = try write("p.yaml", """
        cipher: sm4
        fields:
          customer_id: {strategy: fpe, alphabet: digits}
          code: {strategy: fpe, alphabet: alnum}
        """)
        let a = try write("orders.csv", "order,customer_id\n1,10000001\n2,10000002\n3,10000001\n")
        let b = try write("customers.csv", "customer_id,code\n10000002,AB12cd\n10000001,ZZ99yy\n")
        let outDir = dir.appendingPathComponent("masked").path
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        let r = try run(["mask", "--policy", policy, "--key", "file:\(keyPath)", a, b, "-o", outDir])
        XCTAssertEqual(r.exitCode, 0, r.report)
        let orders = try read(outDir + "/orders.csv").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let customers = try read(outDir + "/customers.csv").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        // The same id masks the same way in both files: the join still holds.
        XCTAssertEqual(orders[1][1], orders[3][1])
        XCTAssertEqual(orders[1][1], customers[2][0])
        XCTAssertEqual(orders[2][1], customers[1][0])
        XCTAssertNotEqual(orders[1][1], "10000001")
        XCTAssertEqual(orders[1][1].count, 8)
        // unmask restores both files exactly.
        let restored = dir.appendingPathComponent("restored").path
        try FileManager.default.createDirectory(atPath: restored, withIntermediateDirectories: true)
        let u = try run(["unmask", "--policy", policy, "--key", "file:\(keyPath)", outDir + "/orders.csv", outDir + "/customers.csv", "-o", restored])
        XCTAssertEqual(u.exitCode, 0, u.report)
        XCTAssertEqual(try read(restored + "/orders.csv"), try read(a))
        XCTAssertEqual(try read(restored + "/customers.csv"), try read(b))
        // Another key gives other values.
        let otherKey = try write("other.key", "ffffffffffffffffffffffffffffffff")
        let other = dir.appendingPathComponent("other.csv").path
        XCTAssertEqual(try run(["mask", "--policy", policy, "--key", "file:\(otherKey)", a, "-o", other]).exitCode, 0)
        XCTAssertNotEqual(try read(other), try read(outDir + "/orders.csv"))
    }

    func testKAnonymityReportExact() throws {
        let policy = try write("p.yaml", "fields:\n  age: generalize-age\n  zip: {strategy: generalize-prefix, keep: 3}\n")
        let input = try write("q.csv", "age,zip,illness\n31,100011,a\n35,100012,b\n38,100019,c\n41,100011,d\n44,200011,e\n47,200012,f\n")
        let out = dir.appendingPathComponent("q-out.csv").path
        let r = try run(["mask", "--policy", policy, input, "-o", out, "--k", "2", "--quasi", "age,zip"])
        // Groups: (30-39,100***) ×3, (40-49,100***) ×1, (40-49,200***) ×2 → smallest 1, record 4 breaks k=2.
        XCTAssertEqual(r.exitCode, 1, r.report)
        let k = try XCTUnwrap(r.data.first { $0.kind == "mask.k-anonymity" }?.value)
        XCTAssertEqual(k["smallest_class"], 1); XCTAssertEqual(k["classes"], 3); XCTAssertEqual(k["records_below_k_list"], [4])
        XCTAssertEqual(r.findings.map(\.ruleId), ["mask.k-anonymity"])
        // Suppression drops record 4 and the result satisfies k.
        let out2 = dir.appendingPathComponent("q-out2.csv").path
        let s = try run(["mask", "--policy", policy, input, "-o", out2, "--k", "2", "--quasi", "age,zip", "--suppress-below-k"])
        XCTAssertEqual(s.exitCode, 0, s.report)
        XCTAssertEqual(try read(out2), "age,zip,illness\n30-39,100***,a\n30-39,100***,b\n30-39,100***,c\n40-49,200***,e\n40-49,200***,f\n")
        let k2 = try XCTUnwrap(s.data.first { $0.kind == "mask.k-anonymity" }?.value)
        XCTAssertEqual(k2["smallest_class"], 2); XCTAssertEqual(k2["suppressed_records"], [4])
        XCTAssertEqual(summary(s)?["suppressed"], 1)
        // A quasi column that does not exist is an error for the input, and nothing is written.
        let out3 = dir.appendingPathComponent("q-out3.csv").path
        let bad = try run(["mask", "--policy", policy, input, "-o", out3, "--k", "2", "--quasi", "age,postcode"])
        XCTAssertEqual(bad.exitCode, 3)
        XCTAssertTrue(bad.errors.first?.reason.contains("postcode") ?? false)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out3))
    }

    func testInvalidValuesAndBrokenRows() throws {
        let policy = try write("p.yaml", "fields:\n  when: generalize-date\n")
        let text = "id,when\n1,2023-01-02\n2,not a date\n3,2023-02-03,extra\n4,\"2023-03-04\"x\n"
        let input = try write("bad.csv", text)
        // redact (default): the bad value and the broken rows are redacted, and counted.
        let o1 = dir.appendingPathComponent("o1.csv").path
        let r1 = try run(["mask", "--policy", policy, input, "-o", o1])
        XCTAssertEqual(r1.exitCode, 0, r1.report)
        XCTAssertEqual(try read(o1), "id,when\n1,2023-01\n2,***\n***,***,***\n***,***\n")
        XCTAssertEqual(summary(r1)?["invalid"], 1); XCTAssertEqual(summary(r1)?["malformed"], 2)
        // leave: values kept as written, broken rows masked column by column.
        let o2 = dir.appendingPathComponent("o2.csv").path
        let r2 = try run(["mask", "--policy", policy, input, "-o", o2, "--on-invalid", "leave"])
        XCTAssertEqual(r2.exitCode, 0, r2.report)
        XCTAssertEqual(try read(o2), "id,when\n1,2023-01\n2,not a date\n3,2023-02,extra\n4,\"2023-03-04\"x\n")
        // fail: the input fails, with the line, and no output file appears.
        let o3 = dir.appendingPathComponent("o3.csv").path
        let r3 = try run(["mask", "--policy", policy, input, "-o", o3, "--on-invalid", "fail"])
        XCTAssertEqual(r3.exitCode, 3)
        XCTAssertEqual(r3.errors.count, 1)
        XCTAssertTrue(r3.errors[0].reason.contains("line 3, column when"), r3.errors[0].reason)
        XCTAssertFalse(r3.errors[0].reason.contains("not a date"), "the value itself is never printed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: o3))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("dstool") }, [])
    }

    func testGB18030InputIsDecoded() throws {
        let policy = try write("p.yaml", "fields:\n  姓名: {strategy: mask, keep_first: 1}\n")
        let gb = "姓名,城市\n王小明,北京\n".data(using: String.Encoding(rawValue: 0x80000632))!
        let input = dir.appendingPathComponent("gb.csv").path
        try gb.write(to: URL(fileURLWithPath: input))
        let out = dir.appendingPathComponent("gb-out.csv").path
        let r = try run(["mask", "--policy", policy, input, "-o", out, "--output-encoding", "utf-8"])
        XCTAssertEqual(r.exitCode, 0, r.report)
        XCTAssertEqual(try read(out), "姓名,城市\n王**,北京\n")
        XCTAssertEqual(summary(r)?["encoding"], "gb18030")
    }

    func testUsageErrors() throws {
        let policy = try write("p.yaml", "fields:\n  a: {strategy: fpe}\n")
        let input = try write("in.csv", "a\n1234567\n")
        func usage(_ args: [String], _ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let r = try run(args)
            XCTAssertEqual(r.exitCode, 2, r.report, file: file, line: line)
            XCTAssertTrue(r.errors.contains { $0.reason.contains(text) }, "\(r.errors.map(\.reason)) lacks \(text)", file: file, line: line)
        }
        try usage(["mask", "--policy", policy, input], "needs a key")
        try usage(["mask", "--policy", policy, "--key", "0123456789abcdef0123456789abcdef", input], "never goes on the command line")
        let shortKey = try write("short.key", "abc")
        try usage(["mask", "--policy", policy, "--key", "file:\(shortKey)", input], "at least 16 bytes")
        try usage(["mask", input], "--policy FILE, or --auto")
        let bad = try write("bad.yaml", "fields:\n  a: {strategy: nonsense}\n")
        try usage(["mask", "--policy", bad, input], "unknown strategy 'nonsense'")
        let notYAML = try write("broken.yaml", "fields: [\n")
        try usage(["mask", "--policy", notYAML, input], "not valid YAML")
        try usage(["mask", "--policy", policy, "--key", "file:\(keyPath)", input, input], "several inputs need -o DIR")
        try usage(["unmask", "--key", "file:\(keyPath)", input], "unmask needs the --policy")
    }

    func testKeyFromEnvironmentAndDescriptorGivesTheSameOutput() throws {
        let policy = try write("p.yaml", "fields:\n  id: {strategy: fpe, alphabet: digits}\n")
        let input = try write("in.csv", "id\n12345678\n")
        XCTAssertEqual(try run(["mask", "--policy", policy, "--key", "file:\(keyPath)", input, "-o", out("a.csv")]).exitCode, 0)
        setenv("DSTOOL_MASK_TEST_KEY", "0123456789abcdef0123456789abcdef", 1)
        defer { unsetenv("DSTOOL_MASK_TEST_KEY") }
        XCTAssertEqual(try run(["mask", "--policy", policy, "--key", "env:DSTOOL_MASK_TEST_KEY", input, "-o", out("b.csv")]).exitCode, 0)
        let fd = open(keyPath, O_RDONLY)
        defer { close(fd) }
        XCTAssertEqual(try run(["mask", "--policy", policy, "--key", "fd:\(fd)", input, "-o", out("c.csv")]).exitCode, 0)
        XCTAssertEqual(try read(out("a.csv")), try read(out("b.csv")))
        XCTAssertEqual(try read(out("a.csv")), try read(out("c.csv")))
        XCTAssertNotEqual(try read(out("a.csv")), "id\n12345678\n")
        // A missing variable is a usage error naming it, not a crash.
        let r = try run(["mask", "--policy", policy, "--key", "env:DSTOOL_MASK_NO_SUCH_KEY", input])
        XCTAssertEqual(r.exitCode, 2)
        XCTAssertTrue(r.errors.contains { $0.reason.contains("DSTOOL_MASK_NO_SUCH_KEY") }, "\(r.errors)")
    }

    func testOutputNeverOverwritesInput() throws {
        let policy = try write("p.yaml", "fields:\n  a: redact\n")
        let input = try write("in.csv", "a\nsecret\n")
        let r = try run(["mask", "--policy", policy, input, "-o", input, "--overwrite"])
        XCTAssertEqual(r.exitCode, 3)
        XCTAssertTrue(r.errors.first?.reason.contains("is the input itself") ?? false)
        XCTAssertEqual(try read(input), "a\nsecret\n")
        // An existing output is kept unless --overwrite.
        let out = try write("exists.csv", "old\n")
        let r2 = try run(["mask", "--policy", policy, input, "-o", out])
        XCTAssertEqual(r2.exitCode, 3)
        XCTAssertEqual(try read(out), "old\n")
        XCTAssertEqual(try run(["mask", "--policy", policy, input, "-o", out, "--overwrite"]).exitCode, 0)
        XCTAssertEqual(try read(out), "a\n***\n")
    }

    func testEmitPolicyRoundTrips() throws {
        let policy = try write("p.yaml", "cipher: sm4\non_invalid: leave\nfields:\n  - field: \"yes\"\n    strategy: mask\n    keep_first: \"010\"\n")
        let input = try write("in.csv", "yes\nabcdefghijkl\n")
        let emitted = dir.appendingPathComponent("emitted.yaml").path
        let r = try run(["mask", "--policy", policy, input, "-o", dir.appendingPathComponent("o.csv").path, "--emit-policy", emitted])
        XCTAssertEqual(r.exitCode, 0, r.report)
        XCTAssertEqual(try read(dir.appendingPathComponent("o.csv").path), "yes\nabcdefghij**\n")
        let again = try MaskPolicy.parse(yaml: try read(emitted), name: "emitted")
        XCTAssertEqual(again, try MaskPolicy.parse(yaml: try read(policy), name: "p"))
    }
}
