import DSToolKit

/// CycloneDX algorithm primitives (bom-1.6 algorithmProperties.primitive).
public enum Primitive: String, Codable, Sendable {
    case blockCipher = "block-cipher", streamCipher = "stream-cipher", hash, mac, signature, pke
    case keyAgree = "key-agree", kdf, ae, drbg, xof, other, unknown
}

/// One algorithm family the catalog knows.
public struct AlgorithmFamily: Hashable, Sendable {
    /// Canonical name: "AES", "3DES", "SHA-1", "SM2".
    public let name: String
    public let primitive: Primitive
    /// Class before any key size is considered.
    public let baseClass: AlgorithmClass
    /// Minimum key/modulus size in bits below which it is forbidden (RSA, DSA, DH), if any.
    public let minimumBits: Int?
    public let oid: String?
}

/// What a name such as "AES/ECB/PKCS5Padding", "aes-128-cbc", "PBEWithMD5AndDES", "SHA256withRSA"
/// or "HmacSHA1" means: one component per algorithm it names.
public struct AlgorithmComponent: Hashable, Sendable, Codable {
    public var family: String
    public var keyBits: Int?
    public var mode: String?
    public var padding: String?
    public var curve: String?
    /// The hash inside an HMAC ("SHA-1" for HmacSHA1).
    public var hash: String?

    public init(family: String, keyBits: Int? = nil, mode: String? = nil, padding: String? = nil, curve: String? = nil, hash: String? = nil) {
        self.family = family; self.keyBits = keyBits; self.mode = mode; self.padding = padding; self.curve = curve; self.hash = hash
    }

    /// "AES-128-CBC", "RSA-1024", "HMAC-SHA-1", "EC-P-192".
    public var displayName: String {
        var s = family
        if let hash { s += "-" + hash }
        if let keyBits, !AlgorithmCatalog.sizeIsInName(family) { s += "-\(keyBits)" }
        if let curve { s += "-" + curve }
        if let mode { s += "-" + mode }
        return s
    }

    /// The family, key size and mode only (equal components agree on them; the padding, curve
    /// and HMAC hash rarely tell two apart): the judge and the inventory hash a component for
    /// every observation, and each String hashed was a SipHash over its bytes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(family)
        hasher.combine(keyBits)
        hasher.combine(mode)
    }

    public var info: AlgorithmFamily? { AlgorithmCatalog.family(family) }
    public var primitive: Primitive {
        if let m = mode, ["GCM", "CCM", "OCB", "SIV"].contains(m) { return .ae }
        return info?.primitive ?? .unknown
    }
}

