/// C#: System.Security.Cryptography, SslStream/ServicePointManager, BouncyCastle.NET.
enum CSharpAPIs {
    static let table = """
    MD5.Create                          digest=MD5
    SHA1.Create                         digest=SHA-1
    SHA256.Create                       digest=SHA-256
    MD5CryptoServiceProvider            digest=MD5
    SHA1CryptoServiceProvider           digest=SHA-1
    SHA1Managed                         digest=SHA-1
    MD5.HashData                        digest=MD5
    SHA1.HashData                       digest=SHA-1
    HashAlgorithm.Create                digest(0)
    CryptoConfig.CreateFromName         digest(0)
    HMACMD5                             mac=HMAC-MD5 key(0)
    HMACSHA1                            mac=HMAC-SHA-1 key(0)
    HMACSHA256                          mac=HMAC-SHA-256 key(0)
    DES.Create                          cipher=DES bind=cipher
    DESCryptoServiceProvider            cipher=DES bind=cipher
    TripleDES.Create                    cipher=3DES bind=cipher
    TripleDESCryptoServiceProvider      cipher=3DES bind=cipher
    RC2.Create                          cipher=RC2 bind=cipher
    RC2CryptoServiceProvider            cipher=RC2 bind=cipher
    Aes.Create                          cipher=AES bind=cipher
    AesManaged                          cipher=AES bind=cipher
    RijndaelManaged                     cipher=AES bind=cipher
    AesGcm                              cipher=AES-GCM key(0)
    RSACryptoServiceProvider            keysize=RSA(0)
    RSA.Create                          keysize=RSA(0)
    DSACryptoServiceProvider            keysize=DSA(0)
    ECDsa.Create                        curve(0)
    Rfc2898DeriveBytes                  kdf=PBKDF2 pass(0) salt(1) iter(2|iterations)
    ref:CipherMode.ECB                  mode=ECB
    set:*.Key                           key(=) if=cipher
    set:*.IV                            iv(=) if=cipher
    ref:SslProtocols.Ssl2               proto=SSLv2
    ref:SslProtocols.Ssl3               proto=SSLv3
    ref:SslProtocols.Tls                proto=TLSv1.0
    ref:SslProtocols.Tls11              proto=TLSv1.1
    ref:SslProtocols.Tls12              proto=TLSv1.2
    ref:SslProtocols.Tls13              proto=TLSv1.3
    ref:SecurityProtocolType.Ssl3       proto=SSLv3
    ref:SecurityProtocolType.Tls        proto=TLSv1.0
    ref:SecurityProtocolType.Tls11      proto=TLSv1.1
    ref:SecurityProtocolType.Tls12      proto=TLSv1.2
    ref:DangerousAcceptAnyServerCertificateValidator trustall
    set:ServerCertificateValidationCallback trustall(=true)
    set:ServerCertificateCustomValidationCallback trustall(=true)
    set:RemoteCertificateValidationCallback trustall(=true)
    Random                              weakrng bind=rng
    *.Next                              weakrng if=rng
    *.NextBytes                         weakrng if=rng
    *.NextBytes                         fill(0)
    *.GetBytes                          fill(0)
    RandomNumberGenerator.Fill          fill(0)
    SM2Engine                           cipher=SM2
    SM3Digest                           digest=SM3
    SM4Engine                           cipher=SM4
    """
}
