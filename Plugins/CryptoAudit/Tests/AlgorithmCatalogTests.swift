import XCTest
@testable import DSToolCryptoAudit

final class AlgorithmCatalogTests: XCTestCase {
    func names(_ s: String) -> [String] { AlgorithmCatalog.parse(s).map(\.displayName) }

    func testJCATransformations() {
        XCTAssertEqual(names("AES/ECB/PKCS5Padding"), ["AES-ECB"])
        XCTAssertEqual(names("DESede/CBC/NoPadding"), ["3DES-CBC"])
        XCTAssertEqual(names("PBEWithMD5AndDES"), ["PBE", "MD5", "DES"])
        XCTAssertEqual(names("SHA1withRSA"), ["SHA-1", "RSA"])
        XCTAssertEqual(names("SM3withSM2"), ["SM3", "SM2-SM2"])
        XCTAssertEqual(names("HmacSHA256"), ["HMAC-SHA-256"])
        XCTAssertEqual(names("HMACSHA1"), ["HMAC-SHA-1"])
        XCTAssertEqual(names("RSA/ECB/OAEPWithSHA-256AndMGF1Padding"), ["RSA", "SHA-256"])
        XCTAssertEqual(names("SM4/CBC/PKCS7Padding"), ["SM4-CBC"])
        XCTAssertEqual(names("TripleDES"), ["3DES"])
    }

    func testOpenSSLAndNodeNames() {
        XCTAssertEqual(names("aes-128-ecb"), ["AES-128-ECB"])
        XCTAssertEqual(names("des-ede3-cbc"), ["3DES-168-CBC"])
        XCTAssertEqual(names("bf-cbc"), ["Blowfish-CBC"])
        XCTAssertEqual(names("rc4"), ["RC4"])
        XCTAssertEqual(names("sm4-cbc"), ["SM4-CBC"])
        XCTAssertEqual(names("chacha20-poly1305"), ["ChaCha20-Poly1305"])
        XCTAssertEqual(names("AES-GCM"), ["AES-GCM"])
        XCTAssertEqual(names("sha3_256"), ["SHA3-256"])
        XCTAssertEqual(names("SHA-512/256"), ["SHA-512/256"])
        XCTAssertEqual(names("SHA"), ["SHA-1"])
        XCTAssertEqual(names("DES-CBC3-SHA"), ["3DES-168-CBC", "SHA-1"])
    }

    func testNamesThatAreNotAlgorithms() {
        XCTAssertEqual(names("hello world"), [])
        XCTAssertEqual(names("getInstance"), [])
        XCTAssertEqual(names("description"), [])   // contains "des" but is not DES
        XCTAssertEqual(names("shadow"), [])
        XCTAssertEqual(names("ideal"), [])         // not IDEA
        XCTAssertEqual(names("TLS"), [])
    }

    func testClassification() {
        XCTAssertEqual(AlgorithmCatalog.classify(name: "SM4/GCM/NoPadding"), .national)
        XCTAssertEqual(AlgorithmCatalog.classify(name: "SM3"), .national)
        XCTAssertEqual(AlgorithmCatalog.classify(name: "AES/GCM/NoPadding"), .acceptable)
        XCTAssertEqual(AlgorithmCatalog.classify(name: "AES/ECB/PKCS5Padding"), .weak)
        XCTAssertEqual(AlgorithmCatalog.classify(name: "DESede"), .weak)
        XCTAssertEqual(AlgorithmCatalog.classify(name: "DES"), .forbidden)
        XCTAssertEqual(AlgorithmCatalog.classify(name: "MD5"), .forbidden)
        XCTAssertEqual(AlgorithmCatalog.classify(name: "SHA-1"), .forbidden)
        XCTAssertEqual(AlgorithmCatalog.classify(name: "HmacSHA1"), .weak)
        XCTAssertEqual(AlgorithmCatalog.classify(name: "HmacSHA256"), .acceptable)
        XCTAssertEqual(AlgorithmCatalog.classify(AlgorithmComponent(family: "RSA", keyBits: 1024)), .forbidden)
        XCTAssertEqual(AlgorithmCatalog.classify(AlgorithmComponent(family: "RSA", keyBits: 2048)), .acceptable)
        XCTAssertEqual(AlgorithmCatalog.classify(AlgorithmComponent(family: "ECDSA", curve: "secp192r1")), .forbidden)
        XCTAssertEqual(AlgorithmCatalog.classify(AlgorithmComponent(family: "ECDSA", curve: "secp224r1")), .acceptable)
    }

