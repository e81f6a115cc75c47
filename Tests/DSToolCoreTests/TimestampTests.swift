import DSToolCore
import Foundation
import XCTest

/// Timestamp.iso replaced ISO8601DateFormatter; run records and case files must not change.
final class TimestampTests: XCTestCase {
    func formatterText(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }

    func testKnownInstants() {
        XCTAssertEqual(Timestamp.iso(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(Timestamp.iso(Date(timeIntervalSince1970: 1_795_283_312.123_9)), "2026-11-21T17:48:32.124Z")  // rounded, as the formatter does
        XCTAssertEqual(Timestamp.iso(Date(timeIntervalSince1970: 951_782_400)), "2000-02-29T00:00:00.000Z")
        XCTAssertEqual(Timestamp.iso(Date(timeIntervalSince1970: -0.001)), "1969-12-31T23:59:59.999Z")
    }

    /// The same text as ISO8601DateFormatter for random instants and for fractions at the edge
    /// of a millisecond, where truncation and rounding differ.
    func testAgreesWithISO8601DateFormatter() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 11 }
        var instants: [Double] = [0, 1, 59.9999, 86_399.9995, 1_700_000_000.0005, 1_700_000_000.9995, 4_102_444_799.999]
        for _ in 0..<5_000 {
            let seconds = Double(next() % 4_102_444_800)           // 1970 ... 2099
            let fraction = Double(next() % 1_000_000) / 1_000_000
            instants.append(seconds + fraction)
            instants.append(seconds + Double(next() % 1000) / 1000 + 0.000_5)
        }
        for t in instants {
            let date = Date(timeIntervalSince1970: t)
            XCTAssertEqual(Timestamp.iso(date), formatterText(date), "instant \(t)")
        }
    }
}
