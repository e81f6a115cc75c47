import DSToolKit
import FoundationEssentials

/// Reads keys, recipients and passphrases named on the command line. Secrets come only through
/// the host's readSecret (env:, fd:, file:, prompt:), never from argv; each is read once per run.
final class KeySources {
    let context: PluginContext
    private var passphrases: [String: SecretBuffer] = [:]

    init(_ context: PluginContext) { self.context = context }

    /// `spec` is env:NAME, fd:N, file:PATH or prompt[:TEXT]; `confirm` asks twice at a prompt.
    func passphrase(_ spec: String, option: String, prompt: String = "Passphrase: ", confirm: Bool = false) throws -> SecretBuffer {
        if let cached = passphrases[spec] { return cached }
        var source = spec
        if spec == "prompt" { source = "prompt:\(prompt)" }
        guard ["env:", "fd:", "file:", "prompt:"].contains(where: { source.hasPrefix($0) }) else {
            throw DSToolError.usage("--\(option) takes a source (env:NAME, fd:N, file:PATH or prompt), never the passphrase itself")
        }
        let secret = try context.readSecret(source)
        if source.hasPrefix("prompt:") && confirm {
            let again = try context.readSecret("prompt:Confirm passphrase: ")
            guard KDF.equal(secret.bytes, again.bytes) else { throw DSToolError.usage("the passphrases do not match") }
        }
        guard !secret.bytes.isEmpty else { throw DSToolError.usage("--\(option): the passphrase is empty") }
        let buffer = SecretBuffer(secret.bytes)
        secret.wipe()
        passphrases[spec] = buffer
        return buffer
    }

    /// The contents of a key file: a path, or an env:/fd:/file: source.
    func keyFile(_ spec: String) throws -> SecretBuffer {
        let source = ["env:", "fd:", "file:"].contains(where: { spec.hasPrefix($0) }) ? spec : "file:\(spec)"
        let secret = try context.readSecret(source)
        defer { secret.wipe() }
        return SecretBuffer(secret.bytes)
    }

    // MARK: recipients

    static func parseRecipient(_ text: String) throws -> Recipient {
        if let r = X25519Recipient(text) { return r }
        if let r = SM2Recipient(text) { return r }
        if text.hasPrefix("ssh-") { throw DSToolError.usage("SSH recipients are not supported: \(text.prefix(20))…") }
        if text.hasPrefix("age1") || text.hasPrefix("sm2pub1") {
            throw DSToolError.usage("invalid recipient \(text) (bad checksum or length)")
        }
        throw DSToolError.usage("unknown recipient \(text): expected age1… (X25519) or sm2pub1… (SM2)")
    }

    /// Recipients from a file: one age1… or sm2pub1… per line (# comments, blank lines), and/or
    /// PEM SM2 public keys and certificates.
    func recipientsFile(_ path: String) throws -> [Recipient] {
        let content = try keyFile(path)
        let text = String(decoding: content.bytes, as: UTF8.self)
        var out: [Recipient] = []
        var inPEM = false
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingWhitespacesAndNewlines()
            if line.hasPrefix("-----BEGIN ") { inPEM = true; continue }
            if line.hasPrefix("-----END ") { inPEM = false; continue }
            if inPEM || line.isEmpty || line.hasPrefix("#") { continue }
            do { out.append(try Self.parseRecipient(line)) } catch {
                throw DSToolError.usage("\(path):\(n + 1): \(error)")
            }
        }
        if text.contains("-----BEGIN ") {
            for key in try PEMKeys.readPublicKeys(content.bytes, name: path) {
                out.append(try SM2Recipient(key: key, name: path))
            }
        }
        if out.isEmpty { throw DSToolError.usage("\(path): no recipients in it") }
        return out
    }

    // MARK: identities

    /// Identities from a file: AGE-SECRET-KEY-1… lines, a passphrase-protected (age-encrypted)
    /// identity file, or a PEM SM2 private key.
    func identities(_ spec: String, keyPassphrase: String?) throws -> [Identity] {
        var content = try keyFile(spec)
        var text = String(decoding: content.bytes, as: UTF8.self)
        let trimmed = text.drop(while: { $0.isWhitespace })
        if trimmed.hasPrefix(Scheme.age.versionLine) || trimmed.hasPrefix("-----BEGIN \(Armor.ageLabel)-----") {
            // An identity file encrypted with a passphrase (age -p, dstool keygen -p).
            let pass = try passphrase(keyPassphrase ?? "prompt", option: "key-passphrase", prompt: "Passphrase for \(spec): ")
            let opened = try Envelope.open(MemorySource(content.bytes))
            let sink = MemorySink()
            do {
                try Envelope.decrypt(opened, identities: { _ in [ScryptIdentity(passphrase: pass)] }, sink: sink)
            } catch EnvelopeError.wrongPassphrase {
                throw EnvelopeError.unusable("\(spec): wrong passphrase for the protected identity file")
            }
            content = SecretBuffer(sink.bytes)
            text = String(decoding: content.bytes, as: UTF8.self)
        } else if text.contains("-----BEGIN ") && PEMKeys.isPrivateKey(content.bytes) {
            var pass: SecretBuffer?
            if PEMKeys.isEncrypted(content.bytes) {
                pass = try passphrase(keyPassphrase ?? "prompt", option: "key-passphrase", prompt: "Passphrase for \(spec): ")
            }
            let key = try PEMKeys.readPrivateKey(content, passphrase: pass, name: spec)
            return [try SM2Identity(key: key, name: spec)]
        }
        var out: [Identity] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingWhitespacesAndNewlines()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let id = try X25519Identity.parse(line) else {
                let what = line.hasPrefix("AGE-SECRET-KEY-PQ-") ? "post-quantum identities are not supported" : "not an AGE-SECRET-KEY-1… identity"
                throw DSToolError.usage("\(spec):\(n + 1): \(what)")
            }
            out.append(id)
        }
        if out.isEmpty { throw DSToolError.usage("\(spec): no identities in it") }
        return out
    }

    /// A private key for signing (PEM SM2 or Ed25519).
    func signingKey(_ spec: String, keyPassphrase: String?) throws -> PKey {
        let content = try keyFile(spec)
        var pass: SecretBuffer?
        if PEMKeys.isEncrypted(content.bytes) {
            pass = try passphrase(keyPassphrase ?? "prompt", option: "key-passphrase", prompt: "Passphrase for \(spec): ")
        }
        let key = try PEMKeys.readPrivateKey(content, passphrase: pass, name: spec)
        _ = try Signatures.algorithm(of: key)
        return key
    }
}
