import DSToolKit
import Foundation

/// The answer for one control.
public enum ControlStatus: String, Codable, CaseIterable, Sendable {
    case pass, fail, notapplicable, manual, error

    public var label: LocalizedText {
        switch self {
        case .pass: return LocalizedText(en: "pass", zh: "符合")
        case .fail: return LocalizedText(en: "fail", zh: "不符合")
        case .notapplicable: return LocalizedText(en: "not applicable", zh: "不适用")
        case .manual: return LocalizedText(en: "manual review", zh: "需人工核查")
        case .error: return LocalizedText(en: "error", zh: "错误")
        }
    }
}

/// A piece of evidence that decided an answer: where it is and what it showed.
public struct EvidenceRef: Codable, Hashable, Sendable {
    /// The item's display chain, e.g. `backup.tar.gz!etc/ssh/sshd_config`.
    public var input: String
    public var line: Int?
    public var table: String?
    public var column: String?
    public var detail: LocalizedText

    public init(input: String, line: Int? = nil, table: String? = nil, column: String? = nil, detail: LocalizedText) {
        self.input = input; self.line = line; self.table = table; self.column = column; self.detail = detail
    }

    public var place: String {
        var p = input
        if let table { p += " [\(table)\(column.map { ".\($0)" } ?? "")]" } else if let column { p += " [\(column)]" }
        if let line { p += ":\(line)" }
        return p
    }
}

/// What a check concluded, with the evidence that decided it and the reason in words.
public struct Verdict: Sendable {
    public var status: ControlStatus
    public var reason: LocalizedText
    public var evidence: [EvidenceRef]

    public init(_ status: ControlStatus, _ reason: LocalizedText, _ evidence: [EvidenceRef] = []) {
        self.status = status; self.reason = reason; self.evidence = evidence
    }

    static func pass(_ en: String, _ zh: String, _ evidence: [EvidenceRef] = []) -> Verdict {
        Verdict(.pass, LocalizedText(en: en, zh: zh), evidence)
    }
    static func fail(_ en: String, _ zh: String, _ evidence: [EvidenceRef] = []) -> Verdict {
        Verdict(.fail, LocalizedText(en: en, zh: zh), evidence)
    }
    static func notApplicable(_ en: String, _ zh: String, _ evidence: [EvidenceRef] = []) -> Verdict {
        Verdict(.notapplicable, LocalizedText(en: en, zh: zh), evidence)
    }
    static func manual(_ en: String, _ zh: String, _ evidence: [EvidenceRef] = []) -> Verdict {
        Verdict(.manual, LocalizedText(en: en, zh: zh), evidence)
    }
    static func error(_ en: String, _ zh: String, _ evidence: [EvidenceRef] = []) -> Verdict {
        Verdict(.error, LocalizedText(en: en, zh: zh), evidence)
    }
    /// Evidence a check needed could not be read: an error naming each item and why.
    static func unreadable(_ items: [UnreadableEvidence], _ en: String, _ zh: String) -> Verdict {
        .error(en, zh, items.map { EvidenceRef(input: $0.item, detail: LocalizedText($0.reason)) })
    }
}

/// At most this many evidence lines per verdict: a control over a million rows names examples, not all.
let maxEvidencePerVerdict = 20

extension Array where Element == EvidenceRef {
    func capped(total: Int? = nil) -> [EvidenceRef] {
        let n = total ?? count
        guard n > maxEvidencePerVerdict else { return self }
        var out = Array(prefix(maxEvidencePerVerdict))
        out.append(EvidenceRef(input: "…", detail: LocalizedText(en: "and \(n - maxEvidencePerVerdict) more", zh: "另有 \(n - maxEvidencePerVerdict) 处")))
        return out
    }
}
