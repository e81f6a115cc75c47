import CDSToolCrypto
import DSToolKit
import FoundationEssentials
import Glibc

/// Certificates and keys through OpenSSL: PEM (any number of blocks, also embedded in source or
/// configuration), DER certificates and keys, PKCS#12, OpenSSH private keys. Each problem with one
/// object is an error naming it; the other objects in the same file are still read.
enum CertificateAnalyzer {
    struct Result {
        var observations: [Observation] = []
        var errors: [(reason: String, code: String)] = []
    }

    /// Loads OpenSSL's legacy provider once (old PKCS#12 files use RC2-40 and 3DES), if installed.
    private static let providers: Void = {
        _ = OSSL_PROVIDER_load(nil, "default")
        _ = OSSL_PROVIDER_try_load(nil, "legacy", 1)
        ERR_clear_error()
    }()

    static let pemMarker = Array("-----BEGIN ".utf8)

    /// `p12Password`: the bytes of the PKCS#12 password (nil: none given; empty and no password are tried).
    static func analyze(_ bytes: [UInt8], base: Location, p12Password: [UInt8]?, expectContainer: Bool) -> Result {
        _ = providers
        var r = Result()
        if contains(bytes, pemMarker) {
            analyzePEM(bytes, base: base, into: &r)
            return r
        }
        analyzeDER(bytes, base: base, p12Password: p12Password, expectContainer: expectContainer, into: &r)
        return r
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        hay.withUnsafeBufferPointer { ByteSearch.find(needle, in: $0) != nil }
    }

