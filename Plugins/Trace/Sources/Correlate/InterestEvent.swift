import DSToolKit
import Foundation

/// An event worth keeping for the timeline and the incident report: anything a detector fired
/// on, every authentication event, and the events correlations point at. Raw text is kept (the
/// evidence); the rest of the parsed event is summarised.
public struct InterestEvent: Sendable {
    public var time: Int64
    public var hasTime: Bool
    public var timeText: String?
    public var zoneAssumed: Bool
    public var source: String?
    public var user: String?
    public var targetUser: String?
    public var host: String?
    public var program: String?
    public var action: AuthAction
    public var format: LogFormat
    public var input: Int
    public var line: Int
    public var raw: String
    public var method: String?
    public var target: String?
    public var status: Int
    public var bytes: Int64
    public var userAgent: String?
    public var detections: [Detection]
    /// Set at the end of the run when the event has no source of its own but belongs to one
    /// (a sudo inside an SSH session, a command run through a webshell).
    public var attributedSource: String?
    public var attribution: String?
    /// An upload request (paired with a later webshell access by the same source at the end).
    public var isUpload = false

    public var effectiveSource: String? { source ?? attributedSource }

    public var maxSeverity: Severity? { detections.map(\.severity).max() }
    public var techniques: [String] {
        var out: [String] = []
        for d in detections { for t in d.rule.techniques where !out.contains(t) { out.append(t) } }
        return out
    }
    public var tactics: [Tactic] { Array(Set(detections.compactMap(\.rule.tactic))).sorted() }

    /// A one-line description of what happened.
    public var summary: String {
        if let d = detections.first {
            return detections.count == 1 ? "\(d.rule.title.en): \(d.detail)" : "\(d.rule.title.en): \(d.detail) (+\(detections.count - 1) more)"
        }
        if action != .none {
            var s = action.name.replacingOccurrences(of: "_", with: " ")
            if let u = user { s += " user=\(u)" }
            if let t = targetUser, t != user { s += " target=\(t)" }
            return s
        }
        if let m = method, let t = target { return "\(m) \(t) → \(status)" }
        return String(raw.prefix(120))
    }

    init(_ e: Event, input: Int, detections: [Detection], keepRaw: Int) {
        time = e.time; hasTime = e.hasTime; timeText = e.timeText; zoneAssumed = e.zoneAssumed
        source = e.string(.srcIP); user = e.string(.user); targetUser = e.string(.targetUser); host = e.string(.host)
        program = e.string(.program); action = e.authAction; format = e.format; self.input = input; line = e.lineNumber
        let r = e.raw
        raw = String(decoding: UnsafeBufferPointer(start: r.baseAddress, count: min(r.count, keepRaw)), as: UTF8.self)
        method = e.string(.method)
        target = e.string(.uri) ?? e.string(.command)
        status = e.statusCode; bytes = e.byteCount
        userAgent = e.string(.userAgent)
        self.detections = detections
        if source == "-" || source == "?" { source = nil }
    }
}

extension InterestEvent {
    /// An event made from correlation evidence (not from one parsed line).
    init(time: Int64, source: String?, user: String? = nil, format: LogFormat, input: Int, line: Int, raw: String, detections: [Detection]) {
        self.time = time; hasTime = true; timeText = nil; zoneAssumed = false
        self.source = source; self.user = user; targetUser = nil; host = nil; program = nil; action = .none
        self.format = format; self.input = input; self.line = line; self.raw = raw
        method = nil; target = nil; status = -1; bytes = -1; userAgent = nil
        self.detections = detections
        attributedSource = nil; attribution = nil
    }
}
