import Foundation
import XCTest
@testable import DSToolCryptoAudit

/// Go, C/C++ (OpenSSL, GmSSL), JavaScript/TypeScript (Node crypto, WebCrypto), C#.
final class OtherSourceTests: XCTestCase {
    func testGo() {
        let src = """
        package main
        import (
            "crypto/aes"
            "crypto/cipher"
            "crypto/des"
            "crypto/md5"
            "crypto/rsa"
            "crypto/tls"
            mrand "math/rand"
        )
        func f(key []byte) {
            sum := md5.Sum(data)
            b, _ := des.NewCipher(key)
            a, _ := aes.NewCipher([]byte("0123456789abcdef"))
            enc := cipher.NewCBCEncrypter(a, make([]byte, 16))
            iv := make([]byte, aes.BlockSize)
            io.ReadFull(rand.Reader, iv)
            ok := cipher.NewCBCEncrypter(a, iv)
            k, _ := rsa.GenerateKey(rand.Reader, 1024)
            cfg := &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10}
            good := &tls.Config{MinVersion: tls.VersionTLS12}
            s := `md5.Sum(raw string is not code)`
        }
        """
        XCTAssertEqual(sourceFindings("main.go", src), [
            "crypto.hash.weak 12 MD5", "crypto.cipher.broken 13 DES", "crypto.key.hardcoded 14", "crypto.iv.static 15",
            "crypto.key.size 19 RSA-1024", "crypto.tls.no-cert-validation 20", "crypto.protocol.weak 20 TLSv1.0",
        ])
    }

    func testGoMathRandOnlyWhenImported() {
        let weak = "package p\nimport \"math/rand\"\nfunc token() string { return fmt.Sprint(rand.Int63()) }\n"
        XCTAssertEqual(sourceFindings("t.go", weak), ["crypto.random.weak 3 rand.Int63"])
        let strong = "package p\nimport \"crypto/rand\"\nfunc token() []byte { b := make([]byte, 16); rand.Read(b); return b }\n"
        XCTAssertEqual(sourceFindings("t.go", strong), [])
    }

    func testC() {
        let src = """
        #include <openssl/evp.h>
        static const unsigned char key[] = "0123456789abcdef";
        unsigned char iv[16] = {0};
        /* EVP_des_cbc() is history */
        int f(void) {
            EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
            EVP_EncryptInit_ex(ctx, EVP_des_ede3_cbc(), NULL, key, iv);
            EVP_DigestInit_ex(md, EVP_md5(), NULL);
            EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, k2, nonce);
            RSA_generate_key_ex(rsa, 1024, e, NULL);
            const SSL_METHOD *m = SSLv3_method();
            SSL_CTX_set_verify(sslctx, SSL_VERIFY_NONE, NULL);
            SSL_CTX_set_verify(sslctx, SSL_VERIFY_PEER, NULL);
            sm4_set_encrypt_key(&sm4, user_key);
            srand(time(NULL)); int session_token = rand();
            const char *s = "EVP_rc4()";
            return 0;
        }
        """
        XCTAssertEqual(sourceFindings("f.c", src), [
            "crypto.key.hardcoded 7", "crypto.iv.static 7", "crypto.cipher.broken 7 3DES-168-CBC", "crypto.hash.weak 8 MD5",
            "crypto.key.size 10 RSA-1024", "crypto.protocol.weak 11 SSLv3", "crypto.tls.no-cert-validation 12", "crypto.random.weak 15 rand",
        ])
    }

    /// Prefix triggers (`EVP_`) are compared on the bytes of ASCII names; a name with other bytes
    /// keeps String comparison, where a combining mark after the `_` makes a different character
    /// (so `EVP_\u{301}md5` is no `EVP_` call, though its bytes start with `EVP_`).
    func testPrefixTriggersOnASCIIAndOtherNames() {
        let plain = "int f(void) {\n    EVP_DigestInit_ex(md, EVP_md5(), NULL);\n}\n"
        XCTAssertEqual(sourceFindings("p.c", plain), ["crypto.hash.weak 2 MD5"])
        let marked = "int f(void) {\n    EVP_DigestInit_ex(md, EVP_\u{301}md5(), NULL);\n}\n"
        XCTAssertEqual(sourceFindings("m.c", marked), [])
        let accented = "int f(void) {\n    EVP_DigestInit_ex(md, EVP_md5\u{E9}(), NULL);\n    h = EVP_sha1();\n}\n"
        // Other bytes after the prefix: still an `EVP_` name (the catalog reads "md5é" as MD5).
        XCTAssertEqual(sourceFindings("a.c", accented), ["crypto.hash.weak 2 MD5", "crypto.hash.weak 3 SHA-1"])
    }

