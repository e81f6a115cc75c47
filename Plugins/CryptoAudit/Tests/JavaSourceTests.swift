import XCTest
@testable import DSToolCryptoAudit

/// Java/Kotlin (JCA/JCE, JSSE): every misuse class positive and negative, and look-alikes.
final class JavaSourceTests: XCTestCase {
    /// The byte-level word check agrees with the String one (identifierWords) on every shape of name.
    func testIdentifierSecurityWordsOnBytes() {
        let names = ["cacheKey", "passwordHash", "md5sum", "MD5SUM", "fileHash", "userToken", "ivBytes", "IV", "HMAC_KEY",
                     "encryptedPayload", "retryBackoff", "x", "order2Total", "AuthHeader", "getSignatureBytes", "etagValue",
                     "pinCode", "spinner", "keyboard", "$secret", "SALT", "colorHash", "sessionId", "apikey", "API_KEY",
                     "schlüssel", "passwortÄnderung", "ключ", "tokenÜber", "randomValue", "csrfToken", "gameSeed", "shuffleSeed"]
        for name in names {
            var security = false, other = FileAnalyzer.nonSecurityWords.contains(name.lowercased())
            for w in FileAnalyzer.identifierWords(name) {
                if FileAnalyzer.nonSecurityWords.contains(w) { other = true }
                if FileAnalyzer.shortSecurityWords.contains(w) { security = true; continue }
                if w.count >= 4 { for s in FileAnalyzer.securityWords where s.count >= 4 && w.contains(s) { security = true } }
            }
            let bytes = Array(name.utf8)
            let got = bytes.withUnsafeBufferPointer { FileAnalyzer.identifierWordFlags($0.baseAddress!, $0.count) }
            XCTAssertEqual(got.security, security, name)
            XCTAssertEqual(got.other, other, name)
        }
        let flags = { (s: String) in Array(s.utf8).withUnsafeBufferPointer { FileAnalyzer.identifierWordFlags($0.baseAddress!, $0.count) } }
        XCTAssertEqual(flags("cacheKey").other, true)
        XCTAssertEqual(flags("cacheKey").security, true)
        XCTAssertEqual(flags("md5sum").other, true)
        XCTAssertEqual(flags("userPassword").security, true)
        XCTAssertEqual(flags("keyboard").security, false)
        XCTAssertEqual(flags("orderTotal").security, false)
        XCTAssertEqual(flags("orderTotal").other, false)
    }

    func testCiphersAndModes() {
        let src = """
        class C {
            void a() throws Exception {
                Cipher c1 = Cipher.getInstance("DES/CBC/PKCS5Padding");
                Cipher c2 = Cipher.getInstance("AES");
                Cipher c3 = Cipher.getInstance("AES/GCM/NoPadding");
                Cipher c4 = Cipher.getInstance("DESede/ECB/PKCS5Padding");
                Cipher c5 = javax.crypto.Cipher.getInstance("SM4/CBC/PKCS7Padding", "BC");
                Cipher c6 = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
            }
        }
        """
        XCTAssertEqual(sourceFindings("C.java", src), [
            "crypto.cipher.broken 3 DES-CBC", "crypto.cipher.ecb 4 AES-ECB", "crypto.cipher.broken 6 3DES-ECB", "crypto.cipher.ecb 6 3DES-ECB",
        ])
    }

    func testCommentsStringsAndLookAlikesAreNotCode() {
        let src = """
        class L {
            // Cipher.getInstance("DES") is what we used to do
            /* MessageDigest.getInstance("MD5"); */
            String doc = "Cipher.getInstance(\\"RC4\\")";
            String text = \"\"\"
                MessageDigest.getInstance("MD5")
                \"\"\";
            void describe() { String description = "DES"; log.info("uses MD5 for nothing"); }
            void b() { MyCipher.getInstance("DES"); cipher.getInstance2("DES"); }
            void c() throws Exception { MessageDigest.getInstance("SHA-256"); KeyGenerator.getInstance("AES").init(256); }
        }
        """
        XCTAssertEqual(sourceFindings("L.java", src), [])
    }

    func testAlgorithmsThroughConstantsFieldsAndLocals() {
        let src = """
        class K {
            private static final String ALG = "RC4";
            private String digestName = "SHA1";
            void a() throws Exception {
                Cipher.getInstance(ALG);
                MessageDigest sha = MessageDigest.getInstance(this.digestName);
                String t = "AES" + "/ECB/PKCS5Padding";
                Cipher.getInstance(t);
                String mode = "DES";
                mode = "AES/GCM/NoPadding";
                Cipher.getInstance(mode);
            }
        }
        """
        XCTAssertEqual(sourceFindings("K.java", src), ["crypto.cipher.broken 5 RC4", "crypto.hash.weak 6 SHA-1", "crypto.cipher.ecb 8 AES-ECB"])
    }

