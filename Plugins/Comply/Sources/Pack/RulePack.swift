import DSToolKit
import Foundation

/// A pack: a selection of controls with their parameters (a profile).
public struct RulePack: Sendable {
    public let id: String
    public let title: LocalizedText
    public let description: LocalizedText?
    public let controls: [PackControl]
    public let position: SourcePosition

    var needs: EvidenceNeeds {
        var n = EvidenceNeeds()
        for c in controls {
            n.merge(c.check.needs)
            for r in c.definition.value.applicability.requires { n.merge(r.needs) }
        }
        return n
    }
}

extension EvidenceRequirement {
    /// What the collector must gather to tell whether this evidence is present.
    var needs: EvidenceNeeds {
        var n = EvidenceNeeds()
        switch self {
        case .files, .testDatasets: break
        case .tables, .passwordColumns: n.tables = true
        case .personalData:
            n.tables = true
            n.piKinds = PersonalData.personalKinds
            n.scanQuestions = [ScanQuestion(roles: [.dataFile], kinds: PersonalData.personalKinds)]
        case .logs: n.logs = true
        case .logSettings: n.logs = true; n.configs = [.logrotate, .journald]
        case .documents: n.documents = true
        case .backups: n.backups = true
        case .crypto: n.crypto = true
        case .config(let t): n.configs = [t]
        }
        return n
    }
}

/// The controls known to a run (built-in ones plus those defined in pack files) and the loader
/// of packs and their selections. Any error in any file stops everything before evidence is read.
public final class PackLibrary {
    public private(set) var definitions: [String: ControlDefinitionBox] = [:]
    private var order: [String] = []

    public init() {}

    /// The library of built-in controls.
    public static func builtin() throws -> PackLibrary {
        let lib = PackLibrary()
        for (file, text) in BuiltinPacks.controlFiles.sorted(by: { $0.key < $1.key }) {
            try lib.addControl(file: "builtin:" + file, text: text)
        }
        return lib
    }

    public var controlIds: [String] { order }

    func add(_ def: ControlDefinition) throws {
        if let existing = definitions[def.id] {
            throw PackError(def.position, "control '\(def.id)' is already defined at \(existing.value.position)")
        }
        definitions[def.id] = ControlDefinitionBox(def)
        order.append(def.id)
    }

    /// One control per file (the built-in layout).
    func addControl(file: String, text: String) throws {
        try add(try ControlDefinition.parse(try YNode.parse(text, file: file)))
    }

    /// A built-in pack by name, or a pack file.
    public func loadPack(_ nameOrPath: String, cwd: String) throws -> RulePack {
        if let text = BuiltinPacks.packFiles[nameOrPath + ".yaml"] {
            return try parsePack(text: text, file: "builtin:" + nameOrPath + ".yaml", depth: 0).pack
        }
        let path = nameOrPath.hasPrefix("/") ? nameOrPath : (cwd as NSString).appendingPathComponent(nameOrPath)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else {
            throw DSToolError.usage("--pack: '\(nameOrPath)' is neither a built-in pack (\(BuiltinPacks.packNames.joined(separator: ", "))) nor a readable file")
        }
        return try parsePack(text: try Self.readRuleFile(path, display: nameOrPath), file: nameOrPath, depth: 0).pack
    }

    /// Rule files are small: read whole, strictly UTF-8, at most 4 MiB.
    static func readRuleFile(_ path: String, display: String) throws -> String {
        guard let fh = FileHandle(forReadingAtPath: path) else {
            throw DSToolError.usage("\(display): cannot open: \(String(cString: strerror(errno)))")
        }
        defer { try? fh.close() }
        let data = (try? fh.read(upToCount: (4 << 20) + 1)) ?? Data()
        if data.count > 4 << 20 { throw DSToolError.usage("\(display): larger than 4 MiB; not a rule file") }
        guard let text = String(data: data, encoding: .utf8) else {
            let pos = Self.firstInvalidUTF8([UInt8](data))
            throw PackError(SourcePosition(file: display, line: pos.line, column: pos.column), "not valid UTF-8 text")
        }
        return text
    }

