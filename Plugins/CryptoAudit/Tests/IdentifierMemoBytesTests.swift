import XCTest
@testable import DSToolCryptoAudit

/// The per-scanner memo of identifier facts compares a slot's bytes with the identifier's eight
/// bytes at a time (`sameBytes`): equal only when every byte is.
final class IdentifierMemoBytesTests: XCTestCase {
    func testSameBytesFindsADifferenceAtEveryPosition() {
        for len in 0...40 {
            let a = (0..<len).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            a.withUnsafeBufferPointer { pa in
                XCTAssertTrue(IdentifierMemo<Bool>.sameBytes(pa.baseAddress ?? UnsafePointer(bitPattern: 8)!, pa.baseAddress ?? UnsafePointer(bitPattern: 8)!, len))
            }
            for k in 0..<len {
                var b = a
                b[k] ^= 0x80
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        XCTAssertFalse(IdentifierMemo<Bool>.sameBytes(pa.baseAddress!, pb.baseAddress!, len), "length \(len), byte \(k)")
                        // Only the first `len` bytes count: a difference beyond them is not seen.
                        if k > 0 { XCTAssertTrue(IdentifierMemo<Bool>.sameBytes(pa.baseAddress!, pb.baseAddress!, k)) }
                    }
                }
            }
        }
    }

    func testMemoAnswersByBytesNotByHash() {
        // Two names in the same slot (same hash given on purpose) and names of every length up to
        // and past the longest remembered: each look-up gives its own name's value.
        var calls = 0
        let memo = IdentifierMemo<Int> { q, len in calls += 1; return len * 1000 + Int(q[0]) }
        let names = ["key", "kez", "keys", String(repeating: "k", count: 31), String(repeating: "k", count: 32), String(repeating: "k", count: 33), String(repeating: "k", count: 40)]
        for _ in 0..<2 {
            for name in names {
                let bytes = Array(name.utf8)
                let v = bytes.withUnsafeBufferPointer { memo.value($0.baseAddress!, $0.count, hash: 7) }
                XCTAssertEqual(v, bytes.count * 1000 + Int(bytes[0]), name)
            }
        }
        XCTAssertGreaterThan(calls, names.count)
    }
}
