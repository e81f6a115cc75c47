/* libssl for Swift: what OpenSSL provides only as macros. Kept apart from CDSToolCrypto so that
 * only the plugins that speak TLS (crypto-audit's probe) load libssl; the host and the other
 * plugins need libcrypto alone. */
#ifndef DSTOOL_TLS_H
#define DSTOOL_TLS_H
#include <openssl/ssl.h>

long dstool_ssl_set_tlsext_host_name(SSL *ssl, const char *name);
long dstool_ssl_ctx_set_min_proto(SSL_CTX *ctx, int version);
long dstool_ssl_ctx_set_max_proto(SSL_CTX *ctx, int version);
#endif
