import DSToolKit
import FoundationEssentials
import Glibc

/// Options the host owns, valid with every plugin command. Plugins may not declare these names.
public enum GlobalOptions {
    public struct Spec: Sendable {
        public let name: String
        public let short: Character?
        public let takesValue: Bool
        public let repeatable: Bool
        public let help: LocalizedText
    }
    public static let all: [Spec] = [
        Spec(name: "format", short: "f", takesValue: true, repeatable: false,
             help: LocalizedText(en: "report format: text, json, jsonl, sarif, csv (or one the plugin adds)", zh: "报告格式：text、json、jsonl、sarif、csv（或插件提供的格式）")),
        Spec(name: "report", short: nil, takesValue: true, repeatable: false,
             help: LocalizedText(en: "write the report to FILE instead of standard output", zh: "将报告写入文件而非标准输出")),
        Spec(name: "fail-on", short: nil, takesValue: true, repeatable: false,
             help: LocalizedText(en: "exit 1 if a finding is at or above SEVERITY (default: low)", zh: "存在不低于该级别的发现时退出码为 1（默认 low）")),
        Spec(name: "lang", short: nil, takesValue: true, repeatable: false,
             help: LocalizedText(en: "language of labels: en or zh (default from LANG)", zh: "界面语言：en 或 zh（默认取自 LANG）")),
        Spec(name: "case", short: nil, takesValue: true, repeatable: false,
             help: LocalizedText(en: "record this run in the case file FILE (SQLite)", zh: "将本次运行记录到案卷文件（SQLite）")),
        Spec(name: "operator", short: nil, takesValue: true, repeatable: false,
             help: LocalizedText(en: "operator name for the case file (default: login name)", zh: "案卷中的操作人（默认登录名）")),
        Spec(name: "hash-inputs", short: nil, takesValue: false, repeatable: false,
             help: LocalizedText(en: "record SHA-256 and SM3 of every top-level input in the run record", zh: "在运行记录中记录每个输入的 SHA-256 与 SM3")),
        Spec(name: "max-depth", short: nil, takesValue: true, repeatable: false,
             help: LocalizedText(en: "deepest archive nesting opened (default 8)", zh: "压缩包最大嵌套层数（默认 8）")),
        Spec(name: "max-entry-size", short: nil, takesValue: true, repeatable: false,
             help: LocalizedText(en: "largest archive entry read, e.g. 8G (default 8G)", zh: "压缩包单个条目的最大读取量（默认 8G）")),
        Spec(name: "max-total-size", short: nil, takesValue: true, repeatable: false,
             help: LocalizedText(en: "most bytes expanded from archives in a run (default 64G)", zh: "一次运行从压缩包展开的最大字节数（默认 64G）")),
        Spec(name: "max-ratio", short: nil, takesValue: true, repeatable: false,
             help: LocalizedText(en: "highest expansion ratio of an archive before it counts as a bomb (default 1000)", zh: "压缩比上限，超出视为压缩炸弹（默认 1000）")),
        Spec(name: "max-entries", short: nil, takesValue: true, repeatable: false,
             help: LocalizedText(en: "most entries read from one archive (default 1000000)", zh: "单个压缩包最多读取的条目数（默认 1000000）")),
        Spec(name: "exclude", short: nil, takesValue: true, repeatable: true,
             help: LocalizedText(en: "skip inputs matching the glob (repeatable)", zh: "跳过匹配该通配符的输入（可重复）")),
        Spec(name: "follow-symlinks", short: nil, takesValue: false, repeatable: false,
             help: LocalizedText(en: "follow symbolic links when walking directories", zh: "遍历目录时跟随符号链接")),
        Spec(name: "encoding", short: nil, takesValue: true, repeatable: false,
             help: LocalizedText(en: "force the text encoding: utf-8, utf-16le, utf-16be, gb18030", zh: "强制文本编码：utf-8、utf-16le、utf-16be、gb18030")),
        Spec(name: "jobs", short: "j", takesValue: true, repeatable: false,
             help: LocalizedText(en: "worker threads, 1 to 256 (default: all cores)", zh: "工作线程数，1 至 256（默认全部核心）")),
        Spec(name: "quiet", short: "q", takesValue: false, repeatable: false,
             help: LocalizedText(en: "no error lines or progress on stderr", zh: "不在标准错误输出错误行与进度")),
        Spec(name: "no-progress", short: nil, takesValue: false, repeatable: false,
             help: LocalizedText(en: "no progress bar", zh: "不显示进度条")),
        Spec(name: "no-color", short: nil, takesValue: false, repeatable: false,
             help: LocalizedText(en: "no colour in text output", zh: "文本输出不使用颜色")),
        Spec(name: "allow-unverified-plugins", short: nil, takesValue: false, repeatable: false,
             help: LocalizedText(en: "load plugins whose digest or permissions fail verification", zh: "允许加载未通过校验的插件")),
        Spec(name: "help", short: "h", takesValue: false, repeatable: false,
             help: LocalizedText(en: "show help for the command", zh: "显示命令帮助")),
    ]
    public static let names = Set(all.map(\.name))
}

