/// JavaScript and TypeScript: Node crypto, WebCrypto (crypto.subtle), tls/https, sm-crypto, crypto-js.
enum JavaScriptAPIs {
    static let table = """
    crypto?.createHash                  digest(0)
    crypto?.createHmac                  mac(0) key(1)
    crypto?.createCipheriv              cipher(0) key(1) iv(2)
    crypto?.createDecipheriv            cipher(0) key(1) iv(2)
    crypto?.createCipher                cipher(0) pass(1)
    crypto?.createDecipher              cipher(0) pass(1)
    crypto?.pbkdf2Sync                  kdf=PBKDF2 pass(0) salt(1) iter(2) kdfhash(4)
    crypto?.pbkdf2                      kdf=PBKDF2 pass(0) salt(1) iter(2) kdfhash(4)
    crypto?.generateKeyPairSync         keygen(0) keysize(1|modulusLength) curve(1|namedCurve)
    crypto?.generateKeyPair             keygen(0) keysize(1|modulusLength) curve(1|namedCurve)
    crypto?.createECDH                  curve(0)
    crypto?.getRandomValues             fill(0)
    crypto?.randomFillSync              fill(0)
    subtle.digest                       digest(0|name)
    subtle.encrypt                      cipher(0|name) iv(0|iv) iv(0|counter)
    subtle.decrypt                      cipher(0|name) iv(0|iv)
    subtle.generateKey                  keygen(0|name) keysize(0|modulusLength) curve(0|namedCurve)
    subtle.importKey                    key(1) keyalg(2|name)
    subtle.deriveKey                    kdf=PBKDF2 salt(0|salt) iter(0|iterations)
    subtle.deriveBits                   kdf=PBKDF2 salt(0|salt) iter(0|iterations)
    subtle.sign                         sig(0|name)
    Math.random                         weakrng
    set:rejectUnauthorized              trustall(=false)
    set:NODE_TLS_REJECT_UNAUTHORIZED    trustall(=0)
    set:secureProtocol                  proto(=)
    set:minVersion                      proto(=)
    set:checkServerIdentity             hostall(=true)
    set:ciphers                         cipherstring(=)
    CryptoJS.MD5                        digest=MD5
    CryptoJS.SHA1                       digest=SHA-1
    CryptoJS.SHA256                     digest=SHA-256
    CryptoJS.HmacMD5                    mac=HMAC-MD5 key(1)
    CryptoJS.HmacSHA1                   mac=HMAC-SHA-1 key(1)
    CryptoJS.HmacSHA256                 mac=HMAC-SHA-256 key(1)
    DES.encrypt                         cipher=DES key(1)
    TripleDES.encrypt                   cipher=3DES key(1)
    RC4.encrypt                         cipher=RC4 key(1)
    AES.encrypt                         cipher=AES key(1) mode(2|mode) iv(2|iv)
    ref:mode.ECB                        mode=ECB
    sm2.doEncrypt                       cipher=SM2
    sm2.doSignature                     sig=SM2
    sm2.generateKeyPairHex              keygen=SM2
    sm3                                 digest=SM3
    sm4.encrypt                         cipher=SM4 key(1) mode(2|mode) iv(2|iv)
    sm4.decrypt                         cipher=SM4 key(1) mode(2|mode) iv(2|iv)
    md5                                 digest=MD5
    sha1                                digest=SHA-1
    """
}
