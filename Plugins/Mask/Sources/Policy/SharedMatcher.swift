import DSToolScan
import Foundation

/// Compiling the PII patterns takes a moment: one compiled matcher per set of kinds, shared;
/// each user makes its own scanner (scratch space) from it.
enum SharedMatcher {
    nonisolated(unsafe) private static var cache: [[String]: PIIMatcher] = [:]
    private static let lock = NSLock()

    static func scanner(kinds: Set<PIIKind> = Set(PIIKind.allCases)) throws -> PIIScanner {
        let key = kinds.map(\.rawValue).sorted()
        lock.lock()
        defer { lock.unlock() }
        if let m = cache[key] { return try m.makeScanner() }
        let m = try PIIMatcher(kinds: kinds)
        cache[key] = m
        return try m.makeScanner()
    }
}
