import DSToolKit
import FoundationEssentials

/// CycloneDX 1.6 CBOM: every asset of the inventory as a `cryptographic-asset` component
/// (algorithms, protocols with their cipher suites, certificates, keys) or a `library` component,
/// with occurrences as evidence and the GB/T 39786 class and rule ids as properties.
enum CBOMWriter {
    static func document(_ inv: Inventory, timestamp: Int64) -> JSONValue {
        var components: [JSONValue] = []
        var refs = Set<String>()
        var extra: [JSONValue] = []
        let findingRules = inv.findingRules

        func ref(_ s: String) -> String {
            "crypto:" + s.map { $0.isLetter || $0.isNumber || "-._/:@".contains($0) ? String($0) : "_" }.joined()
        }
        func props(_ a: Asset) -> JSONValue {
            var p: [JSONValue] = [
                ["name": "dstool:classification", "value": .string(a.classification.rawValue)],
                ["name": "dstool:layer", "value": .string(a.layer.rawValue)],
                ["name": "dstool:occurrences", "value": .string(String(a.count))],
            ]
            if let rules = findingRules[a.id], !rules.isEmpty {
                p.append(["name": "dstool:findings", "value": .string(rules.sorted().joined(separator: ","))])
            }
            return .array(p)
        }
        func evidence(_ a: Asset) -> JSONValue {
            .object(["occurrences": .array(a.occurrences.map { l in
                var o: [String: JSONValue] = ["location": .string(l.input)]
                if let line = l.line, line >= 0 { o["line"] = .int(Int64(line)) }
                if let off = l.offset, off >= 0 { o["offset"] = .int(off) }
                return .object(o)
            })])
        }
        /// An algorithm component (made once per name), returning its bom-ref.
        func algorithmRef(_ c: AlgorithmComponent, functions: [String], layer: SecurityLayer) -> String {
            let r = ref("algorithm/\(c.displayName)")
            if refs.insert(r).inserted {
                extra.append(.object([
                    "type": "cryptographic-asset", "bom-ref": .string(r), "name": .string(c.displayName),
                    "cryptoProperties": algorithmProperties(c, functions: functions),
                    "properties": .array([["name": "dstool:classification", "value": .string(AlgorithmCatalog.classify(c).rawValue)],
                                          ["name": "dstool:layer", "value": .string(layer.rawValue)]]),
                ]))
            }
            return r
        }

        // Cipher suites are listed under the TLS protocol components of their layer.
        var suitesByLayer: [SecurityLayer: [String]] = [:]
        for a in inv.sortedAssets where a.kind == .cipherSuite { suitesByLayer[a.layer, default: []].append(a.name) }
        var layersWithProtocol = Set<SecurityLayer>()

        for a in inv.sortedAssets {
            let r = ref("\(a.kind.rawValue)/\(a.layer.rawValue)/\(a.name)")
            guard refs.insert(r).inserted else { continue }
            var comp: [String: JSONValue] = ["bom-ref": .string(r), "name": .string(a.name), "evidence": evidence(a), "properties": props(a)]
            switch a.kind {
            case .algorithm:
                comp["type"] = "cryptographic-asset"
                let c = a.component ?? AlgorithmComponent(family: a.name)
                let functions = a.roles.compactMap { AlgorithmRole(rawValue: $0)?.cdxFunctions }.flatMap { $0 }
                comp["cryptoProperties"] = algorithmProperties(c, functions: Array(Set(functions)).sorted())
            case .protocol:
                comp["type"] = "cryptographic-asset"
                let v = a.protocolVersion!
                var pp: [String: JSONValue] = ["type": .string(v.cdxType), "version": .string(v.cdxVersion)]
                if v.cdxType == "tls" || v == .tlcp {
                    pp["cipherSuites"] = .array((suitesByLayer[a.layer] ?? []).map { suite(name: $0) })
                    layersWithProtocol.insert(a.layer)
                }
                comp["cryptoProperties"] = .object(["assetType": "protocol", "protocolProperties": .object(pp)])
            case .cipherSuite:
                continue
            case .certificate:
                comp["type"] = "cryptographic-asset"
                let cert = a.certificate!
                var cp: [String: JSONValue] = [
                    "subjectName": .string(cert.subject), "issuerName": .string(cert.issuer),
                    "certificateFormat": "X.509", "certificateExtension": .string(cert.format.lowercased()),
                ]
                if !cert.notBefore.isEmpty { cp["notValidBefore"] = .string(cert.notBefore) }
                if !cert.notAfter.isEmpty { cp["notValidAfter"] = .string(cert.notAfter) }
                if let sig = cert.signatureComponents.first(where: { AlgorithmCatalog.family($0.family)?.primitive != .hash }) ?? cert.signatureComponents.first {
                    var s = sig
                    if let h = cert.signatureComponents.first(where: { AlgorithmCatalog.family($0.family)?.primitive == .hash }), s.family != h.family { s.hash = h.family }
                    cp["signatureAlgorithmRef"] = .string(algorithmRef(s, functions: ["sign", "verify"], layer: a.layer))
                }
                let keyRef = ref("key/\(cert.sha256)")
                if refs.insert(keyRef).inserted {
                    var km: [String: JSONValue] = ["type": "public-key", "size": .int(Int64(cert.key.bits)), "format": "X.509 SubjectPublicKeyInfo",
                                                   "algorithmRef": .string(algorithmRef(cert.key.component, functions: ["verify"], layer: a.layer))]
                    km["state"] = "active"
                    extra.append(.object(["type": "cryptographic-asset", "bom-ref": .string(keyRef), "name": .string("public key of \(cert.subject)"),
                                          "cryptoProperties": .object(["assetType": "related-crypto-material", "relatedCryptoMaterialProperties": .object(km)])]))
                }
                cp["subjectPublicKeyRef"] = .string(keyRef)
                comp["cryptoProperties"] = .object(["assetType": "certificate", "certificateProperties": .object(cp)])
            case .key:
                comp["type"] = "cryptographic-asset"
                let k = a.key!
                var km: [String: JSONValue] = ["type": .string(k.isPrivate ? "private-key" : "public-key"), "format": .string(k.format)]
                if k.bits > 0 { km["size"] = .int(Int64(k.bits)) }
                if k.algorithm != "unknown" { km["algorithmRef"] = .string(algorithmRef(k.component, functions: ["keygen"], layer: a.layer)) }
                comp["cryptoProperties"] = .object(["assetType": "related-crypto-material", "relatedCryptoMaterialProperties": .object(km)])
            case .library:
                comp["type"] = "library"
                let parts = a.name.split(separator: " ", maxSplits: 1)
                if let v = a.libraryVersion {
                    comp["name"] = .string(String(a.name.dropLast(v.count + 1)))
                    comp["version"] = .string(v)
                } else if parts.count == 1 {
                    comp["name"] = .string(a.name)
                }
            }
            components.append(.object(comp))
        }
        // Suites seen in a layer without any protocol version: one TLS component holds them.
        for (layer, suites) in suitesByLayer.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where !layersWithProtocol.contains(layer) {
            let r = ref("protocol/\(layer.rawValue)/TLS")
            guard refs.insert(r).inserted else { continue }
            components.append(.object([
                "type": "cryptographic-asset", "bom-ref": .string(r), "name": "TLS cipher suites",
                "cryptoProperties": .object(["assetType": "protocol", "protocolProperties": .object(["type": "tls", "cipherSuites": .array(suites.map { suite(name: $0) })])]),
                "properties": .array([["name": "dstool:layer", "value": .string(layer.rawValue)]]),
            ]))
        }
        components += extra

        // A serial derived from the content: the same evidence gives the same BOM.
        let digest = Digest.sha256Hex(Array(DSJSON.string(JSONValue.array(components)).utf8))
        let hex = Array(digest)
        let serial = "urn:uuid:\(String(hex[0..<8]))-\(String(hex[8..<12]))-5\(String(hex[13..<16]))-a\(String(hex[17..<20]))-\(String(hex[20..<32]))"
        return .object([
            "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "serialNumber": .string(serial),
            "metadata": .object([
                "timestamp": .string(UTCTimestamp.string(seconds: timestamp)),
                "tools": .object(["components": .array([.object(["type": "application", "name": "dstool", "version": "0.1.0",
                                                                 "description": "dstool crypto-audit (GB/T 39786-2021)"])])]),
            ]),
            "components": .array(components),
        ])
    }

