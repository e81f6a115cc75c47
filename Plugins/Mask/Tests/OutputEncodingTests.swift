import DSToolCore
import DSToolKit
@testable import DSToolMask
import XCTest

/// The masked output goes back in the input's encoding (or --output-encoding), byte for byte.
final class OutputEncodingTests: MaskCommandTestCase {
    // 姓名,城市 / 王小明,北京𠮷 / 王** in GB18030 (𠮷 is a four-byte code), from iconv.
    static let gbHeader = hexBytes("d0d5c3fb2cb3c7cad00a")
    static let gbRow = hexBytes("cdf5d0a1c3f72cb1b1bea99534b2350a")
    static let gbMaskedRow = hexBytes("cdf52a2a2cb1b1bea99534b2350a")
    let policyText = "fields:\n  姓名: {strategy: mask, keep_first: 1}\n"

    func writeBytes(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = out(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }
    func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
    func utf16(_ s: String, bigEndian: Bool) -> [UInt8] {
        s.utf16.flatMap { u -> [UInt8] in bigEndian ? [UInt8(u >> 8), UInt8(u & 0xFF)] : [UInt8(u & 0xFF), UInt8(u >> 8)] }
    }

    func testGB18030InGB18030Out() throws {
        let policy = try write("p.yaml", policyText)
        let input = try writeBytes("gb.csv", Self.gbHeader + Self.gbRow + Self.gbRow)
        let r = try run(["mask", "--policy", policy, input, "-o", out("o.csv")])
        XCTAssertEqual(r.exitCode, 0, r.report)
        XCTAssertEqual(try bytes(out("o.csv")), Self.gbHeader + Self.gbMaskedRow + Self.gbMaskedRow)
        XCTAssertEqual(summary(r)?["encoding"], "gb18030")
        XCTAssertEqual(summary(r)?["output_encoding"], "gb18030")
        XCTAssertEqual(summary(r)?["masked"], 2)
        // Several threads write the same bytes.
        let r2 = try run(["mask", "--policy", policy, input, "-o", out("o2.csv"), "--jobs", "2"])
        XCTAssertEqual(r2.exitCode, 0, r2.report)
        XCTAssertEqual(try bytes(out("o2.csv")), try bytes(out("o.csv")))
    }

    func testOutputEncodingUTF8AndGB18030Chosen() throws {
        let policy = try write("p.yaml", policyText)
        let gb = try writeBytes("gb.csv", Self.gbHeader + Self.gbRow)
        let r = try run(["mask", "--policy", policy, gb, "-o", out("u.csv"), "--output-encoding", "utf-8"])
        XCTAssertEqual(r.exitCode, 0, r.report)
        XCTAssertEqual(try bytes(out("u.csv")), Array("姓名,城市\n王**,北京𠮷\n".utf8))
        XCTAssertEqual(summary(r)?["output_encoding"], "utf-8")
        // UTF-8 in, GB18030 out.
        let utf8 = try write("u8.csv", "姓名,城市\n王小明,北京𠮷\n")
        let r2 = try run(["mask", "--policy", policy, utf8, "-o", out("g.csv"), "--output-encoding", "gb18030"])
        XCTAssertEqual(r2.exitCode, 0, r2.report)
        XCTAssertEqual(try bytes(out("g.csv")), Self.gbHeader + Self.gbMaskedRow)
        // same (the default) keeps UTF-8.
        let r3 = try run(["mask", "--policy", policy, utf8, "-o", out("s.csv"), "--output-encoding", "same"])
        XCTAssertEqual(r3.exitCode, 0, r3.report)
        XCTAssertEqual(try bytes(out("s.csv")), Array("姓名,城市\n王**,北京𠮷\n".utf8))
        // A name that is not an encoding is a usage error.
        let bad = try run(["mask", "--policy", policy, utf8, "-o", out("x.csv"), "--output-encoding", "latin1"])
        XCTAssertEqual(bad.exitCode, 2)
        XCTAssertTrue(bad.errors.contains { $0.reason.contains("--output-encoding: 'latin1' is not one of utf-8, gb18030, same") }, "\(bad.errors)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out("x.csv")))
    }

    func testUTF16KeepsByteOrderAndBOM() throws {
        let policy = try write("p.yaml", policyText)
        let text = "姓名,城市\r\n王小明,北京\r\n", masked = "姓名,城市\r\n王**,北京\r\n"
        let le = try writeBytes("le.csv", [0xFF, 0xFE] + utf16(text, bigEndian: false))
        let r = try run(["mask", "--policy", policy, le, "-o", out("le-out.csv")])
        XCTAssertEqual(r.exitCode, 0, r.report)
        XCTAssertEqual(try bytes(out("le-out.csv")), [0xFF, 0xFE] + utf16(masked, bigEndian: false))
        XCTAssertEqual(summary(r)?["output_encoding"], "utf-16le")
        // Big-endian without a BOM comes back without one.
        let be = try writeBytes("be.csv", utf16(text, bigEndian: true))
        let r2 = try run(["mask", "--policy", policy, be, "-o", out("be-out.csv")])
        XCTAssertEqual(r2.exitCode, 0, r2.report)
        XCTAssertEqual(summary(r2)?["encoding"], "utf-16be")
        XCTAssertEqual(try bytes(out("be-out.csv")), utf16(masked, bigEndian: true))
        // --output-encoding utf-8: no BOM.
        let r3 = try run(["mask", "--policy", policy, le, "-o", out("le-u8.csv"), "--output-encoding", "utf-8"])
        XCTAssertEqual(r3.exitCode, 0, r3.report)
        XCTAssertEqual(try bytes(out("le-u8.csv")), Array(masked.utf8))
    }

    /// Bytes that are not UTF-8 have no GB18030 form: in a masked value it is an invalid value
    /// (--on-invalid: redact here), elsewhere U+FFFD and counted; with fail nothing is written.
    func testUnrepresentableBytes() throws {
        let policy = try write("p.yaml", policyText)
        let input = try writeBytes("bad.csv", Array("姓名,城市\n".utf8) + [0xFF] + Array("张三,a".utf8) + [0xFE] + Array("b\n李四,北京\n".utf8))
        let r = try run(["mask", "--policy", policy, input, "-o", out("o.csv"), "--output-encoding", "gb18030"])
        XCTAssertEqual(r.exitCode, 0, r.report)
        XCTAssertEqual(try bytes(out("o.csv")), Self.gbHeader + Array("***,a".utf8) + [0x84, 0x31, 0xA4, 0x37] + Array("b\n".utf8)
                       + hexBytes("c0ee2a2cb1b1bea90a"))
        let s = try XCTUnwrap(summary(r))
        XCTAssertEqual(s["invalid"], 1)
        XCTAssertEqual(s["masked"], 1)
        XCTAssertEqual(s["unrepresentable"], 1)
        let r2 = try run(["mask", "--policy", policy, input, "-o", out("f.csv"), "--output-encoding", "gb18030", "--on-invalid", "fail"])
        XCTAssertEqual(r2.exitCode, 3)
        XCTAssertEqual(r2.errors.count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out("f.csv")))
        // leave: the masked value stays as it was, so its byte becomes U+FFFD too.
        let r3 = try run(["mask", "--policy", policy, input, "-o", out("l.csv"), "--output-encoding", "gb18030", "--on-invalid", "leave"])
        XCTAssertEqual(r3.exitCode, 0, r3.report)
        XCTAssertEqual(summary(r3)?["unrepresentable"], 2)
    }

    /// JSON Lines and a log file go back in their encodings too (not only CSV).
    func testJSONLinesAndTextKeepTheirEncoding() throws {
        let policy = try write("p.yaml", policyText)
        let key = hexBytes("7b22d0d5c3fb223a22")  // {"姓名":" in GB18030
        let gb = try writeBytes("rows.jsonl", key + hexBytes("cdf5d0a1c3f7") + Array("\"}\n".utf8))
        let r = try run(["mask", "--policy", policy, gb, "-o", out("rows-out.jsonl")])
        XCTAssertEqual(r.exitCode, 0, r.report)
        XCTAssertEqual(summary(r)?["encoding"], "gb18030")
        XCTAssertEqual(try bytes(out("rows-out.jsonl")), key + hexBytes("cdf52a2a") + Array("\"}\n".utf8))
        let log = try writeBytes("app.log", [0xFF, 0xFE] + utf16("登录 用户 phone=13812345678\n", bigEndian: false))
        let r2 = try run(["mask", "--policy", try write("t.yaml", "fields: []\n"), log, "-o", out("app-out.log")])
        XCTAssertEqual(r2.exitCode, 0, r2.report)
        XCTAssertEqual(try bytes(out("app-out.log")), [0xFF, 0xFE] + utf16("登录 用户 phone=138****5678\n", bigEndian: false))
    }

    /// A character cut between two chunks converts whole; one cut by the end becomes U+FFFD.
    func testTranscoderAcrossChunks() throws {
        let text = Array("王小明,北京𠮷\n".utf8)
        let t = try OutputTranscoder(.gb18030, byteOrderMark: false, failOnUnrepresentable: false)
        var got: [UInt8] = []
        for b in text { got += try t.convert([b]) }
        got += try t.finish()
        XCTAssertEqual(got, Self.gbRow)
        XCTAssertEqual(t.unrepresentable, 0)
        let cut = try OutputTranscoder(.utf16le, byteOrderMark: true, failOnUnrepresentable: false)
        let c = try cut.convert([0x41, 0xE7, 0x8E]) + cut.finish()
        XCTAssertEqual(c, [0xFF, 0xFE, 0x41, 0x00, 0xFD, 0xFF, 0xFD, 0xFF])
        XCTAssertEqual(cut.unrepresentable, 2)
        let strict = try OutputTranscoder(.gb18030, byteOrderMark: false, failOnUnrepresentable: true)
        XCTAssertThrowsError(try strict.convert([0x41, 0xFF]))
    }
}