    /// A use's column and evidence come from its line, found eight bytes at a time backwards: uses
    /// on the first line, after short and long lines, after CRLF, at every indentation, and on a
    /// line longer than 200 characters agree with a byte-by-byte walk.
    func testUseColumnsAndEvidenceMatchTheirLines() {
        var src = "MessageDigest.getInstance(\"MD5\");\n"
        for width in 0..<20 {
            src += String(repeating: " ", count: width) + "MessageDigest d\(width) = MessageDigest.getInstance(\"SHA1\");"
            src += width % 3 == 0 ? "\r\n" : "\n"
            src += String(repeating: "x", count: width * 3) + "\n"
        }
        src += String(repeating: "y", count: 230) + " = MessageDigest.getInstance(\"MD5\");"
        let bytes = Array(src.utf8)
        let facts = bytes.withUnsafeBufferPointer { SourceScanner.scan($0, language: .java) }
        XCTAssertEqual(facts.uses.count, 22)
        for u in facts.uses {
            let offset = Int(u.offset!)
            var ls = offset
            while ls > 0 && bytes[ls - 1] != 0x0A { ls -= 1 }
            var le = offset
            while le < bytes.count && bytes[le] != 0x0A { le += 1 }
            XCTAssertEqual(u.column, offset - ls + 1, "offset \(offset)")
            var line = String(decoding: bytes[ls..<le], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if line.count > 200 { line = String(line.prefix(200)) + "…" }
            XCTAssertEqual(u.evidence, line, "offset \(offset)")
        }
        XCTAssertEqual(facts.uses.first?.column, 15)
    }

    func testJavaScript() {
        let src = """
        const crypto = require('crypto');
        const re = /"md5"|'/g;   // a regex with quotes must not confuse the lexer
        function hashPassword(password) { return crypto.createHash('md5').update(password).digest('hex'); }
        function etag(body) { return crypto.createHash('sha1').update(body).digest('hex'); }
        const c1 = crypto.createCipheriv('des-ede3-cbc', key, iv);
        const c2 = crypto.createCipheriv('aes-256-gcm', key, crypto.randomBytes(12));
        const c3 = crypto.createCipheriv('aes-128-cbc', 'hardcodedkey1234', Buffer.alloc(16));
        const agent = new https.Agent({ rejectUnauthorized: false });
        const token = Math.random().toString(36).slice(2);
        const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
        const d = await crypto.subtle.digest('SHA-1', data);
        const e = await crypto.subtle.encrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, key, data);
        const x = `createHash('md5') in a template`;
        """
        XCTAssertEqual(sourceFindings("a.js", src), [
            "crypto.hash.weak 3 MD5", "crypto.cipher.broken 5 3DES-168-CBC", "crypto.key.hardcoded 7", "crypto.iv.static 7",
            "crypto.tls.no-cert-validation 8", "crypto.random.weak 9 Math.random", "crypto.key.size 10 RSA-1024", "crypto.hash.weak 11 SHA-1",
            "crypto.iv.static 12",
        ])
    }

    func testCSharp() {
        let src = """
        using System.Security.Cryptography;
        class S {
            void A(string password, byte[] salt) {
                var md5 = MD5.Create();
                var rsa = new RSACryptoServiceProvider(1024);
                var ok = new RSACryptoServiceProvider(4096);
                var aes = Aes.Create();
                aes.Mode = CipherMode.ECB;
                aes.Key = Encoding.UTF8.GetBytes("0123456789abcdef");
                var tdes = TripleDES.Create();
                var kdf = new Rfc2898DeriveBytes(password, salt, 1000);
                ServicePointManager.ServerCertificateValidationCallback = (s, c, ch, e) => true;
                handler.ServerCertificateCustomValidationCallback = (m, c, ch, e) => e == SslPolicyErrors.None;
                var p = SslProtocols.Tls | SslProtocols.Tls12;
                var token = new Random().Next().ToString();
                var path = @"C:\\MD5.Create()\\";
            }
        }
        """
        XCTAssertEqual(sourceFindings("S.cs", src), [
            "crypto.hash.weak 4 MD5", "crypto.key.size 5 RSA-1024", "crypto.cipher.ecb 7 AES-ECB", "crypto.key.hardcoded 9",
            "crypto.cipher.broken 10 3DES", "crypto.pbe.iterations 11", "crypto.tls.no-cert-validation 12", "crypto.protocol.weak 14 TLSv1.0",
            "crypto.random.weak 15 Random",
        ])
    }
}
