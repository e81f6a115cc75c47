/* OpenSSL 3 for Swift: the headers, plus functions for what OpenSSL provides only as macros
 * (function-like macros do not import into Swift). Links libcrypto only: <openssl/ssl.h> is
 * here for its types and constants; a target that calls into libssl links it itself (see
 * CDSToolTLS). */
#ifndef DSTOOL_CRYPTO_H
#define DSTOOL_CRYPTO_H
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/objects.h>
#include <openssl/opensslv.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

void dstool_openssl_free(void *p);
int dstool_evp_md_ctx_size(const EVP_MD_CTX *ctx);
int dstool_evp_pkey_ctx_set_sm2_id(EVP_PKEY_CTX *ctx, const void *id, int len);
int dstool_evp_md_ctx_set_sm2_id(EVP_MD_CTX *ctx, const void *id, int len);
const char *dstool_openssl_version(void);
/* The first error on OpenSSL's queue as text (queue cleared); buf gets at most len-1 chars. */
void dstool_openssl_last_error(char *buf, size_t len);
int dstool_sk_x509_num(const STACK_OF(X509) *sk);
X509 *dstool_sk_x509_value(const STACK_OF(X509) *sk, int i);
void dstool_sk_x509_pop_free(STACK_OF(X509) *sk);
int dstool_sk_general_name_num(const GENERAL_NAMES *sk);
const GENERAL_NAME *dstool_sk_general_name_value(const GENERAL_NAMES *sk, int i);
void dstool_general_names_free(GENERAL_NAMES *sk);
/* crypto-audit: cipher lists, memory BIOs, names as RFC 2253 text with UTF-8 kept. */
int dstool_sk_ssl_cipher_num(const STACK_OF(SSL_CIPHER) *sk);
const SSL_CIPHER *dstool_sk_ssl_cipher_value(const STACK_OF(SSL_CIPHER) *sk, int i);
long dstool_bio_mem_contents(BIO *bio, const char **data);
int dstool_x509_name_print(BIO *bio, const X509_NAME *name);
/* Finding fingerprints: SHA-256 of a short buffer in one call without the EVP layer, which
 * allocates and frees a context per call (as much work as hashing the ~150 bytes). */
void dstool_sha256(const void *data, size_t len, unsigned char out[32]);
#endif
