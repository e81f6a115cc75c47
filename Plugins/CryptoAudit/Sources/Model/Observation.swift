import DSToolKit

/// What an algorithm is used for at the place it was seen.
public enum AlgorithmRole: String, Codable, Sendable {
    case encrypt, digest, mac, sign, keygen, keyAgree = "key-agree", kdf, random
    /// Part of a TLS cipher suite or SSH algorithm list.
    case channel
    /// The algorithm a certificate is signed with.
    case certificateSignature = "certificate-signature"
    /// The algorithm of a key (in a certificate, a key file, or generated in code).
    case key
    /// Found as an implementation constant inside a binary.
    case implementation

    /// CycloneDX cryptoFunctions for this role.
    var cdxFunctions: [String] {
        switch self {
        case .encrypt: return ["encrypt", "decrypt"]
        case .digest: return ["digest"]
        case .mac: return ["tag"]
        case .sign, .certificateSignature: return ["sign", "verify"]
        case .keygen, .key: return ["keygen"]
        case .keyAgree: return ["keygen"]
        case .kdf: return ["keyderive"]
        case .random: return ["generate"]
        case .channel, .implementation: return ["unknown"]
        }
    }
}

/// A certificate as parsed (file, PKCS#12, or a live TLS chain).
public struct CertificateInfo: Sendable, Hashable, Codable {
    public var subject: String
    public var issuer: String
    public var serial: String
    public var notBefore: String      // ISO 8601
    public var notAfter: String
    public var notAfterEpoch: Int64
    public var notBeforeEpoch: Int64
    public var signatureAlgorithm: String
    public var signatureComponents: [AlgorithmComponent]
    public var key: KeyInfo
    public var selfSigned: Bool
    public var isCA: Bool
    public var sha256: String
    public var format: String         // PEM, DER, PKCS#12, TLS
}

/// A public or private key.
public struct KeyInfo: Sendable, Hashable, Codable {
    public var algorithm: String      // RSA, EC, SM2, ED25519, DSA, DH, ...
    public var bits: Int
    public var curve: String?
    public var isPrivate: Bool
    /// For private keys: whether the key is stored encrypted (nil: cannot tell).
    public var encrypted: Bool?
    /// How an encrypted key is protected, when known (e.g. "PBES2", "pbeWithMD5AndDES-CBC", "aes256-ctr").
    public var protection: String?
    public var format: String

    public var component: AlgorithmComponent {
        switch algorithm.uppercased() {
        case "RSA", "RSA-PSS", "RSASSA-PSS": return AlgorithmComponent(family: "RSA", keyBits: bits)
        case "DSA": return AlgorithmComponent(family: "DSA", keyBits: bits)
        case "DH", "DHX": return AlgorithmComponent(family: "DH", keyBits: bits)
        case "SM2": return AlgorithmComponent(family: "SM2", keyBits: bits, curve: "SM2")
        case "ED25519": return AlgorithmComponent(family: "Ed25519")
        case "ED448": return AlgorithmComponent(family: "Ed448")
        case "X25519": return AlgorithmComponent(family: "X25519")
        case "X448": return AlgorithmComponent(family: "X448")
        default:
            if curve.flatMap(CurveCatalog.parse)?.name == "SM2" { return AlgorithmComponent(family: "SM2", keyBits: bits, curve: "SM2") }
            return AlgorithmComponent(family: "ECDSA", keyBits: nil, curve: curve)
        }
    }
    public var displayName: String {
        if let curve { return "\(algorithm) \(curve)" }
        return "\(algorithm) \(bits)"
    }
}

/// One thing the audit saw: an algorithm, protocol, key, certificate or setting, where it was, and
/// which layer of GB/T 39786 it belongs to. Rules turn observations into findings; every
/// observation of an asset also goes into the inventory and the CBOM.
public struct Observation: Sendable {
    public enum Kind: Sendable {
        case algorithm(AlgorithmComponent, role: AlgorithmRole)
        /// A protocol version a configuration or code enables, or an endpoint offers.
        case protocolVersion(ProtocolVersion)
        case cipherSuite(CipherSuiteCatalog.Judgement)
        case sshAlgorithm(String, SSHAlgorithmCatalog.Kind)
        /// A cipher-string setting that lowers OpenSSL's security level or allows everything.
        case permissiveCipherPolicy(String)
        case staticIV(String)
        case hardcodedKey(String)
        case hardcodedPassword(String)
        case staticSalt(String)
        case iterations(Int)
        case weakRandom(String)
        case certValidationDisabled(String)
        case hostnameVerificationDisabled(String)
        case plainHTTP(String)
        case certificate(CertificateInfo)
        case privateKey(KeyInfo)
        case library(name: String, version: String?, via: String)
        case binaryConstant(String, table: String)
    }

    public var kind: Kind
    public var layer: SecurityLayer
    public var location: Location
    /// What was seen, already redacted where it holds a secret.
    public var evidence: String
    /// For hashes and randomness: whether the surrounding code is a security use (nil: cannot tell).
    public var securityUse: Bool?
    /// The API, directive or source that showed it ("Cipher.getInstance", "ssl_protocols", "tls-probe").
    public var source: String
    public var confidence: Double

    public init(_ kind: Kind, layer: SecurityLayer, location: Location, evidence: String, source: String,
                securityUse: Bool? = nil, confidence: Double = 0.9) {
        self.kind = kind; self.layer = layer; self.location = location; self.evidence = evidence
        self.source = source; self.securityUse = securityUse; self.confidence = confidence
    }
}