    static func lastError() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        dstool_openssl_last_error(&buf, buf.count)
        let s = String(cString: buf)
        ERR_clear_error()
        // "error:0680007B:asn1 encoding routines::header too long" → "header too long"
        if let r = s.ranges(of: "::").last { return String(s[r.upperBound...]) }
        return s.isEmpty ? "unknown OpenSSL error" : s
    }

    // MARK: - PEM

    struct PEMBlock { var label: String; var text: String; var line: Int; var headers: [String: String]; var body: String }

    static func pemBlocks(_ bytes: [UInt8]) -> [PEMBlock] {
        let text = String(decoding: bytes, as: UTF8.self)
        var out: [PEMBlock] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        var i = 0
        while i < lines.count {
            // Embedded in source: strip quotes, concatenation and escaped newlines around the line.
            let l = cleanPEMLine(lines[i])
            guard let b = l.firstRange(of: "-----BEGIN "), l.hasSuffix("-----") else { i += 1; continue }
            let label = String(l[b.upperBound..<l.index(l.endIndex, offsetBy: -5)])
            let start = i
            var body: [String] = []
            var headers: [String: String] = [:]
            var j = i + 1
            var ended = false
            while j < lines.count {
                let m = cleanPEMLine(lines[j])
                if m.hasPrefix("-----END ") { ended = true; break }
                if let colon = m.firstIndex(of: ":"), body.isEmpty {
                    headers[String(m[..<colon])] = m[m.index(after: colon)...].trimmingWhitespaces()
                } else if !m.isEmpty {
                    body.append(m)
                }
                j += 1
            }
            let pemText = "-----BEGIN \(label)-----\n" + headers.map { "\($0.key): \($0.value)\n" }.sorted().joined()
                + (headers.isEmpty ? "" : "\n") + body.joined(separator: "\n") + "\n-----END \(label)-----\n"
            out.append(PEMBlock(label: label, text: ended ? pemText : "", line: start + 1, headers: headers, body: body.joined()))
            i = j + 1
            lines[start] = ""
        }
        return out
    }

    /// A PEM line as it may appear inside a string literal: `"MIIB...\n" +` → `MIIB...`.
    static func cleanPEMLine(_ s: Substring) -> String {
        var t = s.trimmingWhitespaces()
        for suffix in ["\\n\" +", "\\n\"+", "\\n\",", "\\n\"", "\" +", "\"+", "\",", "\\n", "\"", "'"] where t.hasSuffix(suffix) {
            t.removeLast(suffix.count); break
        }
        // A leading quote, or `+ "` of a concatenation; a bare "+" is base64 and stays.
        if t.hasPrefix("+") {
            let rest = t.dropFirst().drop { $0 == " " }
            if let q = rest.first, q == "\"" || q == "'" { t = String(rest.dropFirst()) }
        } else if let f = t.first, f == "\"" || f == "'" {
            t.removeFirst()
        }
        return t.trimmingWhitespaces()
    }

    static func analyzePEM(_ bytes: [UInt8], base: Location, into r: inout Result) {
        for block in pemBlocks(bytes) {
            var loc = base
            loc.line = (base.line ?? 0) + block.line
            let what = "\(block.label) at line \(block.line)"
            if block.text.isEmpty { r.errors.append(("\(what): truncated (no END line)", "crypto.pem.truncated")); continue }
            switch block.label {
            case "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE":
                let x = withBIO(block.text) { bio in
                    block.label == "TRUSTED CERTIFICATE" ? PEM_read_bio_X509_AUX(bio, nil, nil, nil) : PEM_read_bio_X509(bio, nil, nil, nil)
                }
                guard let x else { r.errors.append(("\(what): corrupt certificate (\(lastError()))", "crypto.cert.corrupt")); continue }
                defer { X509_free(x) }
                let info = certificateInfo(x, format: "PEM")
                addCertificate(info, loc: loc, layer: .network, source: "PEM certificate", into: &r)
            case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY":
                if block.headers["Proc-Type"]?.contains("ENCRYPTED") == true {
                    let cipher = block.headers["DEK-Info"]?.split(separator: ",").first.map(String.init) ?? "unknown"
                    let key = KeyInfo(algorithm: String(block.label.split(separator: " ").first ?? "?") == "PRIVATE" ? "unknown" : String(block.label.split(separator: " ")[0]),
                                      bits: 0, curve: nil, isPrivate: true, encrypted: true, protection: cipher, format: "PEM (\(block.label), legacy encryption)")
                    addKey(key, loc: loc, evidence: "-----BEGIN \(block.label)----- (encrypted with \(cipher))", into: &r)
                    for c in AlgorithmCatalog.parse(cipher) {
                        r.observations.append(Observation(.algorithm(c, role: .encrypt), layer: .host, location: loc,
                                                          evidence: "DEK-Info: \(cipher)", source: "PEM key encryption"))
                    }
                    continue
                }
                let pk = withBIO(block.text) { PEM_read_bio_PrivateKey($0, nil, nil, nil) }
                guard let pk else { r.errors.append(("\(what): corrupt private key (\(lastError()))", "crypto.key.corrupt")); continue }
                defer { EVP_PKEY_free(pk) }
                var key = keyInfo(pk, isPrivate: true, format: "PEM (\(block.label))")
                key.encrypted = false
                addKey(key, loc: loc, evidence: "-----BEGIN \(block.label)----- (\(key.displayName), not encrypted)", into: &r)
            case "ENCRYPTED PRIVATE KEY":
                let der = Data(base64Encoded: block.body, options: .ignoreUnknownCharacters).map { [UInt8]($0) } ?? []
                let prot = pkcs8Protection(der) ?? "unknown"
                let key = KeyInfo(algorithm: "unknown", bits: 0, curve: nil, isPrivate: true, encrypted: true, protection: prot, format: "PEM (PKCS#8 encrypted)")
                addKey(key, loc: loc, evidence: "-----BEGIN ENCRYPTED PRIVATE KEY----- (\(prot))", into: &r)
            case "OPENSSH PRIVATE KEY":
                guard let der = Data(base64Encoded: block.body, options: .ignoreUnknownCharacters).map({ [UInt8]($0) }),
                      let key = OpenSSHKey.parse(der) else {
                    r.errors.append(("\(what): corrupt OpenSSH private key", "crypto.key.corrupt")); continue
                }
                addKey(key, loc: loc, evidence: "-----BEGIN OPENSSH PRIVATE KEY----- (\(key.displayName), \(key.encrypted == true ? "encrypted with \(key.protection ?? "?")" : "not encrypted"))", into: &r)
            case "PUBLIC KEY", "RSA PUBLIC KEY":
                let pk = withBIO(block.text) { bio in
                    block.label == "PUBLIC KEY" ? PEM_read_bio_PUBKEY(bio, nil, nil, nil) : PEM_read_bio_RSAPublicKey(bio, nil, nil, nil).flatMap { rsa -> OpaquePointer? in
                        let k = EVP_PKEY_new()
                        if let k, EVP_PKEY_assign(k, EVP_PKEY_RSA, UnsafeMutableRawPointer(rsa)) == 1 { return k }
                        RSA_free(rsa); EVP_PKEY_free(k); return nil
                    }
                }
                guard let pk else { r.errors.append(("\(what): corrupt public key (\(lastError()))", "crypto.key.corrupt")); continue }
                defer { EVP_PKEY_free(pk) }
                let key = keyInfo(pk, isPrivate: false, format: "PEM (\(block.label))")
                addKey(key, loc: loc, evidence: "-----BEGIN \(block.label)----- (\(key.displayName))", into: &r)
            default:
                continue
            }
        }
    }

    static func withBIO<T>(_ text: String, _ body: (OpaquePointer) -> T?) -> T? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { p -> T? in
            guard let bio = BIO_new_mem_buf(p.baseAddress, Int32(p.count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }

    // MARK: - DER and PKCS#12

    static func analyzeDER(_ bytes: [UInt8], base: Location, p12Password: [UInt8]?, expectContainer: Bool, into r: inout Result) {
        guard !bytes.isEmpty else { r.errors.append(("empty file", "crypto.der.empty")); return }
        guard bytes[0] == 0x30 else {
            if expectContainer { r.errors.append(("not a certificate or key: neither PEM nor DER (first byte 0x\(String(bytes[0], radix: 16)))", "crypto.der.invalid")) }
            return
        }
        // The outer SEQUENCE's length must fit the file: a short file is truncated, whatever follows.
        if let declared = derLength(bytes), declared > bytes.count {
            r.errors.append(("truncated DER: the structure declares \(declared) bytes, the file has \(bytes.count)", "crypto.der.truncated"))
            return
        }
        if let x = d2i(bytes, { d2i_X509(nil, $0, $1) }) {
            defer { X509_free(x) }
            addCertificate(certificateInfo(x, format: "DER"), loc: base, layer: .network, source: "DER certificate", into: &r)
            return
        }
        ERR_clear_error()
        if let p12 = d2i(bytes, { d2i_PKCS12(nil, $0, $1) }) {
            defer { PKCS12_free(p12) }
            analyzePKCS12(p12, base: base, password: p12Password, into: &r)
            return
        }
        ERR_clear_error()
        if let sig = d2i(bytes, { d2i_X509_SIG(nil, $0, $1) }) {
            X509_SIG_free(sig)
            let prot = pkcs8Protection(bytes) ?? "unknown"
            addKey(KeyInfo(algorithm: "unknown", bits: 0, curve: nil, isPrivate: true, encrypted: true, protection: prot, format: "DER (PKCS#8 encrypted)"),
                   loc: base, evidence: "DER encrypted private key (\(prot))", into: &r)
            return
        }
        ERR_clear_error()
        if let pk = d2i(bytes, { d2i_AutoPrivateKey(nil, $0, $1) }) {
            defer { EVP_PKEY_free(pk) }
            var key = keyInfo(pk, isPrivate: true, format: "DER")
            key.encrypted = false
            addKey(key, loc: base, evidence: "DER private key (\(key.displayName), not encrypted)", into: &r)
            return
        }
        ERR_clear_error()
        if let pk = d2i(bytes, { d2i_PUBKEY(nil, $0, $1) }) {
            defer { EVP_PKEY_free(pk) }
            let key = keyInfo(pk, isPrivate: false, format: "DER")
            addKey(key, loc: base, evidence: "DER public key (\(key.displayName))", into: &r)
            return
        }
        ERR_clear_error()
        if expectContainer { r.errors.append(("not a certificate, key or PKCS#12 file (DER does not parse)", "crypto.der.invalid")) }
    }

    /// The length a DER SEQUENCE header declares, header included.
    static func derLength(_ b: [UInt8]) -> Int? {
        guard b.count >= 2 else { return b.count + 1 }
        let l = Int(b[1])
        if l < 0x80 { return 2 + l }
        let n = l & 0x7F
        guard n >= 1 && n <= 4 else { return nil }
        guard b.count >= 2 + n else { return b.count + 1 }
        var v = 0
        for i in 0..<n { v = v << 8 | Int(b[2 + i]) }
        return 2 + n + v
    }

    /// Calls a d2i function on the whole buffer; nil unless it parses.
    static func d2i(_ bytes: [UInt8], _ f: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> OpaquePointer?) -> OpaquePointer? {
        bytes.withUnsafeBufferPointer { b -> OpaquePointer? in
            var p: UnsafePointer<UInt8>? = b.baseAddress
            return f(&p, b.count)
        }
    }

    static func analyzePKCS12(_ p12: OpaquePointer, base: Location, password: [UInt8]?, into r: inout Result) {
        // Which password opens it: the one given, else an empty one (then the keys are not protected).
        var candidates: [[UInt8]?] = []
        if let password { candidates.append(password) } else { candidates += [[], nil] }
        var opened: [UInt8]?? = .none
        for c in candidates {
            let ok: Int32
            if let c {
                var z = c + [0]
                ok = z.withUnsafeMutableBufferPointer { $0.baseAddress!.withMemoryRebound(to: CChar.self, capacity: $0.count) { PKCS12_verify_mac(p12, $0, Int32(c.count)) } }
                memset_s_portable(&z, z.count)
            } else {
                ok = PKCS12_verify_mac(p12, nil, 0)
            }
            if ok == 1 { opened = .some(c); break }
        }
        ERR_clear_error()
        guard case .some(let pass) = opened else {
            if password != nil { r.errors.append(("wrong PKCS#12 password (MAC verification failed)", "crypto.p12.password")) }
            else { r.errors.append(("PKCS#12 file needs a password: give it with --p12-password-file or --p12-password-env", "crypto.p12.password")) }
            return
        }
        var pkey: OpaquePointer?
        var cert: OpaquePointer?
        var ca: OpaquePointer?
        var parsed: Int32 = 0
        if let pass {
            var z = pass + [0]
            parsed = z.withUnsafeMutableBufferPointer { $0.baseAddress!.withMemoryRebound(to: CChar.self, capacity: $0.count) { PKCS12_parse(p12, $0, &pkey, &cert, &ca) } }
            memset_s_portable(&z, z.count)
        } else {
            parsed = PKCS12_parse(p12, nil, &pkey, &cert, &ca)
        }
        defer {
            if let pkey { EVP_PKEY_free(pkey) }
            if let cert { X509_free(cert) }
            if let ca { dstool_sk_x509_pop_free(ca) }
        }
        guard parsed == 1 else { r.errors.append(("cannot read PKCS#12 contents (\(lastError()))", "crypto.p12.corrupt")); return }
        if let cert { addCertificate(certificateInfo(cert, format: "PKCS#12"), loc: base, layer: .network, source: "PKCS#12", into: &r) }
        if let ca {
            for i in 0..<dstool_sk_x509_num(ca) {
                if let x = dstool_sk_x509_value(ca, i) { addCertificate(certificateInfo(x, format: "PKCS#12"), loc: base, layer: .network, source: "PKCS#12 CA", into: &r) }
            }
        }
        if let pkey {
            var key = keyInfo(pkey, isPrivate: true, format: "PKCS#12")
            let empty = pass == nil || pass!.isEmpty
            key.encrypted = !empty
            key.protection = empty ? "empty password" : "PKCS#12 password"
            addKey(key, loc: base, evidence: "PKCS#12 private key (\(key.displayName)\(empty ? ", empty password" : ""))", into: &r)
        }
    }

    /// How an encrypted PKCS#8 key is protected: "PBES2" or a legacy scheme such as "pbeWithMD5AndDES-CBC".
    static func pkcs8Protection(_ der: [UInt8]) -> String? {
        guard let sig = d2i(der, { d2i_X509_SIG(nil, $0, $1) }) else { ERR_clear_error(); return nil }
        defer { X509_SIG_free(sig) }
        var alg: UnsafePointer<X509_ALGOR>?
        X509_SIG_get0(sig, &alg, nil)
        guard let alg else { return nil }
        var obj: OpaquePointer?
        X509_ALGOR_get0(&obj, nil, nil, alg)
        guard let obj else { return nil }
        let nid = OBJ_obj2nid(obj)
        return nid == NID_undef ? nil : String(cString: OBJ_nid2ln(nid))
    }

    // MARK: - Extraction

    static func keyInfo(_ pk: OpaquePointer, isPrivate: Bool, format: String) -> KeyInfo {
        var type = EVP_PKEY_get0_type_name(pk).map { String(cString: $0) } ?? "unknown"
        let bits = Int(EVP_PKEY_get_bits(pk))
        var curve: String?
        var buf = [CChar](repeating: 0, count: 80)
        var len = 0
        if EVP_PKEY_get_group_name(pk, &buf, buf.count, &len) == 1 { curve = String(cString: buf) }
        ERR_clear_error()
        if let c = curve, CurveCatalog.parse(c)?.name == "SM2" { type = "SM2"; curve = "SM2" }
        if type == "EC", let c = curve, let k = CurveCatalog.parse(c) { curve = k.name }
        return KeyInfo(algorithm: type, bits: bits, curve: type == "RSA" || type == "DSA" ? nil : curve, isPrivate: isPrivate,
                       encrypted: nil, protection: nil, format: format)
    }

    static func certificateInfo(_ x: OpaquePointer, format: String) -> CertificateInfo {
        func name(_ n: OpaquePointer?) -> String {
            guard let n, let bio = BIO_new(BIO_s_mem()) else { return "" }
            defer { BIO_free(bio) }
            _ = dstool_x509_name_print(bio, n)
            var p: UnsafePointer<CChar>?
            let len = dstool_bio_mem_contents(bio, &p)
            guard let p, len > 0 else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: p, count: Int(len)), as: UTF8.self)
        }
        func time(_ t: UnsafePointer<ASN1_TIME>?) -> (String, Int64) {
            guard let t else { return ("", 0) }
            var tm = tm()
            guard ASN1_TIME_to_tm(t, &tm) == 1 else { return ("", 0) }
            let epoch = Int64(timegm(&tm))
            return (UTCTimestamp.string(seconds: epoch), epoch)
        }
        var serial = ""
        if let s = X509_get_serialNumber(x), let bn = ASN1_INTEGER_to_BN(s, nil) {
            if let hex = BN_bn2hex(bn) { serial = String(cString: hex); dstool_openssl_free(hex) }
            BN_free(bn)
        }
        let (nb, nbe) = time(X509_get0_notBefore(x))
        let (na, nae) = time(X509_get0_notAfter(x))
        let sigNid = X509_get_signature_nid(x)
        let sigName = sigNid == NID_undef ? "unknown" : String(cString: OBJ_nid2ln(sigNid))
        var mdNid: Int32 = 0, pkNid: Int32 = 0
        var sigComps: [AlgorithmComponent] = []
        if OBJ_find_sigid_algs(sigNid, &mdNid, &pkNid) == 1 {
            if mdNid != NID_undef { sigComps += AlgorithmCatalog.parse(String(cString: OBJ_nid2sn(mdNid))) }
            if pkNid != NID_undef { sigComps += AlgorithmCatalog.parse(String(cString: OBJ_nid2sn(pkNid))).filter { !sigComps.contains($0) } }
        }
        if sigComps.isEmpty { sigComps = AlgorithmCatalog.parse(sigName) }
        let key: KeyInfo
        if let pk = X509_get0_pubkey(x) { key = keyInfo(pk, isPrivate: false, format: format) }
        else { key = KeyInfo(algorithm: "unknown", bits: 0, curve: nil, isPrivate: false, encrypted: nil, protection: nil, format: format) }
        var md = [UInt8](repeating: 0, count: 32)
        var mdLen: UInt32 = 0
        _ = X509_digest(x, EVP_sha256(), &md, &mdLen)
        let selfSigned = X509_self_signed(x, 0) == 1
        let isCA = X509_get_extension_flags(x) & UInt32(EXFLAG_CA) != 0
        ERR_clear_error()
        return CertificateInfo(subject: name(X509_get_subject_name(x)), issuer: name(X509_get_issuer_name(x)), serial: serial,
                               notBefore: nb, notAfter: na, notAfterEpoch: nae, notBeforeEpoch: nbe, signatureAlgorithm: sigName,
                               signatureComponents: sigComps, key: key, selfSigned: selfSigned, isCA: isCA,
                               sha256: Digest.hex(Array(md.prefix(Int(mdLen)))), format: format)
    }

    static func addCertificate(_ c: CertificateInfo, loc: Location, layer: SecurityLayer, source: String, into r: inout Result) {
        let ev = "certificate \(c.subject) (issuer \(c.issuer); \(c.signatureAlgorithm); \(c.key.displayName); valid \(c.notBefore) to \(c.notAfter))"
        r.observations.append(Observation(.certificate(c), layer: layer, location: loc, evidence: ev, source: source))
    }

    static func addKey(_ k: KeyInfo, loc: Location, evidence: String, into r: inout Result) {
        r.observations.append(Observation(.privateKey(k), layer: .host, location: loc, evidence: evidence, source: k.format))
    }
}

