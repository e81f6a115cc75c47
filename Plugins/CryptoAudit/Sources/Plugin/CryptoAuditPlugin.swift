import DSToolKit
import FoundationEssentials
import Glibc

/// `dstool crypto-audit`: see README.md, "dstool crypto-audit".
public enum CryptoAuditPlugin: DSToolPlugin {
    public static var manifestJSON: String { embeddedManifestJSON }

    public static func run(_ context: PluginContext) throws -> PluginStatus {
        let options = try AuditOptions(context.request)
        var p12: SecretBytes?
        if let f = options.p12PasswordFile { p12 = try context.readSecret("file:" + f) }
        else if let e = options.p12PasswordEnv { p12 = try context.readSecret("env:" + e) }
        defer { p12?.wipe() }
        var password = p12?.bytes
        // A password file's trailing newline is not part of the password.
        while let last = password?.last, last == 0x0A || last == 0x0D { password!.removeLast() }
        defer { if password != nil { memset_s_portable(&password!, password!.count) } }
        let run = AuditRun(context: context, options: options, p12Password: password)
        return try run.execute()
    }
}

/// The command's options, checked.
struct AuditOptions {
    var tlsTargets: [String] = []
    var tlsTimeout: Double = 5
    var tlsServerName: String?
    var p12PasswordFile: String?
    var p12PasswordEnv: String?
    var settings = AuditSettings()
    var cbomPath: String?
    var inventory = true
    var format = "text"
    var jobs = 1

    init(_ r: PluginRequest) throws {
        tlsTargets = r.values("tls")
        for t in tlsTargets where TLSProbe.splitHostPort(t) == nil {
            throw DSToolError.usage("--tls: '\(t)' is not HOST:PORT")
        }
        if let s = r.value("tls-timeout") {
            guard let v = Double(s), v > 0, v <= 600 else { throw DSToolError.usage("--tls-timeout: '\(s)' is not a number of seconds (0–600)") }
            tlsTimeout = v
        }
        tlsServerName = r.value("tls-servername")
        p12PasswordFile = r.value("p12-password-file")
        p12PasswordEnv = r.value("p12-password-env")
        if p12PasswordFile != nil && p12PasswordEnv != nil {
            throw DSToolError.usage("--p12-password-file and --p12-password-env: give one")
        }
        let level = try r.int("level", default: 3)
        guard (1...4).contains(level) else { throw DSToolError.usage("--level: \(level) is not a GB/T 39786 level (1–4)") }
        settings.clauses = Clauses(level: level)
        let days = try r.int("expiry-days", default: 30)
        guard days >= 0 else { throw DSToolError.usage("--expiry-days: must not be negative") }
        settings.expiryDays = days
        if let d = r.value("as-of") {
            guard let epoch = Self.parseDate(d) else { throw DSToolError.usage("--as-of: '\(d)' is not a date (YYYY-MM-DD)") }
            settings.now = epoch
        }
        cbomPath = r.value("cbom")
        inventory = !r.flag("no-inventory")
        format = r.format
        jobs = max(1, r.jobs)
    }

    static func parseDate(_ s: String) -> Int64? {
        let parts = s.split(separator: "-")
        guard parts.count == 3, let y = Int32(parts[0]), let m = Int32(parts[1]), let d = Int32(parts[2]),
              (1...12).contains(m), (1...31).contains(d), y >= 1970 else { return nil }
        var t = tm()
        t.tm_year = y - 1900; t.tm_mon = m - 1; t.tm_mday = d
        return Int64(timegm(&t))
    }
}
