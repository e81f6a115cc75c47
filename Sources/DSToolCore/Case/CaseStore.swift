import DSToolKit
import Foundation

// The case file (SQLite) is being written; until then --case reports that it is unavailable.
public final class CaseStore: RunRecorder {
    public static func open(path: String) throws -> CaseStore { throw DSToolError.failed("case files are not implemented yet") }
    public func begin(run: RunInfo) throws {}
    public func finish(run: RunInfo) throws {}
    public func abandon() {}
    public func record(_ record: Record, raw: Data) {}
}

public enum CaseCommand {
    public static func run(_ inv: Invocation, out: ReportStream, err: ReportStream, lang: String) -> Int32 {
        err.write("dstool: case: not implemented yet\n")
        return ExitCode.usage
    }
}

public enum Completion {
    public static func script(shell: String, catalog: PluginCatalog) -> String? { nil }
}