/// The openssh-key-v1 container: cipher, KDF, and the public key's type and size.
enum OpenSSHKey {
    static func parse(_ b: [UInt8]) -> KeyInfo? {
        let magic = Array("openssh-key-v1\u{0}".utf8)
        guard b.count > magic.count, Array(b.prefix(magic.count)) == magic else { return nil }
        var i = magic.count
        func u32() -> Int? {
            guard i + 4 <= b.count else { return nil }
            defer { i += 4 }
            return Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
        }
        func string() -> [UInt8]? {
            guard let n = u32(), n >= 0, i + n <= b.count else { return nil }
            defer { i += n }
            return Array(b[i..<(i + n)])
        }
        guard let cipher = string().map({ String(decoding: $0, as: UTF8.self) }), string() != nil, string() != nil,
              let count = u32(), count >= 1, let pub = string() else { return nil }
        // The public key blob: string type, then type-specific fields.
        var j = 0
        func pstring() -> [UInt8]? {
            guard j + 4 <= pub.count else { return nil }
            let n = Int(pub[j]) << 24 | Int(pub[j + 1]) << 16 | Int(pub[j + 2]) << 8 | Int(pub[j + 3])
            j += 4
            guard n >= 0, j + n <= pub.count else { return nil }
            defer { j += n }
            return Array(pub[j..<(j + n)])
        }
        guard let typeBytes = pstring() else { return nil }
        let type = String(decoding: typeBytes, as: UTF8.self)
        var alg = type, bits = 0
        var curve: String?
        switch type {
        case "ssh-rsa":
            _ = pstring()  // e
            if let nBytes = pstring() { bits = bitLength(nBytes) }
            alg = "RSA"
        case "ssh-dss":
            if let p = pstring() { bits = bitLength(p) }
            alg = "DSA"
        case "ssh-ed25519": alg = "ED25519"; bits = 256
        default:
            if type.hasPrefix("ecdsa-sha2-") {
                alg = "EC"
                curve = CurveCatalog.parse(String(type.dropFirst(11)))?.name
                bits = curve.flatMap(CurveCatalog.parse)?.bits ?? 0
            }
        }
        return KeyInfo(algorithm: alg, bits: bits, curve: curve, isPrivate: true, encrypted: cipher != "none",
                       protection: cipher == "none" ? nil : cipher, format: "OpenSSH")
    }

    static func bitLength(_ bytes: [UInt8]) -> Int {
        var i = 0
        while i < bytes.count && bytes[i] == 0 { i += 1 }
        guard i < bytes.count else { return 0 }
        return (bytes.count - i - 1) * 8 + (8 - bytes[i].leadingZeroBitCount)
    }
}