    static func suite(name: String) -> JSONValue {
        .object(["name": .string(name), "identifiers": .array([])])
    }

    static func algorithmProperties(_ c: AlgorithmComponent, functions: [String]) -> JSONValue {
        var ap: [String: JSONValue] = ["primitive": .string(c.primitive.rawValue), "executionEnvironment": "software-plain-ram",
                                       "implementationPlatform": "unknown", "certificationLevel": ["none"]]
        if let bits = c.keyBits { ap["parameterSetIdentifier"] = .string(String(bits)) }
        if let m = c.mode {
            let cdx: Set<String> = ["cbc", "ecb", "ccm", "gcm", "cfb", "ofb", "ctr"]
            ap["mode"] = .string(cdx.contains(m.lowercased()) ? m.lowercased() : "other")
        }
        if let p = c.padding { ap["padding"] = .string(p) }
        if let curve = c.curve { ap["curve"] = .string(curve) }
        if !functions.isEmpty { ap["cryptoFunctions"] = .array(functions.map { .string($0) }) }
        if let level = securityLevel(c) { ap["classicalSecurityLevel"] = .int(Int64(level)) }
        var cp: [String: JSONValue] = ["assetType": "algorithm", "algorithmProperties": .object(ap)]
        if let oid = AlgorithmCatalog.family(c.family)?.oid { cp["oid"] = .string(oid) }
        return .object(cp)
    }

    /// Classical security in bits where it is well established (NIST SP 800-57).
    static func securityLevel(_ c: AlgorithmComponent) -> Int? {
        switch c.family {
        case "AES", "Camellia", "ARIA": return c.keyBits ?? 128
        case "SM4", "SM3", "SM2", "ChaCha20", "ChaCha20-Poly1305", "Ed25519", "X25519", "SHA-256", "SHA3-256": return 128
        case "3DES": return 112
        case "DES": return 56
        case "SHA-384", "SHA3-384": return 192
        case "SHA-512", "SHA3-512", "Ed448", "X448": return 256
        case "SHA-224", "SHA3-224": return 112
        case "SHA-1": return 63
        case "MD5": return 18
        case "RSA", "DSA", "DH":
            guard let b = c.keyBits else { return nil }
            switch b {
            case ..<1024: return 0
            case ..<2048: return 80
            case ..<3072: return 112
            case ..<7680: return 128
            case ..<15360: return 192
            default: return 256
            }
        case "ECDSA", "ECDH":
            return c.curve.flatMap(CurveCatalog.parse).map { $0.bits / 2 }
        default: return nil
        }
    }
}
