import DSToolKit
import Foundation
@testable import DSToolMask
import XCTest

/// FF1 in batches (all values' rounds in lockstep through the multi-block cipher) must give the
/// single-value path's results byte for byte, and the maskers that defer FF1 cells must write
/// exactly what they write cell by cell.
final class FF1BatchTests: XCTestCase {
    static let secret = Array("0123456789abcdef0123456789abcdef".utf8)

    /// Halves of a numeral string, as `FF1.run` forms them.
    func halves(_ x: [UInt16], radix: Int) -> (UInt64, UInt64) {
        var a: UInt64 = 0, b: UInt64 = 0
        for k in 0..<x.count / 2 { a = a * UInt64(radix) + UInt64(x[k]) }
        for k in x.count / 2..<x.count { b = b * UInt64(radix) + UInt64(x[k]) }
        return (a, b)
    }

    func batch(_ ff1: FF1, _ xs: [[UInt16]], decrypting: Bool) throws -> [[UInt16]] {
        let n = xs[0].count, r = ff1.radix
        var a = xs.map { halves($0, radix: r).0 }, b = xs.map { halves($0, radix: r).1 }
        try ff1.cryptHalves(&a, &b, count: xs.count, length: n, decrypting: decrypting)
        return (0..<xs.count).map { k in
            var x = [UInt16](repeating: 0, count: n)
            var (p, q) = (a[k], b[k])
            for j in stride(from: n - 1, through: n / 2, by: -1) { x[j] = UInt16(q % UInt64(r)); q /= UInt64(r) }
            for j in stride(from: n / 2 - 1, through: 0, by: -1) { x[j] = UInt16(p % UInt64(r)); p /= UInt64(r) }
            return x
        }
    }

    /// The NIST SP 800-38G samples through the batch path (each repeated in a batch of 40).
    func testBatchReproducesNISTVectors() throws {
        let cases = (try TestPaths.vectors()["ff1"] as! [String: Any])["cases"] as! [[String: Any]]
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        var checked = 0
        for c in cases {
            let radix = c["radix"] as! Int
            let ff1 = try FF1(cipher: BlockCipher(.aes, key: hexBytes(c["key_hex"] as! String)), radix: radix,
                              tweak: hexBytes(c["tweak_hex"] as! String))
            let plain = (c["plaintext"] as! String).map { UInt16(alphabet.firstIndex(of: $0)!) }
            guard ff1.halvesFit(plain.count) else { continue }
            let out = try batch(ff1, Array(repeating: plain, count: 40), decrypting: false)
            for x in out { XCTAssertEqual(String(x.map { alphabet[Int($0)] }), c["ciphertext"] as! String) }
            XCTAssertEqual(try batch(ff1, out, decrypting: true), Array(repeating: plain, count: 40))
            checked += 1
        }
        XCTAssertEqual(checked, 9)
    }