/// The catalog of algorithm families and the parser of algorithm names as APIs and configuration
/// spell them.
public enum AlgorithmCatalog {
    // name | primitive | class | minimum bits | oid | aliases (upper-case words)
    private static let table: String = """
    AES|block-cipher|acceptable||2.16.840.1.101.3.4.1|AES RIJNDAEL AES128 AES192 AES256
    SM4|block-cipher|national||1.2.156.10197.1.104|SM4 SMS4
    DES|block-cipher|forbidden||1.3.14.3.2.7|DES DESCBC DESECB
    3DES|block-cipher|weak||1.2.840.113549.3.7|DESEDE TRIPLEDES 3DES DES3 TDEA TDES DESEDE3 DESX
    RC2|block-cipher|forbidden||1.2.840.113549.3.2|RC2 ARC2 RC2CBC
    RC4|stream-cipher|forbidden||1.2.840.113549.3.4|RC4 ARC4 ARCFOUR RC440 RC4128
    RC5|block-cipher|weak|||RC5
    Blowfish|block-cipher|weak||1.3.6.1.4.1.3029.1.2|BLOWFISH BF
    IDEA|block-cipher|weak||1.3.6.1.4.1.188.7.1.1.2|IDEA
    CAST5|block-cipher|weak||1.2.840.113533.7.66.10|CAST5 CAST CAST128
    SEED|block-cipher|acceptable||1.2.410.200004.1.4|SEED
    Camellia|block-cipher|acceptable|||CAMELLIA
    ARIA|block-cipher|acceptable|||ARIA
    Twofish|block-cipher|acceptable|||TWOFISH
    Serpent|block-cipher|acceptable|||SERPENT
    ChaCha20|stream-cipher|acceptable|||CHACHA20 CHACHA XCHACHA20
    ChaCha20-Poly1305|ae|acceptable|||CHACHA20POLY1305 XCHACHA20POLY1305
    Salsa20|stream-cipher|acceptable|||SALSA20 XSALSA20
    ZUC|stream-cipher|national||1.2.156.10197.1.800|ZUC ZUC128 ZUC256 EEA3 EIA3 128EEA3 128EIA3
    MD2|hash|forbidden||1.2.840.113549.2.2|MD2
    MD4|hash|forbidden||1.2.840.113549.2.4|MD4
    MD5|hash|forbidden||1.2.840.113549.2.5|MD5
    SHA-1|hash|forbidden||1.3.14.3.2.26|SHA1 SHA
    SHA-224|hash|acceptable||2.16.840.1.101.3.4.2.4|SHA224
    SHA-256|hash|acceptable||2.16.840.1.101.3.4.2.1|SHA256
    SHA-384|hash|acceptable||2.16.840.1.101.3.4.2.2|SHA384
    SHA-512|hash|acceptable||2.16.840.1.101.3.4.2.3|SHA512
    SHA-512/224|hash|acceptable||2.16.840.1.101.3.4.2.5|SHA512224
    SHA-512/256|hash|acceptable||2.16.840.1.101.3.4.2.6|SHA512256
    SHA3-224|hash|acceptable||2.16.840.1.101.3.4.2.7|SHA3224
    SHA3-256|hash|acceptable||2.16.840.1.101.3.4.2.8|SHA3256
    SHA3-384|hash|acceptable||2.16.840.1.101.3.4.2.9|SHA3384
    SHA3-512|hash|acceptable||2.16.840.1.101.3.4.2.10|SHA3512
    SHAKE128|xof|acceptable||2.16.840.1.101.3.4.2.11|SHAKE128
    SHAKE256|xof|acceptable||2.16.840.1.101.3.4.2.12|SHAKE256
    SM3|hash|national||1.2.156.10197.1.401|SM3
    RIPEMD-160|hash|weak||1.3.36.3.2.1|RIPEMD160 RMD160 RIPEMD
    BLAKE2b|hash|acceptable|||BLAKE2B BLAKE2B512 BLAKE2
    BLAKE2s|hash|acceptable|||BLAKE2S BLAKE2S256
    BLAKE3|hash|acceptable|||BLAKE3
    Whirlpool|hash|acceptable|||WHIRLPOOL
    RSA|pke|acceptable|2048|1.2.840.113549.1.1.1|RSA RSAES RSASSA RSAPSS
    DSA|signature|weak|2048|1.2.840.10040.4.1|DSA DSS
    DH|key-agree|acceptable|2048|1.2.840.113549.1.3.1|DH DHE DIFFIEHELLMAN FFDHE
    ECDH|key-agree|acceptable||1.3.132.1.12|ECDH ECDHE ECMQV
    ECDSA|signature|acceptable||1.2.840.10045.2.1|ECDSA EC ECC
    Ed25519|signature|acceptable||1.3.101.112|ED25519 EDDSA
    Ed448|signature|acceptable||1.3.101.113|ED448
    X25519|key-agree|acceptable||1.3.101.110|X25519 CURVE25519
    X448|key-agree|acceptable||1.3.101.111|X448
    SM2|signature|national||1.2.156.10197.1.301|SM2 SM2DSA SM2P256V1
    SM9|signature|national||1.2.156.10197.1.302|SM9
    ElGamal|pke|weak|||ELGAMAL
    HMAC|mac|acceptable|||HMAC
    CMAC|mac|acceptable|||CMAC
    GMAC|mac|acceptable|||GMAC
    Poly1305|mac|acceptable|||POLY1305
    PBKDF2|kdf|acceptable||1.2.840.113549.1.5.12|PBKDF2 PBKDF2WITHHMACSHA1 PBKDF2WITHHMACSHA256
    PBKDF1|kdf|weak|||PBKDF1
    PBE|kdf|weak|||PBE PBES1
    PBES2|kdf|acceptable||1.2.840.113549.1.5.13|PBES2
    scrypt|kdf|acceptable|||SCRYPT
    bcrypt|kdf|acceptable|||BCRYPT
    Argon2|kdf|acceptable|||ARGON2 ARGON2ID ARGON2I ARGON2D
    HKDF|kdf|acceptable|||HKDF
    """

