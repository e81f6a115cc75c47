import DSToolKit
import FoundationEssentials

/// dstool encrypt / decrypt / keygen / sign / verify / hash.
public enum EncryptPlugin: DSToolPlugin {
    public static var manifestJSON: String { embeddedManifestJSON }

    public static func run(_ context: PluginContext) throws -> PluginStatus {
        switch context.request.command {
        case "encrypt": return try EncryptCommand(context).run()
        case "decrypt": return try DecryptCommand(context).run()
        case "keygen": return try KeygenCommand(context).run()
        case "sign": return try SignCommand(context).run()
        case "verify": return try VerifyCommand(context).run()
        case "hash": return try HashCommand(context).run()
        default: throw DSToolError.usage("unknown command \(context.request.command)")
        }
    }
}

extension PluginContext {
    /// Runs `body` for every input item; a failing item is reported and the run goes on.
    func eachItem(_ body: (InputItem) throws -> Void) -> PluginStatus {
        var status = PluginStatus.ok
        while let item = nextItem() {
            do { try body(item) } catch { fail(item.name, error); status = .inputErrors }
        }
        return status
    }

    /// Writes an output atomically: committed if `body` succeeds, removed if it throws.
    func withOutput(_ path: String, mode: UInt32, replace: Bool, _ body: (PluginOutput) throws -> Void) throws {
        let out = try openOutput(path, mode: mode, replace: replace)
        do { try body(out); try out.commit() } catch { out.abort(); throw error }
    }

    /// Reports a failed item.
    func fail(_ item: String, _ error: Error) {
        if let e = error as? EnvelopeError {
            emitError(input: item, reason: e.description, code: e.code)
        } else if case DSToolError.usage(let m) = error {
            emitError(input: item, reason: m, code: "usage")
        } else {
            emitError(input: item, reason: "\(error)", code: "encrypt.failed")
        }
    }
}

/// Runs key loading named by options: any failure there is a usage problem (exit 2), reported once.
func asUsage<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as DSToolError {
        if case .usage = e { throw e }
        throw DSToolError.usage(e.description)
    } catch let e as EnvelopeError {
        throw DSToolError.usage(e.description)
    }
}

/// Output naming shared by encrypt/decrypt/sign: -o for one input, else derived from the input.
struct OutputNaming {
    let request: PluginRequest
    var explicit: String? { request.value("output") }

    func check(inputs: [String]) throws {
        if explicit != nil && inputs.count > 1 { throw DSToolError.usage("-o/--output takes one input; give several inputs without it") }
        if inputs.count > 1 && inputs.contains("-") { throw DSToolError.usage("standard input (-) cannot be combined with other inputs") }
    }
}