/// A parsed command line: global options, the command, its options, positional arguments.
public struct Invocation: Sendable {
    public var command: String?
    public var global: [String: JSONValue] = [:]
    public var options: [String: JSONValue] = [:]
    public var positionals: [String] = []

    public func globalValue(_ name: String) -> String? { global[name]?.stringValue }
    public func globalFlag(_ name: String) -> Bool { global[name]?.boolValue ?? false }
    public func globalValues(_ name: String) -> [String] { global[name]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    /// Parses argv (without the program name). `commandOptions` returns the declared options of a
    /// command once it is known (nil for an unknown command: then every option must be global).
    public static func parse(_ args: [String], commandOptions: (String) -> [PluginManifest.Option]?) throws -> Invocation {
        var inv = Invocation()
        var declared: [PluginManifest.Option] = []
        var i = 0
        var onlyPositionals = false
        func take(_ name: String, _ inline: String?) throws -> String {
            if let inline { return inline }
            i += 1
            guard i < args.count else { throw DSToolError.usage("option --\(name) needs a value") }
            return args[i]
        }
        while i < args.count {
            let a = args[i]
            if onlyPositionals || a == "-" || !a.hasPrefix("-") {
                if inv.command == nil && !onlyPositionals {
                    inv.command = a
                    declared = commandOptions(a) ?? []
                } else {
                    inv.positionals.append(a)
                }
                i += 1
                continue
            }
            if a == "--" { onlyPositionals = true; i += 1; continue }
            var name: String
            var inline: String?
            if a.hasPrefix("--") {
                let body = a.dropFirst(2)
                if let eq = body.firstIndex(of: "=") { name = String(body[..<eq]); inline = String(body[body.index(after: eq)...]) }
                else { name = String(body) }
            } else {
                // -x, -xVALUE; clusters of flags are not supported (explicit beats clever here).
                let ch = a.dropFirst().first!
                if let g = GlobalOptions.all.first(where: { $0.short == ch }) { name = g.name }
                else if let o = declared.first(where: { $0.short == String(ch) }) { name = o.name }
                else { throw DSToolError.usage("unknown option -\(ch)") }
                if a.count > 2 { inline = String(a.dropFirst(2)) }
            }
            // An empty file name would become a temporary SQLite database or a rename to nowhere:
            // the report or case file asked for would be lost with nothing said.
            func path(_ v: String) throws -> String {
                if v.isEmpty { throw DSToolError.usage("option --\(name) needs a file name, not an empty one") }
                return v
            }
            if let g = GlobalOptions.all.first(where: { $0.name == name }) {
                if g.takesValue {
                    var v = try take(name, inline)
                    if name == "report" || name == "case" { v = try path(v) }
                    if g.repeatable { inv.global[name] = .array((inv.global[name]?.arrayValue ?? []) + [.string(v)]) }
                    else { inv.global[name] = .string(v) }
                } else {
                    if inline != nil { throw DSToolError.usage("option --\(name) takes no value") }
                    inv.global[name] = .bool(true)
                }
            } else if let o = declared.first(where: { $0.name == name }) {
                switch o.kind {
                case "flag":
                    if inline != nil { throw DSToolError.usage("option --\(name) takes no value") }
                    inv.options[name] = .bool(true)
                case "multi":
                    var v = try take(name, inline)
                    if o.takesPath { v = try path(v) }
                    inv.options[name] = .array((inv.options[name]?.arrayValue ?? []) + [.string(v)])
                default:
                    var v = try take(name, inline)
                    if o.takesPath { v = try path(v) }
                    inv.options[name] = .string(v)
                }
            } else {
                if let c = inv.command { throw DSToolError.usage("unknown option --\(name) for '\(c)'") }
                throw DSToolError.usage("unknown option --\(name)")
            }
            i += 1
        }
        return inv
    }
}

/// Sizes such as 512, 64K, 8M, 2G, 1T.
public enum ByteSize {
    public static func parse(_ s: String) -> Int64? {
        // Blanks around it go, as CharacterSet.whitespaces has them.
        let t = s.trimmingWhitespaces().uppercased().replacing("IB", with: "").replacing("B", with: "")
        guard let last = t.last else { return nil }
        let mult: Int64
        var digits = t
        switch last {
        case "K": mult = 1 << 10
        case "M": mult = 1 << 20
        case "G": mult = 1 << 30
        case "T": mult = 1 << 40
        default: mult = 1
        }
        if mult != 1 { digits.removeLast() }
        guard let v = Int64(digits), v >= 0 else { return nil }
        let (r, overflow) = v.multipliedReportingOverflow(by: mult)
        return overflow ? nil : r
    }
}

extension PluginManifest.Option {
    /// The option's value names a file or folder (its value name says FILE or DIR).
    var takesPath: Bool { valueName.map { $0.contains("FILE") || $0.contains("DIR") } ?? false }
}
