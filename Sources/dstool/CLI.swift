import CDSToolPluginABI
import DSToolCore
import DSToolKit
import FoundationEssentials
import Glibc

/// Built-in commands of the host (they need no plugin).
enum BuiltinCommand: String, CaseIterable {
    case help, version, plugins, `case`, completion

    var summary: LocalizedText {
        switch self {
        case .help: return LocalizedText(en: "Show the commands, or the help of one command", zh: "显示命令列表或某个命令的帮助")
        case .version: return LocalizedText(en: "Show the versions of dstool, its plugins and libraries", zh: "显示 dstool、插件与依赖库的版本")
        case .plugins: return LocalizedText(en: "List, describe, verify or lock the installed plugins", zh: "列出、查看、校验或锁定已安装的插件")
        case .case: return LocalizedText(en: "Show, export or verify a case file", zh: "查看、导出或校验案卷文件")
        case .completion: return LocalizedText(en: "Print a shell completion script (bash, zsh, fish)", zh: "输出 shell 补全脚本（bash、zsh、fish）")
        }
    }
    var usage: String {
        switch self {
        case .help: return "dstool help [COMMAND] [--lang zh]"
        case .version: return "dstool version [--format json]"
        case .plugins: return "dstool plugins [list|info ID|verify|lock DIR] [--format json]"
        case .case: return "dstool case show CASEFILE [--format text|json] | export CASEFILE [--run N] [--format text|json|jsonl|sarif|csv] [--report FILE] | verify CASEFILE [--head HASH] [--format text|json]"
        case .completion: return "dstool completion bash|zsh|fish"
        }
    }
}

struct CLI {
    let arguments: [String]
    let out = ReportStream(fd: STDOUT_FILENO)
    let err = ReportStream(fd: STDERR_FILENO)

    func main() -> Int32 {
        let catalog = PluginCatalog(searchPath: PluginCatalog.defaultSearchPath())
        let invocation: Invocation
        do {
            invocation = try Invocation.parse(arguments) { name in
                if name == BuiltinCommand.case.rawValue { return CaseCommand.options }
                if BuiltinCommand(rawValue: name) != nil { return [] }
                return catalog.plugin(forCommand: name)?.1.options
            }
        } catch {
            err.write("dstool: \(error)\nTry 'dstool help'.\n")
            return ExitCode.usage
        }
        let lang = Self.language(invocation)
        guard let command = invocation.command else {
            if invocation.globalFlag("help") { printHelp(catalog, lang: lang); return ExitCode.ok }
            printHelp(catalog, lang: lang)
            return ExitCode.usage
        }
        if let builtin = BuiltinCommand(rawValue: command) {
            if invocation.globalFlag("help") { out.write("usage: \(builtin.usage)\n\(builtin.summary.text(lang))\n"); return ExitCode.ok }
            switch builtin {
            case .help:
                if let topic = invocation.positionals.first { return printCommandHelp(topic, catalog, lang: lang) }
                printHelp(catalog, lang: lang)
                return ExitCode.ok
            case .version: return Builtins.version(invocation, catalog: catalog, out: out)
            case .plugins: return Builtins.plugins(invocation, catalog: catalog, out: out, err: err, lang: lang)
            case .case: return Builtins.caseCommand(invocation, out: out, err: err, lang: lang)
            case .completion: return Builtins.completion(invocation, commands: completionCommands(catalog, lang: lang), out: out, err: err)
            }
        }
        guard let (plugin, cmd) = catalog.plugin(forCommand: command) else {
            err.write("dstool: unknown command '\(command)'\nTry 'dstool help'.\n")
            for b in catalog.broken { err.write("dstool: note: plugin manifest \(b.manifestPath) is broken: \(b.reason)\n") }
            return ExitCode.usage
        }
        if invocation.globalFlag("help") { return printCommandHelp(command, catalog, lang: lang) }
        let loaded: LoadedPlugin
        do {
            loaded = try PluginLoader.load(plugin, allowUnverified: invocation.globalFlag("allow-unverified-plugins"))
        } catch {
            err.write("dstool: \(error)\n")
            return ExitCode.inputErrors
        }
        let runner = Runner(invocation: invocation, manifest: plugin.manifest, command: cmd, plugin: plugin,
                            commandLine: ["dstool"] + arguments)
        runner.makeRecorder = { path in try CaseStore.open(path: path) }
        runner.pluginSHA256 = loaded.sha256
        return runner.run(table: loaded.table)
    }

