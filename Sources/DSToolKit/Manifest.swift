import FoundationEssentials
import Glibc

/// A plugin's manifest (Manifests/<id>.json, Manifests/schema/manifest.schema.json).
/// The host reads it to list, route and parse options without loading the plugin.
public struct PluginManifest: Codable, Hashable, Sendable {
    public var id: String
    public var version: String
    public var abi: Int
    /// File name of the plugin's shared library, in the same folder as the installed manifest.
    public var library: String
    public var name: LocalizedText
    public var description: LocalizedText
    /// masking, encryption, leak-detection, compliance-check, crypto-audit, attack-tracing,
    /// classification, incident-response, or inventory.
    public var category: String
    /// Categories of the provincial data-security tool library it serves (数据分类分级, 检测评估, ...).
    public var toolLibrary: [String]
    public var commands: [Command]
    /// Kinds of input it accepts, e.g. "files", "directories", "archives", "stdin", "sqlite", "text".
    public var inputs: [String]
    public var rules: [Rule]

    enum CodingKeys: String, CodingKey {
        case id, version, abi, library, name, description, category, commands, inputs, rules
        case toolLibrary = "tool_library"
    }

    public struct Command: Codable, Hashable, Sendable {
        public var name: String
        public var summary: LocalizedText
        public var usage: String
        /// "items": the host walks inputs (directories, archives, decoding) and hands over items;
        /// "files": each argument is one item, read as is (no archive expansion);
        /// "none": arguments are passed through, no items.
        public var input: String
        /// Where the report goes: "stdout", or "stderr" for commands whose stdout carries data.
        public var report: String
        public var options: [Option]
        /// Output formats the plugin renders itself (e.g. "cbom"), beside the host's.
        public var formats: [String]?
        /// "binary": libmagic types only for items that are not text (text items are typed
        /// "text/plain"); for commands that decide by name and content themselves and read many
        /// small text files, where libmagic would cost more than the work. Absent or "all": every item.
        public var typeDetection: String?
        enum CodingKeys: String, CodingKey {
            case name, summary, usage, input, report, options, formats
            case typeDetection = "type_detection"
        }
        public init(name: String, summary: LocalizedText, usage: String, input: String, report: String,
                    options: [Option], formats: [String]? = nil) {
            self.name = name; self.summary = summary; self.usage = usage; self.input = input
            self.report = report; self.options = options; self.formats = formats
        }
    }

    public struct Option: Codable, Hashable, Sendable {
        public var name: String
        public var short: String?
        /// "flag" (no value), "value" (one value), "multi" (repeatable value).
        public var kind: String
        public var valueName: String?
        public var help: LocalizedText
        enum CodingKeys: String, CodingKey {
            case name, short, kind, help
            case valueName = "value_name"
        }
        public init(name: String, short: String? = nil, kind: String, valueName: String? = nil, help: LocalizedText) {
            self.name = name; self.short = short; self.kind = kind; self.valueName = valueName; self.help = help
        }
    }

    public struct Rule: Codable, Hashable, Sendable {
        public var id: String
        public var severity: Severity
        public var title: LocalizedText
        public var references: [String]?
        public init(id: String, severity: Severity, title: LocalizedText, references: [String]? = nil) {
            self.id = id; self.severity = severity; self.title = title; self.references = references
        }
    }

    public static func decode(_ data: Data) throws -> PluginManifest {
        if let manifest = data.withUnsafeBytes({ ManifestReader.read($0) }) { return manifest }
        return try JSONDecoder().decode(PluginManifest.self, from: data)
    }

    public func command(named name: String) -> Command? { commands.first { $0.name == name } }
}
