import CDSToolHyperscan
import DSToolKit
import Foundation

/// One pattern for a Hyperscan database.
public struct HSPattern: Sendable {
    public var expression: String
    public var id: UInt32
    public var flags: UInt32
    public init(_ expression: String, id: UInt32, flags: UInt32) {
        self.expression = expression; self.id = id; self.flags = flags
    }
    /// Caseless, dot matches newline, one report per scan (all we need: "did it match").
    public static let defaultFlags = UInt32(HS_FLAG_CASELESS | HS_FLAG_DOTALL | HS_FLAG_SINGLEMATCH)
    public static let caseSensitiveFlags = UInt32(HS_FLAG_DOTALL | HS_FLAG_SINGLEMATCH)
    public static let caseless = UInt32(HS_FLAG_CASELESS)
    public static let multiline = UInt32(HS_FLAG_MULTILINE)
    public static let dotall = UInt32(HS_FLAG_DOTALL)
    public static let singleMatch = UInt32(HS_FLAG_SINGLEMATCH)
    public static let allowEmpty = UInt32(HS_FLAG_ALLOWEMPTY)
}

public struct HSCompileError: Error, CustomStringConvertible {
    /// Index of the offending pattern in the list (nil when the error is not about one pattern).
    public let index: Int?
    public let message: String
    public var description: String { index.map { "pattern \($0): \(message)" } ?? message }
}

/// A compiled block-mode Hyperscan database.
public final class HSDatabase {
    let db: OpaquePointer
    public let patternCount: Int

    /// Compiles the patterns, or loads the same database from the compile cache (see `HSCache`).
    public init(_ patterns: [HSPattern], cache: Bool = true) throws {
        precondition(!patterns.isEmpty)
        let key = cache ? HSCache.key(patterns) : []
        if cache, let cached = HSCache.load(key) {
            db = cached
            patternCount = patterns.count
            return
        }
        var cStrings = patterns.map { strdup($0.expression) }
        defer { for p in cStrings { free(p) } }
        var flags = patterns.map(\.flags)
        var ids = patterns.map(\.id)
        var database: OpaquePointer?
        var err: UnsafeMutablePointer<hs_compile_error_t>?
        let rc = cStrings.withUnsafeMutableBufferPointer { cs -> hs_error_t in
            cs.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: cs.count) { exprs in
                hs_compile_multi(exprs, &flags, &ids, UInt32(patterns.count), UInt32(HS_MODE_BLOCK), nil, &database, &err)
            }
        }
        if rc != HS_SUCCESS || database == nil {
            let msg = err.map { String(cString: $0.pointee.message) } ?? "hs_compile_multi failed (\(rc))"
            let idx = err.map { Int($0.pointee.expression) }
            if let err { hs_free_compile_error(err) }
            throw HSCompileError(index: (idx ?? -1) >= 0 ? idx : nil, message: msg)
        }
        db = database!
        patternCount = patterns.count
        if cache { HSCache.store(key, db) }
    }

    /// Compiles, dropping patterns Hyperscan rejects (each one reported with its message).
    public static func compileDroppingBad(_ patterns: [HSPattern]) -> (HSDatabase?, [(HSPattern, String)]) {
        var list = patterns
        var rejected: [(HSPattern, String)] = []
        while !list.isEmpty {
            do { return (try HSDatabase(list, cache: rejected.isEmpty), rejected) }
            catch let e as HSCompileError {
                guard let i = e.index, i < list.count else { return (nil, rejected + list.map { ($0, e.message) }) }
                rejected.append((list[i], e.message))
                list.remove(at: i)
            } catch { return (nil, rejected) }
        }
        return (nil, rejected)
    }

    /// Whether Hyperscan accepts one expression (for rule validation messages).
    public static func check(_ expression: String, flags: UInt32) -> String? {
        do { _ = try HSDatabase([HSPattern(expression, id: 0, flags: flags)], cache: false); return nil }
        catch { return (error as? HSCompileError)?.message ?? "\(error)" }
    }

    deinit { hs_free_database(db) }
}

