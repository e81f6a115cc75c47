/// Java and Kotlin: JCA/JCE, BouncyCastle, JSSE, Apache HttpClient, java-jwt.
enum JVMAPIs {
    static let table = """
    Cipher.getInstance                  cipher(0,ecb)
    MessageDigest.getInstance           digest(0)
    DigestUtils.md5Hex                  digest=MD5
    DigestUtils.md5                     digest=MD5
    DigestUtils.sha1Hex                 digest=SHA-1
    DigestUtils.shaHex                  digest=SHA-1
    DigestUtils.sha1                    digest=SHA-1
    DigestUtils.sha256Hex               digest=SHA-256
    Hashing.md5                         digest=MD5
    Hashing.sha1                        digest=SHA-1
    Mac.getInstance                     mac(0)
    Signature.getInstance               sig(0)
    KeyPairGenerator.getInstance        keygen(0) bind=keygen
    KeyGenerator.getInstance            keygen(0) bind=keygen
    KeyAgreement.getInstance            keygen(0)
    KeyFactory.getInstance              keyalg(0)
    SecretKeyFactory.getInstance        cipher(0)
    *.initialize                        keysize(0) if=keygen
    *.init                              keysize(0) if=keygen
    RSAKeyGenParameterSpec              keysize=RSA(0)
    ECGenParameterSpec                  curve(0)
    SecretKeySpec                       key(0) keyalg(1)
    DESKeySpec                          key(0) cipher=DES
    DESedeKeySpec                       key(0) cipher=3DES
    IvParameterSpec                     iv(0)
    GCMParameterSpec                    iv(1)
    PBEKeySpec                          pass(0) salt(1) iter(2)
    PBEParameterSpec                    salt(0) iter(1)
    KeyStore.getInstance                bind=keystore
    *.load                              pass(1) if=keystore
    *.getKey                            pass(1) if=keystore
    *.setKeyEntry                       pass(2) if=keystore
    *.store                             pass(1) if=keystore
    checkServerTrusted                  body=empty trustall
    verify                              body=true param=SSLSession hostall
    @Value                              configfield
    SSLContext.getInstance              proto(0)
    *.setEnabledProtocols               protos(0)
    *.setEnabledCipherSuites            suites(0)
    *.setHostnameVerifier               hostall(0=true)
    *.setDefaultHostnameVerifier        hostall(0=true)
    ref:NoopHostnameVerifier            hostall
    ref:AllowAllHostnameVerifier        hostall
    ref:ALLOW_ALL_HOSTNAME_VERIFIER     hostall
    ref:TrustAllStrategy                trustall
    ref:TrustSelfSignedStrategy         trustall
    ref:InsecureTrustManagerFactory     trustall
    Random                              weakrng bind=rng
    ThreadLocalRandom.current           weakrng
    Math.random                         weakrng
    RandomStringUtils.random            weakrng
    RandomStringUtils.randomAlphanumeric weakrng
    RandomStringUtils.randomNumeric     weakrng
    RandomStringUtils.randomAscii       weakrng
    *.nextInt                           weakrng if=rng
    *.nextLong                          weakrng if=rng
    *.nextBytes                         fill(0)
    *.nextBytes                         weakrng if=rng
    Algorithm.HMAC256                   key(0) mac=HMAC-SHA-256
    Algorithm.HMAC384                   key(0) mac=HMAC-SHA-384
    Algorithm.HMAC512                   key(0) mac=HMAC-SHA-512
    ref:SignatureAlgorithm.HS256        mac=HMAC-SHA-256
    ref:SignatureAlgorithm.RS256        sig=SHA256withRSA
    BCrypt.hashpw                       kdf=bcrypt
    SM2Engine                           cipher=SM2
    SM3Digest                           digest=SM3
    SM4Engine                           cipher=SM4
    MD5Digest                           digest=MD5
    SHA1Digest                          digest=SHA-1
    DESEngine                           cipher=DES
    DESedeEngine                        cipher=3DES
    RC4Engine                           cipher=RC4
    BlowfishEngine                      cipher=Blowfish
    AESEngine                           cipher=AES
    """
}
