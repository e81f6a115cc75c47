/// Python: hashlib, hmac, ssl, random, requests, pyca/cryptography, PyCryptodome, gmssl, PyJWT.
enum PythonAPIs {
    static let table = """
    hashlib?.md5                        digest=MD5 nosec(usedforsecurity)
    hashlib?.sha1                       digest=SHA-1 nosec(usedforsecurity)
    hashlib.sha224                      digest=SHA-224
    hashlib.sha256                      digest=SHA-256
    hashlib.sha384                      digest=SHA-384
    hashlib.sha512                      digest=SHA-512
    hashlib.sha3_256                    digest=SHA3-256
    hashlib.blake2b                     digest=BLAKE2b
    hashlib.new                         digest(0|name) nosec(usedforsecurity)
    hashlib.pbkdf2_hmac                 kdf=PBKDF2 kdfhash(0|hash_name) pass(1|password) salt(2|salt) iter(3|iterations)
    hmac.new                            key(0|key) mac(2|digestmod)
    hmac.digest                         key(0|key) mac(2|digest)
    hashes.MD5                          digest=MD5
    hashes.SHA1                         digest=SHA-1
    hashes.SHA256                       digest=SHA-256
    hashes.SM3                          digest=SM3
    algorithms.AES                      cipher=AES key(0|key)
    algorithms.TripleDES                cipher=3DES key(0|key)
    algorithms.Blowfish                 cipher=Blowfish key(0|key)
    algorithms.ARC4                     cipher=RC4 key(0|key)
    algorithms.IDEA                     cipher=IDEA key(0|key)
    algorithms.CAST5                    cipher=CAST5 key(0|key)
    algorithms.SM4                      cipher=SM4 key(0|key)
    algorithms.ChaCha20                 cipher=ChaCha20 key(0|key)
    modes.ECB                           mode=ECB
    modes.CBC                           mode=CBC iv(0|initialization_vector)
    modes.CTR                           mode=CTR iv(0|nonce)
    modes.CFB                           mode=CFB iv(0|initialization_vector)
    modes.OFB                           mode=OFB iv(0|initialization_vector)
    modes.GCM                           mode=GCM iv(0|initialization_vector)
    AESGCM                              cipher=AES-GCM key(0|key)
    rsa.generate_private_key            keysize=RSA(1|key_size)
    dsa.generate_private_key            keysize=DSA(0|key_size)
    ec.generate_private_key             curve(0|curve)
    PBKDF2HMAC                          kdf=PBKDF2 kdfhash(0|algorithm) salt(2|salt) iter(3|iterations)
    Fernet                              key(0|key)
    AES.new                             cipher=AES key(0|key) mode(1|mode) iv(2|iv)
    DES.new                             cipher=DES key(0|key) mode(1|mode) iv(2|iv)
    DES3.new                            cipher=3DES key(0|key) mode(1|mode) iv(2|iv)
    ARC4.new                            cipher=RC4 key(0|key)
    ARC2.new                            cipher=RC2 key(0|key) mode(1|mode)
    Blowfish.new                        cipher=Blowfish key(0|key) mode(1|mode) iv(2|iv)
    CAST.new                            cipher=CAST5 key(0|key) mode(1|mode)
    ChaCha20.new                        cipher=ChaCha20 key(|key)
    MD5.new                             digest=MD5
    MD4.new                             digest=MD4
    MD2.new                             digest=MD2
    SHA1.new                            digest=SHA-1
    SHA.new                             digest=SHA-1
    SHA256.new                          digest=SHA-256
    RSA.generate                        keysize=RSA(0|bits)
    DSA.generate                        keysize=DSA(0|bits)
    ECC.generate                        curve(|curve)
    PBKDF2                              kdf=PBKDF2 pass(0|password) salt(1|salt) iter(3|count)
    HMAC.new                            key(0|key) mac(2|digestmod)
    get_random_bytes                    fill(0)
    sm4?.CryptSM4                       cipher=SM4 bind=sm4
    sm3_hash                            digest=SM3
    sm3.sm3_hash                        digest=SM3
    CryptSM2                            cipher=SM2
    *.crypt_ecb                         cipher=SM4 mode=ECB if=sm4
    *.crypt_cbc                         cipher=SM4 mode=CBC iv(0) if=sm4
    *.set_key                           key(0) if=sm4
    ssl.wrap_socket                     proto(|ssl_version)
    ssl._create_unverified_context      trustall
    ref:ssl._create_unverified_context  trustall
    ref:ssl.CERT_NONE                   trustall
    ref:ssl.PROTOCOL_SSLv2              proto=SSLv2
    ref:ssl.PROTOCOL_SSLv3              proto=SSLv3
    ref:ssl.PROTOCOL_TLSv1              proto=TLSv1.0
    ref:ssl.PROTOCOL_TLSv1_1            proto=TLSv1.1
    ref:ssl.PROTOCOL_TLSv1_2            proto=TLSv1.2
    ref:TLSVersion.SSLv3                proto=SSLv3
    ref:TLSVersion.TLSv1                proto=TLSv1.0
    ref:TLSVersion.TLSv1_1              proto=TLSv1.1
    ref:TLSVersion.TLSv1_2              proto=TLSv1.2
    ref:TLSVersion.TLSv1_3              proto=TLSv1.3
    *.set_ciphers                       cipherstring(0)
    set:check_hostname                  hostall(=false)
    set:verify                          trustall(=false)
    random.random                       weakrng
    random.randint                      weakrng
    random.randrange                    weakrng
    random.choice                       weakrng
    random.choices                      weakrng
    random.getrandbits                  weakrng
    random.randbytes                    weakrng
    random.sample                       weakrng
    random.uniform                      weakrng
    jwt.encode                          key(1|key) mac(|algorithm)
    """
}