    func testKeySizesAndCurves() {
        let src = """
        class G {
            void a() throws Exception {
                KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
                kpg.initialize(1024);
                KeyPairGenerator ok = KeyPairGenerator.getInstance("RSA");
                ok.initialize(3072);
                KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
                ec.initialize(new ECGenParameterSpec("secp192r1"));
                ec.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPairGenerator sm2 = KeyPairGenerator.getInstance("EC", "BC");
                sm2.initialize(new ECGenParameterSpec("sm2p256v1"));
            }
        }
        """
        XCTAssertEqual(sourceFindings("G.java", src), ["crypto.key.size 4 RSA-1024", "crypto.key.size 8 ECDSA-secp192r1"])
    }

    /// Key sizes written with separators, suffixes, hex and binary read as their values.
    func testNumberLiteralForms() {
        let src = """
        class N {
            void a() throws Exception {
                KeyPairGenerator k1 = KeyPairGenerator.getInstance("RSA");
                k1.initialize(0x400);
                KeyPairGenerator k2 = KeyPairGenerator.getInstance("RSA");
                k2.initialize(2_048);
                KeyPairGenerator k3 = KeyPairGenerator.getInstance("RSA");
                k3.initialize(1_024L);
                KeyPairGenerator k4 = KeyPairGenerator.getInstance("RSA");
                k4.initialize(0b10000000000);
                KeyPairGenerator k5 = KeyPairGenerator.getInstance("RSA");
                k5.initialize(1024.5);
            }
        }
        """
        XCTAssertEqual(sourceFindings("N.java", src), ["crypto.key.size 4 RSA-1024", "crypto.key.size 8 RSA-1024", "crypto.key.size 10 RSA-1024"])
        let parse = { (s: String, r: Int) in FileAnalyzer.parseInt(Array(s.utf8)[...], radix: r) }
        XCTAssertEqual(parse("9223372036854775807", 10), Int.max)
        XCTAssertNil(parse("9223372036854775808", 10))
        XCTAssertEqual(parse("-9223372036854775808", 10), Int.min)
        XCTAssertEqual(parse("fF", 16), 255)
        XCTAssertNil(parse("", 10))
        XCTAssertNil(parse("-", 10))
        XCTAssertNil(parse("12", 2))
        XCTAssertNil(parse("1e5", 10))
    }

    func testKeysIVsSaltsPasswordsAndIterations() {
        let src = """
        class P {
            private static final byte[] SALT = "fixed-salt".getBytes();
            void a(char[] pw) throws Exception {
                SecretKeySpec k = new javax.crypto.spec.SecretKeySpec("0123456789abcdef".getBytes("UTF-8"), "AES");
                IvParameterSpec zero = new IvParameterSpec(new byte[16]);
                PBEKeySpec spec = new PBEKeySpec(pw, SALT, 1000, 256);
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(in, "changeit".toCharArray());
            }
            void b(byte[] keyBytes, char[] pw) throws Exception {
                SecureRandom random = new SecureRandom();
                byte[] iv = new byte[16];
                random.nextBytes(iv);
                IvParameterSpec fresh = new IvParameterSpec(iv);
                SecretKeySpec k2 = new SecretKeySpec(keyBytes, "AES");
                byte[] salt = new byte[16];
                random.nextBytes(salt);
                PBEKeySpec good = new PBEKeySpec(pw, salt, 600000, 256);
                props.load(in, "not-a-keystore");
            }
        }
        """
        XCTAssertEqual(sourceFindings("P.java", src), [
            "crypto.key.hardcoded 4", "crypto.iv.static 5", "crypto.salt.static 6", "crypto.pbe.iterations 6", "crypto.password.hardcoded 8",
        ])
        let key = CryptoAuditEngine.auditSource(name: "P.java", text: src).first { $0.ruleId == "crypto.key.hardcoded" }!
        XCTAssertFalse(key.evidence!.contains("0123456789abcdef"), "the key must not be printed: \(key.evidence!)")
        XCTAssertTrue(key.evidence!.contains("\"AES\""))
        XCTAssertEqual(key.cwe, ["CWE-321"])
    }

