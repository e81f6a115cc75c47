import DSToolCore
import DSToolKit
import Foundation
import XCTest
@testable import DSToolCryptoAudit

/// ELF dynamic sections, embedded version strings and algorithm constants.
final class BinaryTests: XCTestCase {
    /// A minimal ELF64 little-endian executable: one PT_LOAD over the file, a PT_DYNAMIC listing
    /// `needed`, then `payload`.
    static func elf(needed: [String], payload: [UInt8]) -> [UInt8] {
        func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(v >> (8 * UInt64($0)) & 0xFF) } }
        let vbase: UInt64 = 0x400000
        var strtab: [UInt8] = [0]
        var offsets: [UInt64] = []
        for n in needed { offsets.append(UInt64(strtab.count)); strtab += Array(n.utf8) + [0] }
        let phoff = 64, phnum = 2
        let dynOff = phoff + 56 * phnum
        let dynEntries = needed.count + 2
        let strOff = dynOff + 16 * dynEntries
        var dyn: [UInt8] = []
        for o in offsets { dyn += le(1, 8) + le(o, 8) }                       // DT_NEEDED
        dyn += le(5, 8) + le(vbase + UInt64(strOff), 8)                       // DT_STRTAB
        dyn += le(0, 8) + le(0, 8)                                            // DT_NULL
        let total = strOff + strtab.count + payload.count
        var h: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8)
        h += le(2, 2) + le(62, 2) + le(1, 4) + le(vbase, 8) + le(UInt64(phoff), 8) + le(0, 8) + le(0, 4)
        h += le(64, 2) + le(56, 2) + le(UInt64(phnum), 2) + le(64, 2) + le(0, 2) + le(0, 2)
        var ph: [UInt8] = []
        ph += le(1, 4) + le(5, 4) + le(0, 8) + le(vbase, 8) + le(vbase, 8) + le(UInt64(total), 8) + le(UInt64(total), 8) + le(0x1000, 8)
        ph += le(2, 4) + le(6, 4) + le(UInt64(dynOff), 8) + le(vbase + UInt64(dynOff), 8) + le(vbase + UInt64(dynOff), 8)
            + le(UInt64(dyn.count), 8) + le(UInt64(dyn.count), 8) + le(8, 8)
        return h + ph + dyn + strtab + payload
    }

    static let sm4SBox: [UInt8] = [0xD6, 0x90, 0xE9, 0xFE, 0xCC, 0xE1, 0x3D, 0xB7, 0x16, 0xB6, 0x14, 0xC2, 0x28, 0xFB, 0x2C, 0x05, 0x2B, 0x67]
    static let md5T: [UInt8] = [0x78, 0xA4, 0x6A, 0xD7, 0x56, 0xB7, 0xC7, 0xE8, 0xDB, 0x70, 0x20, 0x24, 0xEE, 0xCE, 0xBD, 0xC1]

    func analyze(_ bytes: [UInt8]) -> BinaryAnalyzer.Result {
        bytes.withUnsafeBufferPointer { BinaryAnalyzer.analyze($0, base: Location(input: "bin")) }
    }

    func describe(_ r: BinaryAnalyzer.Result) -> [String] {
        r.observations.map { o in
            switch o.kind {
            case .library(let name, let version, let via): return "library \(name) \(version ?? "-") (\(via))"
            case .binaryConstant(let alg, let table): return "constant \(alg) \(table) @\(o.location.offset ?? -1)"
            default: return "other"
            }
        }
    }

    func testLinkedLibrariesVersionStringsAndConstants() {
        let payload = Array("xx OpenSSL 1.0.2k  26 Jan 2017\0".utf8) + Self.sm4SBox + [0, 0] + Self.md5T
        let bin = Self.elf(needed: ["libc.so.6", "libssl.so.1.0.0", "libgmssl.so.3"], payload: payload)
        let r = analyze(bin)
        XCTAssertEqual(r.errors, [])
        let payloadStart = bin.count - payload.count
        XCTAssertEqual(describe(r), [
            "library OpenSSL 1.0.0 (DT_NEEDED libssl.so.1.0.0)", "library GmSSL 3 (DT_NEEDED libgmssl.so.3)",
            "library OpenSSL 1.0.2k (version string)",
            "constant SM4 SM4 S-box @\(payloadStart + 31)", "constant MD5 MD5 T (little-endian) @\(payloadStart + 31 + 18 + 2)",
        ])
    }

    func testPluginReportsOutdatedLibrariesAndInventoriesConstants() throws {
        let tree = TempTree()
        tree.write("bin/app", Self.elf(needed: ["libcrypto.so.1.1"], payload: Array("OpenSSL 1.1.1w  11 Sep 2023\0".utf8) + Self.sm4SBox))
        tree.write("bin/tool", Self.elf(needed: ["libc.so.6"], payload: Array("nothing to see here".utf8)))
        let r = try runAudit([tree.root])
        XCTAssertEqual(r.findings.map { "\($0.ruleId) \($0.severity.rawValue) \($0.properties?["algorithm"]?.stringValue ?? "")" }, [
            "crypto.library.outdated medium OpenSSL 1.1", "crypto.library.outdated medium OpenSSL 1.1.1w",
        ])
        let names = r.data.filter { $0.kind == "cryptoaudit.asset" }.compactMap { $0.value["name"]?.stringValue }
        XCTAssertEqual(names, ["OpenSSL 1.1", "OpenSSL 1.1.1w", "SM4"])
    }

    func testTruncatedAndCorruptELF() {
        let good = Self.elf(needed: ["libssl.so.3"], payload: [])
        XCTAssertEqual(analyze(Array(good.prefix(40))).errors, ["truncated ELF header (40 bytes)"])
        XCTAssertEqual(analyze(Array(good.prefix(150))).errors, ["truncated ELF: program headers at 64 (2 × 56 bytes) run past the end (150 bytes)"])
        var badClass = good
        badClass[4] = 9
        XCTAssertEqual(analyze(badClass).errors, ["corrupt ELF header: class 9"])
        var badStr = good
        // Point DT_STRTAB outside every segment.
        let dynOff = 64 + 112
        for i in 0..<8 { badStr[dynOff + 16 + 8 + i] = i == 7 ? 0x7F : 0xFF }
        XCTAssertEqual(analyze(badStr).errors.first?.hasPrefix("corrupt ELF: string table address"), true)
        // Random bytes with an ELF magic never crash.
        var x: UInt32 = 99
        var junk: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1]
        for _ in 0..<4096 { x = x &* 1664525 &+ 1013904223; junk.append(UInt8(x >> 24)) }
        _ = analyze(junk)
    }

    func testSystemLibcrypto() throws {
        let path = "/usr/lib/x86_64-linux-gnu/libcrypto.so.3"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no \(path)") }
        let r = try BinaryAnalyzer.analyze(path: path, base: Location(input: path))
        let d = describe(r)
        XCTAssertTrue(d.contains { $0.hasPrefix("library OpenSSL 3.") && $0.hasSuffix("(version string)") }, "\(d)")
        for alg in ["AES", "SM4", "SHA-256", "SM3"] { XCTAssertTrue(d.contains { $0.hasPrefix("constant \(alg) ") }, "\(alg) in \(d)") }
    }
}