    public static let modes: Set<String> = ["ECB", "CBC", "CFB", "OFB", "CTR", "GCM", "CCM", "XTS", "OCB", "SIV", "CTS", "CFB8", "CFB1", "CFB64", "PCBC", "KW", "WRAP", "EAX"]
    static let paddingWords: [String: String] = [
        "NOPADDING": "raw", "PKCS5PADDING": "pkcs5", "PKCS7PADDING": "pkcs7", "PKCS1PADDING": "pkcs1v15",
        "OAEP": "oaep", "OAEPPADDING": "oaep", "PKCS1": "pkcs1v15", "ISO10126PADDING": "other", "PSS": "other",
    ]

    private static let parsed: (families: [String: AlgorithmFamily], aliases: [String: String]) = {
        var families: [String: AlgorithmFamily] = [:]
        var aliases: [String: String] = [:]
        for line in table.split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 6 else { continue }
            let fam = AlgorithmFamily(name: f[0], primitive: Primitive(rawValue: f[1]) ?? .unknown,
                                      baseClass: AlgorithmClass(rawValue: f[2]) ?? .unknown,
                                      minimumBits: Int(f[3]), oid: f[4].isEmpty ? nil : f[4])
            families[f[0]] = fam
            for a in f[5].split(separator: " ") { aliases[String(a)] = f[0] }
        }
        return (families, aliases)
    }()

    public static func family(_ name: String) -> AlgorithmFamily? { parsed.families[name] }
    static func alias(_ word: String) -> String? { parsed.aliases[word] }

    /// Whether the number after the family belongs to the name (SHA-256) rather than being a key size.
    static func sizeIsInName(_ family: String) -> Bool {
        family.hasPrefix("SHA") || family.hasPrefix("BLAKE") || family.hasPrefix("RIPEMD") || family.hasPrefix("SHAKE")
    }

    /// Splits a name into upper-case words: at non-alphanumerics, at lower→upper case changes, and
    /// around the joining words With/And ("PBEWithMD5AndDES" → PBE MD5 DES).
    static func words(_ text: String) -> [String] {
        var out: [String] = []
        var cur: [UInt8] = []
        var prevLower = false
        func flush() {
            guard !cur.isEmpty else { return }
            var w = String(decoding: cur, as: UTF8.self).uppercased()
            cur.removeAll()
            // "SHA1with", "PBEWith", "MD5And" → drop the joining word.
            for j in ["WITH", "AND"] where w.count > j.count && w.hasSuffix(j) {
                w.removeLast(j.count)
                break
            }
            if w == "WITH" || w == "AND" { return }
            // "HmacSHA256" splits at the case change already; "HMACSHA256" (upper) is split here.
            if w.hasPrefix("HMAC") && w.count > 4 {
                out.append("HMAC"); out.append(String(w.dropFirst(4))); return
            }
            out.append(w)
        }
        for b in text.utf8 {
            let isLower = b >= 0x61 && b <= 0x7A
            let isUpper = b >= 0x41 && b <= 0x5A
            let isDigit = b >= 0x30 && b <= 0x39
            if !(isLower || isUpper || isDigit) { flush(); prevLower = false; continue }
            if isUpper && prevLower { flush() }
            cur.append(b)
            prevLower = isLower
        }
        flush()
        return out
    }

    /// The algorithms a name speaks of, in order. Unknown words are ignored; an empty result means
    /// nothing was recognised.
    public static func parse(_ text: String) -> [AlgorithmComponent] {
        let w = words(text)
        var out: [AlgorithmComponent] = []
        var i = 0
        var pendingHMAC = false
        while i < w.count {
            let word = w[i]
            let next = i + 1 < w.count ? w[i + 1] : nil
            let nextNumber = next.flatMap { Int($0) }
            if word == "HMAC" { pendingHMAC = true; i += 1; continue }
            if let m = modeOf(word) {
                // A mode belongs to the cipher before it; "RSA/ECB/..." names no block mode at all.
                if let last = out.indices.last {
                    if out[last].mode == nil, isCipher(out[last].family) { out[last].mode = m }
                } else {
                    out.append(AlgorithmComponent(family: "?", mode: m))
                }
                i += 1; continue
            }
            if let p = paddingWords[word] {
                if let last = out.indices.last { out[last].padding = p }
                i += 1; continue
            }
            // "DES-CBC3-SHA" (OpenSSL suite names) is triple DES in CBC mode.
            if word == "CBC3", let last = out.indices.last, out[last].family == "DES" {
                out[last] = AlgorithmComponent(family: "3DES", keyBits: 168, mode: "CBC"); i += 1; continue
            }
            // "TripleDES" splits at the case change.
            if word == "TRIPLE", next == "DES" { out.append(AlgorithmComponent(family: "3DES")); i += 2; continue }
            if word == "CHACHA20", next == "POLY1305" { out.append(AlgorithmComponent(family: "ChaCha20-Poly1305")); i += 2; continue }
            // "DES-EDE3", "DES-EDE" (OpenSSL) are triple DES.
            if word == "DES", let next, next.hasPrefix("EDE") {
                out.append(AlgorithmComponent(family: "3DES", keyBits: next == "EDE" ? 112 : 168)); i += 2; continue
            }
            // SHA-256, SHA3-256, SHA-512/256, BLAKE2b-512: the number is part of the name.
            if word == "SHA" || word == "SHA2", let n = nextNumber, [1, 224, 256, 384, 512].contains(n) {
                var fam = n == 1 ? "SHA-1" : "SHA-\(n)"
                var used = 2
                if n == 512, i + 2 < w.count, let t = Int(w[i + 2]), t == 224 || t == 256 { fam = "SHA-512/\(t)"; used = 3 }
                appendHash(fam, &out, &pendingHMAC); i += used; continue
            }
            if word == "SHA3", let n = nextNumber, [224, 256, 384, 512].contains(n) {
                appendHash("SHA3-\(n)", &out, &pendingHMAC); i += 2; continue
            }
            if word == "SHA512", let n = nextNumber, n == 224 || n == 256 {
                appendHash("SHA-512/\(n)", &out, &pendingHMAC); i += 2; continue
            }
            if let fam = familyOfWord(word) {
                let info = parsed.families[fam]!
                if info.primitive == .hash || info.primitive == .xof {
                    appendHash(fam, &out, &pendingHMAC)
                    i += (fam.hasPrefix("BLAKE") && nextNumber != nil) ? 2 : 1
                    continue
                }
                var c = AlgorithmComponent(family: fam)
                // Key size written into the word ("AES256", "RC4128") or as the next word ("aes-128").
                if let bits = trailingNumber(word, family: fam) { c.keyBits = bits }
                else if let n = nextNumber, plausibleKeyBits(n, family: fam) { c.keyBits = n; i += 1 }
                if fam == "SM2" { c.curve = "SM2" }
                out.append(c)
                i += 1; continue
            }
            i += 1
        }
        if pendingHMAC { out.append(AlgorithmComponent(family: "HMAC")) }
        return out
    }

    private static func appendHash(_ fam: String, _ out: inout [AlgorithmComponent], _ pendingHMAC: inout Bool) {
        if pendingHMAC {
            out.append(AlgorithmComponent(family: "HMAC", hash: fam))
            pendingHMAC = false
        } else {
            out.append(AlgorithmComponent(family: fam))
        }
    }

    static func isCipher(_ family: String) -> Bool {
        guard let p = parsed.families[family]?.primitive else { return family == "?" }
        return p == .blockCipher || p == .streamCipher
    }

    static func modeOf(_ word: String) -> String? {
        if modes.contains(word) { return word.hasPrefix("CFB") ? "CFB" : word }
        if word.hasPrefix("MODE") && modes.contains(String(word.dropFirst(4))) { return modeOf(String(word.dropFirst(4))) }
        return nil
    }

    static func familyOfWord(_ word: String) -> String? {
        if let f = parsed.aliases[word] { return f }
        // "AES128", "CAMELLIA256", "RSA2048", "SM4CBC" etc.: a known prefix followed by digits.
        var end = word.endIndex
        while end > word.startIndex, word[word.index(before: end)].isNumber { end = word.index(before: end) }
        if end < word.endIndex, end > word.startIndex, let f = parsed.aliases[String(word[..<end])],
           parsed.families[f]?.primitive != .hash {
            return f
        }
        return nil
    }

    private static func trailingNumber(_ word: String, family: String) -> Int? {
        if parsed.aliases[word] == family, !["AES128", "AES192", "AES256", "RC4128", "RC440"].contains(word) { return nil }
        var digits = ""
        for ch in word.reversed() { if ch.isNumber { digits.insert(ch, at: digits.startIndex) } else { break } }
        guard let n = Int(digits), plausibleKeyBits(n, family: family) else { return nil }
        return n
    }

    static func plausibleKeyBits(_ n: Int, family: String) -> Bool {
        switch family {
        case "AES", "Camellia", "ARIA", "SEED", "SM4": return [128, 192, 256].contains(n)
        case "RC4", "RC2", "Blowfish": return n >= 40 && n <= 448
        case "RSA", "DSA", "DH", "ElGamal": return n >= 256 && n <= 16384
        default: return false
        }
    }

    /// Whether every word of the text is part of an algorithm name ("AES/CBC/PKCS5Padding", "HmacSHA256"),
    /// so that it can be shown unredacted next to a secret.
    public static func isPureAlgorithmName(_ text: String) -> Bool {
        guard text.count <= 48, !text.isEmpty else { return false }
        let ws = words(text)
        guard !ws.isEmpty else { return false }
        return ws.allSatisfy { w in
            Int(w) != nil || familyOfWord(w) != nil || modeOf(w) != nil || paddingWords[w] != nil
                || ["HMAC", "SHA", "SHA2", "SHA3", "EDE", "EDE3", "V1", "PADDING", "MGF1", "MGF1PADDING", "TRIPLE"].contains(w)
        }
    }

    /// The class of one component, size and mode included.
    public static func classify(_ c: AlgorithmComponent) -> AlgorithmClass {
        if c.family == "?" { return c.mode == "ECB" ? .weak : .unknown }
        guard let info = parsed.families[c.family] else { return .unknown }
        var cls = info.baseClass
        if c.family == "HMAC" {
            guard let h = c.hash, let hc = parsed.families[h]?.baseClass else { return .acceptable }
            if h == "SHA-1" { return .weak }  // HMAC-SHA1 is not broken, but has no margin left
            return hc
        }
        if let min = info.minimumBits, let bits = c.keyBits, bits < min { cls = .forbidden }
        if let curve = c.curve, let cv = CurveCatalog.parse(curve) { cls = max(cls, cv.classification) }
        if c.mode == "ECB", isCipher(c.family) { cls = max(cls, .weak) }
        if c.family == "RC2" || c.family == "RC4", let bits = c.keyBits, bits < 128 { cls = .forbidden }
        return cls
    }

    /// The worst class over every component a name contains.
    public static func classify(name: String) -> AlgorithmClass {
        let parts = parse(name)
        if parts.isEmpty { return .unknown }
        return parts.map(classify).max() ?? .unknown
    }
}