    func testCurves() {
        XCTAssertEqual(CurveCatalog.parse("prime256v1")?.name, "secp256r1")
        XCTAssertEqual(CurveCatalog.parse("P-384")?.bits, 384)
        XCTAssertEqual(CurveCatalog.parse("NID_X9_62_prime192v1")?.name, "secp192r1")
        XCTAssertEqual(CurveCatalog.parse("ec.SECP192R1()")?.name, nil)  // a call text: resolved by the caller's fallback words
        XCTAssertEqual(CurveCatalog.parse("SECP192R1")?.name, "secp192r1")
        XCTAssertEqual(CurveCatalog.parse("sm2p256v1")?.name, "SM2")
        XCTAssertEqual(CurveCatalog.parse("SM2")?.classification, .national)
        XCTAssertEqual(CurveCatalog.parse("brainpoolP160r1")?.classification, .forbidden)
        XCTAssertNil(CurveCatalog.parse("Pasta"))
    }

    func testProtocols() {
        XCTAssertEqual(ProtocolCatalog.parse("TLSv1"), .tls10)
        XCTAssertEqual(ProtocolCatalog.parse("TLSv1.1"), .tls11)
        XCTAssertEqual(ProtocolCatalog.parse("TLSv1.2"), .tls12)
        XCTAssertEqual(ProtocolCatalog.parse("PROTOCOL_TLSv1_1"), .tls11)
        XCTAssertEqual(ProtocolCatalog.parse("tls.VersionTLS10"), .tls10)
        XCTAssertEqual(ProtocolCatalog.parse("TLS1_2_VERSION"), .tls12)
        XCTAssertEqual(ProtocolCatalog.parse("SSLv3"), .ssl3)
        XCTAssertEqual(ProtocolCatalog.parse("TLSv1_method"), .tls10)
        XCTAssertNil(ProtocolCatalog.parse("TLS"))
        XCTAssertNil(ProtocolCatalog.parse("SSLv23_method"))
        XCTAssertNil(ProtocolCatalog.parse("PROTOCOL_TLS_CLIENT"))
    }

    func testCipherSuites() {
        XCTAssertEqual(CipherSuiteCatalog.judge("ECDHE-RSA-AES128-GCM-SHA256").classification, .acceptable)
        XCTAssertEqual(CipherSuiteCatalog.judge("TLS_RSA_WITH_RC4_128_MD5").classification, .forbidden)
        XCTAssertEqual(CipherSuiteCatalog.judge("DES-CBC3-SHA").classification, .weak)
        XCTAssertEqual(CipherSuiteCatalog.judge("NULL-SHA256").classification, .forbidden)
        XCTAssertEqual(CipherSuiteCatalog.judge("ADH-AES256-GCM-SHA384").classification, .forbidden)
        XCTAssertEqual(CipherSuiteCatalog.judge("ECC-SM4-SM3").classification, .national)
        XCTAssertEqual(CipherSuiteCatalog.judge("TLS_SM4_GCM_SM3").classification, .national)
        XCTAssertEqual(CipherSuiteCatalog.judge("AES128-SHA").classification, .acceptable)  // HMAC-SHA1 keeps its margin in TLS
        XCTAssertEqual(CipherSuiteCatalog.judge("RC4-MD5").classification, .forbidden)
    }

    func testEngineClassify() {
        XCTAssertEqual(CryptoAuditEngine.classify("SM2").classification, .national)
        XCTAssertEqual(CryptoAuditEngine.classify("TLSv1").classification, .forbidden)
        XCTAssertEqual(CryptoAuditEngine.classify("TLSv1.1").classification, .weak)
        XCTAssertEqual(CryptoAuditEngine.classify("MD5").classification, .forbidden)
        XCTAssertEqual(CryptoAuditEngine.classify("AES-256-GCM").classification, .acceptable)
        XCTAssertEqual(CryptoAuditEngine.classify("secp192r1").classification, .forbidden)
        XCTAssertEqual(CryptoAuditEngine.classify("ECDHE-SM4-SM3").classification, .national)
        XCTAssertEqual(CryptoAuditEngine.classify("no such thing").classification, .unknown)
    }
}
