import DSToolKit
import Foundation

/// `dstool mask` / `dstool unmask`: see README, "dstool mask / unmask".
public enum MaskPlugin: DSToolPlugin {
    public static var manifestJSON: String { embeddedManifestJSON }

    public static func run(_ context: PluginContext) throws -> PluginStatus {
        let options = try MaskOptions(context.request)
        var keys: KeyRing?
        if let source = options.keySource {
            let secret: SecretBytes
            do { secret = try context.readSecret(source) } catch { throw DSToolError.usage("--key \(source): \(error)") }
            defer { secret.wipe() }
            keys = KeyRing(key: try MaskKey(secret: secret.bytes))
        }
        var policy = MaskPolicy()
        if let path = options.policyPath {
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw DSToolError.usage("--policy \(path): cannot read it (\((error as NSError).localizedFailureReason ?? "unreadable"))")
            }
            do { policy = try MaskPolicy.parse(yaml: text, name: path) } catch let e as PolicyError { throw DSToolError.usage(e.message) }
        }
        if let k = options.k { policy.k = k }
        if !options.quasi.isEmpty { policy.quasi = options.quasi }
        if options.suppressBelowK { policy.suppressBelowK = true }
        if policy.suppressBelowK && policy.k == nil { throw DSToolError.usage("--suppress-below-k needs --k N") }
        if policy.k != nil && policy.quasi.isEmpty { throw DSToolError.usage("--k needs the quasi-identifier columns (--quasi COL,COL)") }
        if options.direction == .mask && options.policyPath == nil && !options.auto {
            throw DSToolError.usage("say what to mask: --policy FILE, or --auto to detect it")
        }
        if options.direction == .unmask && options.policyPath == nil {
            throw DSToolError.usage("unmask needs the --policy the data was masked with")
        }
        if options.direction == .unmask && keys == nil {
            throw DSToolError.usage("unmask needs the masking key (--key file:PATH, env:NAME or fd:N)")
        }
        let run = try MaskRun(context: context, options: options, policy: policy, keys: keys)
        return try run.execute()
    }
}

/// The command's options, checked.
struct MaskOptions {
    var direction: MaskDirection
    var policyPath: String?
    var auto = false
    var keySource: String?
    var output: String?
    var emitPolicy: String?
    var onInvalid: OnInvalid?
    var inputFormat: String?
    var delimiter: UInt8?
    var noHeader = false
    var k: Int?
    var quasi: [String] = []
    var suppressBelowK = false
    var overwrite = false
    /// --output-encoding; nil is `same`.
    var outputEncoding: OutputEncoding?
    var cwd: String

    init(_ r: PluginRequest) throws {
        direction = r.command == "unmask" ? .unmask : .mask
        cwd = r.cwd
        func path(_ p: String?) -> String? {
            guard let p, p != "-" else { return p }
            return p.hasPrefix("/") ? p : (r.cwd as NSString).appendingPathComponent(p)
        }
        policyPath = path(r.value("policy"))
        auto = r.flag("auto")
        output = path(r.value("output"))
        emitPolicy = path(r.value("emit-policy"))
        inputFormat = r.value("input-format")
        noHeader = r.flag("no-header")
        overwrite = r.flag("overwrite")
        suppressBelowK = r.flag("suppress-below-k")
        outputEncoding = try OutputEncoding.choice(r.value("output-encoding"))
        if let s = r.value("on-invalid") {
            guard let o = OnInvalid(rawValue: s) else { throw DSToolError.usage("--on-invalid: '\(s)' is not one of leave, redact, fail") }
            onInvalid = o
        }
        if let s = r.value("key") {
            guard ["file:", "env:", "fd:", "prompt:"].contains(where: { s.hasPrefix($0) }) else {
                throw DSToolError.usage("--key takes file:PATH, env:NAME or fd:N (the key itself never goes on the command line)")
            }
            keySource = s.hasPrefix("file:") ? "file:" + path(String(s.dropFirst(5)))! : s
        } else if ProcessInfo.processInfo.environment["DSTOOL_MASK_KEY"] != nil {
            keySource = "env:DSTOOL_MASK_KEY"
        }
        if let s = r.value("delimiter") {
            switch s {
            case "\\t", "tab", "\t": delimiter = 9
            default:
                guard s.utf8.count == 1, let b = s.utf8.first, b != 34, b != 10, b != 13 else {
                    throw DSToolError.usage("--delimiter must be one ASCII character (or \\t), not '\(s)'")
                }
                delimiter = b
            }
        }
        if let s = r.value("k") {
            guard let n = Int(s), n >= 2 else { throw DSToolError.usage("--k: '\(s)' must be a whole number of at least 2") }
            k = n
        }
        if let q = r.value("quasi") {
            quasi = q.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if r.inputs.isEmpty { throw DSToolError.usage("name the inputs to \(r.command) (- for standard input)") }
    }
}
