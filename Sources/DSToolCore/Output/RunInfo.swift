import DSToolKit
import FoundationEssentials
import Glibc

/// A top-level input of a run, with its digests when they were taken (--case, --hash-inputs).
public struct RunTarget: Codable, Sendable {
    public var input: String
    public var size: Int64?
    public var sha256: String?
    public var sm3: String?
    public init(input: String, size: Int64? = nil, sha256: String? = nil, sm3: String? = nil) {
        self.input = input; self.size = size; self.sha256 = sha256; self.sm3 = sm3
    }
}

/// The run record of result.schema.json.
public struct RunInfo: Codable, Sendable {
    public var tool = "dstool"
    public var toolVersion: String
    public var plugin: PluginRef?
    public var command: String
    public var commandLine: [String]
    public var `operator`: String
    public var host: String
    public var started: String
    public var ended: String?
    public var targets: [RunTarget]
    public var exitCode: Int32?
    public var counts: RunCounts?
    /// Where the run is recorded in a case file (reports only; never part of the hashed record).
    public var caseRecord: CaseRef?

    public struct PluginRef: Codable, Sendable {
        public var id: String
        public var version: String
        public var sha256: String?
        public init(id: String, version: String, sha256: String?) { self.id = id; self.version = version; self.sha256 = sha256 }
    }

    enum CodingKeys: String, CodingKey {
        case tool, plugin, command, host, started, ended, targets, counts
        case toolVersion = "tool_version"
        case commandLine = "command_line"
        case `operator`
        case exitCode = "exit_code"
        case caseRecord = "case"
    }

    /// A run's place in a case file's hash chain.
    public struct CaseRef: Codable, Sendable, Equatable {
        public var file: String
        public var run: Int64
        public var sha256: String
        public var sm3: String
        public init(file: String, run: Int64, sha256: String, sm3: String) {
            self.file = file; self.run = run; self.sha256 = sha256; self.sm3 = sm3
        }
    }

    public init(toolVersion: String, plugin: PluginRef?, command: String, commandLine: [String], operator: String,
                host: String, started: Date, targets: [RunTarget]) {
        self.toolVersion = toolVersion; self.plugin = plugin; self.command = command; self.commandLine = commandLine
        self.operator = `operator`; self.host = host; self.started = Timestamp.iso(started); self.targets = targets
    }
}

public enum Timestamp {
    /// UTC with milliseconds, "2026-11-21T17:48:32.123Z": what ISO8601DateFormatter writes with
    /// [.withInternetDateTime, .withFractionalSeconds] (the instant rounded to the nearest
    /// millisecond, as CoreFoundation hands it to ICU), without creating one — opening ICU's
    /// formatter was ~3 ms of every run's start-up.
    public static func iso(_ date: Date) -> String {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000 + 0.5).rounded(.down))
        let millis = Int(((totalMillis % 1000) + 1000) % 1000)
        return UTCTimestamp.string(seconds: (totalMillis - Int64(millis)) / 1000, millis: millis)
    }
}

/// The closing record of jsonl output and the tail of every report.
public struct SummaryRecord: Codable, Sendable {
    public var type = "summary"
    public var run: RunInfo
    public init(run: RunInfo) { self.run = run }
}
