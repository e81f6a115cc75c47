import XCTest
@testable import DSToolCryptoAudit

/// Python: hashlib, hmac, ssl, random, requests, pyca/cryptography, PyCryptodome.
final class PythonSourceTests: XCTestCase {
    func testHashes() {
        let src = """
        import hashlib
        def store(password, data):
            digest = hashlib.md5(password.encode()).hexdigest()
            etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
            cache_key = hashlib.sha1(data).hexdigest()
            ok = hashlib.sha256(password.encode()).hexdigest()
            sig = hashlib.new('sha1', token).hexdigest()
            h = hashlib.md5(data)
        # hashlib.md5(password) in a comment
        doc = "hashlib.md5(password)"
        doc2 = '''hashlib.sha1(token)'''
        """
        XCTAssertEqual(sourceFindings("h.py", src), ["crypto.hash.weak 3 MD5", "crypto.hash.weak 7 SHA-1", "crypto.hash.weak 8 MD5"])
        let sev = CryptoAuditEngine.auditSource(name: "h.py", text: src).map(\.severity)
        XCTAssertEqual(sev, [.high, .high, .medium])  // unknown purpose is medium
    }

    func testPyCryptodomeAndPyca() {
        let src = """
        from Crypto.Cipher import AES, DES
        from Crypto.Random import get_random_bytes
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        def enc(key, data):
            a = AES.new(key, AES.MODE_ECB)
            b = AES.new(get_random_bytes(16), AES.MODE_GCM)
            c = DES.new(b'8bytekey', DES.MODE_CBC, iv=b'\\x00' * 8)
            d = Cipher(algorithms.AES(key), modes.ECB())
            e = Cipher(algorithms.AES(key), modes.CBC(os.urandom(16)))
            f = Cipher(algorithms.TripleDES(key), modes.CBC(b"0000000000000000"))
        """
        XCTAssertEqual(sourceFindings("c.py", src), [
            "crypto.cipher.ecb 5 AES-ECB", "crypto.cipher.broken 7 DES-CBC", "crypto.key.hardcoded 7", "crypto.iv.static 7",
            "crypto.cipher.ecb 8 AES-ECB", "crypto.cipher.broken 10 3DES-CBC", "crypto.iv.static 10",
        ])
    }

    func testKeysRandomTLS() {
        let src = """
        import random, secrets, ssl, requests
        from cryptography.hazmat.primitives.asymmetric import rsa, ec
        weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        strong = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        small = ec.generate_private_key(ec.SECP192R1())
        fine = ec.generate_private_key(ec.SECP256R1())
        password = ''.join(random.choice(alphabet) for _ in range(12))
        roll = random.randint(1, 6)
        token = secrets.token_hex(16)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        r = requests.get(url, verify=False)
        s = requests.get(url, verify=True)
        dk = hashlib.pbkdf2_hmac('sha256', pw, b'static-salt', 1000)
        dk2 = hashlib.pbkdf2_hmac('sha256', pw, os.urandom(16), 600000)
        """
        XCTAssertEqual(sourceFindings("k.py", src), [
            "crypto.key.size 3 RSA-1024", "crypto.key.size 5 ECDSA-secp192r1", "crypto.random.weak 7 random.choice",
            "crypto.protocol.weak 10 TLSv1.0", "crypto.tls.no-hostname-verification 11", "crypto.tls.no-cert-validation 12",
            "crypto.tls.no-cert-validation 13", "crypto.salt.static 15", "crypto.pbe.iterations 15",
        ])
    }

    func testGmSSL() {
        let src = """
        from gmssl import sm4, sm3, func
        crypt = sm4.CryptSM4()
        crypt.set_key(b'3l5butlj26hvv313', sm4.SM4_ENCRYPT)
        out = crypt.crypt_ecb(data)
        h = sm3.sm3_hash(func.bytes_to_list(data))
        """
        XCTAssertEqual(sourceFindings("g.py", src), ["crypto.key.hardcoded 3", "crypto.cipher.ecb 4 SM4-ECB"])
    }
}
