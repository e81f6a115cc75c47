@testable import DSToolKit
import Foundation
import XCTest

/// PluginManifest.decode reads manifests with the SDK's byte reader and asks JSONDecoder only
/// when that reader declines. The reader must give JSONDecoder's value for everything it accepts.
final class ManifestReadingTests: XCTestCase {
    static let manifestsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Manifests")

    func shipped() throws -> [(String, [UInt8])] {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.manifestsFolder.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 7)
        return try names.map { ($0, [UInt8](try Data(contentsOf: Self.manifestsFolder.appendingPathComponent($0)))) }
    }

    func fast(_ bytes: [UInt8]) -> PluginManifest? { bytes.withUnsafeBytes { ManifestReader.read($0) } }
    func slow(_ bytes: [UInt8]) -> PluginManifest? { try? JSONDecoder().decode(PluginManifest.self, from: Data(bytes)) }

    func testEveryShippedManifestReadsAsJSONDecoderReadsIt() throws {
        for (name, bytes) in try shipped() {
            let expected = try JSONDecoder().decode(PluginManifest.self, from: Data(bytes))
            XCTAssertEqual(fast(bytes), expected, name)
            XCTAssertEqual(try PluginManifest.decode(Data(bytes)), expected, name)
            XCTAssertFalse(expected.commands.isEmpty, name)
        }
    }

    /// Escaped keys and values, unknown members, null optionals, a byte order mark and trailing
    /// commas (JSONDecoder's leniencies): the same value either way.
    func testLenienciesAndEscapesAgreeWithJSONDecoder() {
        let text = "\u{FEFF}" + #"""
        {"\u0069d":"x\u00e9","version":"1.0","abi":1,"library":"libdstool-x.so","extra":{"a":[1,2,{}]},
         "name":{"en":"X","zh":"\u4e2d"},"description":{"en":"d","zh":"d"},"category":"inventory",
         "tool_library":[],"inputs":["files",],
         "commands":[{"name":"x","summary":{"en":"s","zh":"s"},"usage":"x","input":"items","report":"stdout",
           "options":[{"name":"o","short":null,"kind":"flag","help":{"en":"h","zh":"h"}}],"formats":null,"type_detection":"binary"}],
         "rules":[{"id":"r","severity":"high","title":{"en":"t","zh":"t"},"references":null},]}
        """#
        let bytes = [UInt8](text.utf8)
        let expected = slow(bytes)
        XCTAssertNotNil(expected)
        XCTAssertEqual(fast(bytes), expected)
        XCTAssertEqual(expected?.id, "xé")
        XCTAssertNil(expected?.commands.first?.formats)
        XCTAssertEqual(expected?.commands.first?.typeDetection, "binary")
    }

    /// JSONDecoder takes an Int written as 1.0, 1e0 or 10E-1 and refuses 1.5 or 1e400: so does the reader.
    func testABINumberFormsAgreeWithJSONDecoder() throws {
        let (_, good) = try shipped()[0]
        let goodText = String(decoding: good, as: UTF8.self)
        XCTAssertTrue(goodText.contains(#""abi": 1,"#))
        for (form, accepted) in [("1.0", true), ("1e0", true), ("10E-1", true), ("1.5", false), ("1e400", false), ("-0", true)] {
            let bytes = [UInt8](goodText.replacingOccurrences(of: #""abi": 1,"#, with: #""abi": \#(form),"#).utf8)
            XCTAssertEqual(slow(bytes) != nil, accepted, form)
            XCTAssertEqual(fast(bytes), slow(bytes), form)
        }
    }

    /// Wrong types, missing members, nulls where a value is required, an unknown severity: the
    /// reader declines and the error is JSONDecoder's, with its coding path.
    func testBadManifestsAreDeclinedAndReportedByJSONDecoder() throws {
        let (_, good) = try shipped()[0]
        let goodText = String(decoding: good, as: UTF8.self)
        let edits: [(String, String)] = [
            (#""abi": 1"#, #""abi": "1""#), (#""abi": 1"#, #""abi": 1.5"#), (#""abi": 1"#, #""abi": null"#),
            (#""id": "#, #""ident": "#), (#""category": "#, #""category": 7, "x": "#),
        ]
        var tried = 0
        for (from, to) in edits where goodText.contains(from) {
            let bytes = [UInt8](goodText.replacingOccurrences(of: from, with: to).utf8)
            XCTAssertNil(fast(bytes), to)
            XCTAssertNil(slow(bytes), to)
            XCTAssertThrowsError(try PluginManifest.decode(Data(bytes))) { XCTAssertTrue($0 is DecodingError, "\($0)") }
            tried += 1
        }
        XCTAssertEqual(tried, edits.count, "the edits no longer fit the first shipped manifest")
    }

    /// Thousands of corrupted manifests (bytes replaced, deleted, inserted, the text cut short):
    /// whatever the reader accepts, JSONDecoder accepts with the same value.
    func testCorruptedManifestsNeverReadDifferentlyFromJSONDecoder() throws {
        var bothAccepted = 0, bothRejected = 0
        for (name, original) in try shipped() {
            for bytes in Self.corrupted(original, copies: 400, seed: 0x2545_F491_4F6C_DD1D) {
                let f = fast(bytes), s = slow(bytes)
                if let f { XCTAssertEqual(f, s, "\(name): the reader accepted what JSONDecoder reads differently: \(String(decoding: bytes, as: UTF8.self))") }
                if s == nil { XCTAssertNil(f, name) }
                if f != nil && s != nil { bothAccepted += 1 } else if f == nil && s == nil { bothRejected += 1 }
            }
        }
        // Both outcomes must occur, or the corruption is not exercising anything.
        XCTAssertGreaterThan(bothAccepted, 100)
        XCTAssertGreaterThan(bothRejected, 100)
    }

    /// `copies` damaged copies of a JSON text: one to four edits each — a byte replaced by, or a
    /// byte inserted from, JSON's significant characters and bad UTF-8, a byte deleted, the end
    /// cut off — from a fixed seed, so a failure is the same on every run.
    static func corrupted(_ original: [UInt8], copies: Int, seed: UInt64) -> [[UInt8]] {
        var state = seed
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int((state >> 33) % UInt64(n)) }
        let significant = [UInt8]("{}[]\",:0 -1e.nulltrue\\\u{0}\u{FF}".utf8) + [0xC3, 0xFF, 0x80]
        return (0..<copies).map { _ in
            var bytes = original
            for _ in 0...next(3) {
                guard !bytes.isEmpty else { break }
                let at = next(bytes.count)
                switch next(4) {
                case 0: bytes[at] = significant[next(significant.count)]
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(significant[next(significant.count)], at: at)
                default: bytes.removeLast(next(min(bytes.count, 40)) + 1)
                }
            }
            return bytes
        }
    }

    /// plugins.lock: the reader gives JSONDecoder's entries for a lock as `dstool plugins lock`
    /// writes it, and for thousands of damaged copies it accepts only what JSONDecoder reads the same.
    struct LockShape: Decodable, Equatable {  // DSToolCore's PluginLock, as JSONDecoder reads it
        struct Entry: Decodable, Equatable { var library: String; var version: String; var sha256: String }
        var version: Int
        var plugins: [String: Entry]
    }

    func testPluginLocksNeverReadDifferentlyFromJSONDecoder() throws {
        let original = [UInt8](#"""
        {
          "plugins" : {
            "comply" : {
              "library" : "libdstool-comply.so",
              "sha256" : "8f28d25bd85499a445d604c654d95f8cd845eaef7eb52d1525fa40a54fdad82e",
              "version" : "0.1.0"
            },
            "scan" : {
              "library" : "libdstool-scan.so",
              "sha256" : "e2e04de600af20e1b9c226a610fc71000340fee3b6c542b979c2cf4cbf9a6abc",
              "version" : "0.1.0"
            }
          },
          "version" : 1
        }
        """#.utf8)
        func fastLock(_ b: [UInt8]) -> LockShape? {
            b.withUnsafeBytes { PluginLockReader.read($0) }.map { v, e in
                LockShape(version: v, plugins: e.mapValues { .init(library: $0.library, version: $0.version, sha256: $0.sha256) })
            }
        }
        func slowLock(_ b: [UInt8]) -> LockShape? { try? JSONDecoder().decode(LockShape.self, from: Data(b)) }
        XCTAssertEqual(fastLock(original)?.plugins["scan"]?.library, "libdstool-scan.so")
        XCTAssertEqual(fastLock(original), slowLock(original))
        var bothAccepted = 0, bothRejected = 0
        for bytes in Self.corrupted(original, copies: 2000, seed: 0x9E37_79B9_7F4A_7C15) {
            let f = fastLock(bytes), s = slowLock(bytes)
            if let f { XCTAssertEqual(f, s, String(decoding: bytes, as: UTF8.self)) }
            if s == nil { XCTAssertNil(f) }
            if f != nil && s != nil { bothAccepted += 1 } else if f == nil && s == nil { bothRejected += 1 }
        }
        XCTAssertGreaterThan(bothAccepted, 100)
        XCTAssertGreaterThan(bothRejected, 100)
    }
}
