import DSToolKit
import Foundation

/// An accepted deviation: a control whose failure does not count until the waiver expires.
public struct Waiver: Sendable, Hashable {
    public let control: String
    /// Limits the waiver to one pack; nil for every pack.
    public let pack: String?
    public let justification: String
    /// The last day the waiver applies.
    public let expires: Day
    public let approvedBy: String?
    public let position: SourcePosition

    public func isActive(on day: Day) -> Bool { day <= expires }
}

/// A waiver file:
///
///     waivers:
///       - control: DS-SSH-ROOT-LOGIN
///         justification: jump host only reachable from the bastion VLAN; change CHG-2291
///         expires: 2025-06-30
///         approved_by: 张三          # optional
///         pack: cn-data-security     # optional
public enum WaiverFile {
    public static func load(path: String, display: String, knownControls: Set<String>) throws -> [Waiver] {
        try parse(PackLibrary.readRuleFile(path, display: display), file: display, knownControls: knownControls)
    }

    public static func parse(_ text: String, file: String, knownControls: Set<String>) throws -> [Waiver] {
        let root = try YNode.parse(text, file: file)
        let m = try root.mapping("a waiver file")
        try m.allowOnly(["waivers"])
        var out: [Waiver] = []
        for w in try m.require("waivers").sequence("waivers") {
            let wm = try w.mapping("a waiver")
            try wm.allowOnly(["control", "justification", "expires", "approved_by", "pack"])
            let cnode = try wm.require("control")
            let control = try cnode.text("control")
            guard knownControls.contains(control) else { throw cnode.error("no control '\(control)' to waive") }
            let justification = try wm.require("justification").text("justification")
            if justification.count < 10 {
                throw wm["justification"]!.error("justification must say why (at least 10 characters), not '\(justification)'")
            }
            let waiver = Waiver(control: control, pack: try wm["pack"].map { try $0.text("pack") },
                                justification: justification, expires: try wm.require("expires").day("expires"),
                                approvedBy: try wm["approved_by"].map { try $0.text("approved_by") }, position: w.position)
            if out.contains(where: { $0.control == waiver.control && $0.pack == waiver.pack }) {
                throw cnode.error("control '\(control)' is waived twice")
            }
            out.append(waiver)
        }
        return out
    }
}
