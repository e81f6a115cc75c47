import DSToolKit
import FoundationEssentials

struct KeygenCommand {
    let context: PluginContext
    var request: PluginRequest { context.request }
    init(_ context: PluginContext) { self.context = context }

    func run() throws -> PluginStatus {
        let type = (request.value("type") ?? "x25519").lowercased()
        guard ["x25519", "sm2", "ed25519"].contains(type) else { throw DSToolError.usage("--type: '\(type)' is not x25519, sm2 or ed25519") }
        guard let path = request.value("output") else {
            throw DSToolError.usage("give -o FILE for the private key (written with mode 0600; the public key goes to FILE.pub)")
        }
        guard request.inputs.isEmpty else { throw DSToolError.usage("keygen takes no arguments") }
        let keys = KeySources(context)
        let pass = try asUsage { try request.value("passphrase").map { try keys.passphrase($0, option: "passphrase", confirm: true) } }
        var privateBytes: SecretBuffer
        var publicFile: [UInt8]
        var value: [String: JSONValue] = ["type": .string(type), "private_key": .string(path), "protected": .bool(pass != nil)]
        var shown: String
        switch type {
        case "x25519":
            let id = try X25519Identity.generate()
            let recipient = id.recipient.encoded
            let created = UTCTimestamp.string(seconds: Int64(Date().timeIntervalSince1970.rounded(.down)))
            let text = SecretBuffer(Array("# created: \(created)\n# public key: \(recipient)\n\(id.encoded)\n".utf8))
            if let pass {
                // age -d -i FILE asks for the passphrase of such a file, as dstool decrypt does.
                let sink = MemorySink()
                try Envelope.encrypt(MemorySource(text.bytes), to: [ScryptRecipient(passphrase: pass)], scheme: .age, armor: true, sink: sink)
                privateBytes = SecretBuffer(sink.bytes)
            } else {
                privateBytes = text
            }
            publicFile = Array("\(recipient)\n".utf8)
            value["recipient"] = .string(recipient)
            shown = recipient
        default:
            let key = try PEMKeys.generate(type == "sm2" ? "SM2" : "ED25519")
            privateBytes = try PEMKeys.privateKeyPEM(key, passphrase: pass, cipher: type == "sm2" ? "SM4-CBC" : "AES-256-CBC")
            publicFile = try PEMKeys.publicKeyPEM(key)
            value["fingerprint"] = .string(PEMKeys.fingerprint(key))
            shown = PEMKeys.fingerprint(key)
            if type == "sm2", let r = try? SM2Recipient(key: key, name: path) {
                value["recipient"] = .string(r.encoded)
                shown = "\(r.encoded) (\(shown))"
            }
        }
        try context.withOutput(path, mode: 0o600, replace: request.flag("force")) { out in
            try privateBytes.withUnsafeBytes { try out.write($0) }
        }
        privateBytes.wipe()
        if path != "-" {
            try context.withOutput(path + ".pub", mode: 0o644, replace: request.flag("force")) { try $0.write(publicFile) }
            value["public_key"] = .string(path + ".pub")
        }
        let where_ = path == "-" ? "" : " (private key: \(path), public key: \(path).pub)"
        context.emit(DataRecord(kind: "key",
                                text: LocalizedText(en: "Public key: \(shown)\(where_)", zh: "公钥：\(shown)\(where_.isEmpty ? "" : "（私钥：\(path)，公钥：\(path).pub）")"),
                                value: .object(value)))
        return .ok
    }
}

struct SignCommand {
    let context: PluginContext
    var request: PluginRequest { context.request }
    init(_ context: PluginContext) { self.context = context }

