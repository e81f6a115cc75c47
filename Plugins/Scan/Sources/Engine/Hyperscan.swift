import CDSToolHyperscan
import DSToolKit
import FoundationEssentials
import Glibc

/// A Hyperscan compile or runtime failure, with the pattern it concerns.
public struct HyperscanError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var expressionIndex: Int?
    public var description: String {
        if let i = expressionIndex { return "pattern \(i): \(message)" }
        return message
    }
}

/// One expression for a multi-pattern database.
public struct HSExpression: Sendable {
    public var expression: String
    public var flags: UInt32
    public var id: UInt32
    public init(_ expression: String, flags: UInt32, id: UInt32) {
        self.expression = expression; self.flags = flags; self.id = id
    }
}

/// A compiled, immutable Hyperscan block-mode database. Thread-safe; each thread scans with
/// its own scratch (`makeScratch`).
public final class HSDatabase: @unchecked Sendable {
    let db: OpaquePointer
    private let prototype: OpaquePointer

    /// Compiles, or loads the same database compiled earlier from the cache folder (compiling
    /// ~200 patterns takes seconds; loading takes milliseconds). The cache key covers every
    /// expression, flag and id, the Hyperscan version and the CPU features it was built for; a
    /// cached file is used only after `CacheFile`'s owner, mode and digest checks.
    public static func cached(_ expressions: [HSExpression], cacheDirectory: String? = CacheFile.defaultFolder) throws -> HSDatabase {
        guard let dir = cacheDirectory else { return try HSDatabase(expressions) }
        var platform = hs_platform_info_t()
        _ = hs_populate_platform(&platform)
        var text = "hyperscan \(String(cString: hs_version())) tune \(platform.tune) cpu \(platform.cpu_features)\n"
        for e in expressions { text += "\(e.id) \(e.flags) \(e.expression)\n" }
        let key = Array(text.utf8)
        let file = FilePaths.appending(to: dir, "scan-db-" + Digest.sha256Hex(key).prefix(32) + ".dscache")
        if let bytes = CacheFile.read(file, key: key, directory: dir) {
            var db: OpaquePointer?
            let rc = bytes.withUnsafeBytes { hs_deserialize_database($0.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count, &db) }
            if rc == HS_SUCCESS, let db, let loaded = try? HSDatabase(adopting: db) { return loaded }
        }
        let compiled = try HSDatabase(expressions)
        compiled.save(to: file, key: key, directory: dir)
        return compiled
    }

    /// Best effort: a cache that cannot be written only costs the next run a compile.
    private func save(to file: String, key: [UInt8], directory: String) {
        var bytes: UnsafeMutablePointer<CChar>?
        var length = 0
        guard hs_serialize_database(db, &bytes, &length) == HS_SUCCESS, let bytes else { return }
        defer { free(bytes) }
        let payload = Array(UnsafeRawBufferPointer(start: bytes, count: length))
        CacheFile.write(payload, key: key, to: file, directory: directory)
    }

    private init(adopting db: OpaquePointer) throws {
        var scratch: OpaquePointer?
        guard hs_alloc_scratch(db, &scratch) == HS_SUCCESS, let scratch else {
            hs_free_database(db)
            throw HyperscanError(message: "cannot allocate Hyperscan scratch space", expressionIndex: nil)
        }
        self.db = db
        prototype = scratch
    }

    public init(_ expressions: [HSExpression]) throws {
        var db: OpaquePointer?
        var err: UnsafeMutablePointer<hs_compile_error_t>?
        let cStrings = expressions.map { strdup($0.expression)! }
        defer { cStrings.forEach { free($0) } }
        let ptrs: [UnsafePointer<CChar>?] = cStrings.map { UnsafePointer($0) }
        let flags = expressions.map(\.flags)
        let ids = expressions.map(\.id)
        let rc = ptrs.withUnsafeBufferPointer { p in
            flags.withUnsafeBufferPointer { f in
                ids.withUnsafeBufferPointer { i in
                    hs_compile_multi(p.baseAddress, f.baseAddress, i.baseAddress, UInt32(expressions.count),
                                     UInt32(HS_MODE_BLOCK), nil, &db, &err)
                }
            }
        }
        if rc != HS_SUCCESS {
            let message = err.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "compile failed (\(rc))"
            let index = err.map { Int($0.pointee.expression) }
            if let err { hs_free_compile_error(err) }
            throw HyperscanError(message: message, expressionIndex: index.flatMap { $0 >= 0 ? $0 : nil })
        }
        self.db = db!
        var scratch: OpaquePointer?
        guard hs_alloc_scratch(db, &scratch) == HS_SUCCESS, let scratch else {
            hs_free_database(db)
            throw HyperscanError(message: "cannot allocate Hyperscan scratch space", expressionIndex: nil)
        }
        prototype = scratch
    }

