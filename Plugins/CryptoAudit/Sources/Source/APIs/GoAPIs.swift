/// Go: crypto/*, golang.org/x/crypto, math/rand, crypto/tls, gmsm (tjfoc, emmansun).
enum GoAPIs {
    static let table = """
    md5.New                             digest=MD5
    md5.Sum                             digest=MD5
    sha1.New                            digest=SHA-1
    sha1.Sum                            digest=SHA-1
    sha256.New                          digest=SHA-256
    sha256.Sum256                       digest=SHA-256
    sha512.New                          digest=SHA-512
    sha3.New256                         digest=SHA3-256
    md4.New                             digest=MD4
    sm3.New                             digest=SM3
    sm3.Sm3Sum                          digest=SM3
    sm3.Sum                             digest=SM3
    hmac.New                            mac(0) key(1)
    des.NewCipher                       cipher=DES key(0)
    des.NewTripleDESCipher              cipher=3DES key(0)
    rc4.NewCipher                       cipher=RC4 key(0)
    aes.NewCipher                       cipher=AES key(0)
    blowfish.NewCipher                  cipher=Blowfish key(0)
    cast5.NewCipher                     cipher=CAST5 key(0)
    sm4.NewCipher                       cipher=SM4 key(0)
    chacha20poly1305.New                cipher=ChaCha20-Poly1305 key(0)
    cipher.NewCBCEncrypter              mode=CBC iv(1)
    cipher.NewCBCDecrypter              mode=CBC iv(1)
    cipher.NewCFBEncrypter              mode=CFB iv(1)
    cipher.NewCFBDecrypter              mode=CFB iv(1)
    cipher.NewCTR                       mode=CTR iv(1)
    cipher.NewOFB                       mode=OFB iv(1)
    cipher.NewGCM                       mode=GCM
    *.Seal                              iv(1) if=aead
    cipher.NewGCM                       bind=aead
    rsa.GenerateKey                     keysize=RSA(1)
    rsa.GenerateMultiPrimeKey           keysize=RSA(2)
    ecdsa.GenerateKey                   curve(0)
    ecdh.P256                           curve=P-256
    sm2.GenerateKey                     keygen=SM2
    pbkdf2.Key                          kdf=PBKDF2 pass(0) salt(1) iter(2) kdfhash(4)
    scrypt.Key                          kdf=scrypt pass(0) salt(1)
    bcrypt.GenerateFromPassword         kdf=bcrypt
    set:InsecureSkipVerify              trustall(=true)
    set:MinVersion                      proto(=)
    set:MaxVersion                      proto(=)
    ref:tls.TLS_                        suite
    ref:tls.VersionSSL30                proto=SSLv3
    ref:tls.VersionTLS10                proto=TLSv1.0
    ref:tls.VersionTLS11                proto=TLSv1.1
    ref:tls.VersionTLS12                proto=TLSv1.2
    ref:tls.VersionTLS13                proto=TLSv1.3
    rand.Read                           fill(0)
    io.ReadFull                         fill(1)
    rand.Read                           weakrng import=math/rand
    rand.Int                            weakrng import=math/rand
    rand.Intn                           weakrng import=math/rand
    rand.Int63                          weakrng import=math/rand
    rand.Int31                          weakrng import=math/rand
    rand.Uint32                         weakrng import=math/rand
    rand.Uint64                         weakrng import=math/rand
    """
}
