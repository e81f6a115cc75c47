import DSToolKit
import FoundationEssentials

struct EncryptCommand {
    let context: PluginContext
    var request: PluginRequest { context.request }
    init(_ context: PluginContext) { self.context = context }

    func recipients(_ keys: KeySources) throws -> (Scheme, [Recipient]) {
        var list: [Recipient] = try request.values("recipient").map(KeySources.parseRecipient)
        for f in request.values("recipients-file") { list += try keys.recipientsFile(f) }
        var scheme: Scheme
        if let s = request.value("scheme") {
            guard let parsed = Scheme(rawValue: s.lowercased()) else { throw DSToolError.usage("--scheme: '\(s)' is not age or gm") }
            scheme = parsed
        } else {
            scheme = list.first?.scheme ?? .age
        }
        if let other = list.first(where: { $0.scheme != scheme }) {
            throw DSToolError.usage("recipient \(other.label) is for the \(other.scheme.rawValue) scheme, not \(scheme.rawValue) (age takes age1… keys, gm takes SM2 keys)")
        }
        if let spec = request.value("passphrase") {
            guard list.isEmpty else { throw DSToolError.usage("--passphrase cannot be combined with recipients (a password stanza must be alone)") }
            let pass = try keys.passphrase(spec, option: "passphrase", confirm: true)
            switch scheme {
            case .age:
                let logN = try request.int("scrypt-log-n", default: 18)
                guard (10...22).contains(logN) else { throw DSToolError.usage("--scrypt-log-n must be 10–22 (age decrypts at most 22)") }
                list.append(ScryptRecipient(passphrase: pass, logN: logN))
            case .gm:
                let it = try request.int("pbkdf2-iterations", default: 600_000)
                guard it >= 1000 && it <= PBKDF2Identity.maxIterations else {
                    throw DSToolError.usage("--pbkdf2-iterations must be 1000–\(PBKDF2Identity.maxIterations)")
                }
                list.append(PBKDF2Recipient(passphrase: pass, iterations: it))
            }
        }
        guard !list.isEmpty else { throw DSToolError.usage("nothing to encrypt to: give -r RECIPIENT, -R FILE or --passphrase SOURCE") }
        return (scheme, list)
    }

    func run() throws -> PluginStatus {
        let inputs = request.inputs
        let naming = OutputNaming(request: request)
        try naming.check(inputs: inputs)
        guard !inputs.isEmpty else { throw DSToolError.usage("no input: give a file, or - for standard input") }
        let keys = KeySources(context)
        let (scheme, recipients) = try asUsage { try self.recipients(keys) }
        let armor = request.flag("armor")
        let single = inputs.count == 1
        let toStdout = single && (naming.explicit ?? "-") == "-"
        if toStdout && request.stdoutIsTerminal && !armor {
            throw DSToolError.usage("refusing to write binary ciphertext to a terminal: use -o FILE, redirect, or --armor")
        }
        return context.eachItem { item in
            let outPath = single ? (naming.explicit ?? "-") : item.name + scheme.suffix
            let total = UInt64(item.size ?? 0)
            let mapped: ByteSource? = try MappedInput.forGM(item, scheme: scheme, offset: 0)
            let source = mapped ?? ItemSource(item)
            try context.withOutput(outPath, mode: 0o644, replace: request.flag("force")) { output in
                try Envelope.encrypt(source, to: recipients, scheme: scheme, armor: armor, sink: OutputSink(output),
                                     progress: { done in context.progress(done: UInt64(done), total: total, label: item.name) })
            }
            context.emit(DataRecord(kind: "encrypted", value: .object([
                "input": .string(item.name), "output": .string(outPath), "scheme": .string(scheme.rawValue),
                "armor": .bool(armor), "recipients": .array(recipients.map { .string($0.label) }),
            ])))
        }
    }
}

struct DecryptCommand {
    let context: PluginContext
    var request: PluginRequest { context.request }
    init(_ context: PluginContext) { self.context = context }

    func run() throws -> PluginStatus {
        let inputs = request.inputs
        let naming = OutputNaming(request: request)
        try naming.check(inputs: inputs)
        guard !inputs.isEmpty else { throw DSToolError.usage("no input: give a file, or - for standard input") }
        let keys = KeySources(context)
        let identitySpecs = request.values("identity")
        let keyPassphrase = request.value("key-passphrase")
        let passphraseSpec = request.value("passphrase")
        var loaded: [Identity]?
        // Keys are read once, and only when a file needs them.
        let identities: (Bool) throws -> [Identity] = { password in
            if password {
                return [ScryptIdentity(passphrase: try keys.passphrase(passphraseSpec ?? "prompt", option: "passphrase")),
                        PBKDF2Identity(passphrase: try keys.passphrase(passphraseSpec ?? "prompt", option: "passphrase"))]
            }
            if let loaded { return loaded }
            guard !identitySpecs.isEmpty else {
                throw EnvelopeError.noIdentityMatched("the file is encrypted to keys; give -i IDENTITY")
            }
            var all: [Identity] = []
            for spec in identitySpecs { all += try keys.identities(spec, keyPassphrase: keyPassphrase) }
            loaded = all
            return all
        }
        let single = inputs.count == 1
        return context.eachItem { item in
            let opened = try Envelope.open(ItemSource(item))
            var outPath = naming.explicit ?? "-"
            if !single {
                guard item.name.hasSuffix(opened.scheme.suffix), item.name.count > opened.scheme.suffix.count else {
                    throw DSToolError.usage("cannot name the output (no \(opened.scheme.suffix) suffix); decrypt it alone with -o")
                }
                outPath = String(item.name.dropLast(opened.scheme.suffix.count))
            }
            let total = UInt64(item.size ?? 0)
            // Removed again if anything fails: nothing half-written stays behind.
            try context.withOutput(outPath, mode: 0o600, replace: request.flag("force")) { output in
                try Envelope.decrypt(opened, identities: identities, sink: OutputSink(output),
                                     progress: { done in context.progress(done: UInt64(done), total: total, label: item.name) },
                                     payloadFrom: { offset in try MappedInput.forGM(item, scheme: opened.scheme, offset: Int(offset)) })
            }
            context.emit(DataRecord(kind: "decrypted", value: .object([
                "input": .string(item.name), "output": .string(outPath), "scheme": .string(opened.scheme.rawValue),
                "armor": .bool(opened.armored),
            ])))
        }
    }
}

extension MappedInput {
    /// A GM-envelope input read in place from a memory map: a regular file, and the SIMD
    /// backend, whose C code reads the map under the SIGBUS guard. Nil otherwise (read through
    /// the host as usual). Reading in place saves the copy out of the page cache, which costs
    /// as much CPU as the SM4 and SM3 work together.
    static func forGM(_ item: InputItem, scheme: Scheme, offset: Int) throws -> MappedInput? {
        guard scheme == .gm, !item.isStdin, !item.inArchive, case .fast = GMChunkCipher.Backend.best else { return nil }
        return MappedInput(file: try MappedFile(path: try item.localPath()), offset: offset)
    }
}
