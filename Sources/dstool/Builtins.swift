import CDSToolCrypto
import CDSToolPluginABI
import DSToolCore
import DSToolKit
import FoundationEssentials
import Glibc

enum Builtins {
    static func version(_ inv: Invocation, catalog: PluginCatalog, out: ReportStream) -> Int32 {
        let openssl = String(cString: dstool_openssl_version())
        if inv.globalValue("format") == "json" {
            let v: JSONValue = [
                "dstool": .string(Runner.version),
                "abi": .int(Int64(DSTOOL_ABI_VERSION)),
                "openssl": .string(openssl),
                "plugins": .object(Dictionary(uniqueKeysWithValues: catalog.plugins.map { ($0.manifest.id, JSONValue.string($0.manifest.version)) })),
            ]
            out.write(DSJSON.string(v, pretty: true) + "\n")
        } else {
            var s = "dstool \(Runner.version) (plugin ABI \(DSTOOL_ABI_VERSION))\n\(openssl)\n"
            for p in catalog.plugins { s += "plugin \(p.manifest.id) \(p.manifest.version)\n" }
            out.write(s)
        }
        return ExitCode.ok
    }

    static func plugins(_ inv: Invocation, catalog: PluginCatalog, out: ReportStream, err: ReportStream, lang: String) -> Int32 {
        let sub = inv.positionals.first ?? "list"
        let json = inv.globalValue("format") == "json"
        switch sub {
        case "list":
            if json {
                let arr: [JSONValue] = catalog.plugins.map { p in
                    ["id": .string(p.manifest.id), "version": .string(p.manifest.version), "category": .string(p.manifest.category),
                     "commands": .array(p.manifest.commands.map { .string($0.name) }), "manifest": .string(p.manifestPath)]
                }
                let broken: [JSONValue] = catalog.broken.map { ["manifest": .string($0.manifestPath), "reason": .string($0.reason)] }
                out.write(DSJSON.string(JSONValue.object(["plugins": .array(arr), "broken": .array(broken)]), pretty: true) + "\n")
            } else {
                var s = ""
                for p in catalog.plugins {
                    s += "\(p.manifest.id.padded(to: 14)) \(p.manifest.version.padded(to: 8)) \(p.manifest.name.text(lang)) — \(p.manifest.commands.map(\.name).joined(separator: ", "))\n"
                }
                for b in catalog.broken { s += "broken: \(b.manifestPath): \(b.reason)\n" }
                if catalog.plugins.isEmpty { s += "no plugins found in: \(catalog.searchPath.joined(separator: ", "))\n" }
                out.write(s)
            }
            return ExitCode.ok
        case "info":
            guard inv.positionals.count == 2, let p = catalog.plugin(id: inv.positionals[1]) ?? catalog.plugin(forCommand: inv.positionals[1])?.0 else {
                err.write("dstool: plugins info needs a plugin id (see 'dstool plugins list')\n")
                return ExitCode.usage
            }
            if json {
                out.write(DSJSON.string(p.manifest, pretty: true) + "\n")
            } else {
                let m = p.manifest
                var s = "\(m.id) \(m.version) — \(m.name.text(lang))\n\(m.description.text(lang))\n"
                s += "category: \(m.category); tool library: \(m.toolLibrary.joined(separator: ", "))\n"
                s += "manifest: \(p.manifestPath)\nlibrary: \(p.libraryPath)\ninputs: \(m.inputs.joined(separator: ", "))\n"
                s += "commands:\n" + m.commands.map { "  \($0.name): \($0.summary.text(lang))" }.joined(separator: "\n") + "\n"
                s += "rules: \(m.rules.count)\n"
                out.write(s)
            }
            return ExitCode.ok
        case "verify":
            var bad = 0
            var rows: [JSONValue] = []
            for p in catalog.plugins {
                let v = PluginVerification.check(p)
                var problems = v.problems
                if v.ok {
                    do { _ = try PluginLoader.load(p, allowUnverified: false) } catch { problems.append("\(error)") }
                }
                if !problems.isEmpty { bad += 1 }
                rows.append(["id": .string(p.manifest.id), "ok": .bool(problems.isEmpty), "sha256": v.sha256.map { .string($0) } ?? .null,
                             "problems": .array(problems.map { .string($0) })])
                if !json { out.write("\(problems.isEmpty ? "ok  " : "FAIL") \(p.manifest.id) \(v.sha256 ?? "-")\(problems.isEmpty ? "" : "\n     " + problems.joined(separator: "\n     "))\n") }
            }
            for b in catalog.broken {
                bad += 1
                rows.append(["manifest": .string(b.manifestPath), "ok": false, "problems": [.string(b.reason)]])
                if !json { out.write("FAIL \(b.manifestPath)\n     \(b.reason)\n") }
            }
            if json { out.write(DSJSON.string(JSONValue.array(rows), pretty: true) + "\n") }
            return bad == 0 ? ExitCode.ok : ExitCode.findings
        case "lock":
            guard inv.positionals.count == 2 else {
                err.write("dstool: plugins lock needs the plugin folder to lock\n")
                return ExitCode.usage
            }
            do {
                let lock = try PluginLock.write(directory: inv.positionals[1])
                out.write("locked \(lock.plugins.count) plugins in \(FilePaths.appending(to: inv.positionals[1], PluginLock.fileName))\n")
                return ExitCode.ok
            } catch {
                err.write("dstool: plugins lock: \(error)\n")
                return ExitCode.inputErrors
            }
        default:
            err.write("dstool: unknown 'plugins \(sub)'; use list, info ID, verify or lock DIR\n")
            return ExitCode.usage
        }
    }

    static func caseCommand(_ inv: Invocation, out: ReportStream, err: ReportStream, lang: String) -> Int32 {
        CaseCommand.run(inv, out: out, err: err, lang: lang)
    }

    static func completion(_ inv: Invocation, commands: [Completion.Command], out: ReportStream, err: ReportStream) -> Int32 {
        guard inv.positionals.count == 1, let script = Completion.script(shell: inv.positionals[0], commands: commands) else {
            err.write("dstool: completion needs one of bash, zsh, fish (e.g. 'source <(dstool completion bash)')\n")
            return ExitCode.usage
        }
        out.write(script)
        return ExitCode.ok
    }
}