    /// Random values of every length the batch path takes, radix 10/36/62, three tweaks, AES and
    /// SM4, batches across the 256-value step and SIMD tails: equal to one-by-one FF1 and, for
    /// SM4, to FF1 over OpenSSL's SM4; decryption in batches restores the values.
    func testBatchMatchesSingleValuesAndOpenSSL() throws {
        var rng = SplitMix(seed: 99)
        func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
        var compared = 0
        for algorithm in BlockCipher.Algorithm.allCases {
            for radix in [10, 36, 62] {
                for tweak in [[UInt8](), Array("fpe:phone".utf8), bytes(21)] {
                    let key = bytes(algorithm == .aes ? 32 : 16)
                    let fast = try FF1(cipher: BlockCipher(algorithm, key: key), radix: radix, tweak: tweak)
                    let reference = try FF1(cipher: BlockCipher(algorithm, key: key, implementation: .openssl), radix: radix, tweak: tweak)
                    var n = fast.minimumLength
                    while fast.halvesFit(n) {
                        let count = [1, 17, 300][n % 3]
                        let xs = (0..<count).map { _ in (0..<n).map { _ in UInt16(rng.next() % UInt64(radix)) } }
                        let out = try batch(fast, xs, decrypting: false)
                        for (x, y) in zip(xs, out) {
                            XCTAssertEqual(y, try reference.encrypt(x), "\(algorithm) radix \(radix) length \(n)")
                            compared += 1
                        }
                        XCTAssertEqual(try batch(fast, out, decrypting: true), xs)
                        n += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 10_000)
    }

    func testIntegerBatchAPI() throws {
        let ff1 = try FF1(cipher: BlockCipher(.aes, key: hexBytes("2B7E151628AED2A6ABF7158809CF4F3C")), radix: 10)
        var values: [UInt64] = [123456789, 0, 9_999_999_999, 123456789]
        try values.withUnsafeMutableBufferPointer { try ff1.encrypt(batch: $0, length: 10) }
        XCTAssertEqual(values[0], 2433477484)
        XCTAssertEqual(values[3], 2433477484)
        XCTAssertEqual(values[1], try ff1.encrypt(0, length: 10))
        XCTAssertEqual(values[2], try ff1.encrypt(9_999_999_999, length: 10))
        try values.withUnsafeMutableBufferPointer { try ff1.encrypt(batch: $0, length: 10, decrypting: true) }
        XCTAssertEqual(values, [123456789, 0, 9_999_999_999, 123456789])
    }

    /// The fpe strategy's batch: mixed lengths (several in one batch, too short, long ones on the
    /// digit-array path), characters outside the alphabet kept in place, a non-ASCII alphabet,
    /// broken UTF-8: outcomes and bytes equal `mask`/`unmask` value by value.
    func testStrategyBatchMatchesValueByValue() throws {
        let keys = KeyRing(key: try MaskKey(secret: FF1BatchTests.secret))
        var rng = SplitMix(seed: 5)
        for (spec, cipher) in [("digits", BlockCipher.Algorithm.sm4), ("alnum", .aes), ("alnum-lower", .sm4), ("甲乙丙丁戊己庚辛壬癸", .sm4)] {
            let strategy = try FPEStrategy(alphabet: try FPEAlphabet(spec), cipher: cipher, domain: "d", keys: keys)
            let chars = Array(FPEAlphabet.presets[spec] ?? spec)
            var values: [[UInt8]] = []
            for k in 0..<700 {
                let n = [11, 11, 11, 18, 3, 7, 40, 130][k % 8]
                var s = ""
                for j in 0..<n {
                    s.append(chars[Int(rng.next() % UInt64(chars.count))])
                    if j == 3 && k % 5 == 0 { s += "-" }
                }
                var v = Array(s.utf8)
                if k % 97 == 0 { v.append(0xFF) }  // a stray byte, kept as it is
                values.append(v)
            }
            for reverse in [false, true] {
                var flat: [UInt8] = [], bounds = [0]
                for v in values { flat += v; bounds.append(flat.count) }
                var out: [UInt8] = [], ends: [Int] = [], outcomes: [MaskOutcome] = []
                flat.withUnsafeBufferPointer { f in
                    bounds.withUnsafeBufferPointer { strategy.maskBatch(f, bounds: $0, reverse: reverse, into: &out, ends: &ends, outcomes: &outcomes) }
                }
                XCTAssertEqual(outcomes.count, values.count)
                var start = 0
                var written = 0
                for (k, v) in values.enumerated() {
                    var one: [UInt8] = []
                    let outcome = v.withUnsafeBufferPointer {
                        reverse ? strategy.unmask($0, .none, into: &one) : strategy.mask($0, .none, into: &one)
                    }
                    XCTAssertEqual(outcomes[k], outcome, "\(spec) value \(k)")
                    XCTAssertEqual(Array(out[start..<ends[k]]), one, "\(spec) value \(k)")
                    if outcome == .written { written += 1 }
                    start = ends[k]
                }
                XCTAssertEqual(written, 700 - 700 / 8, spec)  // only the 3-character values are too short
            }
        }
    }

    // MARK: - maskers

    func engine(_ cipher: BlockCipher.Algorithm, _ direction: MaskDirection, onInvalid: OnInvalid, batches: Bool) throws -> MaskEngine {
        var p = MaskPolicy()
        p.cipher = cipher
        p.fields = [FieldSpec(field: "phone", strategy: "fpe", parameters: ["alphabet": "digits"]),
                    FieldSpec(field: "code", strategy: "fpe", parameters: ["alphabet": "alnum", "domain": "c"]),
                    FieldSpec(field: "name", strategy: "mask", parameters: ["keep_first": "1"])]
        let e = try MaskEngine(policy: p, direction: direction, onInvalid: onInvalid,
                               keys: KeyRing(key: try MaskKey(secret: FF1BatchTests.secret)))
        e.batchesCells = batches
        return e
    }

    /// A CSV of 5,000 records (quoted cells, empty cells, too-short values, a ragged row, blank
    /// lines, CRLF) masked and unmasked with FF1 cells deferred in chunks gives the cell-by-cell
    /// output byte for byte and the same counts, through a sink that flushes every 4 KiB, and
    /// through the parallel masker.
    func testCSVDeferredCellsMatchCellByCell() throws {
        var rng = SplitMix(seed: 11)
        var text = "name,phone,code,other\r\n"
        for i in 0..<5000 {
            let phone = String(format: "1%02d%08d", rng.next() % 100, rng.next() % 100_000_000)
            let code = String(rng.next() % 1_000_000_000, radix: 36)
            switch i % 10 {
            case 0: text += "张\(i),\"\(phone)\",\"\(code),x\",\"a\"\"b\"\r\n"
            case 1: text += "李\(i),,\(code),\r\n"
            case 2: text += "王\(i),12345,ab,\r\n"  // too short for FF1: --on-invalid
            case 3: text += "\r\n"
            case 4: text += "赵\(i),\(phone)\r\n"  // ragged
            case 5: text += "孙\(i),+86 \(phone),\(code)-\(code),\r\n"
            default: text += "周\(i),\(phone),\(code),z\r\n"
            }
        }
        for cipher in BlockCipher.Algorithm.allCases {
            for onInvalid in [OnInvalid.redact, .leave] {
                var masked = ""
                for direction in [MaskDirection.mask, .unmask] {
                    let input = direction == .mask ? text : masked
                    let serialEngine = try engine(cipher, direction, onInvalid: onInvalid, batches: false)
                    let serial = CSVMasker(engine: serialEngine, options: CSVMasker.Options())
                    let expected = ByteSink()
                    try serial.run(MemorySource(input), to: expected, input: "t")

                    let deferredEngine = try engine(cipher, direction, onInvalid: onInvalid, batches: true)
                    let deferred = CSVMasker(engine: deferredEngine, options: CSVMasker.Options())
                    var flushed: [UInt8] = []
                    let sink = ByteSink(flushAt: 4096) { flushed += $0 }
                    try deferred.run(MemorySource(input, chunk: 1000), to: sink, input: "t")
                    XCTAssertEqual(String(decoding: flushed, as: UTF8.self), expected.text, "\(cipher) \(onInvalid) \(direction)")
                    XCTAssertEqual(deferredEngine.rules.map(\.masked), serialEngine.rules.map(\.masked))
                    XCTAssertEqual(deferredEngine.rules.map(\.invalid), serialEngine.rules.map(\.invalid))
                    XCTAssertEqual(deferred.counts.malformed, serial.counts.malformed)
                    XCTAssertGreaterThan(serialEngine.rules[0].masked, 2000)
                    XCTAssertEqual(serialEngine.batchedValues, 0)
                    XCTAssertEqual(deferredEngine.batchedValues, deferredEngine.rules[0...1].reduce(0) { $0 + $1.masked + $1.invalid })

                    let parallelEngine = try engine(cipher, direction, onInvalid: onInvalid, batches: true)
                    let parallel = ParallelCSV(engine: parallelEngine, options: CSVMasker.Options(), jobs: 2)
                    parallel.batchSize = 20_000
                    let p = ByteSink()
                    try parallel.run(MemorySource(input), to: p, input: "t")
                    XCTAssertEqual(p.text, expected.text, "parallel \(cipher) \(onInvalid) \(direction)")
                    XCTAssertEqual(parallelEngine.rules.map(\.masked), serialEngine.rules.map(\.masked))
                    if direction == .mask { masked = expected.text }
                }
            }
        }
    }

    /// JSON Lines and a JSON document: FF1 strings and numbers (a number stays a number when it
    /// still is one), escaped strings, nested paths, broken lines — deferred equals cell by cell.
    func testJSONDeferredCellsMatchCellByCell() throws {
        var rng = SplitMix(seed: 12)
        var lines = ""
        for i in 0..<3000 {
            let phone = String(format: "1%02d%08d", rng.next() % 100, rng.next() % 100_000_000)
            switch i % 6 {
            case 0: lines += "{\"name\":\"张\(i)\",\"phone\":\(phone),\"x\":{\"code\":\"\(i)abc\\u0041\(i)\"}}\n"
            case 1: lines += "{\"phone\":\"\(phone)\",\"code\":\"short\"}\r\n"
            case 2: lines += "{\"phone\": \"12\"}\n"
            case 3: lines += "{\"phone\": [\"\(phone)\", 1\(phone)]\n"  // broken
            case 4: lines += "\n"
            default: lines += "{\"a\":1,\"phone\":\"+86-\(phone)\",\"code\":\"\\\"q\\\"\(phone)\"}\n"
            }
        }
        for cipher in BlockCipher.Algorithm.allCases {
            var masked = ""
            for direction in [MaskDirection.mask, .unmask] {
                let input = direction == .mask ? lines : masked
                let serialEngine = try engine(cipher, direction, onInvalid: .redact, batches: false)
                let expected = ByteSink()
                try JSONMasker(engine: serialEngine).runLines(MemorySource(input), to: expected)
                let deferredEngine = try engine(cipher, direction, onInvalid: .redact, batches: true)
                var flushed: [UInt8] = []
                let sink = ByteSink(flushAt: 2048) { flushed += $0 }
                try JSONMasker(engine: deferredEngine).runLines(MemorySource(input, chunk: 999), to: sink)
                XCTAssertEqual(String(decoding: flushed, as: UTF8.self), expected.text, "\(cipher) \(direction)")
                XCTAssertEqual(deferredEngine.rules.map(\.masked), serialEngine.rules.map(\.masked))
                XCTAssertEqual(deferredEngine.rules.map(\.invalid), serialEngine.rules.map(\.invalid))
                XCTAssertGreaterThan(serialEngine.rules[0].masked, 1000)
                XCTAssertEqual(serialEngine.batchedValues, 0)
                XCTAssertEqual(deferredEngine.batchedValues, deferredEngine.rules[0...1].reduce(0) { $0 + $1.masked + $1.invalid })
                if direction == .mask { masked = expected.text }
            }
            // A document: the deferred cells resolve at its end.
            let document = Array(("[" + (0..<500).map { "{\"phone\":\"1380000\(String(format: "%04d", $0))\",\"code\":\"k\($0)zz\"}" }
                .joined(separator: ",") + "]").utf8)
            let a = ByteSink(), b = ByteSink()
            try JSONMasker(engine: try engine(cipher, .mask, onInvalid: .redact, batches: false)).runDocument(document, to: a)
            try JSONMasker(engine: try engine(cipher, .mask, onInvalid: .redact, batches: true)).runDocument(document, to: b)
            XCTAssertEqual(b.text, a.text)
            XCTAssertNotEqual(b.buffer, document)
        }
    }
}
