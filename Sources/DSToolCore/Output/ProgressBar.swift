import DSToolKit
import FoundationEssentials
import Glibc

/// A one-line progress bar on stderr (the Runner draws it only when stderr is a terminal).
/// Anything else printed to the terminal first clears it (see ProgressClearingSink), so report
/// lines and error lines never land after a half-drawn bar.
public final class ProgressBar: @unchecked Sendable {
    private var last = Date.distantPast
    private var drawn = false
    private let lock = MutexLock()
    let write: (String) -> Void

    public init(write: @escaping (String) -> Void = { ReportStream.flushAll(); StandardError.write($0) }) { self.write = write }

    public func update(done: UInt64, total: UInt64, label: String, now: Date = Date()) {
        lock.lock(); defer { lock.unlock() }
        guard now.timeIntervalSince(last) > 0.1 else { return }
        last = now
        write("\r\u{1B}[K" + Self.line(done: done, total: total, label: label))
        drawn = true
    }

    /// The bar's text: `[#####-----] 50% label` with a known total, else the count done.
    static func line(done: UInt64, total: UInt64, label: String) -> String {
        var line: String
        if total > 0 {
            let frac = min(Double(done) / Double(total), 1)
            let width = 30
            let filled = Int(frac * Double(width))
            line = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] \(Int(frac * 100))%"
        } else {
            line = "\(done)"
        }
        let clean = TextCell.sanitize(label)
        return line + " " + (clean.count > 40 ? "…" + clean.suffix(39) : clean)
    }

    public func clear() {
        lock.lock(); defer { lock.unlock() }
        guard drawn else { return }
        write("\r\u{1B}[K")
        drawn = false
    }
}

/// Clears the progress bar before another sink prints on the terminal: every record when the
/// report goes to the terminal, else only the error lines (ErrorLinePrinter's).
final class ProgressClearingSink: RecordSink {
    let bar: ProgressBar
    let reportOnTerminal: Bool
    init(bar: ProgressBar, reportOnTerminal: Bool) { self.bar = bar; self.reportOnTerminal = reportOnTerminal }
    var needsDecodedRecords: Bool { false }  // errors and input-limit findings come decoded
    func record(_ record: AcceptedRecord) {
        switch record.decoded {
        case .error: bar.clear()
        case .finding(let f) where f.ruleId.hasPrefix("input.limit."): bar.clear()
        default: if reportOnTerminal { bar.clear() }
        }
    }
}
