import DSToolKit

/// Secure-channel protocol versions.
public enum ProtocolVersion: String, Codable, Sendable, CaseIterable, Comparable {
    case ssl2 = "SSLv2", ssl3 = "SSLv3", tls10 = "TLSv1.0", tls11 = "TLSv1.1", tls12 = "TLSv1.2", tls13 = "TLSv1.3"
    /// GB/T 38636-2020 TLCP (the national "GM TLS"), also called GMSSL/NTLS.
    case tlcp = "TLCP"
    case ssh1 = "SSH-1", ssh2 = "SSH-2"

    var order: Int { ProtocolVersion.allCases.firstIndex(of: self)! }
    public static func < (a: ProtocolVersion, b: ProtocolVersion) -> Bool { a.order < b.order }

    public var classification: AlgorithmClass {
        switch self {
        case .ssl2, .ssl3, .tls10, .ssh1: return .forbidden
        case .tls11: return .weak
        case .tls12, .tls13, .ssh2: return .acceptable
        case .tlcp: return .national
        }
    }
    /// CycloneDX protocolProperties.type and version.
    public var cdxType: String { self == .ssh1 || self == .ssh2 ? "ssh" : (self == .tlcp ? "other" : "tls") }
    public var cdxVersion: String {
        switch self {
        case .ssl2: return "2.0"
        case .ssl3: return "3.0"
        case .tls10: return "1.0"
        case .tls11: return "1.1"
        case .tls12: return "1.2"
        case .tls13: return "1.3"
        case .tlcp: return "1.1"
        case .ssh1: return "1.0"
        case .ssh2: return "2.0"
        }
    }
    public static let tlsFamily: [ProtocolVersion] = [.ssl2, .ssl3, .tls10, .tls11, .tls12, .tls13]
}

public enum ProtocolCatalog {
    /// A protocol version from any spelling: "TLSv1", "TLSv1.2", "TLS1_1_VERSION", "PROTOCOL_TLSv1_2",
    /// "VersionTLS10", "SslProtocols.Tls11", "SSLv3", "ssl3", "tlsv1.3". Names that negotiate
    /// ("TLS", "SSLv23", "PROTOCOL_TLS_CLIENT") give nil.
    public static func parse(_ text: String) -> ProtocolVersion? {
        let u = String(text.uppercased().unicodeScalars.filter { ($0.value >= 0x30 && $0.value <= 0x39) || ($0.value >= 0x41 && $0.value <= 0x5A) })
        if u.contains("SSLV23") || u.contains("SSL23") { return nil }  // "SSLv23" negotiates the best version
        if u.contains("TLCP") || u.hasPrefix("GMTLS") || u.hasPrefix("NTLS") || u.hasPrefix("GMSSL") { return .tlcp }
        func has(_ s: String) -> Bool {
            var searchStart = u.startIndex
            while let r = u[searchStart...].firstRange(of: s) {
                // The version must not run on into more digits ("TLS1" is not "TLS12").
                if r.upperBound == u.endIndex || !u[r.upperBound].isNumber { return true }
                searchStart = r.upperBound
            }
            return false
        }
        for (pattern, v) in [("TLSV13", ProtocolVersion.tls13), ("TLS13", .tls13), ("TLSV12", .tls12), ("TLS12", .tls12),
                             ("TLSV11", .tls11), ("TLS11", .tls11), ("TLSV10", .tls10), ("TLS10", .tls10),
                             ("TLSV1", .tls10), ("TLS1", .tls10), ("SSLV3", .ssl3), ("SSL3", .ssl3),
                             ("SSLV2", .ssl2), ("SSL2", .ssl2)] where has(pattern) {
            return v
        }
        // .NET SslProtocols.Tls is TLS 1.0; "Tls" alone elsewhere negotiates.
        if u == "SSLPROTOCOLSTLS" { return .tls10 }
        if u == "SSLPROTOCOLSSSL3" { return .ssl3 }
        if u == "SSLPROTOCOLSSSL2" { return .ssl2 }
        return nil
    }
}

/// TLS cipher suites judged by their parts: key exchange, authentication, bulk cipher, MAC.
public enum CipherSuiteCatalog {
    public struct Judgement: Sendable, Hashable {
        public var name: String
        public var classification: AlgorithmClass
        public var reasons: [String]
        public var components: [AlgorithmComponent]
        /// For a cipher string or a probe: the suites it enables or the endpoint accepted.
        public var members: [String] = []
    }

