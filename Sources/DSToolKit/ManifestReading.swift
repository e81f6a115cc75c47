import FoundationEssentials
import Glibc

/// Reads a manifest straight from its bytes, in one pass, with the SDK's JSON parser
/// (RecordDecoding.swift). The host reads every installed manifest on each run to find the
/// command's plugin; through JSONDecoder that was ~9 ms of every run's start-up.
/// Anything but a well-formed manifest — a wrong type, a missing or repeated member, bad JSON —
/// gives nil, and `PluginManifest.decode` then asks JSONDecoder, whose errors (with their coding
/// paths) are the ones reported. So this reader only has to agree with JSONDecoder on what
/// JSONDecoder accepts, which ManifestReadingTests check on corrupted manifests by the thousand.
enum ManifestReader {
    struct Declined: Error {}

    static func read(_ bytes: UnsafeRawBufferPointer) -> PluginManifest? {
        bytes.withMemoryRebound(to: UInt8.self) { p -> PluginManifest? in
            var s = JSONByteParser(p)
            if p.count >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { s.i = 3 }  // as document() does
            guard let manifest = try? manifest(&s) else { return nil }
            s.skipSpace()
            return s.i == p.count ? manifest : nil
        }
    }

    /// Calls `member` with each key, the parser just past its colon; `member` reads the value.
    static func members(_ s: inout JSONByteParser, _ member: (inout JSONByteParser, String) throws -> Void) throws {
        s.skipSpace()
        guard s.i < s.p.count, s.p[s.i] == UInt8(ascii: "{") else { throw Declined() }
        try s.object { s in
            let key = try s.string()
            try s.colon()
            try member(&s, key)
        }
    }

    /// A member seen twice: JSONDecoder's choice between them is not this reader's to guess.
    static func once<T>(_ slot: inout T?, _ value: T) throws {
        guard slot == nil else { throw Declined() }
        slot = value
    }

    static func string(_ s: inout JSONByteParser) throws -> String {
        s.skipSpace()
        guard s.i < s.p.count, s.p[s.i] == UInt8(ascii: "\"") else { throw Declined() }
        return try s.string()
    }

    /// Absent and null are both nil, as `decodeIfPresent` has it.
    static func isNull(_ s: inout JSONByteParser) throws -> Bool {
        s.skipSpace()
        guard s.i < s.p.count, s.p[s.i] == UInt8(ascii: "n") else { return false }
        try s.literal("null")
        return true
    }

    static func array<T>(_ s: inout JSONByteParser, _ element: (inout JSONByteParser) throws -> T) throws -> [T] {
        s.skipSpace()
        guard s.i < s.p.count, s.p[s.i] == UInt8(ascii: "[") else { throw Declined() }
        var out: [T] = []
        try s.array { s in out.append(try element(&s)) }
        return out
    }

    static func int(_ s: inout JSONByteParser) throws -> Int {
        s.skipSpace()
        guard s.i < s.p.count, s.p[s.i] == UInt8(ascii: "-") || (s.p[s.i] >= UInt8(ascii: "0") && s.p[s.i] <= UInt8(ascii: "9")) else {
            throw Declined()
        }
        let start = s.i
        try s.number()
        guard let v = JSONNumber.int64(UnsafeBufferPointer(rebasing: s.p[start..<s.i])), let n = Int(exactly: v) else { throw Declined() }
        return n
    }

    static func text(_ s: inout JSONByteParser) throws -> LocalizedText {
        var en: String?, zh: String?
        try members(&s) { s, key in
            switch key {
            case "en": try once(&en, string(&s))
            case "zh": try once(&zh, string(&s))
            default: _ = try s.value()
            }
        }
        guard let en, let zh else { throw Declined() }
        return LocalizedText(en: en, zh: zh)
    }

    static func manifest(_ s: inout JSONByteParser) throws -> PluginManifest {
        var id: String?, version: String?, abi: Int?, library: String?, name: LocalizedText?, description: LocalizedText?
        var category: String?, toolLibrary: [String]?, commands: [PluginManifest.Command]?, inputs: [String]?
        var rules: [PluginManifest.Rule]?
        try members(&s) { s, key in
            switch key {
            case "id": try once(&id, string(&s))
            case "version": try once(&version, string(&s))
            case "abi": try once(&abi, int(&s))
            case "library": try once(&library, string(&s))
            case "name": try once(&name, text(&s))
            case "description": try once(&description, text(&s))
            case "category": try once(&category, string(&s))
            case "tool_library": try once(&toolLibrary, array(&s, string))
            case "commands": try once(&commands, array(&s, command))
            case "inputs": try once(&inputs, array(&s, string))
            case "rules": try once(&rules, array(&s, rule))
            default: _ = try s.value()
            }
        }
        guard let id, let version, let abi, let library, let name, let description, let category, let toolLibrary,
              let commands, let inputs, let rules else { throw Declined() }
        return PluginManifest(id: id, version: version, abi: abi, library: library, name: name, description: description,
                              category: category, toolLibrary: toolLibrary, commands: commands, inputs: inputs, rules: rules)
    }