    deinit {
        hs_free_scratch(prototype)
        hs_free_database(db)
    }

    /// Scratch space for one thread.
    public func makeScratch() throws -> HSScratch {
        var s: OpaquePointer?
        guard hs_clone_scratch(prototype, &s) == HS_SUCCESS, let s else {
            throw HyperscanError(message: "cannot allocate Hyperscan scratch space", expressionIndex: nil)
        }
        return HSScratch(s)
    }

    /// Scans `data`; `handler(id, from, to)` is called for each match in order of `to`.
    /// `context` is passed through to the C callback untouched.
    @inline(__always)
    func scan(_ data: UnsafeRawBufferPointer, scratch: HSScratch, context: UnsafeMutableRawPointer,
              handler: match_event_handler) throws {
        guard data.count > 0 else { return }
        let rc = hs_scan(db, data.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(data.count), 0,
                         scratch.pointer, handler, context)
        if rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED {
            throw HyperscanError(message: "scan failed (\(rc))", expressionIndex: nil)
        }
    }

    /// Widths of many expressions (flags 0), kept in the cache folder next to the databases:
    /// asking Hyperscan parses each expression, which for ~200 rules cost a third of a small
    /// scan's start-up. The key covers every expression and the Hyperscan version. The closure
    /// is called with the index of an expression that does not parse (and rethrows).
    public static func cachedWidths(_ expressions: [String], cacheDirectory: String? = CacheFile.defaultFolder,
                                    failure: (Int, Error) throws -> Void) throws -> [(min: Int, max: Int?)] {
        if expressions.isEmpty { return [] }
        var key = "hyperscan \(String(cString: hs_version())) widths\n"
        for e in expressions { key += "\(e.utf8.count) \(e)\n" }
        let keyBytes = Array(key.utf8)
        let file = cacheDirectory.map { FilePaths.appending(to: $0, "scan-widths-" + Digest.sha256Hex(keyBytes).prefix(32) + ".dscache") }
        if let file, let dir = cacheDirectory, let data = CacheFile.read(file, key: keyBytes, directory: dir) {
            // One "min max" line per expression, max -1 when unbounded.
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
            let parsed: [(min: Int, max: Int?)] = lines.compactMap { line in
                let f = line.split(separator: " ")
                guard f.count == 2, let mn = Int(f[0]), let mx = Int(f[1]) else { return nil }
                return (mn, mx < 0 ? nil : mx)
            }
            if parsed.count == expressions.count && lines.count == expressions.count { return parsed }
        }
        var widths: [(min: Int, max: Int?)] = []
        widths.reserveCapacity(expressions.count)
        for (i, e) in expressions.enumerated() {
            do { widths.append(try Self.widths(e, flags: 0)) } catch {
                try failure(i, error)
                throw error
            }
        }
        if let file, let dir = cacheDirectory {
            let text = widths.map { "\($0.min) \($0.max ?? -1)\n" }.joined()
            CacheFile.write(Array(text.utf8), key: keyBytes, to: file, directory: dir)
        }
        return widths
    }

    /// Minimum and maximum match width of an expression (max nil when unbounded).
    public static func widths(_ expression: String, flags: UInt32) throws -> (min: Int, max: Int?) {
        var info: UnsafeMutablePointer<hs_expr_info_t>?
        var err: UnsafeMutablePointer<hs_compile_error_t>?
        let rc = hs_expression_info(expression, flags, &info, &err)
        if rc != HS_SUCCESS {
            let message = err.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "invalid expression"
            if let err { hs_free_compile_error(err) }
            throw HyperscanError(message: message, expressionIndex: nil)
        }
        defer { free(info) }
        let mn = Int(info!.pointee.min_width)
        let mx = info!.pointee.max_width == UInt32.max ? nil : Int(info!.pointee.max_width)
        return (mn, mx)
    }
}

/// Per-thread Hyperscan scratch space.
public final class HSScratch: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ p: OpaquePointer) { pointer = p }
    deinit { hs_free_scratch(pointer) }
}

/// Hyperscan flag values, spelled for Swift.
public enum HSFlag {
    public static let caseless = UInt32(HS_FLAG_CASELESS)
    public static let dotall = UInt32(HS_FLAG_DOTALL)
    public static let multiline = UInt32(HS_FLAG_MULTILINE)
    public static let utf8 = UInt32(HS_FLAG_UTF8)
    public static let somLeftmost = UInt32(HS_FLAG_SOM_LEFTMOST)
    public static let singleMatch = UInt32(HS_FLAG_SINGLEMATCH)
}