    /// Judges an OpenSSL or IANA suite name ("ECDHE-RSA-AES128-GCM-SHA256", "TLS_RSA_WITH_RC4_128_MD5",
    /// "ECC-SM4-SM3", "TLS_SM4_GCM_SM3").
    public static func judge(_ name: String) -> Judgement {
        let words = Set(AlgorithmCatalog.words(name))
        var comps = AlgorithmCatalog.parse(name)
        var cls = AlgorithmClass.acceptable
        var reasons: [String] = []
        func worse(_ c: AlgorithmClass, _ why: String) { if c > cls { cls = c }; reasons.append(why) }
        if words.contains("NULL") || words.contains("ENULL") { worse(.forbidden, "no encryption (NULL)") }
        if words.contains("EXP") || words.contains("EXPORT") || words.contains("EXPORT40") || words.contains("EXPORT1024") { worse(.forbidden, "export-grade") }
        if words.contains("ADH") || words.contains("AECDH") || words.contains("ANON") || words.contains("ANULL") { worse(.forbidden, "anonymous key exchange (no authentication)") }
        // In a suite the hash is the MAC/PRF: HMAC-SHA1 keeps its margin there (not a finding); MD5 does not.
        comps = comps.map { c in
            var c = c
            if AlgorithmCatalog.family(c.family)?.primitive == .hash { c = AlgorithmComponent(family: "HMAC", hash: c.family) }
            return c
        }
        for c in comps {
            // DSS authentication needs a DSA certificate, which the certificate checks judge.
            if c.family == "HMAC" && c.hash == "SHA-1" || c.family == "DSA" { continue }
            let k = AlgorithmCatalog.classify(c)
            if k == .forbidden || k == .weak { worse(k, c.displayName) }
        }
        // ECC-SM4-SM3, ECDHE-SM4-SM3, TLS_SM4_GCM_SM3: SM4 with SM3 is a national suite.
        if cls == .acceptable && comps.contains(where: { $0.family == "SM4" }) && comps.contains(where: { $0.hash == "SM3" || $0.family == "SM3" }) { cls = .national }
        if comps.isEmpty && reasons.isEmpty { cls = .unknown }
        return Judgement(name: name, classification: cls, reasons: reasons, components: comps)
    }
}

/// SSH algorithm names as sshd_config's Ciphers, MACs, KexAlgorithms and HostKeyAlgorithms spell them.
public enum SSHAlgorithmCatalog {
    public enum Kind: String, Sendable { case cipher = "Ciphers", mac = "MACs", kex = "KexAlgorithms", hostKey = "HostKeyAlgorithms" }

    public static func judge(_ name: String, kind: Kind) -> (AlgorithmClass, String?) {
        let n = name.lowercased()
        switch kind {
        case .cipher:
            if n.hasPrefix("arcfour") { return (.forbidden, "RC4") }
            if n == "des-cbc" || n == "des" { return (.forbidden, "DES") }
            if n == "3des-cbc" { return (.weak, "3DES") }
            if n.hasPrefix("blowfish") || n.hasPrefix("cast128") { return (.weak, "64-bit block cipher") }
            if n.hasSuffix("-cbc") || n.hasPrefix("rijndael-cbc") { return (.weak, "CBC mode (SSH CBC plaintext recovery)") }
            if n == "none" { return (.forbidden, "no encryption") }
            if n.hasPrefix("sm4") { return (.national, nil) }
            return (.acceptable, nil)
        case .mac:
            if n.hasPrefix("hmac-md5") { return (.forbidden, "MD5") }
            if n.hasPrefix("hmac-sha1-96") { return (.weak, "truncated SHA-1 MAC") }
            if n.hasPrefix("hmac-sha1") { return (.weak, "SHA-1 MAC") }
            if n.hasPrefix("umac-64") { return (.weak, "64-bit tag") }
            if n.hasPrefix("hmac-ripemd160") { return (.weak, "RIPEMD-160") }
            if n.hasPrefix("hmac-sm3") { return (.national, nil) }
            return (.acceptable, nil)
        case .kex:
            if n == "diffie-hellman-group1-sha1" { return (.forbidden, "1024-bit DH with SHA-1") }
            if n.hasSuffix("-sha1") { return (.weak, "SHA-1 key exchange hash") }
            if n.hasPrefix("sm2") { return (.national, nil) }
            return (.acceptable, nil)
        case .hostKey:
            if n == "ssh-dss" || n.hasPrefix("ssh-dss-cert") { return (.forbidden, "DSA 1024") }
            if n == "ssh-rsa" || n.hasPrefix("ssh-rsa-cert") { return (.weak, "RSA with SHA-1 signatures") }
            return (.acceptable, nil)
        }
    }
}