    /// Redacted evidence lines judge each string literal with a per-scanner memo: one scanner
    /// reused across files (the memo warm) writes exactly what a fresh one writes, for literals
    /// that are algorithm names, keys, and longer than the memo keeps.
    func testRedactedEvidenceIsTheSameWithTheScannersMemo() {
        let long = String(repeating: "k", count: 70)
        let files = [
            "SecretKeySpec a = new SecretKeySpec(\"0123456789abcdef\".getBytes(), \"AES\");",
            "SecretKeySpec b = new SecretKeySpec(\"AES/GCM/NoPadding\".getBytes(), \"AES\");",
            "SecretKeySpec c = new SecretKeySpec(\"\(long)\".getBytes(), \"DESede\");",
        ].map { "class A {\n  void f() throws Exception {\n    " + $0 + "\n  }\n}\n" }
        let shared = SourceScanner()
        var redacted = 0
        for src in files + files {
            let bytes = Array(src.utf8)
            let warm = bytes.withUnsafeBufferPointer { shared.scan($0, language: .java, rawOffsets: true) }.uses.map(\.evidence)
            let cold = bytes.withUnsafeBufferPointer { SourceScanner.scan($0, language: .java) }.uses.map(\.evidence)
            XCTAssertEqual(warm, cold)
            XCTAssertFalse(warm.isEmpty)
            for e in warm where !e.contains("0123456789abcdef") && !e.contains(long) && !e.contains("AES/GCM/NoPadding\".get") {
                XCTAssertTrue(e.contains("\"AES\"") || e.contains("\"DESede\""), e)
                redacted += 1
            }
        }
        // The keys are masked on their own evidence lines, in every file, both times.
        XCTAssertGreaterThanOrEqual(redacted, 4)
    }

    func testWeakRandomOnlyForSecurity() {
        let src = """
        class R {
            private static final Random DICE = new Random();
            int roll() { return DICE.nextInt(6) + 1; }
            String token() { return Long.toHexString(new Random().nextLong()); }
            String sessionId() { return String.valueOf(Math.random()); }
            byte[] key() { byte[] b = new byte[16]; new SecureRandom().nextBytes(b); return b; }
        }
        """
        XCTAssertEqual(sourceFindings("R.java", src), ["crypto.random.weak 4 Random", "crypto.random.weak 5 Math.random"])
    }

    func testTrustManagersAndHostnameVerifiers() {
        let src = """
        class T {
            TrustManager[] all = new TrustManager[] { new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String a) {}
                public void checkServerTrusted(X509Certificate[] c, String a) throws CertificateException {
                    // trust everyone
                }
                public X509Certificate[] getAcceptedIssuers() { return null; }
            }};
            X509TrustManager strict = new X509TrustManager() {
                public void checkServerTrusted(X509Certificate[] c, String a) throws CertificateException {
                    if (c == null) throw new CertificateException("none");
                    delegate.checkServerTrusted(c, a);
                }
            };
            HostnameVerifier any = new HostnameVerifier() {
                public boolean verify(String hostname, SSLSession session) { return true; }
            };
            void a(HttpsURLConnection conn) {
                conn.setHostnameVerifier((h, s) -> true);
                conn.setHostnameVerifier((h, s) -> h.endsWith(".corp.cn"));
                builder.setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE);
                SSLContext a = SSLContext.getInstance("TLSv1");
                SSLContext b = SSLContext.getInstance("TLS");
                socket.setEnabledProtocols(new String[] {"TLSv1.1", "TLSv1.2"});
            }
        }
        """
        XCTAssertEqual(sourceFindings("T.java", src), [
            "crypto.tls.no-cert-validation 4", "crypto.tls.no-hostname-verification 16", "crypto.tls.no-hostname-verification 19",
            "crypto.tls.no-hostname-verification 21", "crypto.protocol.weak 22 TLSv1.0", "crypto.protocol.weak 24 TLSv1.1",
        ])
    }

    func testPlainHTTP() {
        let src = """
        class H {
            String a = "http://pay.corp.cn/api/checkout";
            String b = "https://pay.corp.cn/api/checkout";
            String ns = "http://www.w3.org/2001/XMLSchema";
            String local = "http://localhost:8080/login";
            String docs = "http://docs.corp.cn/manual.html";
        }
        """
        XCTAssertEqual(sourceFindings("H.java", src), ["crypto.http.plaintext 2"])
    }

    func testKotlin() {
        let src = """
        object Crypto {
            private const val TRANSFORMATION = "Blowfish/CBC/PKCS5Padding"
            fun a() { val c = Cipher.getInstance(TRANSFORMATION) }
            val verifier = object : HostnameVerifier { override fun verify(hostname: String?, session: SSLSession?): Boolean = true }
        }
        """
        XCTAssertEqual(sourceFindings("Crypto.kt", src), ["crypto.cipher.broken 3 Blowfish-CBC", "crypto.tls.no-hostname-verification 4"])
    }

    func testBrokenSourceIsStillScanned() {
        // Unbalanced braces, an unterminated string and a stray comment opener.
        let src = "class X { void a( { \"unterminated\n Cipher.getInstance(\"DES\"); } } } /* never closed\n MessageDigest.getInstance(\"MD5\")"
        XCTAssertEqual(sourceFindings("X.java", src), ["crypto.cipher.broken 2 DES-ECB", "crypto.cipher.ecb 2 DES-ECB"])
    }
}