    static func firstInvalidUTF8(_ bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1, col = 1, i = 0
        while i < bytes.count {
            let b = bytes[i]
            let len: Int
            if b < 0x80 { len = 1 } else if b & 0xE0 == 0xC0 { len = 2 } else if b & 0xF0 == 0xE0 { len = 3 } else if b & 0xF8 == 0xF0 { len = 4 } else { return (line, col) }
            if i + len > bytes.count || String(bytes: bytes[i..<(i + len)], encoding: .utf8) == nil { return (line, col) }
            if b == 10 { line += 1; col = 1 } else { col += 1 }
            i += len
        }
        return (line, col)
    }

    static let packKeys: Set<String> = ["pack", "title", "description", "extends", "controls", "select", "deselect"]

    func parsePack(text: String, file: String, depth: Int) throws -> (pack: RulePack, selections: [Selection]) {
        let root = try YNode.parse(text, file: file)
        let m = try root.mapping("a pack")
        try m.allowOnly(Self.packKeys)
        let idNode = try m.require("pack")
        let id = try idNode.text("pack")
        // Controls defined in the pack file join the library first, so the selection may use them.
        if let defs = m["controls"] {
            for d in try defs.sequence("controls") { try add(try ControlDefinition.parse(d)) }
        }
        var selections: [Selection] = []
        if let ext = m["extends"] {
            let name = try ext.text("extends")
            guard depth < 4 else { throw ext.error("packs extend each other too deeply") }
            guard let baseText = BuiltinPacks.packFiles[name + ".yaml"] else {
                throw ext.error("extends: no built-in pack '\(name)' (built-in: \(BuiltinPacks.packNames.joined(separator: ", ")))")
            }
            let base = try parsePack(text: baseText, file: "builtin:" + name + ".yaml", depth: depth + 1)
            for b in base.selections {
                selections.append(Selection(id: b.id, node: b.node, overrides: b.overrides, severity: b.severity, fromBase: true))
            }
        }
        if let sel = m["select"] {
            for s in try sel.sequence("select") {
                var cid: String, overrides: [String: YNode] = [:], severity: Severity?
                if s.isScalar {
                    cid = try s.text("a selected control")
                } else {
                    let sm = try s.mapping("a selected control")
                    try sm.allowOnly(["id", "parameters", "severity"])
                    cid = try sm.require("id").text("id")
                    if let p = sm["parameters"] { for pair in try p.mapping("parameters").pairs { overrides[pair.key] = pair.value } }
                    if let sv = sm["severity"] { severity = try sv.oneOf("severity", Severity.self) }
                }
                guard let def = definitions[cid] else { throw s.error("no control '\(cid)' (neither built in nor defined in this pack)") }
                for (k, v) in overrides where def.value.parameters[k] == nil {
                    throw v.error("control '\(cid)' has no parameter '\(k)' (it has: \(def.value.parameters.keys.sorted().joined(separator: ", ")))")
                }
                if let i = selections.firstIndex(where: { $0.id == cid }) {
                    // Selecting a control of the extended pack again sets its parameters or severity.
                    guard selections[i].fromBase else { throw s.error("control '\(cid)' is selected twice") }
                    let base = selections[i]
                    selections[i] = Selection(id: cid, node: s, overrides: base.overrides.merging(overrides) { _, new in new },
                                              severity: severity ?? base.severity, fromBase: false)
                } else {
                    selections.append(Selection(id: cid, node: s, overrides: overrides, severity: severity, fromBase: false))
                }
            }
        }
        if let des = m["deselect"] {
            let nodes = des.isScalar ? [des] : try des.sequence("deselect")
            for d in nodes {
                let cid = try d.text("deselect")
                guard let i = selections.firstIndex(where: { $0.id == cid }) else { throw d.error("control '\(cid)' is not selected; cannot deselect it") }
                selections.remove(at: i)
            }
        }
        if selections.isEmpty { throw root.error("pack '\(id)' selects no controls") }
        var controls: [PackControl] = []
        for s in selections {
            let def = definitions[s.id]!
            controls.append(PackControl(definition: def, check: try def.value.buildCheck(overrides: s.overrides),
                                        severity: s.severity ?? def.value.severity))
        }
        let pack = RulePack(id: id, title: try m.require("title").localized("title"),
                            description: try m["description"].map { try $0.localized("description") },
                            controls: controls, position: root.position)
        return (pack, selections)
    }

    struct Selection {
        let id: String
        let node: YNode
        let overrides: [String: YNode]
        let severity: Severity?
        /// Inherited through `extends` (may be selected again to change parameters).
        let fromBase: Bool
    }
}