    func run() throws -> PluginStatus {
        guard let keySpec = request.value("key") else { throw DSToolError.usage("give -k KEY (a PEM SM2 or Ed25519 private key)") }
        try OutputNaming(request: request).check(inputs: request.inputs)
        guard !request.inputs.isEmpty else { throw DSToolError.usage("no input: give the files to sign") }
        let key = try asUsage { try KeySources(context).signingKey(keySpec, keyPassphrase: request.value("key-passphrase")) }
        let alg = try asUsage { try Signatures.algorithm(of: key) }
        let fingerprint = PEMKeys.fingerprint(key)
        return context.eachItem { item in
            guard let sigPath = request.value("output") ?? (item.isStdin ? nil : item.name + ".sig") else {
                throw DSToolError.usage("give -o SIGFILE to sign standard input")
            }
            let sig = try Signatures.sign(key, source: ItemSource(item), wholeFile: { try MappedFile(path: item.localPath()) })
            try context.withOutput(sigPath, mode: 0o644, replace: request.flag("force")) { try $0.write(sig) }
            context.emit(DataRecord(kind: "signature",
                                    text: LocalizedText(en: "\(item.name): signed with \(alg.rawValue) → \(sigPath)",
                                                        zh: "\(item.name)：已用 \(alg.rawValue) 签名 → \(sigPath)"),
                                    value: .object(["input": .string(item.name), "signature": .string(sigPath),
                                                    "algorithm": .string(alg.rawValue), "key": .string(fingerprint)])))
        }
    }
}

struct VerifyCommand {
    let context: PluginContext
    var request: PluginRequest { context.request }
    init(_ context: PluginContext) { self.context = context }

    func run() throws -> PluginStatus {
        guard let keySpec = request.value("key") else { throw DSToolError.usage("give -k KEY (a PEM public key, certificate or private key)") }
        if request.value("signature") != nil && request.inputs.count > 1 {
            throw DSToolError.usage("-s/--signature takes one input; give several inputs without it (each INPUT.sig is used)")
        }
        guard !request.inputs.isEmpty else { throw DSToolError.usage("no input: give the files to verify") }
        let key = try asUsage { try PEMKeys.readPublicKey(try KeySources(context).keyFile(keySpec).bytes, name: keySpec) }
        let alg = try asUsage { try Signatures.algorithm(of: key) }
        let fingerprint = PEMKeys.fingerprint(key)
        return context.eachItem { item in
            guard let sigPath = request.value("signature") ?? (item.isStdin ? nil : item.name + ".sig") else {
                throw DSToolError.usage("give -s SIGFILE to verify standard input")
            }
            guard let sig = FileManager.default.contents(atPath: sigPath) else {
                throw DSToolError.io("cannot read the signature \(sigPath)")
            }
            let ok = try Signatures.verify(key, signature: Array(sig), source: ItemSource(item),
                                           wholeFile: { try MappedFile(path: item.localPath()) })
            let value: JSONValue = .object(["input": .string(item.name), "signature": .string(sigPath),
                                            "algorithm": .string(alg.rawValue), "key": .string(fingerprint), "valid": .bool(ok)])
            if ok {
                context.emit(DataRecord(kind: "verified",
                                        text: LocalizedText(en: "\(item.name): signature OK (\(alg.rawValue), key \(fingerprint))",
                                                            zh: "\(item.name)：签名有效（\(alg.rawValue)，密钥 \(fingerprint)）"),
                                        value: value))
            } else {
                context.emit(Finding(ruleId: "encrypt.signature-invalid",
                                     title: LocalizedText(en: "Signature does not verify", zh: "签名验证失败"),
                                     message: LocalizedText(en: "\(sigPath) is not a valid \(alg.rawValue) signature of \(item.name) by key \(fingerprint): the file or the signature was changed, or another key signed it",
                                                            zh: "\(sigPath) 不是密钥 \(fingerprint) 对 \(item.name) 的有效 \(alg.rawValue) 签名：文件或签名被改动，或由其他密钥签名"),
                                     category: "encryption", severity: .high, location: item.location(),
                                     references: ["GB/T 39786-2021"], properties: value))
            }
        }
    }
}
