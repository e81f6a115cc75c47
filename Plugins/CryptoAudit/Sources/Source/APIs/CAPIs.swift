/// C and C++: OpenSSL (EVP, legacy low-level APIs, libssl), GmSSL 3, libc rand.
enum CAPIs {
    static let table = """
    EVP_                                evp
    EVP_get_cipherbyname                cipher(0)
    EVP_get_digestbyname                digest(0)
    EVP_CIPHER_fetch                    cipher(1)
    EVP_MD_fetch                        digest(1)
    EVP_MAC_fetch                       mac(1)
    EVP_EncryptInit_ex                  key(3) iv(4)
    EVP_DecryptInit_ex                  key(3) iv(4)
    EVP_CipherInit_ex                   key(3) iv(4)
    EVP_EncryptInit                     key(2) iv(3)
    EVP_DecryptInit                     key(2) iv(3)
    EVP_BytesToKey                      kdf=EVP_BytesToKey kdfhash(1) salt(2) iter(5)
    PKCS5_PBKDF2_HMAC                   kdf=PBKDF2 pass(0) salt(2) iter(4)
    PKCS5_PBKDF2_HMAC_SHA1              kdf=PBKDF2 pass(0) salt(2) iter(4)
    EVP_PKEY_CTX_set_rsa_keygen_bits    keysize=RSA(1)
    EVP_PKEY_CTX_set_ec_paramgen_curve_nid curve(1)
    EC_KEY_new_by_curve_name            curve(0)
    EC_GROUP_new_by_curve_name          curve(0)
    RSA_generate_key                    keysize=RSA(0)
    RSA_generate_key_ex                 keysize=RSA(1)
    DSA_generate_parameters_ex          keysize=DSA(1)
    DH_generate_parameters_ex           keysize=DH(1)
    MD5                                 digest=MD5
    MD5_Init                            digest=MD5
    MD4_Init                            digest=MD4
    SHA1                                digest=SHA-1
    SHA1_Init                           digest=SHA-1
    SHA256_Init                         digest=SHA-256
    HMAC                                mac(0) key(1)
    DES_set_key                         cipher=DES key(0)
    DES_set_key_checked                 cipher=DES key(0)
    DES_set_key_unchecked               cipher=DES key(0)
    DES_ecb_encrypt                     cipher=DES mode=ECB
    DES_ncbc_encrypt                    cipher=DES mode=CBC
    DES_ede3_cbc_encrypt                cipher=3DES mode=CBC
    RC4_set_key                         cipher=RC4 key(2)
    BF_set_key                          cipher=Blowfish key(2)
    RC2_set_key                         cipher=RC2 key(2)
    AES_set_encrypt_key                 cipher=AES key(0) keysize=AES(1)
    AES_ecb_encrypt                     cipher=AES mode=ECB
    AES_cbc_encrypt                     cipher=AES mode=CBC iv(4)
    SSLv2_method                        proto=SSLv2
    SSLv3_method                        proto=SSLv3
    SSLv3_client_method                 proto=SSLv3
    TLSv1_method                        proto=TLSv1.0
    TLSv1_client_method                 proto=TLSv1.0
    TLSv1_server_method                 proto=TLSv1.0
    TLSv1_1_method                      proto=TLSv1.1
    TLSv1_1_client_method               proto=TLSv1.1
    TLSv1_2_method                      proto=TLSv1.2
    SSL_CTX_set_min_proto_version       proto(1)
    SSL_CTX_set_cipher_list             cipherstring(1)
    SSL_CTX_set_verify                  trustall(1=SSL_VERIFY_NONE)
    SSL_set_verify                      trustall(1=SSL_VERIFY_NONE)
    RAND_bytes                          fill(0)
    RAND_priv_bytes                     fill(0)
    rand                                weakrng
    random                              weakrng
    drand48                             weakrng
    sm4_set_encrypt_key                 cipher=SM4 key(1)
    sm4_set_decrypt_key                 cipher=SM4 key(1)
    sm4_cbc_encrypt                     cipher=SM4 mode=CBC iv(1)
    sm4_cbc_padding_encrypt             cipher=SM4 mode=CBC iv(1)
    sm4_ctr_encrypt                     cipher=SM4 mode=CTR iv(1)
    sm4_gcm_encrypt                     cipher=SM4 mode=GCM iv(1)
    sm4_encrypt                         cipher=SM4
    sm3_init                            digest=SM3
    sm3_digest                          digest=SM3
    sm3_hmac_init                       mac=HMAC-SM3 key(1)
    sm2_key_generate                    keygen=SM2
    sm2_sign                            sig=SM2
    sm2_encrypt                         cipher=SM2
    sm9_sign                            sig=SM9
    zuc_init                            cipher=ZUC key(1) iv(2)
    zuc_encrypt                         cipher=ZUC
    """
}