    static func command(_ s: inout JSONByteParser) throws -> PluginManifest.Command {
        var name: String?, summary: LocalizedText?, usage: String?, input: String?, report: String?
        var options: [PluginManifest.Option]?, formats: [String]??, typeDetection: String??
        try members(&s) { s, key in
            switch key {
            case "name": try once(&name, string(&s))
            case "summary": try once(&summary, text(&s))
            case "usage": try once(&usage, string(&s))
            case "input": try once(&input, string(&s))
            case "report": try once(&report, string(&s))
            case "options": try once(&options, array(&s, option))
            case "formats": try once(&formats, isNull(&s) ? nil : array(&s, string))
            case "type_detection": try once(&typeDetection, isNull(&s) ? nil : string(&s))
            default: _ = try s.value()
            }
        }
        guard let name, let summary, let usage, let input, let report, let options else { throw Declined() }
        var command = PluginManifest.Command(name: name, summary: summary, usage: usage, input: input, report: report,
                                             options: options, formats: formats ?? nil)
        command.typeDetection = typeDetection ?? nil
        return command
    }

    static func option(_ s: inout JSONByteParser) throws -> PluginManifest.Option {
        var name: String?, short: String??, kind: String?, valueName: String??, help: LocalizedText?
        try members(&s) { s, key in
            switch key {
            case "name": try once(&name, string(&s))
            case "short": try once(&short, isNull(&s) ? nil : string(&s))
            case "kind": try once(&kind, string(&s))
            case "value_name": try once(&valueName, isNull(&s) ? nil : string(&s))
            case "help": try once(&help, text(&s))
            default: _ = try s.value()
            }
        }
        guard let name, let kind, let help else { throw Declined() }
        return PluginManifest.Option(name: name, short: short ?? nil, kind: kind, valueName: valueName ?? nil, help: help)
    }

    static func rule(_ s: inout JSONByteParser) throws -> PluginManifest.Rule {
        var id: String?, severity: Severity?, title: LocalizedText?, references: [String]??
        try members(&s) { s, key in
            switch key {
            case "id": try once(&id, string(&s))
            case "severity":
                guard let value = Severity(rawValue: try string(&s)) else { throw Declined() }
                try once(&severity, value)
            case "title": try once(&title, text(&s))
            case "references": try once(&references, isNull(&s) ? nil : array(&s, string))
            default: _ = try s.value()
            }
        }
        guard let id, let severity, let title else { throw Declined() }
        return PluginManifest.Rule(id: id, severity: severity, title: title, references: references ?? nil)
    }
}

/// `plugins.lock` read in one pass like the manifests (JSONDecoder's first use costs ~1 ms of
/// every run): `{"version": 1, "plugins": {"<id>": {"library": …, "version": …, "sha256": …}}}`,
/// other members skipped. Anything else gives nil, and the host asks JSONDecoder instead.
public enum PluginLockReader {
    public struct Entry: Equatable, Sendable {
        public var library: String
        public var version: String
        public var sha256: String
    }

    public static func read(_ bytes: UnsafeRawBufferPointer) -> (version: Int, plugins: [String: Entry])? {
        bytes.withMemoryRebound(to: UInt8.self) { p -> (Int, [String: Entry])? in
            var s = JSONByteParser(p)
            if p.count >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { s.i = 3 }
            guard let lock = try? lock(&s) else { return nil }
            s.skipSpace()
            return s.i == p.count ? lock : nil
        }
    }

    static func lock(_ s: inout JSONByteParser) throws -> (Int, [String: Entry]) {
        var version: Int?, plugins: [String: Entry]?
        try ManifestReader.members(&s) { s, key in
            switch key {
            case "version": try ManifestReader.once(&version, ManifestReader.int(&s))
            case "plugins":
                var table: [String: Entry] = [:]
                try ManifestReader.members(&s) { s, id in
                    guard table[id] == nil else { throw ManifestReader.Declined() }
                    table[id] = try entry(&s)
                }
                try ManifestReader.once(&plugins, table)
            default: _ = try s.value()
            }
        }
        guard let version, let plugins else { throw ManifestReader.Declined() }
        return (version, plugins)
    }

    static func entry(_ s: inout JSONByteParser) throws -> Entry {
        var library: String?, version: String?, sha256: String?
        try ManifestReader.members(&s) { s, key in
            switch key {
            case "library": try ManifestReader.once(&library, ManifestReader.string(&s))
            case "version": try ManifestReader.once(&version, ManifestReader.string(&s))
            case "sha256": try ManifestReader.once(&sha256, ManifestReader.string(&s))
            default: _ = try s.value()
            }
        }
        guard let library, let version, let sha256 else { throw ManifestReader.Declined() }
        return Entry(library: library, version: version, sha256: sha256)
    }
}
