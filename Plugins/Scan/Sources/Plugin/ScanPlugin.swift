import DSToolKit
import Foundation

/// `dstool scan`: secrets and personal data in every input the host hands over.
public enum ScanPlugin: DSToolPlugin {
    public static var manifestJSON: String { embeddedManifestJSON }

    public static func run(_ context: PluginContext) throws -> PluginStatus {
        let options = try ScanOptions(context.request)
        let engine = try ScanEngine(options: options)
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

    public init() {}

    public init(_ request: PluginRequest) throws {
        showSecrets = request.flag("show-secrets")
        if let s = request.value("min-confidence") {
            guard let v = Double(s), v >= 0, v <= 1 else { throw DSToolError.usage("--min-confidence: '\(s)' is not a number from 0 to 1") }
            minimumConfidence = v
        }
        only = Set(request.values("only").flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty })
        skip = Set(request.values("skip").flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty })
        jobs = max(1, request.jobs)
        lang = request.lang
    }

    /// Whether a rule (by id and categories) is selected by --only/--skip.
    public func selects(ruleId: String, categories: [String]) -> Bool {
        let names = [ruleId] + categories
        if !only.isEmpty && !names.contains(where: only.contains) { return false }
        return !names.contains(where: skip.contains)
    }
}
