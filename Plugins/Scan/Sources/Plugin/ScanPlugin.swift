import DSToolKit
import FoundationEssentials
import Glibc

/// `dstool scan`: secrets and personal data in every input the host hands over.
public enum ScanPlugin: DSToolPlugin {
    public static var manifestJSON: String { embeddedManifestJSON }

    public static func run(_ context: PluginContext) throws -> PluginStatus {
        _ = Allocator.keepLargeBlocks()
        let options = try ScanOptions(context.request)
        let engine: ScanEngine
        do { engine = try ScanEngine(options: options) } catch let e as RuleError {
            throw DSToolError.usage("\(e)")
        }
        return try engine.run(context)
    }
}

/// The command's options, checked.
public struct ScanOptions: Sendable {
    public var showSecrets = false
    public var minimumConfidence = 0.5
    public var only: Set<String> = []
    public var skip: Set<String> = []
    public var jobs = 1
    public var lang = "en"
    public var perValue = false
    public var baselinePath: String?
    public var writeBaselinePath: String?
    public var rulesFiles: [String] = []
    public var levelThresholds = DataLevelEstimator()
    /// Window and overlap sizes (bounded memory per thread; overlap > the widest match).
    public var windowSize = 1 << 20
    public var overlapSize = 8 << 10

    public init() {}

    public init(_ request: PluginRequest) throws {
        showSecrets = request.flag("show-secrets")
        perValue = request.flag("per-value")
        if let s = request.value("min-confidence") {
            guard let v = Double(s), v >= 0, v <= 1 else { throw DSToolError.usage("--min-confidence: '\(s)' is not a number from 0 to 1") }
            minimumConfidence = v
        }
        func list(_ name: String) -> Set<String> {
            Set(request.values(name).flatMap { $0.split(separator: ",").map { $0.trimmingWhitespaces() } }.filter { !$0.isEmpty })
        }
        only = list("only")
        skip = list("skip")
        jobs = max(1, request.jobs)
        lang = request.lang
        func path(_ p: String) -> String { p.hasPrefix("/") ? p : FilePaths.appending(to: request.cwd, p) }
        baselinePath = request.value("baseline").map(path)
        writeBaselinePath = request.value("write-baseline")
        rulesFiles = request.values("rules").map(path)
        if let f = request.value("level-config") { levelThresholds = try DataLevelEstimator.load(path: path(f)) }
    }

    /// Whether a rule (by id and categories) is selected by --only/--skip.
    public func selects(ruleId: String, categories: [String]) -> Bool {
        let short = ruleId.split(separator: ".", maxSplits: 1).last.map(String.init) ?? ruleId
        let names = [ruleId, short] + categories
        if !only.isEmpty && !names.contains(where: only.contains) { return false }
        return !names.contains(where: skip.contains)
    }
}

/// The C allocator's handling of large blocks, for a scan run.
enum Allocator {
    /// glibc's malloc gives each block of 128 KiB or more its own mapping and unmaps it when it
    /// is freed, so the next one (a window, a table's cell batch) is new pages again: a trap per
    /// page and the kernel zeroing it, about 6,500 page faults in a run over the 256 MiB
    /// benchmark tree. Blocks up to 32 MiB come from the heap instead, and freed memory stays
    /// there for the next block rather than going back to the kernel: the same megabytes are
    /// used again (peak memory is what the run holds at once, as before). Process-wide, for the
    /// rest of the run. True when the C library took both settings.
    static func keepLargeBlocks() -> Bool {
        // mallopt is not in Swift's Glibc module; it is looked up in the process's libc.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let process = dlopen(nil, RTLD_NOW) else { return false }
        defer { dlclose(process) }
        guard let symbol = dlsym(process, "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3   // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD (malloc.h)
        return mallopt(trimThreshold, 256 << 20) == 1 && mallopt(mmapThreshold, 32 << 20) == 1
    }
}