    /// What shell completion knows: the built-in commands, then every plugin command.
    func completionCommands(_ catalog: PluginCatalog, lang: String) -> [Completion.Command] {
        var commands: [Completion.Command] = BuiltinCommand.allCases.map { b in
            switch b {
            case .help:
                let names = catalog.plugins.flatMap { $0.manifest.commands.map(\.name) } + BuiltinCommand.allCases.map(\.rawValue)
                return Completion.Command(name: b.rawValue, summary: b.summary.text(lang), words: names, files: false)
            case .version: return Completion.Command(name: b.rawValue, summary: b.summary.text(lang), files: false)
            case .plugins: return Completion.Command(name: b.rawValue, summary: b.summary.text(lang), words: ["list", "info", "verify", "lock"])
            case .case: return Completion.Command(name: b.rawValue, summary: b.summary.text(lang), options: CaseCommand.options, words: CaseCommand.subcommands)
            case .completion: return Completion.Command(name: b.rawValue, summary: b.summary.text(lang), words: Completion.shells, files: false)
            }
        }
        commands = Completion.pluginCommands(catalog, lang: lang) + commands
        return commands
    }

    static func language(_ inv: Invocation) -> String {
        if let l = inv.globalValue("lang") { return l.hasPrefix("zh") ? "zh" : "en" }
        let env = ProcessInfo.processInfo.environment
        let loc = env["LC_ALL"] ?? env["LC_MESSAGES"] ?? env["LANG"] ?? ""
        return loc.hasPrefix("zh") ? "zh" : "en"
    }

    func printHelp(_ catalog: PluginCatalog, lang: String) {
        let zh = lang == "zh"
        var s = zh ? "dstool \(Runner.version) — 数据安全工具箱\n\n用法: dstool 命令 [选项] [输入...]\n\n命令:\n"
                   : "dstool \(Runner.version) — data-security toolbox\n\nusage: dstool COMMAND [OPTIONS] [INPUT...]\n\ncommands:\n"
        var rows: [(String, String)] = []
        for p in catalog.plugins { for c in p.manifest.commands { rows.append((c.name, c.summary.text(lang))) } }
        for b in BuiltinCommand.allCases { rows.append((b.rawValue, b.summary.text(lang))) }
        let width = (rows.map(\.0.count).max() ?? 8) + 2
        for (name, summary) in rows { s += "  " + name.padded(to: width) + summary + "\n" }
        s += zh ? "\n全局选项:\n" : "\nglobal options:\n"
        for g in GlobalOptions.all {
            let flag = "--\(g.name)" + (g.takesValue ? " V" : "") + (g.short.map { ", -\($0)" } ?? "")
            s += Self.optionRow(flag, g.help.text(lang))
        }
        s += zh ? "\n退出码: 0 无达到 --fail-on 的发现; 1 有; 2 用法错误; 3 部分输入无法读取\n"
                : "\nexit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage error; 3 some inputs could not be read\n"
        for b in catalog.broken { s += (zh ? "注意: 插件清单损坏 " : "note: broken plugin manifest ") + "\(b.manifestPath): \(b.reason)\n" }
        out.write(s)
    }

    /// One option of a help listing: the flag, then its help from column 32; a flag too long for
    /// that column gets a line of its own (never cut short, never run into its help).
    static func optionRow(_ flag: String, _ help: String) -> String {
        let column = 30
        if flag.count < column - 1 { return "  " + flag.padded(to: column) + help + "\n" }
        return "  " + flag + "\n" + String(repeating: " ", count: column + 2) + help + "\n"
    }

    func printCommandHelp(_ name: String, _ catalog: PluginCatalog, lang: String) -> Int32 {
        if let b = BuiltinCommand(rawValue: name) { out.write("usage: \(b.usage)\n\(b.summary.text(lang))\n"); return ExitCode.ok }
        guard let (plugin, cmd) = catalog.plugin(forCommand: name) else {
            err.write("dstool: unknown command '\(name)'\n")
            return ExitCode.usage
        }
        var s = "usage: \(cmd.usage)\n\(cmd.summary.text(lang))\n"
        s += lang == "zh" ? "插件: \(plugin.manifest.id) \(plugin.manifest.version)（\(plugin.manifest.name.zh)）\n" : "plugin: \(plugin.manifest.id) \(plugin.manifest.version) (\(plugin.manifest.name.en))\n"
        if !cmd.options.isEmpty {
            s += lang == "zh" ? "\n选项:\n" : "\noptions:\n"
            for o in cmd.options {
                let flag = "--\(o.name)" + (o.kind == "flag" ? "" : " \(o.valueName ?? "V")") + (o.short.map { ", -\($0)" } ?? "")
                s += Self.optionRow(flag, o.help.text(lang))
            }
        }
        if let f = cmd.formats, !f.isEmpty { s += (lang == "zh" ? "\n额外格式: " : "\nextra formats: ") + f.joined(separator: ", ") + "\n" }
        out.write(s)
        return ExitCode.ok
    }
}

extension String {
    /// `NSString.padding(toLength:withPad: " ", startingAt: 0)`: cut or filled with spaces to
    /// `length` UTF-16 units (what the help and plugin listings align on).
    func padded(to length: Int) -> String {
        let units = Array(utf16)
        if units.count >= length { return String(decoding: units.prefix(length), as: UTF16.self) }
        return self + String(repeating: " ", count: length - units.count)
    }
}