/// Scratch space for scanning (one per thread); grows to fit every database it is used with.
public final class HSScratch {
    @exclusivity(unchecked) var scratch: OpaquePointer?
    public init() {}
    public func prepare(for db: HSDatabase) {
        let rc = hs_alloc_scratch(db.db, &scratch)
        precondition(rc == HS_SUCCESS, "hs_alloc_scratch failed: \(rc)")
    }
    deinit { if let scratch { hs_free_scratch(scratch) } }
}

/// Which pattern ids matched in the current event, without clearing anything between events:
/// an id is set when its stamp equals the current serial.
public final class MatchSet {
    public let capacity: Int
    let stamps: UnsafeMutablePointer<UInt32>
    @exclusivity(unchecked) public private(set) var serial: UInt32 = 1
    /// Ids that matched, in order of first match.
    public let hits: UnsafeMutablePointer<UInt32>
    @exclusivity(unchecked) public var hitCount = 0

    public init(capacity: Int) {
        self.capacity = max(capacity, 1)
        stamps = .allocate(capacity: self.capacity)
        stamps.initialize(repeating: 0, count: self.capacity)
        hits = .allocate(capacity: self.capacity)
    }
    deinit { stamps.deallocate(); hits.deallocate() }

    /// Starts a new event (forgets every match).
    @inline(__always) public func begin() {
        serial &+= 1
        if serial == 0 { stamps.update(repeating: 0, count: capacity); serial = 1 }
        hitCount = 0
    }
    @inline(__always) public func set(_ id: UInt32) {
        let i = Int(id)
        if stamps[i] != serial { stamps[i] = serial; hits[hitCount] = id; hitCount += 1 }
    }
    @inline(__always) public func isSet(_ id: Int) -> Bool { stamps[id] == serial }
}

extension HSDatabase {
    /// Scans `data`, recording matched ids in `matches`.
    @inline(__always) public func scan(_ data: UnsafePointer<UInt8>, _ count: Int, scratch: HSScratch, into matches: MatchSet) {
        if count == 0 { return }
        let ctx = Unmanaged.passUnretained(matches).toOpaque()
        data.withMemoryRebound(to: CChar.self, capacity: count) { p in
            _ = hs_scan(db, p, UInt32(min(count, Int(UInt32.max))), 0, scratch.scratch, { id, _, _, _, ctx in
                Unmanaged<MatchSet>.fromOpaque(ctx!).takeUnretainedValue().set(id)
                return 0
            }, ctx)
        }
    }
}

/// Compiling the detectors' databases takes seconds; loading a serialized copy takes
/// milliseconds. Compiled databases are kept in the cache folder (`CacheFile.defaultFolder`:
/// `$DSTOOL_CACHE_DIR`, else `$XDG_CACHE_HOME/dstool` or `~/.cache/dstool`), under
/// `hyperscan/<SHA-256 of the Hyperscan version and the patterns>.dscache`, and used only after
/// `CacheFile`'s owner, mode and digest checks; one that does not load (another CPU, another
/// version) is recompiled.
public enum HSCache {
    static var directory: String? { CacheFile.defaultFolder.map { $0 + "/hyperscan" } }

    static func key(_ patterns: [HSPattern]) -> [UInt8] {
        var text = "hyperscan " + String(cString: hs_version()) + "\n"
        for p in patterns { text += "\(p.id) \(p.flags) \(p.expression)\n" }
        return Array(text.utf8)
    }

    static func path(_ key: [UInt8], in directory: String) -> String { directory + "/" + Digest.sha256Hex(key) + ".dscache" }

    static func load(_ key: [UInt8]) -> OpaquePointer? {
        guard let dir = directory, let bytes = CacheFile.read(path(key, in: dir), key: key, directory: dir) else { return nil }
        var db: OpaquePointer?
        let rc = bytes.withUnsafeBytes { b in hs_deserialize_database(b.baseAddress!.assumingMemoryBound(to: CChar.self), b.count, &db) }
        return rc == HS_SUCCESS ? db : nil
    }

    static func store(_ key: [UInt8], _ db: OpaquePointer) {
        guard let dir = directory else { return }
        var bytes: UnsafeMutablePointer<CChar>?
        var length = 0
        guard hs_serialize_database(db, &bytes, &length) == HS_SUCCESS, let bytes else { return }
        defer { free(bytes) }
        CacheFile.write(Array(UnsafeRawBufferPointer(start: bytes, count: length)), key: key, to: path(key, in: dir), directory: dir)
    }
}
